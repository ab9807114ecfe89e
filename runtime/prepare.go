package runtime

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/rs/zerolog"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime/expr"
	"github.com/noderun/noderun/runtime/internal/params"
)

// Prepared is a run compiled once: parameters normalised, visibility
// decided, the operation selected, credentials loaded, and every routing
// contribution listed in merge order. Nothing in it depends on an item,
// so executing it does no per-item re-work beyond evaluating expressions.
// A Prepared is safe for concurrent use.
type Prepared struct {
	// missing names the function slots, null in a JSON description, of
	// the routing this run uses (node.Routing.Missing).
	missing  []string
	engine   *Engine
	nodeType *NodeType
	nodeName string
	version  float64
	settings node.Settings
	runIndex int
	nodes    expr.NodeLookup
	workflow expr.Workflow
	execute  expr.Execution
	log      zerolog.Logger
	check    InputCheck

	stored     map[string]any // the parameters as given
	parameters map[string]any // normalised (P1)
	// slots holds the normalised top-level parameters as items read them
	// (see paramSlot).
	slots map[string]*paramSlot
	// contexts pools item contexts between items.
	contexts sync.Pool
	// topLevel lists visible top-level parameters whose value holds an
	// expression: n8n evaluates them for every item even without routing (R16).
	topLevel []*paramSlot
	// staticOptions is the Request Options of every item, when they hold
	// no expression and are valid.
	staticOptions *requestOptionValues
	// dynamicParams counts the slots that hold an expression: the length
	// of an item context's cache.
	dynamicParams int

	cred *preparedCredential
	// store is the run's credential store, for writing renewed
	// credentials back (credentials.Updater).
	store credentials.Store

	defaults   []requestKey // requestDefaults, resolved per item (R2.1)
	steps      []step       // routing contributions in merge order (R2.2)
	operations *node.Operations

	// staticBody is set when every item's request body is the same (see
	// bodyIsStatic): the body is then encoded once, into encodedBody.
	staticBody  bool
	encodedBody atomic.Pointer[encodedBody]
}

// encodedBody is a run's request body, encoded for one Content-Type.
type encodedBody struct {
	requestType string // the request's Content-Type header it was encoded for
	data        []byte // shared by every item's request: never written to
	contentType string // what encodeBody made of requestType
}

// preparedCredential is the credential a run uses, resolved once (C1).
type preparedCredential struct {
	typ      *node.CredentialType
	data     map[string]any
	auth     credentials.Auth
	fields   authFields // auth's pairs, boxed once
	redactor *credentials.Redactor
	// identity keys the per-credential rate limiter.
	identity string
	// domains is the credential's allowed-domains option (C5).
	domains domainRule
	// dyn renews the authentication of OAuth2 and preAuthentication
	// credentials; nil for static ones.
	dyn *dynamicCredential
}

// requestKey is one routing.request or requestDefaults entry.
type requestKey struct {
	key   string
	value any // raw: may hold expressions
}

// step is one routing contribution: a visible property, a selected
// option, a collection child or a fixedCollection child with routing.
type step struct {
	// path is the parameter path of a property ("requestOptions.proxy");
	// for a selected option it is the options property's path.
	path string
	// isProperty is false for an option: $value is then undefined.
	isProperty bool
	// extract applies the property's extractValue to $value (resource
	// locators and extractValue regexes); nil uses the value as it is.
	extract *params.Extractor
	// plainPath is set for a property whose path is a top-level name;
	// slot is then its parameter, nil when it has none.
	plainPath bool
	slot      *paramSlot
	// parentPath locates the fixedCollection entry that is $parent.
	parentPath string
	index      int
	hasParent  bool

	request  []requestKey
	send     *node.Send
	skipSend bool // send.onlyIfSet and the parameter was not stored
	// sendProperty and sendValue are send.property and send.value, with an
	// expression string compiled.
	sendProperty, sendValue any
	// sendOnce is set when the sent value is the same for every item: a
	// static parameter through a pure function of $value, such as
	// JSON.parse($value) of a JSON parameter. It is computed once per run.
	sendOnce    *onceValue
	paginate    any
	hasPaginate bool
	maxResults  any
	postReceive []node.PostReceive
	preSend     []string
	operations  *node.Operations
}

// Prepare compiles a run. It fails with *IssuesError when the parameters
// cannot run (n8n's WorkflowHasIssuesError) and with *NodeError when the
// node fails before any item (credentials).
func (e *Engine) Prepare(ctx context.Context, run Run) (*Prepared, error) {
	e.init()
	if run.Node == nil || run.Node.Description == nil {
		return nil, errors.New("runtime: run has no node type")
	}
	if _, err := e.urlMapping(); err != nil {
		return nil, fmt.Errorf("runtime: %w", err)
	}
	desc := run.Node.Description
	p := &Prepared{
		engine:   e,
		nodeType: run.Node,
		nodeName: run.NodeName,
		version:  desc.Version.Latest(),
		settings: run.Settings,
		runIndex: run.RunIndex,
		nodes:    run.Nodes,
		workflow: run.Workflow,
		execute:  run.Execution,
		stored:   run.Parameters,
		check:    run.InputCheck,
	}
	if p.nodeName == "" {
		p.nodeName = desc.DisplayName
	}
	if run.TypeVersion != 0 {
		if err := p.checkVersion(run.TypeVersion); err != nil {
			return nil, err
		}
		p.version = run.TypeVersion
	}
	p.log = e.log.With().Str("node", p.nodeName).Logger()
	pc := params.Context{Version: p.version, NodeName: desc.Name, Layouts: run.Node.layouts}
	p.parameters = params.Normalize(desc.Properties, run.Parameters, pc)
	if issues := p.issues(pc); issues != nil {
		return nil, p.redactIssues(ctx, run.Credentials, issues)
	}
	p.prepareSlots()
	p.prepareRequestOptions()
	if err := p.prepareCredential(ctx, run.Credentials); err != nil {
		return nil, err
	}
	p.operations = desc.RequestOperations
	if desc.RequestDefaults != nil {
		p.defaults = p.compileKeys(requestKeys(desc.RequestDefaults))
	}
	for i := range desc.Properties {
		p.compile(&desc.Properties[i], "", pc, nil)
	}
	if len(p.missing) > 0 {
		return nil, missingFunctionError(p.missing)
	}
	for i := range p.steps {
		s := &p.steps[i]
		if s.isProperty && !strings.ContainsAny(s.path, ".[") {
			s.plainPath, s.slot = true, p.slots[s.path]
		}
	}
	p.staticBody = p.bodyIsStatic()
	return p, nil
}

// bodyIsStatic reports whether every item's request body is the same: no
// requestDefaults or routing body holds an expression, every body send
// sends an item-independent value under a constant name, and no preSend
// hook can edit the request. Pagination edits its copies of the request,
// which finish encodes afresh.
func (p *Prepared) bodyIsStatic() bool {
	constant := func(v any) bool {
		_, compiled := v.(*expr.Expression)
		return !compiled && !containsExpression(v)
	}
	for _, k := range p.defaults {
		if k.key == "body" && !constant(k.value) {
			return false
		}
	}
	for i := range p.steps {
		s := &p.steps[i]
		if len(s.preSend) > 0 {
			return false
		}
		for _, k := range s.request {
			if k.key == "body" && !constant(k.value) {
				return false
			}
		}
		if s.send == nil || s.skipSend || s.send.Type != "body" {
			continue
		}
		// send() sends sendValue when it is truthy, else the property's
		// value ($value), which sendOnce vouches for.
		sameValue := s.sendOnce != nil || !s.isProperty && truthy(s.sendValue) && constant(s.sendValue)
		if !constant(s.sendProperty) || !sameValue {
			return false
		}
	}
	return true
}

// containsExpression reports whether a parameter value holds an expression.
func containsExpression(v any) bool {
	switch t := v.(type) {
	case string:
		return strings.HasPrefix(t, "=")
	case map[string]any:
		for _, x := range t {
			if containsExpression(x) {
				return true
			}
		}
	case []any:
		for _, x := range t {
			if containsExpression(x) {
				return true
			}
		}
	}
	return false
}

// parentRef is the fixedCollection entry a child belongs to.
type parentRef struct {
	path  string
	index int
}

// compile ports getRequestOptionsFromParameters' structure: visibility
// against the root parameters (R15), own routing first, then the selected
// option, present collection children or fixedCollection entries.
func (p *Prepared) compile(prop *node.Property, basePath string, pc params.Context, parent *parentRef) {
	root := p.parameters
	if !params.Visible(prop, root, root, pc) {
		return
	}
	path := basePath + prop.Name
	if prop.Routing != nil {
		p.addStep(prop.Routing, path, true, parent)
		p.steps[len(p.steps)-1].extract = params.NewExtractor(prop)
	}
	switch prop.Type {
	case node.TypeOptions:
		value, _ := params.GetPath(root, path)
		for i := range prop.Choices {
			c := &prop.Choices[i]
			if node.StrictEqual(c.Value, value) {
				if c.Routing != nil {
					p.addStep(c.Routing, path, false, parent)
				}
				break
			}
		}
	case node.TypeCollection:
		value, _ := params.GetPath(root, path)
		present, _ := value.(map[string]any)
		for i := range prop.Children {
			child := &prop.Children[i]
			if _, ok := present[child.Name]; ok && child.Type != "" {
				p.compile(child, path+".", pc, parent)
			}
		}
	case node.TypeFixedCollection:
		multiple := prop.TypeOptions != nil && prop.TypeOptions.MultipleValues
		for gi := range prop.Groups {
			g := &prop.Groups[gi]
			groupPath := path + "." + g.Name
			value, ok := params.GetPath(root, groupPath)
			if !ok || value == nil {
				continue
			}
			entries, isList := value.([]any)
			if !isList {
				entries = []any{value}
			}
			for i := range entries {
				entryPath := groupPath
				if multiple {
					entryPath = groupPath + "[" + strconv.Itoa(i) + "]"
				}
				ref := &parentRef{path: entryPath, index: i}
				if !isList {
					ref.path = groupPath
				}
				for ci := range g.Values {
					p.compile(&g.Values[ci], entryPath+".", pc, ref)
				}
			}
		}
	}
}

func (p *Prepared) addStep(r *node.Routing, path string, isProperty bool, parent *parentRef) {
	p.missing = append(p.missing, r.Missing...)
	s := step{path: path, isProperty: isProperty}
	if parent != nil {
		s.hasParent, s.parentPath, s.index = true, parent.path, parent.index
	}
	if r.Request != nil {
		s.request = p.compileKeys(requestKeys(r.Request))
	}
	if r.Send != nil {
		send := *r.Send
		s.send = &send
		s.sendProperty = p.compileValue(r.Send.Property)
		s.sendValue = p.compileValue(r.Send.Value)
		if send.OnlyIfSet && isProperty {
			_, stored := params.GetPath(p.stored, path)
			s.skipSend = !stored
		}
		if send.Paginate != nil {
			s.paginate, s.hasPaginate = send.Paginate, true
		}
		if isProperty && p.itemIndependentSend(&send, path) {
			s.sendOnce = &onceValue{}
		}
		s.preSend = send.PreSend
	}
	if r.Output != nil {
		s.maxResults = p.compileValue(r.Output.MaxResults)
		s.postReceive = r.Output.PostReceive
	}
	s.operations = r.Operations
	p.steps = append(p.steps, s)
}

// paramSlot is one normalised top-level parameter, prepared so that an
// item's read of it costs one map lookup and no walk of its value.
type paramSlot struct {
	name string
	// raw is the value with an expression string compiled.
	raw any
	// cache is the index of the item's resolved value in the item
	// context's cache, for a value that holds an expression; -1 otherwise.
	cache int
	// locator is set for a resource locator; locatorValue is what
	// $parameter gives for it (params.ParameterValue), compiled, which
	// depends on the stored value alone.
	locator      bool
	locatorValue any
}

// prepareSlots makes the parameter slots and the top-level list.
func (p *Prepared) prepareSlots() {
	names := sortedKeys(p.parameters)
	slots := make([]paramSlot, len(names))
	p.slots = make(map[string]*paramSlot, len(names))
	for i, name := range names {
		v := p.parameters[name]
		s := &slots[i]
		*s = paramSlot{name: name, raw: p.compileValue(v), cache: -1}
		if containsExpression(v) {
			s.cache = p.dynamicParams
			p.dynamicParams++
			p.topLevel = append(p.topLevel, s)
		}
		if m, isMap := v.(map[string]any); isMap {
			if lv, ok := params.ParameterValue(m); ok {
				s.locator, s.locatorValue = true, p.compileValue(lv)
			}
		}
		p.slots[name] = s
	}
}

// compileValue replaces an expression string with its compiled form;
// other values, maps and slices included, are returned as they are.
func (p *Prepared) compileValue(v any) any {
	if s, ok := v.(string); ok && strings.HasPrefix(s, "=") {
		return p.engine.exprs.Compile(s)
	}
	return v
}

func (p *Prepared) compileKeys(keys []requestKey) []requestKey {
	for i := range keys {
		keys[i].value = p.compileValue(keys[i].value)
		// Constant headers, query and body objects get their key order
		// once, not per item; each item still copies the object it edits.
		if m, ok := keys[i].value.(map[string]any); ok && !containsExpression(m) {
			switch keys[i].key {
			case "headers", "qs", "body":
				keys[i].value = copyObject(m)
			}
		}
	}
	return keys
}

// itemIndependentSend reports whether a property's sent value cannot
// depend on the item: its parameter holds no expression and send.value is
// absent or a pure function of $value.
func (p *Prepared) itemIndependentSend(send *node.Send, path string) bool {
	raw, _ := params.GetPath(p.parameters, path)
	if containsExpression(raw) {
		return false
	}
	switch v := send.Value.(type) {
	case nil:
		return true
	case string:
		if !strings.HasPrefix(v, "=") {
			return true
		}
		return p.engine.exprs.Compile(v).DependsOnlyOnValue()
	}
	return !containsExpression(send.Value)
}

// onceValue is a value computed by the first item that needs it.
type onceValue struct {
	once  sync.Once
	value any
	err   error
}

// requestKeys lists a partial request's keys in a fixed order; n8n
// assigns them one by one, so only their values matter, not the order.
func requestKeys(r *node.Request) []requestKey {
	var keys []requestKey
	add := func(k string, v any, set bool) {
		if set {
			keys = append(keys, requestKey{key: k, value: v})
		}
	}
	add("baseURL", r.BaseURL, r.BaseURL != "")
	add("url", r.URL, r.URL != "")
	add("method", r.Method, r.Method != "")
	add("headers", r.Headers, r.Headers != nil)
	add("qs", r.Qs, r.Qs != nil)
	add("body", r.Body, r.Body != nil)
	if r.JSON != nil {
		add("json", *r.JSON, true)
	}
	add("encoding", r.Encoding, r.Encoding != "")
	add("arrayFormat", r.ArrayFormat, r.ArrayFormat != "")
	add("skipSslCertificateValidation", r.SkipSSLCertificateValidation, r.SkipSSLCertificateValidation != nil)
	add("disableFollowRedirect", r.DisableFollowRedirect, r.DisableFollowRedirect)
	add("returnFullResponse", r.ReturnFullResponse, r.ReturnFullResponse)
	if len(r.IgnoreHTTPStatusErrorsExcept) > 0 {
		except := make([]any, len(r.IgnoreHTTPStatusErrorsExcept))
		for i, s := range r.IgnoreHTTPStatusErrorsExcept {
			except[i] = float64(s)
		}
		add("ignoreHttpStatusErrors", map[string]any{"ignore": r.IgnoreHTTPStatusErrors, "except": except}, true)
	} else {
		add("ignoreHttpStatusErrors", r.IgnoreHTTPStatusErrors, r.IgnoreHTTPStatusErrors)
	}
	add("timeout", r.Timeout, r.Timeout != nil)
	if r.Auth != nil {
		add("auth", map[string]any{"username": r.Auth.Username, "password": r.Auth.Password}, true)
	}
	return keys
}

// issues ports getNodeParametersIssues for the checks that stop a run:
// required parameters left empty (n8n) and option values that match no
// option (noderun: n8n would silently send a GET to the base URL, R4);
// then, unless the run's InputCheck is CheckNone, the stored parameters'
// names and kinds. A selector that matches nothing hides the parameters
// of the operation meant, so their names are judged only once it does.
func (p *Prepared) issues(pc params.Context) *IssuesError {
	var out IssuesError
	out.NodeName = p.nodeName
	props := p.nodeType.Description.Properties
	unknownSelector := p.collectIssues(props, p.parameters, "", pc, &out)
	if p.check != CheckNone && !unknownSelector {
		c := &inputChecker{p: p, pc: pc, mode: p.check, out: &out}
		c.level(props, p.stored, p.parameters, p.parameters, "", "")
	}
	if len(out.Issues) == 0 {
		return nil
	}
	groupIssues(&out)
	return &out
}

// checkVersion refuses a typeVersion the description does not list,
// unless the run's InputCheck is CheckNone: n8n runs what it has.
func (p *Prepared) checkVersion(v float64) error {
	versions := p.nodeType.Description.Version
	if len(versions) == 0 {
		versions = node.Version{1}
	}
	if p.check == CheckNone || slices.Contains(versions, v) {
		return nil
	}
	list := make([]string, len(versions))
	for i, x := range versions {
		list[i] = strconv.FormatFloat(x, 'f', -1, 64)
	}
	return &IssuesError{NodeName: p.nodeName, Parameters: []string{"typeVersion"},
		Issues: []string{fmt.Sprintf("Node type %q has no typeVersion %s; it has %s.", p.nodeType.Description.Name,
			strconv.FormatFloat(v, 'f', -1, 64), strings.Join(list, ", "))}}
}

// collectIssues reports whether a selector's value matched no option.
func (p *Prepared) collectIssues(props []node.Property, values map[string]any, basePath string, pc params.Context, out *IssuesError) (unknownSelector bool) {
	seen := map[string]bool{}
	for i := range props {
		prop := &props[i]
		if prop.Type == node.TypeCollection {
			p.collectionLocatorIssues(prop, values, basePath, pc, out)
		}
		if !params.Visible(prop, values, p.parameters, pc) {
			continue
		}
		value, present := values[prop.Name]
		path := basePath + prop.Name
		if prop.Required && isMissingRequired(prop, value, present) && !seen[prop.Name] {
			seen[prop.Name] = true
			out.Issues = append(out.Issues, fmt.Sprintf("Parameter %q is required.", prop.DisplayName))
			out.Parameters = append(out.Parameters, path)
			if prop.Type != node.TypeResourceLocator {
				continue
			}
		}
		// Only at the top level: n8n checks a collection's options at the
		// collection's level (collectionLocatorIssues), so a locator inside
		// a collection is never validated and its value is sent (recorded:
		// testdata/locators case 25).
		if prop.Type == node.TypeResourceLocator && basePath == "" {
			for _, msg := range params.LocatorIssues(prop, value) {
				out.Issues = append(out.Issues, msg)
				out.Parameters = append(out.Parameters, path)
			}
		}
		if prop.Type == node.TypeOptions && decidesRequest(prop) && present && !seen[prop.Name] {
			if s, isStr := value.(string); isStr && strings.HasPrefix(s, "=") {
				continue
			}
			if _, ok := prop.Choice(value); !ok {
				seen[prop.Name] = true
				unknownSelector = true
				out.Issues = append(out.Issues, unknownOption(prop, value))
				out.Parameters = append(out.Parameters, path)
			}
		}
		if sub, ok := value.(map[string]any); ok && prop.Type == node.TypeCollection {
			var present []node.Property
			for _, c := range prop.Children {
				if _, ok := sub[c.Name]; ok {
					present = append(present, c)
				}
			}
			unknownSelector = p.collectIssues(present, sub, path+".", pc, out) || unknownSelector
		}
	}
	return unknownSelector
}

// groupIssues orders the issues as n8n lists them: n8n keys them by
// parameter name, so every message of one name follows the first one of
// that name (a collection's option is checked under its own name).
func groupIssues(out *IssuesError) {
	name := func(path string) string { return path[strings.LastIndexByte(path, '.')+1:] }
	var order []string
	byName := map[string][]int{}
	for i, path := range out.Parameters {
		n := name(path)
		if _, seen := byName[n]; !seen {
			order = append(order, n)
		}
		byName[n] = append(byName[n], i)
	}
	if len(order) == len(out.Parameters) {
		return
	}
	issues := make([]string, 0, len(out.Issues))
	paths := make([]string, 0, len(out.Parameters))
	for _, n := range order {
		for _, i := range byName[n] {
			issues, paths = append(issues, out.Issues[i]), append(paths, out.Parameters[i])
		}
	}
	out.Issues, out.Parameters = issues, paths
}

// collectionLocatorIssues ports a quirk of n8n's getParameterIssues: it
// checks a collection's options at the collection's own level, not inside
// it, whether the collection is shown or not. A locator option named like
// a parameter beside the collection validates that parameter once more,
// and n8n lists the message twice (recorded in testdata/locators, case
// 10: n8n's Workflow "get" beside the executions' filters.workflowId).
func (p *Prepared) collectionLocatorIssues(prop *node.Property, values map[string]any, basePath string, pc params.Context, out *IssuesError) {
	for i := range prop.Children {
		c := &prop.Children[i]
		if c.Type != node.TypeResourceLocator || !params.Visible(c, values, p.parameters, pc) {
			continue
		}
		for _, msg := range params.LocatorIssues(c, values[c.Name]) {
			out.Issues = append(out.Issues, msg)
			out.Parameters = append(out.Parameters, basePath+c.Name)
		}
	}
}

// decidesRequest reports whether an options property's value selects how
// the request is built: a selector (noDataExpression, as resource and
// operation are) or choices that carry routing. An unknown value there
// would silently build a different request (R4), so it stops the run
// whatever the InputCheck; any other options value is only data, which
// only strict inputs refuse (an expression sends any value: services
// accept values their specs do not list).
func decidesRequest(prop *node.Property) bool {
	if len(prop.Choices) == 0 {
		return false
	}
	if prop.NoDataExpression {
		return true
	}
	for i := range prop.Choices {
		if prop.Choices[i].Routing != nil {
			return true
		}
	}
	return false
}

// isMissingRequired is n8n's addToIssuesIfMissing: only text-like types
// are checked; a required number or json parameter is never missing.
func isMissingRequired(prop *node.Property, value any, present bool) bool {
	switch prop.Type {
	case node.TypeString, node.TypeDateTime, node.TypeOptions:
		return !present || value == ""
	case node.TypeMultiOptions:
		arr, ok := value.([]any)
		return ok && len(arr) == 0
	case node.TypeResourceLocator, node.TypeWorkflowSelector:
		return !params.ValidLocator(value)
	}
	return false
}

// unknownOption words an option value that does not exist, with the
// closest existing values.
func unknownOption(prop *node.Property, value any) string {
	got := jsString(value)
	if got == "" {
		return fmt.Sprintf("Parameter %q is required.", prop.DisplayName)
	}
	names := make([]string, 0, len(prop.Choices))
	for _, c := range prop.Choices {
		if s, ok := c.Value.(string); ok && strings.HasPrefix(s, "__") {
			continue // n8n's generated Custom API Call
		}
		names = append(names, jsString(c.Value))
	}
	msg := fmt.Sprintf("Parameter %q has no option %q.", prop.DisplayName, got)
	for _, c := range prop.Choices {
		if jsString(c.Value) == got {
			// Same text, other type: options match with strict equality (R4).
			return fmt.Sprintf("Parameter %q has no option %s (%s); its option is %s (%s).",
				prop.DisplayName, jsonText(value), jsTypeName(value), jsonText(c.Value), jsTypeName(c.Value))
		}
	}
	switch close := ClosestNames(got, names, 3); {
	case len(names) == 0:
	case len(close) > 0:
		msg += fmt.Sprintf(" Did you mean %s?", quoteList(close))
	case len(names) <= 12:
		msg += fmt.Sprintf(" The options are %s.", quoteList(names))
	default:
		msg += fmt.Sprintf(" It has %d options, such as %s.", len(names), quoteList(names[:5]))
	}
	return msg
}

func jsonText(v any) string {
	b, err := node.AppendJSON(nil, v)
	if err != nil {
		return jsString(v)
	}
	return string(b)
}

func jsTypeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case float64, int, int64:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "an object"
}

func quoteList(list []string) string {
	if len(list) == 0 {
		return ""
	}
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// ClosestNames returns up to n candidates nearest to s by edit distance
// (case-insensitive), only those close enough to be a plausible typo and
// none farther than the nearest: the "did you mean" of noderun's messages.
func ClosestNames(s string, candidates []string, n int) []string {
	type scored struct {
		name string
		d    int
	}
	var list []scored
	ls := strings.ToLower(s)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := editDistance(ls, lc)
		contains := min(len(ls), len(lc)) >= 3 && (strings.Contains(lc, ls) || strings.Contains(ls, lc))
		switch {
		case contains && min(len(ls), len(lc)) >= 4:
			// "token" for "accessToken": a part of the name is a plausible slip.
			d = min(d, 1)
		case contains:
			d = min(d, max(1, abs(len(lc)-len(ls))/2))
		}
		if d <= max(2, len(ls)/3) {
			list = append(list, scored{c, d})
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].d < list[j].d })
	out := make([]string, 0, n)
	for i := 0; i < len(list) && i < n && list[i].d == list[0].d; i++ {
		out = append(out, list[i].name)
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// editDistance is the optimal string alignment distance: insertions,
// deletions, substitutions and transpositions of adjacent runes each
// cost 1, so "pgae" is one edit from "page", as a typist sees it.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Three rows: the one two back is what a transposition reads.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// prepareCredential selects the credential (D4), loads it (C1) and
// resolves its authenticate block (C2), once per run.
func (p *Prepared) prepareCredential(ctx context.Context, store credentials.Store) error {
	desc := p.nodeType.Description
	if len(desc.Credentials) == 0 {
		return nil
	}
	ref := &desc.Credentials[0]
	if len(desc.Credentials) > 1 {
		method, _ := p.parameters["authentication"]
		ref = nil
		for i := range desc.Credentials {
			c := &desc.Credentials[i]
			if c.DisplayOptions == nil {
				continue
			}
			for _, v := range c.DisplayOptions.Show["authentication"] {
				if node.StrictEqual(v, method) {
					ref = c
					break
				}
			}
			if ref != nil {
				break
			}
		}
		if ref == nil {
			return &NodeError{Name: NameNodeOperationError, ItemIndex: -1,
				Message: fmt.Sprintf("Node type %q does not have any credentials of type %q defined", desc.Name, jsString(method))}
		}
	}
	typ := p.nodeType.CredentialTypes[ref.Name]
	strict := p.check != CheckNone
	if strict && typ == nil && ref.Required {
		return p.unknownCredentialType(ref.Name)
	}
	var stored map[string]any
	var err error
	if store != nil {
		stored, err = store.Credential(ctx, ref.Name)
	} else {
		err = credentials.ErrNotFound
	}
	if err != nil {
		if !ref.Required && errors.Is(err, credentials.ErrNotFound) {
			return nil // an optional credential that is missing: no authentication (C1)
		}
		return &NodeError{Name: NameNodeOperationError, ItemIndex: -1, Message: "Node does not have any credentials set",
			Description: fmt.Sprintf("credential type %q: %v", ref.Name, err), Cause: err}
	}
	if strict && typ == nil {
		return p.unknownCredentialType(ref.Name)
	}
	if strict {
		out := &IssuesError{NodeName: p.nodeName}
		checkCredential(typ, p.nodeType.CredentialTypes, stored, out)
		if len(out.Issues) > 0 {
			return out
		}
	}
	if typ == nil {
		typ = &node.CredentialType{Name: ref.Name}
	}
	typ = credentials.WithInherited(typ, func(name string) *node.CredentialType { return p.nodeType.CredentialTypes[name] })
	eval := p.credentialEvaluator()
	data, err := credentials.Prepare(ctx, typ, stored, eval)
	if err == nil && p.nodeType.PrepareCredential != nil {
		data, err = p.nodeType.PrepareCredential(ref.Name, data)
	}
	if err != nil {
		return &NodeError{Name: NameNodeOperationError, ItemIndex: -1, Message: "The credential could not be prepared",
			Description: credentials.NewRedactor(credentials.Secrets(typ, stored, credentials.Auth{})...).String(err.Error()), Cause: err}
	}
	if typ.AuthenticateMissing {
		return &NodeError{Name: NameNodeOperationError, ItemIndex: -1,
			Message:     fmt.Sprintf("credential type %q: authenticate is a function n8n had that this JSON description lacks", ref.Name),
			Description: "Load the credential from its package, or give it a generic authenticate block."}
	}
	auth, err := credentials.Authenticate(ctx, typ.Authenticate, data, eval)
	if err != nil {
		return &NodeError{Name: NameNodeOperationError, ItemIndex: -1, Message: "The credential's authentication could not be resolved",
			Description: credentials.NewRedactor(credentials.Secrets(typ, data, credentials.Auth{})...).String(err.Error()), Cause: err}
	}
	secrets := credentials.Secrets(typ, data, auth)
	p.cred = &preparedCredential{typ: typ, data: data, auth: auth, fields: newAuthFields(auth), redactor: credentials.NewRedactor(secrets...),
		identity: ref.Name + "\x00" + strings.Join(secrets, "\x00"), domains: credentialDomains(data)}
	p.store = store
	if err := p.setUpDynamic(p.cred, stored); err != nil {
		return &NodeError{Name: NameNodeOperationError, ItemIndex: -1, Message: "The credential could not be prepared",
			Description: p.redactString(err.Error()), Cause: err}
	}
	return nil
}

// unknownCredentialType refuses a run whose node names a credential type
// the node type was not given: without it the credential's
// authentication is unknown and requests would go out without it.
func (p *Prepared) unknownCredentialType(name string) error {
	return &IssuesError{NodeName: p.nodeName, Parameters: []string{"credentials." + name},
		Issues: []string{fmt.Sprintf("The node uses credential type %q, but that type was not given with the description, "+
			"so how it authenticates is unknown: add its definition (exec: \"credentialTypes\"; Go: runtime.NewNodeType).", name)}}
}

// credentialEvaluator resolves credential expressions: only $credentials
// is meaningful there, with item and run 0 (C2).
func (p *Prepared) credentialEvaluator() credentials.Evaluator {
	return func(ctx context.Context, v any, data map[string]any) (any, error) {
		scope := &expr.Scope{Credentials: data, Self: data, Node: p.nodeInfo(), Workflow: p.workflow, Execution: p.execute}
		return p.engine.exprs.Resolve(ctx, v, scope)
	}
}

func (p *Prepared) nodeInfo() expr.NodeInfo {
	return expr.NodeInfo{Name: p.nodeName, Type: p.nodeType.Description.Name, TypeVersion: p.version}
}

// redactor returns the run's redactor; nil redacts nothing.
func (p *Prepared) redactor() *credentials.Redactor {
	if p.cred == nil {
		return nil
	}
	if d := p.cred.dyn; d != nil {
		if s := d.state.cur.Load(); s != nil {
			return s.redactor
		}
	}
	return p.cred.redactor
}

// Redactor masks the run's credential secrets (and their URL, JSON and
// base64 forms, the Basic Authorization header included) in whatever the
// caller writes about the run: its own logs, or a process-wide logger
// through credentials.LogWriter. It is nil, which masks nothing, when the
// run has no credential.
func (p *Prepared) Redactor() *credentials.Redactor { return p.redactor() }

// redactIssues masks, in parameter issues found before the credential is
// prepared, the secret fields of every credential the node may use: a
// token pasted into the wrong parameter is quoted back by the issue.
func (p *Prepared) redactIssues(ctx context.Context, store credentials.Store, issues *IssuesError) *IssuesError {
	if store == nil {
		return issues
	}
	var secrets []string
	for _, ref := range p.nodeType.Description.Credentials {
		if stored, err := store.Credential(ctx, ref.Name); err == nil {
			secrets = append(secrets, credentials.Secrets(p.nodeType.CredentialTypes[ref.Name], stored, credentials.Auth{})...)
		}
	}
	r := credentials.NewRedactor(secrets...)
	for i, s := range issues.Issues {
		issues.Issues[i] = r.String(s)
	}
	return issues
}

// Parameters returns the normalised parameters (P1): what $parameter
// reads. The map must not be modified.
func (p *Prepared) Parameters() map[string]any { return p.parameters }
