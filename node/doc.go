// Package node is noderun's data model of an n8n node: the declarative
// description (properties, routing, credential types), the items that flow
// through a workflow, the nodes of an exported n8n workflow, and the
// one-method Node interface that every runnable node implements.
//
// The types mirror n8n's JSON (INodeTypeDescription, INodeProperties,
// INodePropertyRouting, ICredentialType, INodeExecutionData, INode) field for field,
// so a description exported from n8n decodes without loss of anything that
// matters at run time and encodes back to the same JSON. The package does no
// I/O and holds no state: every value here is plain data, safe to share
// between goroutines once built.
package node
