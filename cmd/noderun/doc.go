// Command noderun runs n8n-style declarative nodes: as a JSON-in/JSON-out
// subprocess (exec), and with the tools around it (list, describe,
// validate, credentials test, generate, sim).
package main
