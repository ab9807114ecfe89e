package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/temporal/durable"
)

// execResult is `noderun exec`'s output object.
type execResult struct {
	Items      []node.Item     `json:"items"`
	ErrorItems []node.Item     `json:"errorItems"`
	Error      *node.ErrorInfo `json:"error"`
}

func runRun(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var c conn
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	c.register(fs)
	input := fs.String("input", "", "read the request from this file instead of stdin")
	detach := fs.Bool("detach", false, "print the workflow ID once started and do not wait")
	workflowID := fs.String("workflow-id", "", "the workflow ID; empty means a new one")
	chunkItems := fs.Int("chunk-items", 0, "items per activity at most (0: 500)")
	maxInFlight := fs.Int("max-in-flight", 0, "chunks running at once at most (0: 4)")
	heartbeat := fs.Duration("heartbeat-timeout", 0, "how long a silent chunk lives before it is retried elsewhere (0: 10s)")
	if code, ok := parse(fs, args, stderr); !ok {
		return code
	}
	logger, err := c.logger(stderr)
	if err != nil {
		return inputFailure(stdout, stderr, err)
	}
	in := stdin
	if *input != "" {
		f, err := os.Open(*input)
		if err != nil {
			return inputFailure(stdout, stderr, fmt.Errorf("cannot open --input: %w", err))
		}
		defer f.Close()
		in = f
	}
	data, err := io.ReadAll(io.LimitReader(in, 64<<20))
	if err != nil {
		return inputFailure(stdout, stderr, fmt.Errorf("cannot read the request: %w", err))
	}
	req, err := decodeRequest(data)
	if err != nil {
		return inputFailure(stdout, stderr, err)
	}
	req.Options = durable.Options{ChunkItems: *chunkItems, MaxInFlight: *maxInFlight, HeartbeatTimeout: *heartbeat}
	if err := req.Validate(); err != nil {
		return inputFailure(stdout, stderr, err)
	}
	cl, err := c.dial(ctx, logger, "")
	if err != nil {
		fmt.Fprintf(stderr, "noderun-temporal: %v\n", err)
		writeJSON(stdout, execResult{Items: []node.Item{}, ErrorItems: []node.Item{}, Error: &node.ErrorInfo{Name: "Error", Message: err.Error()}})
		return exitFailed
	}
	defer cl.Close()
	run, err := durable.Start(ctx, cl, client.StartWorkflowOptions{ID: *workflowID, TaskQueue: c.queue}, *req)
	if err != nil {
		return inputFailure(stdout, stderr, fmt.Errorf("cannot start the workflow: %w", err))
	}
	if *detach {
		fmt.Fprintln(stdout, run.GetID())
		return exitOK
	}
	logger.Info().Str("workflowId", run.GetID()).Str("runId", run.GetRunID()).Msg("started")
	res, err := durable.Collect(ctx, cl, run.GetID(), run.GetRunID())
	if err != nil {
		if ctx.Err() != nil {
			// Interrupted: the run goes on in Temporal; say where.
			err = fmt.Errorf("stopped waiting; the run %s goes on in Temporal: %w", run.GetID(), ctx.Err())
		}
		var canceled *temporal.CanceledError
		name := "Error"
		if errors.As(err, &canceled) {
			name = "Cancelled"
		}
		fmt.Fprintf(stderr, "noderun-temporal: %v\n", err)
		writeJSON(stdout, execResult{Items: []node.Item{}, ErrorItems: []node.Item{}, Error: &node.ErrorInfo{Name: name, Message: err.Error()}})
		return exitFailed
	}
	out := execResult{Items: res.Items, ErrorItems: res.ErrorItems, Error: res.Error}
	code := exitOK
	if res.Error != nil {
		code = exitFailed
		if res.Error.Name == durable.ErrTypeInput || res.Error.Name == durable.ErrTypeIssues {
			code = exitInput
		}
		fmt.Fprintf(stderr, "noderun-temporal: the node failed: %s\n", oneLine(res.Error.Message))
	}
	if err := writeJSON(stdout, out); err != nil {
		fmt.Fprintf(stderr, "noderun-temporal: cannot write the result: %v\n", err)
		return exitFailed
	}
	return code
}

// request is `noderun exec`'s request as far as a Temporal run takes it:
// credentials are named ({"chatwootApi": "prod"}), never given.
type request struct {
	Node        string                      `json:"node"`
	Descriptor  string                      `json:"descriptor"`
	Parameters  map[string]any              `json:"parameters"`
	Credentials map[string]json.RawMessage  `json:"credentials"`
	Items       []node.Item                 `json:"items"`
	Settings    *node.Settings              `json:"settings"`
	NodeName    string                      `json:"nodeName"`
	Nodes       map[string]durable.NodeData `json:"nodes"`
	Workflow    *durable.WorkflowInfo       `json:"workflow"`
	Execution   *durable.ExecutionInfo      `json:"execution"`
	// CredentialTypes belongs to descriptor requests and Package to
	// package requests, both refused below.
	CredentialTypes json.RawMessage `json:"credentialTypes"`
	Package         string          `json:"package"`
	TypeVersion     float64         `json:"typeVersion"`
}

var requestKeys = []string{"node", "descriptor", "credentialTypes", "package", "typeVersion", "parameters", "credentials", "items",
	"settings", "nodeName", "nodes", "workflow", "execution"}

// decodeRequest decodes the request strictly, as `noderun exec` does.
func decodeRequest(data []byte) (*durable.Request, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("the request is empty: send one JSON object on stdin or with --input")
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("the request is not one valid JSON object: %v", err)
	}
	var unknown []string
	for k := range probe {
		known := false
		for _, f := range requestKeys {
			known = known || k == f
		}
		if !known {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	if len(unknown) > 0 {
		return nil, fmt.Errorf("unknown key %q in the request; the keys are %s", unknown[0], strings.Join(requestKeys, ", "))
	}
	var r request
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("the request does not fit the exec contract: %v", err)
	}
	switch {
	case r.Descriptor != "" || len(r.CredentialTypes) > 0:
		return nil, errors.New(`"descriptor" and "credentialTypes" name files on this machine, which the workers cannot read: start the workers with --descriptor NAME=FILE and name the node in "node"`)
	case r.Package != "":
		return nil, errors.New(`"package" names a path on this machine, which the workers cannot read: start the workers with --package PATH and name the node by its n8n type name ("n8n-nodes-x.name") in "node"`)
	case r.Node == "":
		return nil, errors.New(`the request names no node: set "node" (e.g. "chatwoot")`)
	}
	req := &durable.Request{Node: r.Node, Parameters: r.Parameters, Items: r.Items, NodeName: r.NodeName,
		TypeVersion: r.TypeVersion, Nodes: r.Nodes, Workflow: r.Workflow, Execution: r.Execution}
	if r.Settings != nil {
		req.Settings = *r.Settings
	}
	types := make([]string, 0, len(r.Credentials))
	for typ := range r.Credentials {
		types = append(types, typ)
	}
	sort.Strings(types)
	for _, typ := range types {
		var name string
		if err := json.Unmarshal(r.Credentials[typ], &name); err != nil {
			return nil, fmt.Errorf("credentials.%s holds credential values; Temporal keeps workflow input in plain text in its history, so a run names its credentials instead: "+
				"\"credentials\": {%q: \"NAME\"} (\"\" for the default set), with the values given to the workers (noderun-temporal worker --credentials NAME=FILE or NODERUN_CREDENTIALS_%s)",
				typ, typ, strings.ToUpper(typ))
		}
		req.Credentials = append(req.Credentials, durable.CredentialRef{Type: typ, Name: name})
	}
	for i, it := range req.Items {
		if _, ok := it.JSON.(map[string]any); !ok {
			return nil, fmt.Errorf("items[%d]: each item is {\"json\": {...}}", i)
		}
	}
	return req, nil
}

// inputFailure reports unusable input: one line on stderr, the error in
// the JSON on stdout, exit status 2.
func inputFailure(stdout, stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "noderun-temporal: %s\n", oneLine(err.Error()))
	writeJSON(stdout, execResult{Items: []node.Item{}, ErrorItems: []node.Item{}, Error: &node.ErrorInfo{Name: durable.ErrTypeInput, Message: err.Error()}})
	return exitInput
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
