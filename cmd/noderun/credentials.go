package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/noderun/noderun/credentials"
)

func runCredentials(ctx context.Context, a *app, args []string) int {
	if len(args) == 0 || args[0] != "test" {
		fmt.Fprintln(a.stderr, "usage: noderun credentials test [--node NAME | --descriptor FILE --credential-type FILE] [--credentials FILE] [--sim]")
		fmt.Fprintln(a.stderr, "Run `noderun credentials test -h` for the flags.")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			return exitOK
		}
		return exitInput
	}
	var f execFlags
	fs := a.newFlags("credentials test", "[--node NAME | --descriptor FILE --credential-type FILE] [--type TYPE] [--credentials FILE] [--sim]")
	nodeName := fs.String("node", "chatwoot", "the built-in node whose credential to test")
	descriptor := fs.String("descriptor", "", "test a credential of this declarative node description instead of a built-in node")
	var credentialTypes []string
	fs.Func("credential-type", "a credential type file the --descriptor uses (repeatable)", func(s string) error {
		credentialTypes = append(credentialTypes, s)
		return nil
	})
	typeName := fs.String("type", "", "the credential type; empty means the node's first")
	fs.StringVar(&f.credentialsFile, "credentials", "", "credentials JSON file {\"<type>\": {fields}}; NODERUN_CREDENTIALS_<TYPE> variables also work")
	fs.BoolVar(&f.sim, "sim", false, "test against the embedded Chatwoot simulator")
	f.logs.register(fs)
	if code, ok := parseFlags(fs, args[1:]); !ok {
		return code
	}
	if err := f.logs.validate(); err != nil {
		fmt.Fprintf(a.stderr, "noderun credentials test: %s\n", oneLine(err.Error()))
		return exitInput
	}
	x := &execution{app: a, flags: f}
	req := &execRequest{Node: *nodeName}
	if *descriptor != "" {
		req = &execRequest{Descriptor: *descriptor, CredentialTypes: credentialTypes}
	}
	nt, err := x.nodeType(req)
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
