package main

import (
	"os"
	"sort"
	"strings"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
	"github.com/noderun/noderun/schema"
)

// nodeType resolves the request's node: a built-in by name, or a
// description file with its credential types.
func (x *execution) nodeType(req *execRequest) (*runtime.NodeType, error) {
	if err := x.packageFromFlag(req); err != nil {
		return nil, err
	}
	if req.Package != "" {
		nt, hooks, err := x.packageNodeType(req.Package, req.Node, req.TypeVersion)
		x.hooks = hooks
		return nt, err
	}
	if req.TypeVersion != 0 {
		return nil, inputErrorf("\"typeVersion\" selects a version of a package's node type: give \"package\" too")
	}
	if req.Node != "" {
		e, ok := x.registry.Lookup(req.Node)
		if !ok {
			return nil, inputErrorf("unknown node %q%s; the nodes are %s", req.Node, suggest(req.Node, x.registry.Names()), strings.Join(x.registry.Names(), ", "))
		}
		return e.NodeType()
	}
	path := resolvePath(x.flags.input, req.Descriptor)
	desc, err := loadDescription(path)
	if err != nil {
		return nil, err
	}
	var creds []*node.CredentialType
	for _, p := range req.CredentialTypes {
		c, err := loadCredentialType(resolvePath(x.flags.input, p))
		if err != nil {
			return nil, err
		}
		creds = append(creds, c)
	}
	return runtime.NewNodeType(desc, creds...)
}

// credentials merges the request's credentials with the --credentials
// file and NODERUN_CREDENTIALS_<TYPE> variables; later sources win.
func (x *execution) credentials(req *execRequest, nt *runtime.NodeType) (map[string]map[string]any, error) {
	out := map[string]map[string]any{}
	for k, v := range req.Credentials {
		out[k] = v
	}
	if x.flags.credentialsFile != "" {
		fromFile, err := credentialsFromFile(x.flags.credentialsFile)
		if err != nil {
			return nil, err
		}
		for k, v := range fromFile {
			out[k] = v
		}
	}
	var types []string
	for _, c := range nt.Description.Credentials {
		types = append(types, c.Name)
	}
	fromEnv, err := credentialsFromEnv(os.Environ(), types)
	if err != nil {
		return nil, err
	}
	for k, v := range fromEnv {
		out[k] = v
	}
	return out, nil
}

// secretLike names credential fields that hold secrets even when their
// type does not mark them as passwords.
func secretLike(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"token", "secret", "password", "apikey", "api_key", "key"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// secretLikeValues lists the string credential values whose field name
// says they are secret, for when the credential types are not known yet.
func secretLikeValues(creds map[string]map[string]any) []string {
	var out []string
	for _, data := range creds {
		for k, v := range data {
			if s, ok := v.(string); ok && secretLike(k) {
				out = append(out, s)
			}
		}
	}
	return out
}

// secretValues lists every credential value to mask in logs and output.
func secretValues(nt *runtime.NodeType, creds map[string]map[string]any) []string {
	var out []string
	for typ, data := range creds {
		secret := map[string]bool{}
		if ct := nt.CredentialTypes[typ]; ct != nil {
			for _, f := range ct.SecretFields() {
				secret[f] = true
			}
		}
		for k, v := range data {
			if s, ok := v.(string); ok && (secret[k] || secretLike(k)) {
				out = append(out, s)
			}
		}
	}
	sort.Strings(out)
	return out
}

func loadDescription(path string) (*node.Description, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, inputErrorf("cannot read the descriptor: %v", err)
	}
	desc, diags := validateDescription(data)
	if diags != "" {
		return nil, inputErrorf("the descriptor %s is invalid:\n%s", path, diags)
	}
	if !desc.IsDeclarative() {
		return nil, inputErrorf("the descriptor %s is not a declarative node: it has no requestDefaults, so its behaviour lives in code noderun cannot run", path)
	}
	return desc, nil
}

func loadCredentialType(path string) (*node.CredentialType, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, inputErrorf("cannot read the credential type: %v", err)
	}
	var v schema.Validator
	c, diags := v.ValidateCredentialType(data)
	if diags.HasErrors() {
		return nil, inputErrorf("the credential type %s is invalid:\n%s", path, formatDiagnostics(diags.Errors()))
	}
	return &c, nil
}
