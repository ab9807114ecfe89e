// Package chatwootsim is an in-memory, stateful stand-in for the Chatwoot 3.x HTTP API that answers
// the 115 operations of the Chatwoot OpenAPI document the way the real server does (statuses, bodies,
// key order, errors, auth), with deterministic demo data and injectable faults for reliability tests.
//
// It deliberately shares no code with the noderun client path: it imports only the standard library.
// The sub-package contract validates requests and responses against the OpenAPI document.
package chatwootsim
