// Command noderun-temporal runs noderun nodes on Temporal: `worker` serves
// node runs on a task queue, `run` starts one from a `noderun exec`
// request and prints its output as `noderun exec` does.
package main
