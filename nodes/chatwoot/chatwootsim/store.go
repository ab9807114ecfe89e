package chatwootsim

import (
	"sort"
	"time"
)

// table is one database table: rows keyed by id, listed in id order (the database's default order).
type table[T any] struct {
	last int
	ids  []int // sorted ids of the live rows
	rows map[int]*T
}

func newTable[T any]() *table[T] { return &table[T]{rows: map[int]*T{}} }

// next reserves the next id, like a serial column.
func (t *table[T]) next() int {
	t.last++
	return t.last
}

func (t *table[T]) put(id int, v *T) {
	if _, exists := t.rows[id]; !exists {
		i := sort.SearchInts(t.ids, id)
		t.ids = append(t.ids, 0)
		copy(t.ids[i+1:], t.ids[i:])
		t.ids[i] = id
	}
	t.rows[id] = v
}

func (t *table[T]) get(id int) *T { return t.rows[id] }

func (t *table[T]) remove(id int) {
	if _, exists := t.rows[id]; !exists {
		return
	}
	delete(t.rows, id)
	i := sort.SearchInts(t.ids, id)
	t.ids = append(t.ids[:i], t.ids[i+1:]...)
}

func (t *table[T]) list() []*T {
	out := make([]*T, 0, len(t.ids))
	for _, id := range t.ids {
		out = append(out, t.rows[id])
	}
	return out
}

func (t *table[T]) where(keep func(*T) bool) []*T {
	var out []*T
	for _, id := range t.ids {
		if v := t.rows[id]; keep(v) {
			out = append(out, v)
		}
	}
	return out
}

func (t *table[T]) first(keep func(*T) bool) *T {
	for _, id := range t.ids {
		if v := t.rows[id]; keep(v) {
			return v
		}
	}
	return nil
}

// state is the whole simulated database. It is guarded by Server.mu.
type state struct {
	accounts        *table[account]
	users           *table[user]
	accountUsers    *table[accountUser]
	platformApps    *table[platformApp]
	bots            *table[agentBot]
	inboxes         *table[inbox]
	contacts        *table[contact]
	contactInboxes  *table[contactInbox]
	conversations   *table[conversation]
	messages        *table[message]
	attachments     *table[attachment]
	teams           *table[team]
	canned          *table[cannedResponse]
	customAttrs     *table[customAttr]
	customFilters   *table[customFilter]
	webhooks        *table[webhook]
	automationRules *table[automationRule]
	portals         *table[portal]
	categories      *table[category]
	articles        *table[article]
	hooks           *table[hook]
	labels          *table[label]
	events          *table[reportingEvent]

	tokens map[string]tokenOwner // access_tokens.token -> owner
	// convMessages indexes messages by conversation database id (the index on conversation_id).
	convMessages map[int][]*message

	apiChannelSeq    int
	widgetChannelSeq int
	tokenSeq         int
	uuidSeq          int
	pubsubSeq        int
}

func newState() *state {
	return &state{
		accounts: newTable[account](), users: newTable[user](), accountUsers: newTable[accountUser](),
		platformApps: newTable[platformApp](), bots: newTable[agentBot](), inboxes: newTable[inbox](),
		contacts: newTable[contact](), contactInboxes: newTable[contactInbox](),
		conversations: newTable[conversation](), messages: newTable[message](),
		attachments: newTable[attachment](), teams: newTable[team](), canned: newTable[cannedResponse](),
		customAttrs: newTable[customAttr](), customFilters: newTable[customFilter](),
		webhooks: newTable[webhook](), automationRules: newTable[automationRule](),
		portals: newTable[portal](), categories: newTable[category](), articles: newTable[article](),
		hooks: newTable[hook](), labels: newTable[label](), events: newTable[reportingEvent](),
		tokens: map[string]tokenOwner{}, convMessages: map[int][]*message{},
	}
}

// tokenOwner is the polymorphic owner of an AccessToken row.
type tokenOwner struct {
	kind string // User, AgentBot, PlatformApp
	id   int
}

type account struct {
	ID                  int
	Name                string
	Locale              string
	Domain              *string
	SupportEmail        *string
	Features            map[string]bool
	CustomAttributes    jsonb
	Limits              jsonb
	Status              string // active / suspended
	AutoResolveDuration *int
	CreatedAt           time.Time
	UpdatedAt           time.Time
	convSeq             int // conv_dpid_seq_<account id>
	AgentLimit          int
}

type user struct {
	ID               int
	Name             string
	DisplayName      *string
	Email            string
	Password         string
	Confirmed        bool
	PubsubToken      string
	Token            string
	CustomAttributes jsonb
	UISettings       jsonb
	MessageSignature *string
	Type             *string
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (u *user) availableName() string {
	if u.DisplayName != nil && *u.DisplayName != "" {
		return *u.DisplayName
	}
	return u.Name
}

type accountUser struct {
	ID           int
	AccountID    int
	UserID       int
	Role         string // agent / administrator
	InviterID    *int
	CreatedAt    time.Time
	UpdatedAt    time.Time
	ActiveAt     *time.Time
	Availability string // online / offline / busy
	AutoOffline  bool
}

// availabilityStatus is the presence-derived status: nobody holds a websocket open to the
// simulator, so an auto_offline agent is always offline (AvailabilityStatusable).
func (au *accountUser) availabilityStatus() string {
	if !au.AutoOffline {
		return au.Availability
	}
	return "offline"
}

type platformApp struct {
	ID           int
	Name         string
	Token        string
	permissibles map[string]bool // "Account:1", "User:2", "AgentBot:3"
}

type agentBot struct {
	ID          int
	Name        *string
	Description *string
	OutgoingURL *string
	BotType     string
	BotConfig   jsonb
	AccountID   *int
	Token       string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

type workingHour struct {
	DayOfWeek    int
	ClosedAllDay bool
	OpenHour     *int
	OpenMinutes  *int
	CloseHour    *int
	CloseMinutes *int
	OpenAllDay   bool
}

type inbox struct {
	ID                         int
	AccountID                  int
	Name                       string
	ChannelType                string // Channel::Api / Channel::WebWidget
	ChannelID                  int
	EnableAutoAssignment       bool
	GreetingEnabled            bool
	GreetingMessage            *string
	EmailAddress               *string
	WorkingHoursEnabled        bool
	OutOfOfficeMessage         *string
	Timezone                   string
	EnableEmailCollect         bool
	CSATSurveyEnabled          bool
	AllowMessagesAfterResolved bool
	AutoAssignmentConfig       jsonb
	LockToSingleConversation   bool
	PortalID                   *int
	SenderNameType             string
	BusinessName               *string
	WorkingHours               []workingHour
	Members                    []int
	AgentBotID                 *int
	CreatedAt                  time.Time
	UpdatedAt                  time.Time

	// Channel::Api and Channel::WebWidget columns.
	Identifier           string
	HMACToken            string
	HMACMandatory        bool
	WebhookURL           *string
	AdditionalAttributes jsonb
	WebsiteURL           *string
	WebsiteToken         string
	WidgetColor          string
	WelcomeTitle         *string
	WelcomeTagline       *string
	ReplyTime            string
	PreChatFormEnabled   bool
	PreChatFormOptions   jsonb
	ContinuityViaEmail   bool
	FeatureFlags         int
}

func (in *inbox) api() bool       { return in.ChannelType == "Channel::Api" }
func (in *inbox) webWidget() bool { return in.ChannelType == "Channel::WebWidget" }

func (in *inbox) hasMember(userID int) bool {
	for _, id := range in.Members {
		if id == userID {
			return true
		}
	}
	return false
}

type contact struct {
	ID                   int
	AccountID            int
	Name                 string
	Email                *string
	PhoneNumber          *string
	Identifier           *string
	AdditionalAttributes jsonb
	CustomAttributes     jsonb
	LastActivityAt       *time.Time
	CreatedAt            time.Time
	UpdatedAt            time.Time
}

type contactInbox struct {
	ID           int
	ContactID    int
	InboxID      int
	SourceID     string
	HMACVerified bool
	PubsubToken  string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

type conversation struct {
	ID                   int
	DisplayID            int
	AccountID            int
	InboxID              int
	ContactID            int
	ContactInboxID       int
	UUID                 string
	Status               string
	AssigneeID           *int
	TeamID               *int
	Priority             *string
	SnoozedUntil         *time.Time
	AdditionalAttributes jsonb
	CustomAttributes     jsonb
	Labels               []string
	Muted                bool
	AgentLastSeenAt      *time.Time
	AssigneeLastSeenAt   *time.Time
	ContactLastSeenAt    *time.Time
	FirstReplyCreatedAt  *time.Time
	WaitingSince         *time.Time
	LastActivityAt       time.Time
	CreatedAt            time.Time
	UpdatedAt            time.Time
}

type message struct {
	ID                   int
	AccountID            int
	InboxID              int
	ConversationID       int // database id of the conversation
	Content              *string
	MessageType          int // 0 incoming, 1 outgoing, 2 activity, 3 template
	ContentType          string
	ContentAttributes    map[string]any
	Private              bool
	Status               string
	SourceID             *string
	SenderType           *string
	SenderID             *int
	ExternalSourceIDs    jsonb
	AdditionalAttributes jsonb
	ProcessedContent     *string
	Sentiment            jsonb
	CreatedAt            time.Time
	UpdatedAt            time.Time
	echoID               string // attr_accessor: only on the create response
}

type attachment struct {
	ID        int
	AccountID int
	MessageID int
	FileType  string
	Extension *string
	FileName  string
	FileSize  int
	Token     string
}

type team struct {
	ID              int
	AccountID       int
	Name            string
	Description     *string
	AllowAutoAssign bool
	Members         []int
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

func (t *team) hasMember(userID int) bool {
	for _, id := range t.Members {
		if id == userID {
			return true
		}
	}
	return false
}

type cannedResponse struct {
	ID        int
	AccountID int
	ShortCode *string
	Content   *string
	CreatedAt time.Time
	UpdatedAt time.Time
}

type customAttr struct {
	ID             int
	AccountID      int
	DisplayName    *string
	Key            *string
	DisplayType    string
	DefaultValue   *int
	AttributeModel string
	Description    *string
	Values         []any
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

type customFilter struct {
	ID         int
	AccountID  int
	UserID     int
	Name       string
	FilterType string
	Query      any
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

type webhook struct {
	ID            int
	AccountID     int
	InboxID       *int
	URL           string
	Subscriptions []any
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

type automationRule struct {
	ID          int
	AccountID   int
	Name        string
	Description *string
	EventName   string
	Conditions  any
	Actions     any
	Active      bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

type portal struct {
	ID             int
	AccountID      int
	Name           string
	Slug           string
	CustomDomain   *string
	Color          *string
	HomepageLink   *string
	PageTitle      *string
	HeaderText     *string
	AllowedLocales []string
	DefaultLocale  *string
	Archived       bool
	Members        []int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (p *portal) defaultLocale() string {
	if p.DefaultLocale != nil {
		return *p.DefaultLocale
	}
	return "en"
}

type category struct {
	ID                   int
	AccountID            int
	PortalID             int
	Name                 *string
	Description          *string
	Position             *int
	Locale               string
	Slug                 string
	ParentCategoryID     *int
	AssociatedCategoryID *int
	Icon                 string
	Related              []int
	CreatedAt            time.Time
	UpdatedAt            time.Time
}

type article struct {
	ID                  int
	AccountID           int
	PortalID            int
	CategoryID          *int
	Title               *string
	Description         *string
	Content             *string
	Status              string
	Views               *int
	AuthorID            *int
	AssociatedArticleID *int
	Meta                jsonb
	Slug                string
	Position            *int
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

type hook struct {
	ID          int
	AccountID   int
	AppID       string
	InboxID     *int
	Status      string // enabled / disabled
	HookType    string // account / inbox
	ReferenceID *string
	AccessToken string
	Settings    jsonb
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// label is an account label. Chatwoot creates these through /labels (not in the spec); the
// simulator registers a label the first time a conversation is tagged with it.
type label struct {
	ID        int
	AccountID int
	Title     string
}

// reportingEvent is a row of reporting_events, written by the ReportingEventListener.
type reportingEvent struct {
	ID             int
	AccountID      int
	Name           string // first_response, reply_time, conversation_resolved
	Value          float64
	InboxID        int
	UserID         *int
	ConversationID int
	CreatedAt      time.Time
}

// addMessage inserts a message and indexes it by conversation.
func (st *state) addMessage(m *message) {
	st.messages.put(m.ID, m)
	st.convMessages[m.ConversationID] = append(st.convMessages[m.ConversationID], m)
}

// removeMessage deletes a message and its index entry.
func (st *state) removeMessage(m *message) {
	st.messages.remove(m.ID)
	list := st.convMessages[m.ConversationID]
	for i, x := range list {
		if x.ID == m.ID {
			st.convMessages[m.ConversationID] = append(list[:i:i], list[i+1:]...)
			break
		}
	}
}
