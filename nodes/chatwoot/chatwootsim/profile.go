package chatwootsim

// Profile (api/v1/profiles_controller.rb#show): user tokens only.

func (c *ctx) profileView(u *user) obj {
	active := c.st.activeAccountUser(u.ID)
	var accountID, inviter, role any
	if active != nil {
		accountID, inviter, role = active.AccountID, intOrNil(active.InviterID), active.Role
	}
	o := obj{
		{"access_token", u.Token}, {"account_id", accountID}, {"available_name", u.availableName()}, {"avatar_url", ""},
		{"confirmed", u.Confirmed}, {"display_name", strOrNil(u.DisplayName)}, {"message_signature", strOrNil(u.MessageSignature)},
		{"email", u.Email}, {"id", u.ID}, {"inviter_id", inviter}, {"name", u.Name}, {"provider", "email"},
		{"pubsub_token", u.PubsubToken},
	}
	if len(u.CustomAttributes) > 0 {
		o = append(o, kv{"custom_attributes", u.CustomAttributes})
	}
	accounts := []obj{}
	for _, au := range c.st.userAccountUsers(u.ID) {
		a := c.st.accounts.get(au.AccountID)
		if a == nil {
			continue
		}
		accounts = append(accounts, obj{
			{"id", a.ID}, {"name", a.Name}, {"status", a.Status}, {"active_at", isoPtr(au.ActiveAt)}, {"role", au.Role},
			{"availability", au.Availability}, {"availability_status", au.availabilityStatus()}, {"auto_offline", au.AutoOffline},
		})
	}
	return append(o, kv{"role", role}, kv{"ui_settings", u.UISettings}, kv{"uid", u.Email}, kv{"type", strOrNil(u.Type)},
		kv{"accounts", accounts})
}

func (c *ctx) showProfile() *response { return okResp(c.profileView(c.user)) }
