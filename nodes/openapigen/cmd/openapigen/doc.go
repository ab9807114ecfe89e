// Command openapigen writes a declarative n8n node description generated
// from an OpenAPI 3 JSON document (see package openapigen).
//
//	openapigen -spec openapi.json -out node.json -name chatWoot -display-name ChatWoot -credential chatwootApi
//
// By default noderun's improvements are on; -n8n gives
// @devlikeapro/n8n-openapi-node 0.1.4's mapping alone.
package main
