package main

// execHelp documents the exec contract in `noderun exec -h` and `noderun
// help exec`, before the flags.
const execHelp = `
Runs one node over its input items: reads one JSON request on stdin (or --input FILE),
sends the node's HTTP requests and writes one JSON result on stdout.

The request:
  {"node": "chatwoot",                       a built-in node (noderun list), or instead
   "descriptor": "my.node.json",             a declarative n8n node description, with
   "credentialTypes": ["my.credential.json"],  the credential types it uses, or
   "package": "node_modules/n8n-nodes-base",  an installed n8n node package (or --package),
   "node": "n8n-nodes-base.npm", "typeVersion": 1,  its node type and version
   "parameters": {"resource": "Contacts", "operation": "Contact Create",
                  "account_id": 1, "name": "={{ $json.name }}"},
   "credentials": {"chatwootApi": {"url": "https://chatwoot.example.com", "accessToken": "..."}},
   "items": [{"json": {"name": "Ada"}}],     input items; absent means one empty item
   "settings": {"continueOnFail": true}}     also onError, retryOnFail, maxTries,
                                             waitBetweenTries, alwaysOutputData, executeOnce
  Optional: "nodeName"; "nodes": {"Name": {"items": [...]}} for $('Name'); "workflow"; "execution".
  "noderun describe NODE --resource R --operation O" lists an operation's parameters.

The result:
  {"items": [...], "errorItems": [...], "error": null | {"name": ..., "message": ..., ...}}
  With --jsonl the first input line is the request without "items", then one {"json": ...}
  item per line; the output is one item per line, and a last {"error": ...} line if the
  node failed.

Example (against the embedded Chatwoot simulator, nothing to set up):
  echo '{"node": "chatwoot", "parameters": {"resource": "Contacts", "operation": "Contact List", "account_id": @SIM_ACCOUNT_ID@}}' | noderun exec --sim

Exit status:
  0    the node ran (also when continue-on-fail turned failures into error items)
  1    the node failed: stdout still holds the JSON result, with "error"
  2    unusable input: bad JSON or flags, unknown node, operation or parameter, invalid
       descriptor, input over --max-request-bytes or --max-line-bytes
  130  interrupted by Ctrl-C (143: SIGTERM): the items finished so far are written,
       with an "error" saying how many

Environment:
  NODERUN_CREDENTIALS_<TYPE>   credential data as a JSON object, e.g.
                               NODERUN_CREDENTIALS_CHATWOOTAPI='{"url": "...", "accessToken": "..."}'
  HTTP_PROXY, HTTPS_PROXY, NO_PROXY
                               the proxy for requests whose node sets none
  GOGC, GOMEMLIMIT             when either is set, replaces noderun's collector setting
                               (the heap grows 16 MiB past the live heap between collections)
  Expressions read variables through $env only with --allow-env.

Secrets (credential values and their encoded forms) are masked as **hidden** in every log
line, error and dry run.

Flags:
`
