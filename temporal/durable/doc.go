// Package durable runs noderun nodes on Temporal: a workflow splits a
// node run's items into chunks and fans them out as activities, each of
// which runs its chunk through runtime.Engine on whichever worker takes it.
package durable
