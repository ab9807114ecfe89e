// Command nrbench measures noderun against n8n and against a bare net/http
// loop on the same workload and the same local server: Conversations API →
// Create A Conversation with two $json expressions and a JSON parameter per
// item, the peer harness's bench case.
//
//	nrbench compare [-n 1000,10000] [-runs 5] [-n8n-runs 1] [-peer DIR] [-noderun PATH]
//	nrbench builds [-n 10000] [-runs 9] NRBENCH...   (the library of several builds, alternating)
//	nrbench cold [-runs 41] NODERUN...               (dry-run cold starts of several builds, alternating)
//	nrbench execs [-n 5000] [-runs 11] NODERUN...    (exec, JSON and --jsonl, of several builds beside lib and bare, alternating)
//	nrbench serve | bare | lib   (the pieces compare starts as child processes)
//
// bench/run.sh builds everything and runs compare.
package main
