package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/nodes/n8npackage"
	"github.com/noderun/noderun/runtime"
)

func runCredentials(ctx context.Context, a *app, args []string) int {
	if len(args) == 0 || args[0] != "test" {
		fmt.Fprintln(a.stderr, "usage: noderun credentials test [--node NAME | --descriptor FILE --credential-type FILE | --package DIR [--node NAME] [--type TYPE]] [--credentials FILE] [--sim]")
		fmt.Fprintln(a.stderr, "Run `noderun credentials test -h` for the flags.")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			return exitOK
		}
		return exitInput
	}
	var f execFlags
	fs := a.newFlags("credentials test", "[--node NAME | --descriptor FILE --credential-type FILE | --package DIR [--node NAME]] [--type TYPE] [--credentials FILE] [--sim]")
	nodeName := fs.String("node", "", "the node whose credential to test: a built-in node (default chatwoot), or with --package one of the package's node types")
	pkgPath := fs.String("package", "", "test a credential type of this n8n node package (a directory or an npm .tgz), named by --type or by --node's credential")
	descriptor := fs.String("descriptor", "", "test a credential of this declarative node description instead of a built-in node")
	var credentialTypes []string
	fs.Func("credential-type", "a credential type file the --descriptor uses (repeatable)", func(s string) error {
		credentialTypes = append(credentialTypes, s)
		return nil
	})
	typeName := fs.String("type", "", "the credential type; empty means the node's first")
	fs.StringVar(&f.credentialsFile, "credentials", "", "credentials JSON file {\"<type>\": {fields}}; NODERUN_CREDENTIALS_<TYPE> variables also work")
	fs.BoolVar(&f.sim, "sim", false, "test against the embedded Chatwoot simulator")
	f.mapURLs.register(fs)
	fs.BoolVar(&f.allowLinkLocal, "allow-link-local", false, "let the test request reach link-local and cloud metadata addresses")
	f.logs.register(fs)
	if code, ok := parseFlags(fs, args[1:]); !ok {
		return code
	}
	if err := f.logs.validate(); err != nil {
		fmt.Fprintf(a.stderr, "noderun credentials test: %s\n", oneLine(err.Error()))
		return exitInput
	}
	if err := f.mapURLs.validate(); err != nil {
		fmt.Fprintf(a.stderr, "noderun credentials test: %s\n", oneLine(err.Error()))
		return exitInput
	}
	x := &execution{app: a, flags: f}
	defer x.closePackage()
	var nt *runtime.NodeType
	var err error
	switch {
	case *pkgPath != "" && *descriptor != "":
		err = inputErrorf("give --package or --descriptor, not both")
	case *pkgPath != "" && *nodeName == "":
		nt, err = x.packageCredentialType(*pkgPath, *typeName)
	case *pkgPath != "":
		nt, _, err = x.packageNodeType(*pkgPath, *nodeName, 0)
	case *descriptor != "":
		nt, err = x.nodeType(&execRequest{Descriptor: *descriptor, CredentialTypes: credentialTypes})
	default:
		if *nodeName == "" {
			*nodeName = "chatwoot"
		}
		nt, err = x.nodeType(&execRequest{Node: *nodeName})
	}
	req := &execRequest{}
	if err != nil {
		fmt.Fprintf(a.stderr, "noderun credentials test: %s\n", oneLine(err.Error()))
		return exitInput
	}
	if *typeName == "" && len(nt.Description.Credentials) > 0 {
		*typeName = nt.Description.Credentials[0].Name
	}
	creds, err := x.credentials(req, nt)
	if err != nil {
		fmt.Fprintf(a.stderr, "noderun credentials test: %s\n", oneLine(err.Error()))
		return exitInput
	}
	// From here every line on stderr masks the credentials' secrets.
	x.addSecrets(credentials.NewRedactor(secretValues(nt, creds)...))
	if f.sim {
		stop, err := x.startSim(ctx, creds)
		if err != nil {
			fmt.Fprintf(a.stderr, "noderun credentials test: %s\n", oneLine(err.Error()))
			return exitInput
		}
		defer stop()
	}
	if _, ok := creds[*typeName]; !ok {
		fmt.Fprintf(a.stderr, "noderun credentials test: no %q credential given: use --credentials FILE or NODERUN_CREDENTIALS_%s='{...}'\n", *typeName, strings.ToUpper(*typeName))
		return exitInput
	}
	redactor := credentials.NewRedactor(secretValues(nt, creds)...)
	engine := x.engineFor(redactor)
	defer engine.CloseIdleConnections()
	res, err := engine.TestCredential(ctx, nt, *typeName, credentials.Map(creds))
	if err != nil {
		fmt.Fprintf(a.stderr, "noderun credentials test: %s\n", redactor.String(err.Error()))
		return exitInput
	}
	res.Message = redactor.String(res.Message)
	writeJSON(a.stdout, res)
	if !res.OK {
		return exitFailed
	}
	return exitOK
}

// packageCredentialType is the node type credentials test runs for a
// credential type of a package named by --type: the type and those it
// extends that the package provides (an OAuth2 base's token URL and
// grant type), or, for a type without a test request, the package's
// node that tests it (testedBy).
func (x *execution) packageCredentialType(path, typeName string) (*runtime.NodeType, error) {
	if typeName == "" {
		return nil, inputErrorf("with --package, name the credential type to test with --type (or a node type of the package with --node)")
	}
	pkg, err := x.openPackage(path)
	if err != nil {
		return nil, err
	}
	ctx := context.Background() // the sandbox bounds the load's time itself
	c, err := pkg.Credential(ctx, typeName)
	if err != nil {
		return nil, inputErrorf("%v", err)
	}
	if c.Type.Test == nil {
		// n8n tests such a type with a node's testedBy.
		nt, err := pkg.CredentialTestNodeType(ctx, typeName)
		if err != nil {
			return nil, inputErrorf("%v", err)
		}
		if nt != nil {
			return nt, nil
		}
	}
	types := []*node.CredentialType{c.Type}
	seen := map[string]bool{typeName: true}
	for i := 0; i < len(types); i++ {
		for _, parent := range types[i].Extends {
			if seen[parent] {
				continue
			}
			seen[parent] = true
			pc, err := pkg.Credential(ctx, parent)
			var missing *n8npackage.NotFoundError
			if errors.As(err, &missing) {
				continue // a base type of n8n's or of another package
			}
			if err != nil {
				return nil, inputErrorf("credential type %s extends %s, which did not load: %v", types[i].Name, parent, err)
			}
			types = append(types, pc.Type)
		}
	}
	lookup := func(name string) *node.CredentialType {
		for _, t := range types {
			if t.Name == name {
				return t
			}
		}
		return nil
	}
	if c.Type.Test == nil && !credentials.IsOAuth2(c.Type, lookup) {
		// Said here: the runtime would name the temporary node below.
		return nil, inputErrorf("credential type %q defines no test request, and no node of package %s tests it (testedBy), so it cannot be tested", typeName, pkg.Name)
	}
	desc := &node.Description{DisplayName: "Credential test", Name: "credentialTest", Version: node.Version{1},
		Credentials: []node.CredentialRef{{Name: typeName, Required: true}}}
	return runtime.NewNodeType(desc, types...)
}
