package chatwootsim

// Views shared by several families, each following its jbuilder partial's key order.

// agentView is api/v1/models/_agent for a user in account acc.
func agentView(st *state, acc *account, u *user) obj {
	au := st.accountUser(acc.ID, u.ID)
	var status, autoOffline, role any
	if au != nil {
		status, autoOffline, role = au.availabilityStatus(), au.AutoOffline, au.Role
	}
	o := obj{
		{"id", u.ID}, {"account_id", acc.ID}, {"availability_status", status}, {"auto_offline", autoOffline},
		{"confirmed", u.Confirmed}, {"email", u.Email}, {"available_name", u.availableName()},
	}
	if len(u.CustomAttributes) > 0 {
		o = append(o, kv{"custom_attributes", u.CustomAttributes})
	}
	return append(o, kv{"name", u.Name}, kv{"role", role}, kv{"thumbnail", ""})
}

// agentsView renders users in the given order.
func agentsView(st *state, acc *account, users []*user) []obj {
	out := make([]obj, 0, len(users))
	for _, u := range users {
		out = append(out, agentView(st, acc, u))
	}
	return out
}

// userPushData is User#push_event_data; availability_status needs Current.account (nil on the
// public API).
func userPushData(st *state, acc *account, u *user) obj {
	var status any
	if acc != nil {
		if au := st.accountUser(acc.ID, u.ID); au != nil {
			status = au.availabilityStatus()
		}
	}
	return obj{
		{"id", u.ID}, {"name", u.Name}, {"available_name", u.availableName()}, {"avatar_url", ""},
		{"type", "user"}, {"availability_status", status}, {"thumbnail", ""},
	}
}

// contactPushData is Contact#push_event_data.
func contactPushData(ct *contact) obj {
	return obj{
		{"additional_attributes", ct.AdditionalAttributes}, {"custom_attributes", ct.CustomAttributes},
		{"email", strOrNil(ct.Email)}, {"id", ct.ID}, {"identifier", strOrNil(ct.Identifier)},
		{"name", ct.Name}, {"phone_number", strOrNil(ct.PhoneNumber)}, {"thumbnail", ""}, {"type", "contact"},
	}
}

// botPushData is AgentBot#push_event_data(inbox): the avatar falls back to the inbox avatar ("").
func botPushData(b *agentBot) obj {
	return obj{{"id", b.ID}, {"name", strOrNil(b.Name)}, {"avatar_url", ""}, {"type", "agent_bot"}}
}

// workingHoursView is OutOfOffisable#weekly_schedule.
func workingHoursView(in *inbox) []obj {
	out := make([]obj, 0, len(in.WorkingHours))
	for _, w := range in.WorkingHours {
		out = append(out, obj{
			{"day_of_week", w.DayOfWeek}, {"closed_all_day", w.ClosedAllDay}, {"open_hour", intOrNil(w.OpenHour)},
			{"open_minutes", intOrNil(w.OpenMinutes)}, {"close_hour", intOrNil(w.CloseHour)},
			{"close_minutes", intOrNil(w.CloseMinutes)}, {"open_all_day", w.OpenAllDay},
		})
	}
	return out
}

// inboxView is api/v1/models/_inbox for API and web-widget channels; admin adds hmac_token.
func inboxView(st *state, in *inbox, admin bool) obj {
	o := obj{
		{"id", in.ID}, {"avatar_url", ""}, {"channel_id", in.ChannelID}, {"name", in.Name},
		{"channel_type", in.ChannelType}, {"greeting_enabled", in.GreetingEnabled},
		{"greeting_message", strOrNil(in.GreetingMessage)}, {"working_hours_enabled", in.WorkingHoursEnabled},
		{"enable_email_collect", in.EnableEmailCollect}, {"csat_survey_enabled", in.CSATSurveyEnabled},
		{"enable_auto_assignment", in.EnableAutoAssignment}, {"auto_assignment_config", in.AutoAssignmentConfig},
		{"out_of_office_message", strOrNil(in.OutOfOfficeMessage)}, {"working_hours", workingHoursView(in)},
		{"timezone", in.Timezone}, {"callback_webhook_url", nil},
		{"allow_messages_after_resolved", in.AllowMessagesAfterResolved},
		{"lock_to_single_conversation", in.LockToSingleConversation}, {"sender_name_type", in.SenderNameType},
		{"business_name", strOrNil(in.BusinessName)},
	}
	if in.PortalID != nil {
		if p := st.portals.get(*in.PortalID); p != nil {
			o = append(o, kv{"help_center", obj{{"name", p.Name}, {"slug", p.Slug}}})
		}
	}
	if in.webWidget() {
		o = append(o,
			kv{"widget_color", in.WidgetColor}, kv{"website_url", strOrNil(in.WebsiteURL)},
			kv{"hmac_mandatory", in.HMACMandatory}, kv{"welcome_title", strOrNil(in.WelcomeTitle)},
			kv{"welcome_tagline", strOrNil(in.WelcomeTagline)}, kv{"web_widget_script", widgetScript(in)},
			kv{"website_token", in.WebsiteToken}, kv{"selected_feature_flags", widgetFeatureFlags(in.FeatureFlags)},
			kv{"reply_time", in.ReplyTime})
		if admin {
			o = append(o, kv{"hmac_token", in.HMACToken})
		}
		o = append(o, kv{"pre_chat_form_enabled", in.PreChatFormEnabled},
			kv{"pre_chat_form_options", in.PreChatFormOptions}, kv{"continuity_via_email", in.ContinuityViaEmail})
	} else {
		o = append(o,
			kv{"widget_color", nil}, kv{"website_url", nil}, kv{"hmac_mandatory", in.HMACMandatory},
			kv{"welcome_title", nil}, kv{"welcome_tagline", nil}, kv{"web_widget_script", nil},
			kv{"website_token", nil}, kv{"selected_feature_flags", nil}, kv{"reply_time", nil})
	}
	o = append(o, kv{"messaging_service_sid", nil}, kv{"phone_number", nil})
	if in.api() {
		if admin {
			o = append(o, kv{"hmac_token", in.HMACToken})
		}
		o = append(o, kv{"webhook_url", strOrNil(in.WebhookURL)}, kv{"inbox_identifier", in.Identifier},
			kv{"additional_attributes", in.AdditionalAttributes})
	}
	return append(o, kv{"provider", nil})
}

func widgetScript(in *inbox) string {
	return `
    <script>
      (function(d,t) {
        var BASE_URL="";
        var g=d.createElement(t),s=d.getElementsByTagName(t)[0];
        g.src=BASE_URL+"/packs/js/sdk.js";
        g.defer = true;
        g.async = true;
        s.parentNode.insertBefore(g,s);
        g.onload=function(){
          window.chatwootSDK.run({
            websiteToken: '` + in.WebsiteToken + `',
            baseUrl: BASE_URL
          })
        }
      })(document,"script");
    </script>
    `
}

// widgetFeatureFlags decodes Channel::WebWidget feature_flags (attachments, emoji_picker, end_conversation).
func widgetFeatureFlags(flags int) []string {
	names := []string{"attachments", "emoji_picker", "end_conversation", "use_inbox_avatar_for_bot"}
	out := []string{}
	for i, n := range names {
		if flags&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// rawInbox is `inbox.as_json`: the 22 columns of the inboxes table.
func rawInbox(in *inbox) obj {
	return obj{
		{"id", in.ID}, {"channel_id", in.ChannelID}, {"account_id", in.AccountID}, {"name", in.Name},
		{"created_at", iso(in.CreatedAt)}, {"updated_at", iso(in.UpdatedAt)}, {"channel_type", in.ChannelType},
		{"enable_auto_assignment", in.EnableAutoAssignment}, {"greeting_enabled", in.GreetingEnabled},
		{"greeting_message", strOrNil(in.GreetingMessage)}, {"email_address", strOrNil(in.EmailAddress)},
		{"working_hours_enabled", in.WorkingHoursEnabled}, {"out_of_office_message", strOrNil(in.OutOfOfficeMessage)},
		{"timezone", in.Timezone}, {"enable_email_collect", in.EnableEmailCollect},
		{"csat_survey_enabled", in.CSATSurveyEnabled}, {"allow_messages_after_resolved", in.AllowMessagesAfterResolved},
		{"auto_assignment_config", in.AutoAssignmentConfig}, {"lock_to_single_conversation", in.LockToSingleConversation},
		{"portal_id", intOrNil(in.PortalID)}, {"sender_name_type", in.SenderNameType},
		{"business_name", strOrNil(in.BusinessName)},
	}
}

// contactView is api/v1/models/_contact; with contact inboxes it adds contact_inboxes.
func contactView(st *state, ct *contact, withInboxes, admin bool) obj {
	o := obj{
		{"additional_attributes", ct.AdditionalAttributes}, {"availability_status", "offline"},
		{"email", strOrNil(ct.Email)}, {"id", ct.ID}, {"name", ct.Name}, {"phone_number", strOrNil(ct.PhoneNumber)},
		{"identifier", strOrNil(ct.Identifier)}, {"thumbnail", ""}, {"custom_attributes", ct.CustomAttributes},
	}
	if ct.LastActivityAt != nil {
		o = append(o, kv{"last_activity_at", ct.LastActivityAt.Unix()})
	}
	o = append(o, kv{"created_at", ct.CreatedAt.Unix()})
	if withInboxes {
		cis := []obj{}
		for _, ci := range st.contactInboxes.where(func(ci *contactInbox) bool { return ci.ContactID == ct.ID }) {
			if in := st.inboxes.get(ci.InboxID); in != nil {
				cis = append(cis, obj{{"source_id", ci.SourceID}, {"inbox", inboxView(st, in, admin)}})
			}
		}
		o = append(o, kv{"contact_inboxes", cis})
	}
	return o
}

// rawContact is `contact.as_json` at the spec's commit (3.x columns).
func rawContact(ct *contact) obj {
	return obj{
		{"id", ct.ID}, {"name", ct.Name}, {"email", strOrNil(ct.Email)}, {"phone_number", strOrNil(ct.PhoneNumber)},
		{"account_id", ct.AccountID}, {"created_at", iso(ct.CreatedAt)}, {"updated_at", iso(ct.UpdatedAt)},
		{"additional_attributes", ct.AdditionalAttributes}, {"identifier", strOrNil(ct.Identifier)},
		{"custom_attributes", ct.CustomAttributes}, {"last_activity_at", isoPtr(ct.LastActivityAt)},
	}
}

// teamView is api/v1/models/_team; is_member is about Current.user.
func teamView(t *team, current *user) obj {
	member := current != nil && t.hasMember(current.ID)
	return obj{
		{"id", t.ID}, {"name", t.Name}, {"description", strOrNil(t.Description)},
		{"allow_auto_assign", t.AllowAutoAssign}, {"account_id", t.AccountID}, {"is_member", member},
	}
}

// rawTeam is `render json: team`.
func rawTeam(t *team) obj {
	return obj{
		{"id", t.ID}, {"name", t.Name}, {"description", strOrNil(t.Description)},
		{"allow_auto_assign", t.AllowAutoAssign}, {"account_id", t.AccountID},
		{"created_at", iso(t.CreatedAt)}, {"updated_at", iso(t.UpdatedAt)},
	}
}

// attachmentPushData is Attachment#push_event_data for file attachments.
func attachmentPushData(base string, a *attachment) obj {
	url := base + "/rails/active_storage/blobs/redirect/" + a.Token + "/" + a.FileName
	thumb := ""
	if a.FileType == "image" {
		thumb = base + "/rails/active_storage/representations/redirect/" + a.Token + "/" + a.FileName
	}
	return obj{
		{"id", a.ID}, {"message_id", a.MessageID}, {"file_type", a.FileType}, {"account_id", a.AccountID},
		{"extension", strOrNil(a.Extension)}, {"data_url", url}, {"thumb_url", thumb}, {"file_size", a.FileSize},
	}
}
