// Package contract checks HTTP requests and responses against the Chatwoot OpenAPI document,
// explaining each deviation the real server is known to make by an entry of KnownSpecErrors.
//
// It is for tests: the simulator's contract tests validate every response it gives, and other
// packages' end-to-end tests validate the requests their client sends (Middleware, Transport).
package contract
