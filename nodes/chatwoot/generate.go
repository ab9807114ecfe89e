package chatwoot

// chatwoot.node.json is generated from Chatwoot's OpenAPI document, which
// lives beside this module in ../shared; the build needs only the committed
// JSON. Regenerate with `go generate ./nodes/chatwoot`: the result must not
// differ from the committed file unless the generator or the spec changed.
//go:generate go run ../openapigen/cmd/openapigen -spec ../../../shared/chatwoot/openapi.json -out chatwoot.node.json -name chatWoot -display-name ChatWoot -description "Interact with ChatWoot API" -credential chatwootApi
