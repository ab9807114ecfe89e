// Package n8npackage loads installed n8n node packages, directories or
// npm .tgz files, into runtime node types by running their CommonJS in a
// goja sandbox.
package n8npackage
