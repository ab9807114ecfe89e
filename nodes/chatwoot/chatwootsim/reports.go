package chatwootsim

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Reports (api/v2/accounts/reports_controller.rb, V2::ReportBuilder, ReportHelper), computed from
// the stored conversations, messages and reporting events. Administrators only.

// reportScope is the ReportHelper#scope object: conversations, messages and events it owns.
type reportScope struct {
	convs  []*conversation
	msgs   []*message
	events []*reportingEvent
}

func (c *ctx) reportScope(typ, id string) (*reportScope, *response) {
	accConvs := c.st.conversations.where(func(cv *conversation) bool { return cv.AccountID == c.acc.ID })
	accMsgs := c.st.messages.where(func(m *message) bool { return m.AccountID == c.acc.ID })
	accEvents := c.st.events.where(func(e *reportingEvent) bool { return e.AccountID == c.acc.ID })
	byConv := func(keep func(*conversation) bool) *reportScope {
		ids := map[int]bool{}
		s := &reportScope{}
		for _, cv := range accConvs {
			if keep(cv) {
				ids[cv.ID] = true
				s.convs = append(s.convs, cv)
			}
		}
		for _, m := range accMsgs {
			if ids[m.ConversationID] {
				s.msgs = append(s.msgs, m)
			}
		}
		for _, e := range accEvents {
			if ids[e.ConversationID] {
				s.events = append(s.events, e)
			}
		}
		return s
	}
	n := rubyToI(id)
	switch typ {
	case "account":
		return &reportScope{convs: accConvs, msgs: accMsgs, events: accEvents}, nil
	case "inbox":
		in := c.st.inboxes.get(n)
		if in == nil || in.AccountID != c.acc.ID {
			return nil, resourceNotFound()
		}
		return byConv(func(cv *conversation) bool { return cv.InboxID == in.ID }), nil
	case "agent":
		u := c.st.users.get(n)
		if u == nil || c.st.accountUser(c.acc.ID, u.ID) == nil {
			return nil, resourceNotFound()
		}
		s := &reportScope{}
		for _, cv := range accConvs {
			if cv.AssigneeID != nil && *cv.AssigneeID == u.ID {
				s.convs = append(s.convs, cv)
			}
		}
		for _, m := range accMsgs {
			if m.senderIs("User") && *m.SenderID == u.ID {
				s.msgs = append(s.msgs, m)
			}
		}
		for _, e := range accEvents {
			if e.UserID != nil && *e.UserID == u.ID {
				s.events = append(s.events, e)
			}
		}
		return s, nil
	case "label":
		l := c.st.labels.get(n)
		if l == nil || l.AccountID != c.acc.ID {
			return nil, resourceNotFound()
		}
		return byConv(func(cv *conversation) bool { return containsFold(cv.Labels, l.Title) }), nil
	case "team":
		t := c.st.teams.get(n)
		if t == nil || t.AccountID != c.acc.ID {
			return nil, resourceNotFound()
		}
		return byConv(func(cv *conversation) bool { return cv.TeamID != nil && *cv.TeamID == t.ID }), nil
	}
	return nil, internalError() // nil.conversations
}

// reportRange is DateRangeHelper#range: since...until (unix seconds), or nil without both.
type reportRange struct {
	since, until time.Time
	ok           bool
}

func parseRange(since, until string) reportRange {
	if strings.TrimSpace(since) == "" || strings.TrimSpace(until) == "" {
		return reportRange{}
	}
	return reportRange{since: time.Unix(int64(rubyToI(since)), 0).UTC(), until: time.Unix(int64(rubyToI(until)), 0).UTC(), ok: true}
}

func (r reportRange) contains(t time.Time) bool {
	return !r.ok || (!t.Before(r.since) && t.Before(r.until))
}

// decimal renders an average the way a BigDecimal reaches JSON: a string such as "120.0".
func decimal(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// period truncates t to the group_by period in loc.
func period(t time.Time, groupBy string, loc *time.Location) time.Time {
	t = t.In(loc)
	switch groupBy {
	case "hour":
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), 0, 0, 0, loc)
	case "week": // groupdate weeks start on Sunday
		d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
		return d.AddDate(0, 0, -int(d.Weekday()))
	case "month":
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
	case "year":
		return time.Date(t.Year(), 1, 1, 0, 0, 0, 0, loc)
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

func nextPeriod(t time.Time, groupBy string) time.Time {
	switch groupBy {
	case "hour":
		return t.Add(time.Hour)
	case "week":
		return t.AddDate(0, 0, 7)
	case "month":
		return t.AddDate(0, 1, 0)
	case "year":
		return t.AddDate(1, 0, 0)
	}
	return t.AddDate(0, 0, 1)
}

type point struct {
	at    time.Time
	value float64
}

// series groups points per period with groupdate's gap filling (default_value 0).
func series(points []point, r reportRange, groupBy string, loc *time.Location, average bool) []obj {
	sums := map[time.Time]float64{}
	counts := map[time.Time]int{}
	var first, last time.Time
	for i, p := range points {
		k := period(p.at, groupBy, loc)
		sums[k] += p.value
		counts[k]++
		if i == 0 || k.Before(first) {
			first = k
		}
		if i == 0 || k.After(last) {
			last = k
		}
	}
	if r.ok {
		first = period(r.since, groupBy, loc)
		last = period(r.until.Add(-time.Nanosecond), groupBy, loc)
	} else if len(points) == 0 {
		return []obj{}
	}
	out := []obj{}
	for k := first; !k.After(last); k = nextPeriod(k, groupBy) {
		var v any = counts[k]
		if average {
			if counts[k] > 0 {
				v = decimal(sums[k] / float64(counts[k]))
			} else {
				v = 0
			}
			out = append(out, obj{{"value", v}, {"timestamp", k.Unix()}, {"count", counts[k]}})
			continue
		}
		out = append(out, obj{{"value", v}, {"timestamp", k.Unix()}})
	}
	return out
}

func (c *ctx) reportLocation() *time.Location {
	off, err := strconv.ParseFloat(c.strOr("timezone_offset", "0"), 64)
	if err != nil {
		off = 0
	}
	return time.FixedZone("offset", int(off*3600))
}

func (c *ctx) strOr(k, def string) string {
	if s, ok := c.str(k); ok && c.val(k) != nil {
		return s
	}
	return def
}

// metricPoints returns the points of a metric, or false for an unknown metric.
func metricPoints(s *reportScope, metric string, r reportRange) ([]point, bool, bool) {
	var pts []point
	switch metric {
	case "conversations_count":
		for _, cv := range s.convs {
			if r.contains(cv.CreatedAt) {
				pts = append(pts, point{at: cv.CreatedAt, value: 1})
			}
		}
		return pts, false, true
	case "incoming_messages_count", "outgoing_messages_count":
		want := 0
		if metric == "outgoing_messages_count" {
			want = 1
		}
		for _, m := range s.msgs {
			if m.MessageType == want && r.contains(m.CreatedAt) {
				pts = append(pts, point{at: m.CreatedAt, value: 1})
			}
		}
		return pts, false, true
	case "resolutions_count":
		seen := map[int]bool{}
		convs := map[int]*conversation{}
		for _, cv := range s.convs {
			convs[cv.ID] = cv
		}
		for _, e := range s.events {
			cv := convs[e.ConversationID]
			if e.Name == "conversation_resolved" && r.contains(e.CreatedAt) && !seen[e.ConversationID] && (cv == nil || cv.Status == "resolved") {
				seen[e.ConversationID] = true
				pts = append(pts, point{at: e.CreatedAt, value: 1})
			}
		}
		return pts, false, true
	case "avg_first_response_time", "avg_resolution_time", "reply_time":
		name := map[string]string{"avg_first_response_time": "first_response", "avg_resolution_time": "conversation_resolved", "reply_time": "reply_time"}[metric]
		for _, e := range s.events {
			if e.Name == name && r.contains(e.CreatedAt) {
				pts = append(pts, point{at: e.CreatedAt, value: e.Value})
			}
		}
		return pts, true, true
	}
	return nil, false, false
}

var groupBys = map[string]bool{"day": true, "week": true, "month": true, "year": true, "hour": true}

// reportsIndex is ReportsController#index (V2::ReportBuilder#build).
func (c *ctx) reportsIndex() *response {
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	typ, _ := c.str("type")
	if !c.present("type") {
		return internalError() // nil.to_sym
	}
	id, _ := c.str("id")
	scope, resp := c.reportScope(typ, id)
	if resp != nil {
		return resp
	}
	metric, _ := c.str("metric")
	since, _ := c.str("since")
	until, _ := c.str("until")
	r := parseRange(since, until)
	pts, average, valid := metricPoints(scope, metric, r)
	if !valid {
		return okResp([]obj{})
	}
	groupBy := c.strOr("group_by", "day")
	if !groupBys[groupBy] {
		return internalError()
	}
	return okResp(series(pts, r, groupBy, c.reportLocation(), average))
}

func summaryOf(s *reportScope, r reportRange) obj {
	count := func(metric string) int {
		pts, _, _ := metricPoints(s, metric, r)
		return len(pts)
	}
	avg := func(metric string) any {
		pts, _, _ := metricPoints(s, metric, r)
		if len(pts) == 0 {
			return 0
		}
		sum := 0.0
		for _, p := range pts {
			sum += p.value
		}
		return decimal(sum / float64(len(pts)))
	}
	return obj{
		{"conversations_count", count("conversations_count")}, {"incoming_messages_count", count("incoming_messages_count")},
		{"outgoing_messages_count", count("outgoing_messages_count")}, {"avg_first_response_time", avg("avg_first_response_time")},
		{"avg_resolution_time", avg("avg_resolution_time")}, {"resolutions_count", count("resolutions_count")},
		{"reply_time", avg("reply_time")},
	}
}

// reportsSummary is ReportsController#summary with the previous period of the same length.
func (c *ctx) reportsSummary() *response {
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	typ, _ := c.str("type")
	if !c.present("type") {
		return internalError()
	}
	id, _ := c.str("id")
	scope, resp := c.reportScope(typ, id)
	if resp != nil {
		return resp
	}
	since, _ := c.str("since")
	until, _ := c.str("until")
	cur := parseRange(since, until)
	prevSince := strconv.Itoa(rubyToI(since) - (rubyToI(until) - rubyToI(since)))
	prev := parseRange(prevSince, since)
	out := summaryOf(scope, cur)
	return okResp(append(out, kv{"previous", summaryOf(scope, prev)}))
}

// reportsConversations is ReportsController#conversations: live open-conversation metrics.
func (c *ctx) reportsConversations() *response {
	if resp := c.requireAdmin(); resp != nil {
		return resp
	}
	if !c.present("type") {
		return headStatus(http.StatusUnprocessableEntity)
	}
	typ, _ := c.str("type")
	open := func(keep func(*conversation) bool) []*conversation {
		return c.st.conversations.where(func(cv *conversation) bool { return cv.AccountID == c.acc.ID && cv.Status == "open" && keep(cv) })
	}
	countUnattended := func(cs []*conversation) int {
		n := 0
		for _, cv := range cs {
			if unattended(cv) {
				n++
			}
		}
		return n
	}
	switch typ {
	case "account":
		cs := open(func(*conversation) bool { return true })
		unassigned := 0
		for _, cv := range cs {
			if cv.AssigneeID == nil {
				unassigned++
			}
		}
		return okResp(obj{{"open", len(cs)}, {"unattended", countUnattended(cs)}, {"unassigned", unassigned}})
	case "agent":
	case "inbox", "label", "team":
		return resourceNotFound() // the scope is looked up with a nil id
	default:
		return internalError()
	}
	aus := c.st.accountUsers.where(func(au *accountUser) bool { return au.AccountID == c.acc.ID })
	type row struct {
		o    obj
		open int
	}
	var rows []row
	for _, au := range page(aus, c.val("page"), 25) {
		u := c.st.users.get(au.UserID)
		if u == nil {
			continue
		}
		cs := open(func(cv *conversation) bool { return cv.AssigneeID != nil && *cv.AssigneeID == u.ID })
		rows = append(rows, row{open: len(cs), o: obj{
			{"id", u.ID}, {"name", u.Name}, {"email", u.Email}, {"thumbnail", ""}, {"availability", au.availabilityStatus()},
			{"metric", obj{{"open", len(cs)}, {"unattended", countUnattended(cs)}}},
		}})
	}
	// sort_by { open }.reverse
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].open < rows[j].open })
	out := make([]obj, 0, len(rows))
	for i := len(rows) - 1; i >= 0; i-- {
		out = append(out, rows[i].o)
	}
	return okResp(out)
}
