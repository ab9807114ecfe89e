// Package nodes lists the node types that ship with noderun, in one
// explicit registry value: the generic Chatwoot node and the typed Chatwoot
// Create A Conversation node.
package nodes
