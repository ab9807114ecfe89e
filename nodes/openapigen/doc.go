// Package openapigen turns an OpenAPI 3 document into a declarative n8n
// node description, mapping it exactly as @devlikeapro/n8n-openapi-node
// 0.1.4 does, with noderun's improvements as switchable options.
//
// The mapping (the one the n8n Chatwoot node is built with):
//
//   - each tag becomes a Resource choice, named and valued by lodash's
//     startCase of the tag, in the order of the document's tag list;
//   - each operation becomes an Operation choice of each of its tags'
//     resources: name startCase(operationId), value the name with
//     characters other than letters, digits and space replaced by '-',
//     routing.request {method, url} with {x} path segments written as
//     {{$parameter["x"]}};
//   - each operation's fields are, in order: a notice named "operation"
//     showing "METHOD /path"; its parameters (path parameters required and
//     used only by the URL, query parameters sent as query values, header
//     parameters as headers); and the top-level fields of its JSON request
//     body, sent as body values; objects and arrays become json fields sent
//     through JSON.parse, enums become options;
//   - deprecated operations are left out.
//
// Generate returns the description; n8n's loader additions (Request
// Options, Custom API Call) are left to the runtime's loader. Options
// switch on noderun's improvements: fields sent only when set, spec-only
// defaults for optional fields, and no text copied from the spec.
package openapigen
