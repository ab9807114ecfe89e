// Package n8npackage loads installed n8n node packages into runtime node
// types by running their CommonJS in a goja sandbox.
//
// A package is a directory holding package.json (with its "n8n" section
// listing node and credential files) or an npm .tgz. Its JavaScript runs in
// one goja runtime per package, with a require that resolves modules as
// Node does but reads only inside the package's tree, a built-in
// n8n-workflow, the safe part of Node's built-ins, and time, stack and heap
// limits. A module a file binds at its top level and reads only later is
// evaluated at that first read, which keeps loading one node type of a
// large package to what its description needs (lazy.go). Node
// descriptions are converted to node.Description; functions they hold
// (preSend, postReceive, pagination) become runtime hooks under generated
// names that run the JavaScript with n8n's `this`, and a credential's
// preAuthentication becomes its PreAuthenticate.
package n8npackage
