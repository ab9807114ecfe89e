// Package chatwoot is the Chatwoot node: its embedded declarative description, its credential type, and typed Go nodes.
package chatwoot
