// Package runtime runs declarative n8n node descriptions: it resolves each
// input item's parameters and expressions, builds and sends one request per
// item with the node's credentials and Request Options, and turns the
// responses into output items, as n8n's RoutingNode does.
//
// An Engine (zero value ready) prepares a Run once into a Prepared plan and
// executes it over items with bounded concurrency, in input order, pairing
// every output item with its input item. Failures of single items become
// error items under continue-on-fail, or fail the node with a *NodeError
// that names the item.
package runtime
