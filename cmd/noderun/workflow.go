package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// inputFlags are exec's options for where the node comes from and how
// strictly its inputs are checked.
type inputFlags struct {
	workflow string
	node     string
	pkg      string
	lenient  bool
}

func (f *inputFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.workflow, "workflow", "", "run one node of this n8n workflow file (exported, or nodes copied from the editor); stdin holds the input items")
	fs.StringVar(&f.node, "node", "", "with --workflow: the name of the node to run (optional when only one node can run)")
	fs.StringVar(&f.pkg, "package", "", "the n8n node package (a directory or an npm .tgz) whose node types the request or the --workflow node names")
	fs.BoolVar(&f.lenient, "lenient-inputs", false, "drop unknown parameters and send values of any kind, as n8n does, instead of refusing them")
}

func (f *inputFlags) validate() error {
	if f.node != "" && f.workflow == "" {
		return inputErrorf("--node names a node of a --workflow file; without --workflow the request's \"node\" says which node runs")
	}
	return nil
}

// workflowRun is what --workflow adds to a run besides the request.
type workflowRun struct {
	file     string
	node     *node.WorkflowNode
	timezone *time.Location
}

// inputCheck is the run's strictness: n8n's with --lenient-inputs; for a
// workflow node, names saved for the node's other operations are ignored,
// as n8n ignores them; otherwise strict.
func (x *execution) inputCheck() runtime.InputCheck {
	switch {
	case x.flags.inputs.lenient:
		return runtime.CheckNone
	case x.wf != nil:
		return runtime.CheckWorkflow
	}
	return runtime.CheckStrict
}

// typeVersion is the workflow node's typeVersion; zero (the latest) for
// an exec request.
func (x *execution) typeVersion() float64 {
	if x.wf == nil {
		return 0
	}
	return x.wf.node.TypeVersion
}

// maxWorkflowBytes bounds a workflow file; n8n's largest are a few MB.
const maxWorkflowBytes = 64 << 20

// workflowRequest turns --workflow and --node into an exec request, and
// reads the input items from in: a JSON array of items, one item per
// line with --jsonl (returned as the decoder the stream reads), or one
// empty item when in is empty.
func (x *execution) workflowRequest(in io.Reader) (*execRequest, *json.Decoder, error) {
	path := x.flags.inputs.workflow
	file, err := os.Open(path)
	if err != nil {
		return nil, nil, inputErrorf("cannot read --workflow: %v", err)
	}
	data, err := io.ReadAll(io.LimitReader(file, maxWorkflowBytes+1))
	file.Close()
	if err != nil {
		return nil, nil, inputErrorf("cannot read --workflow: %v", err)
	}
	if len(data) > maxWorkflowBytes {
		return nil, nil, inputErrorf("the workflow %s is larger than %d bytes", path, maxWorkflowBytes)
	}
	if x.sim != nil {
		data = x.sim.substitute(data)
	}
	wf, err := node.DecodeWorkflow(data)
	if err != nil {
		return nil, nil, inputErrorf("%s: %s", path, workflowErrorText(data, err))
	}
	wn, err := x.selectWorkflowNode(wf)
	if err != nil {
		return nil, nil, inputErrorf("%s: %v", path, err)
	}
	settings := wn.Settings
	if raw, err := json.Marshal(settings); err == nil {
		if err := checkSettings(raw); err != nil {
			return nil, nil, inputErrorf("%s: node %q: %v", path, wn.Name, err)
		}
	}
	req := &execRequest{
		Parameters: wn.Parameters,
		Settings:   &settings,
		NodeName:   wn.Name,
		Workflow:   &workflowInfo{ID: wf.ID, Name: wf.Name, Active: wf.Active},
		Nodes:      map[string]nodeData{},
	}
	if x.flags.inputs.pkg != "" {
		// The package's node type at the node's typeVersion, as n8n picks
		// the version a workflow saved.
		abs, err := filepath.Abs(x.flags.inputs.pkg)
		if err != nil {
			return nil, nil, inputErrorf("--package: %v", err)
		}
		req.Package, req.Node, req.TypeVersion = abs, wn.Type, wn.TypeVersion
	} else {
		entry, _ := x.registry.Lookup(wn.Type)
		req.Node = entry.Name
	}
	// Other nodes feed $('Name'): their parameters, and their items when
	// the workflow pins them; an unpinned node has not run.
	for i := range wf.Nodes {
		other := &wf.Nodes[i]
		if other.Name == wn.Name {
			continue
		}
		items, pinned := wf.PinData[other.Name]
		req.Nodes[other.Name] = nodeData{Items: items, Parameters: other.Parameters, Executed: &pinned}
	}
	x.wf = &workflowRun{file: path, node: wn}
	if wf.Timezone != "" {
		loc, err := time.LoadLocation(wf.Timezone)
		if err != nil {
			return nil, nil, inputErrorf("%s: settings.timezone %q is not a time zone: %v", path, wf.Timezone, err)
		}
		x.wf.timezone = loc
	}
	if x.flags.jsonl {
		return req, json.NewDecoder(bufio.NewReaderSize(in, 1<<16)), nil
	}
	items, err := x.readItems(in)
	if err != nil {
		return nil, nil, err
	}
	req.Items = items
	return req, nil, nil
}

// selectWorkflowNode finds --node, or the one node noderun can run.
func (x *execution) selectWorkflowNode(wf *node.Workflow) (*node.WorkflowNode, error) {
	runnable := func(n *node.WorkflowNode) bool {
		_, ok := x.registry.Lookup(n.Type)
		return ok
	}
	if x.flags.inputs.pkg != "" {
		pkg, err := x.openPackage(x.flags.inputs.pkg)
		if err != nil {
			return nil, err
		}
		names := pkg.NodeNames()
		runnable = func(n *node.WorkflowNode) bool { return slices.Contains(names, n.Type) }
	}
	name := x.flags.inputs.node
	if name == "" {
		var candidates []*node.WorkflowNode
		for i := range wf.Nodes {
			if runnable(&wf.Nodes[i]) {
				candidates = append(candidates, &wf.Nodes[i])
			}
		}
		switch len(candidates) {
		case 0:
			return nil, fmt.Errorf("no node of the workflow is one noderun runs (%s); its nodes are %s", x.knownTypes(), quoteNames(wf.NodeNames()))
		case 1:
			name = candidates[0].Name
		default:
			names := make([]string, len(candidates))
			for i, c := range candidates {
				names[i] = c.Name
			}
			return nil, fmt.Errorf("choose the node to run with --node: %s", quoteNames(names))
		}
	}
	wn, ok := wf.Node(name)
	if !ok {
		return nil, fmt.Errorf("no node is named %q%s; the nodes are %s", name, suggest(name, wf.NodeNames()), quoteNames(wf.NodeNames()))
	}
	if !runnable(wn) {
		if x.pkg != nil && x.flags.inputs.pkg != "" {
			names := x.pkg.NodeNames()
			return nil, fmt.Errorf("node %q has type %q, which package %s (--package) does not have%s; its node types are %s", wn.Name, wn.Type, x.pkg.Name, suggest(wn.Type, names), quoteNames(names))
		}
		return nil, fmt.Errorf("node %q has type %q, which noderun does not run; it runs %s", wn.Name, wn.Type, x.knownTypes())
	}
	if wn.Disabled {
		return nil, fmt.Errorf("node %q is disabled in the workflow (n8n would pass its input through): enable it in n8n and export again", wn.Name)
	}
	return wn, nil
}

// knownTypes lists the node types a workflow may name.
func (x *execution) knownTypes() string {
	if x.pkg != nil && x.flags.inputs.pkg != "" {
		return "the node types of package " + x.pkg.Name + ": " + quoteNames(x.pkg.NodeNames())
	}
	var list []string
	for _, name := range x.registry.Names() {
		e, _ := x.registry.Lookup(name)
		if e.N8nType != "" {
			list = append(list, strconv.Quote(e.N8nType))
		}
	}
	if len(list) == 0 {
		return "no n8n node type"
	}
	return strings.Join(list, ", ")
}

func quoteNames(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// workflowErrorText adds the line and column to a JSON error of the file.
func workflowErrorText(data []byte, err error) string {
	var we *node.WorkflowError
	if errors.As(err, &we) && we.Path == "" {
		var se *json.SyntaxError
		if errors.As(we.Err, &se) {
			return "not valid JSON: " + describeJSONError(data, se)
		}
	}
	return err.Error()
}

// readItems reads the input items of a workflow run: a JSON array of
// {"json": {...}} items; empty input is one empty item, as n8n gives a
// node without input.
func (x *execution) readItems(in io.Reader) ([]node.Item, error) {
	limit := x.flags.maxRequestBytes
	data, err := io.ReadAll(io.LimitReader(in, limit+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read the input items: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, inputErrorf("the input items are larger than the --max-request-bytes limit of %s: raise --max-request-bytes, or use --jsonl to stream them", byteSize(limit))
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, nil
	}
	if x.sim != nil {
		data = x.sim.substitute(data)
	}
	if data[0] != '[' {
		return nil, inputErrorf(`with --workflow, stdin holds the input items: a JSON array [{"json": {...}}, ...] (or one item per line with --jsonl), or nothing for one empty item`)
	}
	var items []node.Item
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&items); err != nil {
		return nil, inputErrorf("the input items are not a JSON array of items: %s", describeJSONError(data, err))
	}
	if dec.More() {
		return nil, inputErrorf("the input items: unexpected data after the JSON array")
	}
	for i, it := range items {
		if err := checkItemJSON(it, fmt.Sprintf("input item %d", i)); err != nil {
			return nil, err
		}
	}
	return items, nil
}

// checkCredentialInputs refuses credential types in the request that the
// node does not use (unless inputs are lenient) and, for a workflow
// node, a credential it names whose data was not given, saying how to
// give it.
func (x *execution) checkCredentialInputs(req *execRequest, nt *runtime.NodeType, creds map[string]map[string]any) error {
	var uses []string
	for _, c := range nt.Description.Credentials {
		uses = append(uses, c.Name)
	}
	if x.inputCheck() != runtime.CheckNone {
		for _, typ := range sortedNames(req.Credentials) {
			if !slices.Contains(uses, typ) {
				what := "no credential"
				switch {
				case len(uses) == 1:
					what = "the credential type " + quoteNames(uses)
				case len(uses) > 1:
					what = "the credential types " + quoteNames(uses)
				}
				return inputErrorf("unknown credential type %q in \"credentials\"%s; the node uses %s", typ, suggest(typ, uses), what)
			}
		}
	}
	if x.wf == nil {
		return nil
	}
	for _, c := range nt.Description.Credentials {
		ref, named := x.wf.node.Credentials[c.Name]
		if _, given := creds[c.Name]; given || !named && (!c.Required || len(uses) > 1) {
			continue
		}
		which := strconv.Quote(c.Name)
		if ref.Name != "" {
			which = fmt.Sprintf("%q (%s)", ref.Name, c.Name)
		}
		return inputErrorf("node %q uses the credential %s, whose data an n8n workflow does not hold: give it with --credentials FILE ({%q: {...}}) or NODERUN_CREDENTIALS_%s='{...}'",
			x.wf.node.Name, which, c.Name, strings.ToUpper(c.Name))
	}
	return nil
}

func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// configure applies the workflow's settings to the engine.
func (w *workflowRun) configure(e *runtime.Engine) {
	if w != nil && w.timezone != nil {
		e.Expressions.Timezone = w.timezone
	}
}
