// Package expr evaluates n8n expressions: parameter strings that start with
// "=" and hold text and {{ code }} segments, with n8n's variables ($json,
// $parameter, $value ...), extension methods and error rules.
//
// Each distinct text is compiled once into an Expression, split and parsed
// as n8n does (the first "}}" ends a segment; a lone segment keeps its
// JavaScript type, mixed text becomes a string). Common shapes ({{ $json.a.b }},
// {{ $parameter["x"] }}, {{ $value }}, {{ JSON.parse($value) }}, literals)
// are evaluated in Go without a JavaScript engine; when the data is not of
// the shape the Go path handles, it hands over to JavaScript, so both agree.
//
// Everything else runs in goja, a JavaScript engine written in Go. Code is
// compiled once into a program shared by a pool of runtimes; a call binds
// only the variables the code names. Calls x.method(...) whose name is one
// of n8n's extension methods go to a dispatcher that prefers the extension
// of x's type over a native method, as n8n's extend() does. Luxon's
// DateTime, Duration and Interval are implemented over time.Time (goja has
// no Intl, which Luxon needs for time zones), with the zone database
// embedded.
//
// The sandbox follows n8n: eval, Function, require, process, Reflect, Proxy,
// setTimeout and other host globals evaluate to empty objects, member names
// such as constructor and __proto__ are refused (also computed ones, and in
// destructuring), with is refused, and each evaluation has a time limit, a
// result-size limit and a memory bound: built-ins that allocate or loop in
// Go are checked before they run (limits.go), and a heap guard stops code
// that grows memory in the interpreter (guard.go). Each runtime is sealed
// when created (sandbox.go): the code compilers refuse to run and every
// built-in is frozen, so nothing an evaluation does outlives it. Where n8n
// silently turns a runtime error into undefined (E5), noderun reports a
// KindRuntime error unless Options.Lenient is set. The fixture
// testdata/expressions/n8n-2.41.json
// records real n8n 2.41 results for every rule the package implements.
package expr
