// Package schema owns the validation of n8n node descriptions and credential
// types: the embedded JSON Schemas that fix their shape, and the Go checks
// of their meaning, reported together as one sorted list of Diagnostics.
//
// A Validator (its zero value is ready) takes raw JSON through three steps,
// each needing the one before:
//
//  1. syntax: malformed JSON gives one error with line, column and the
//     pointer of the value being read;
//  2. shape: the embedded draft-07 JSON Schemas, checked with gojsonschema,
//     report every key of the wrong JSON type, every missing key n8n
//     requires and every routing, request, send, output or authenticate key
//     noderun's model would silently drop; a walk along node's types
//     reports keys that differ from a model key only in letter case (n8n
//     ignores them, encoding/json would not);
//  3. meaning: the description is decoded with node's own decoder and
//     checked in Go, with per-value rules as go-playground/validator tags.
//
// Already decoded values, such as descriptions built in Go, go through step
// 3 alone with CheckDescription and CheckCredentialType.
//
// A description that is well formed takes a faster way to the same result:
// one strict parse (node/jsontree) is read by a quick shape check compiled
// from the same embedded schemas (quickShape, which also finds case-variant
// keys) and then decoded, and the frequent per-value rules are prechecked in
// Go before validator is asked.
// Both shortcuts answer only "certainly fine" or "not sure"; on "not sure"
// the steps above run as described and word every finding. Tests hold them
// to that: mutated and fuzzed descriptions (FuzzQuickShape), every key of
// the fixtures in other letter case, and every rule against its tags.
//
// Errors mark what noderun must not run. Warnings mark defects n8n accepts
// but that misbehave at run time, the kind its linter
// (eslint-plugin-n8n-nodes-base) reports. Diagnostics.Err turns a list with
// errors into a *ValidationError for callers that want an error value.
//
// Meaning checks on a description (errors):
//   - name, displayName, version (each entry > 0) and properties are present;
//   - every property has a name and a type n8n knows;
//   - options and multiOptions properties have choices (or load them), each
//     with a string, number or boolean value, no value twice;
//   - fixedCollection properties have groups, each with a name and values;
//     collection children and group values are checked as properties;
//   - displayOptions keys name a parameter where n8n looks it up: top-level
//     parameters at top level and for '/'-prefixed keys, siblings inside a
//     collection or group; @version, @tool and @feature are special; _cnd
//     conditions use known operators;
//   - operation values are unique within a resource across the top-level
//     'operation' selectors shown for it;
//   - routing: send.type is body or query; methods are HTTP methods (any
//     case) or expressions; arrayFormat and encoding are known values;
//     postReceive actions and paginations have a known type and the
//     properties it needs, or are registered hook names; hook names are not
//     empty;
//   - strings where n8n takes expressions (request fields, headers, qs, body,
//     send.property, send.value, send.paginate, postReceive properties,
//     maxResults) that contain {{ }} start with '='.
//
// Warnings on a description: a default that is missing or null or does not
// fit the property type (boolean, number, string, json text, collection and
// fixedCollection objects, multiOptions arrays); an options default that is
// not one of its choices (Chatwoot's empty operation defaults: n8n then
// sends a GET to baseURL); a number default outside minValue/maxValue; a
// show condition with no values; a send without property; several
// credential types without an 'authentication' selector; a routed
// collection child whose displayOptions name a sibling (n8n's routing
// engine never sends it); an expression reading a $parameter that does not
// exist.
//
// A description that already has a requestOptions property is accepted as
// it is: adding n8n's Request Options is the runtime loader's job.
//
// A credential type gets the same property checks, plus: name, displayName
// and properties are present; authenticate is "generic" and sets headers,
// qs, body or auth (basic auth with username and password); the test request
// has a url or baseURL and rules of a known type with the properties they
// need; $credentials names read by expressions exist (warning).
package schema
