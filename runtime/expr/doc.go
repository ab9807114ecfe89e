// Package expr evaluates n8n expressions: parameter strings that start with
// "=" and hold text and {{ code }} segments, with n8n's variables ($json,
// $parameter, $value ...), extension methods and error rules.
//
// Each distinct text is compiled once into an Expression; common shapes
// ({{ $json.a.b }}, {{ $value }}, literals) are evaluated in Go without a
// JavaScript engine, the rest by pooled JavaScript runtimes with a time and
// result-size limit.
package expr
