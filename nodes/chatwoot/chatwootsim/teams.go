package chatwootsim

import (
	"net/http"
	"strings"
)

// Teams and team members (api/v1/accounts/teams_controller.rb, team_members_controller.rb).

var teamAttrs = []string{"id", "name", "description", "allow_auto_assign", "account_id", "created_at", "updated_at"}

func (c *ctx) accountTeam(param string) *team {
	t := c.st.teams.get(c.pathID(param))
	if t == nil || t.AccountID != c.acc.ID {
		return nil
	}
	return t
}

func (c *ctx) listTeams() *response {
	out := []obj{}
	for _, t := range c.st.teams.where(func(t *team) bool { return t.AccountID == c.acc.ID }) {
		out = append(out, teamView(t, c.user))
	}
	return okResp(out)
}

func (c *ctx) showTeam() *response {
	t := c.accountTeam("id")
	if t == nil {
		return resourceNotFound()
	}
	return okResp(teamView(t, c.user))
}

// applyTeam sets name (down-cased by a before_validation), description and allow_auto_assign.
func (c *ctx) applyTeam(t *team, p map[string]any) *validation {
	if v, ok := p["name"]; ok {
		s, _ := asString(v)
		if v == nil {
			s = ""
		}
		t.Name = strings.ToLower(s)
	}
	if v, ok := p["description"]; ok {
		if s, isStr := asString(v); isStr {
			t.Description = &s
		} else {
			t.Description = nil
		}
	}
	if v, ok := p["allow_auto_assign"]; ok {
		b, _ := asBool(v)
		t.AllowAutoAssign = b
	}
	v := &validation{}
	if strings.TrimSpace(t.Name) == "" {
		v.add("name", "must not be blank")
	} else if c.st.teams.first(func(o *team) bool { return o.AccountID == t.AccountID && o.ID != t.ID && o.Name == t.Name }) != nil {
		v.add("name", "has already been taken")
	}
	return v
}

func (c *ctx) createTeam() *response {
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	p, resp := c.wrapped("team", teamAttrs)
	if resp != nil {
		return resp
	}
	t := &team{AccountID: c.acc.ID, AllowAutoAssign: true}
	if v := c.applyTeam(t, p); !v.empty() {
		return v.invalid()
	}
	t.ID = c.st.teams.next()
	t.CreatedAt, t.UpdatedAt = c.now, c.now
	c.st.teams.put(t.ID, t)
	return okResp(teamView(t, c.user))
}

func (c *ctx) updateTeam() *response {
	t := c.accountTeam("id")
	if t == nil {
		return resourceNotFound()
	}
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	p, resp := c.wrapped("team", teamAttrs)
	if resp != nil {
		return resp
	}
	probe := *t
	if v := c.applyTeam(&probe, p); !v.empty() {
		return v.invalid()
	}
	probe.UpdatedAt = c.now
	*t = probe
	return okResp(teamView(t, c.user))
}

func (c *ctx) deleteTeam() *response {
	t := c.accountTeam("id")
	if t == nil {
		return resourceNotFound()
	}
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	for _, cv := range c.st.conversations.where(func(cv *conversation) bool { return cv.TeamID != nil && *cv.TeamID == t.ID }) {
		cv.TeamID = nil // has_many :conversations, dependent: :nullify
	}
	c.st.teams.remove(t.ID)
	return headOK()
}

func (c *ctx) teamMembers(t *team) []*user {
	var out []*user
	for _, id := range t.Members {
		if u := c.st.users.get(id); u != nil {
			out = append(out, u)
		}
	}
	return out
}

func (c *ctx) listTeamMembers() *response {
	t := c.accountTeam("team_id")
	if t == nil {
		return resourceNotFound()
	}
	return okResp(agentsView(c.st, c.acc, c.teamMembers(t)))
}

// teamMemberIDs runs fetch_team, check_authorization and validate_member_id_params.
func (c *ctx) teamMemberIDs() (*team, []int, *response) {
	t := c.accountTeam("team_id")
	if t == nil {
		return nil, nil, resourceNotFound()
	}
	if resp := c.requireAdmin(); resp != nil {
		return nil, nil, resp
	}
	ids, ok := c.userIDsParam()
	if !ok {
		return nil, nil, internalError() // nil.map
	}
	for _, id := range ids {
		if c.st.accountUser(c.acc.ID, id) == nil {
			return nil, nil, errorObj(http.StatusUnauthorized, "Invalid User IDs")
		}
	}
	return t, ids, nil
}

// createTeamMembers answers only the users it added.
func (c *ctx) createTeamMembers() *response {
	t, ids, resp := c.teamMemberIDs()
	if resp != nil {
		return resp
	}
	before := append([]int(nil), t.Members...)
	var added []*user
	for _, id := range ids {
		if containsInt(before, id) {
			continue
		}
		if !t.hasMember(id) {
			t.Members = append(t.Members, id)
		}
		added = append(added, c.st.users.get(id))
	}
	return okResp(agentsView(c.st, c.acc, added))
}

// updateTeamMembers syncs the member list and answers every member.
func (c *ctx) updateTeamMembers() *response {
	t, ids, resp := c.teamMemberIDs()
	if resp != nil {
		return resp
	}
	before := append([]int(nil), t.Members...)
	for _, id := range ids {
		if !containsInt(before, id) && !t.hasMember(id) {
			t.Members = append(t.Members, id)
		}
	}
	var kept []int
	for _, id := range t.Members {
		if containsInt(ids, id) {
			kept = append(kept, id)
		}
	}
	t.Members = kept
	return okResp(agentsView(c.st, c.acc, c.teamMembers(t)))
}

func (c *ctx) deleteTeamMembers() *response {
	t, ids, resp := c.teamMemberIDs()
	if resp != nil {
		return resp
	}
	var kept []int
	for _, id := range t.Members {
		if !containsInt(ids, id) {
			kept = append(kept, id)
		}
	}
	t.Members = kept
	return headOK()
}
