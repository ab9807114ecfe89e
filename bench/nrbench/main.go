package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/noderun/noderun/credentials"
	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/nodes/chatwoot"
	"github.com/noderun/noderun/runtime"
)

// The workload, as in ../shared/peer/cases/bench-create-conversation.json.
var (
	baseItems = []map[string]any{
		{"inbox": "inbox-aaa", "contact": "contact-1"},
		{"inbox": "inbox-aaa", "contact": "contact-2"},
		{"inbox": "inbox-bbb", "contact": "contact-3"},
	}
	parameters = map[string]any{
		"resource":           "Conversations API",
		"operation":          "Create A Conversation",
		"inbox_identifier":   "={{ $json.inbox }}",
		"contact_identifier": "={{ $json.contact }}",
		"custom_attributes":  `{"order_id": "A-1", "priority": 2, "tags": ["vip", "new"]}`,
	}
	reply = []byte(`{"id":1,"echo":true}`)
)

const token = "tok-123"

// result is what one measured run reports.
type result struct {
	Tool          string  `json:"tool"`
	Items         int     `json:"items"`
	Seconds       float64 `json:"seconds"`
	ItemsPerSec   float64 `json:"items_per_second"`
	CPUSeconds    float64 `json:"cpu_seconds"`
	PeakRSSMB     float64 `json:"peak_rss_mb"`
	OutputItems   int     `json:"output_items"`
	Concurrency   int     `json:"concurrency,omitempty"`
	Note          string  `json:"note,omitempty"`
	ProcessSecond float64 `json:"process_seconds,omitempty"`
	// perRound is the items/s of every run, by round, for ratios of
	// runs made side by side.
	perRound []float64
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: nrbench compare|builds|cold|execs|serve|bare|lib [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(os.Args[2:])
	case "bare":
		err = bare(os.Args[2:])
	case "lib":
		err = lib(os.Args[2:])
	case "compare":
		err = compare(os.Args[2:])
	case "builds":
		err = builds(os.Args[2:])
	case "cold":
		err = cold(os.Args[2:])
	case "execs":
		err = execs(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: use compare, builds, cold, execs, serve, bare or lib", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "nrbench:", err)
		os.Exit(1)
	}
}

// serve answers every request with a fixed small JSON body, with
// keep-alive; it prints its URL on stdout and runs until killed.
func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	_ = fs.Parse(args)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Printf("http://%s\n", ln.Addr())
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(reply)))
		_, _ = w.Write(reply)
	})
	return (&http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}).Serve(ln)
}

// bare sends the workload's requests with a plain net/http loop: the
// requests noderun would send, prebuilt, with the same concurrency.
func bare(args []string) error {
	fs := flag.NewFlagSet("bare", flag.ExitOnError)
	base := fs.String("url", "", "server URL")
	n := fs.Int("n", 1000, "requests")
	c := fs.Int("c", 64, "concurrency")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	_ = fs.Parse(args)
	stop, err := startProfile(*profile)
	if err != nil {
		return err
	}
	defer stop()
	body := []byte(`{"custom_attributes":{"order_id":"A-1","priority":2,"tags":["vip","new"]}}`)
	urls := make([]string, len(baseItems))
	for i, it := range baseItems {
		urls[i] = fmt.Sprintf("%s/public/api/v1/inboxes/%s/contacts/%s/conversations", *base, it["inbox"], it["contact"])
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *c, ForceAttemptHTTP2: true}}
	var next, done atomic.Int64
	var firstErr error
	var once sync.Once
	settle()
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < *c; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= *n {
					return
				}
				req, _ := http.NewRequest(http.MethodPost, urls[i%len(urls)], bytes.NewReader(body))
				req.Header["Accept"] = []string{"application/json"}
				req.Header["Content-Type"] = []string{"application/json"}
				req.Header["Api-Access-Token"] = []string{token}
				resp, err := client.Do(req)
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return report(result{Tool: "bare net/http", Items: *n, Seconds: time.Since(start).Seconds(), OutputItems: int(done.Load()), Concurrency: *c})
}

// lib runs the workload through the runtime library.
func lib(args []string) error {
	fs := flag.NewFlagSet("lib", flag.ExitOnError)
	base := fs.String("url", "", "server URL")
	n := fs.Int("n", 1000, "items")
	c := fs.Int("c", 64, "concurrency (Engine.MaxConcurrency)")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	_ = fs.Parse(args)
	nt, err := chatwoot.NodeType()
	if err != nil {
		return err
	}
	items := make([]node.Item, *n)
	for i := range items {
		src := baseItems[i%len(baseItems)]
		items[i] = node.Item{JSON: map[string]any{"inbox": src["inbox"], "contact": src["contact"]}}
	}
	engine := &runtime.Engine{MaxConcurrency: *c}
	stop, err := startProfile(*profile)
	if err != nil {
		return err
	}
	defer stop()
	settle()
	start := time.Now()
	res, err := engine.Execute(context.Background(), runtime.Run{
		Node:        nt,
		Parameters:  parameters,
		Credentials: credentials.Map{chatwoot.CredentialName: {"url": *base, "accessToken": token}},
		Items:       items,
	})
	if err != nil {
		return err
	}
	if res.Err != nil {
		return res.Err
	}
	return report(result{Tool: "noderun library", Items: *n, Seconds: time.Since(start).Seconds(), OutputItems: len(res.Items), Concurrency: *c})
}

// settle collects the garbage of a tool's set-up before its timer starts,
// as testing.B does before each benchmark. Decoding the Chatwoot
// description leaves a few megabytes, which the library would otherwise
// collect inside a short measured run; a program that embeds it decodes
// once, at start-up. Both tools settle.
func settle() { goruntime.GC() }

// startProfile starts a CPU profile into path, when one is asked for;
// stop ends it.
func startProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

func report(r result) error {
	r.ItemsPerSec = float64(r.Items) / r.Seconds
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	r.CPUSeconds = cpuSeconds(&ru)
	r.PeakRSSMB = float64(ru.Maxrss) / 1024
	return json.NewEncoder(os.Stdout).Encode(r)
}

func cpuSeconds(ru *syscall.Rusage) float64 {
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// compare starts the server and runs every tool, several times each.
func compare(args []string) error {
	fs := flag.NewFlagSet("compare", flag.ExitOnError)
	ns := fs.String("n", "1000,10000", "item counts")
	runs := fs.Int("runs", 5, "runs per noderun and bare measurement (median reported)")
	n8nRuns := fs.Int("n8n-runs", 1, "runs per n8n measurement (n8n needs ~20 s per 1,000 items)")
	peer := fs.String("peer", os.Getenv("PEER"), "installed peer harness folder (with node_modules); empty skips n8n")
	noderunBin := fs.String("noderun", "", "noderun binary for the exec --jsonl runs; empty skips them")
	concurrency := fs.Int("c", 64, "concurrency of noderun and of the bare loop")
	million := fs.Bool("million", false, "also stream 1,000,000 items through noderun exec --jsonl (peak RSS check)")
	_ = fs.Parse(args)
	self, url, stop, err := startServer()
	if err != nil {
		return err
	}
	defer stop()
	fmt.Printf("server %s; %d runs each (n8n: %d); concurrency %d\n", url, *runs, *n8nRuns, *concurrency)

	var counts []int
	for _, s := range strings.Split(*ns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("-n: %w", err)
		}
		counts = append(counts, n)
	}
	var table [][]result
	for _, n := range counts {
		c := strconv.Itoa(*concurrency)
		rows := []measurement{
			{name: "noderun library", runs: *runs, run: func() (result, error) {
				return child(self, "lib", "-url", url, "-n", strconv.Itoa(n), "-c", c)
			}},
		}
		if *noderunBin != "" {
			rows = append(rows, measurement{name: "noderun exec --jsonl", runs: *runs, run: func() (result, error) {
				return execJSONL(*noderunBin, url, n, *concurrency)
			}})
		}
		rows = append(rows, measurement{name: "bare net/http", runs: *runs, run: func() (result, error) {
			return child(self, "bare", "-url", url, "-n", strconv.Itoa(n), "-c", c)
		}})
		if *peer != "" {
			for _, engine := range []string{"vm", "legacy"} {
				engine := engine
				rows = append(rows, measurement{name: "n8n 2.41 (" + engine + ")", runs: *n8nRuns, run: func() (result, error) {
					return n8n(*peer, engine, url, n)
				}})
			}
		} else {
			fmt.Println("n8n: skipped (no -peer folder with node_modules; see ../shared/peer/README.md)")
		}
		table = append(table, interleaved(rows, n))
	}
	printTable(table)
	if *million && *noderunBin != "" {
		r, err := execJSONL(*noderunBin, url, 1_000_000, *concurrency)
		if err != nil {
			return err
		}
		fmt.Printf("\n1,000,000 items through noderun exec --jsonl: %.0f items/s, peak RSS %.1f MB, CPU %.1f s\n", r.ItemsPerSec, r.PeakRSSMB, r.CPUSeconds)
	}
	if *noderunBin != "" {
		cold, err := coldStart(*noderunBin, 21)
		if err != nil {
			return err
		}
		fmt.Printf("\nnoderun exec --dry-run cold start, 1 item: median %.1f ms over 21 runs\n", cold)
	}
	return nil
}

type measurement struct {
	name string
	runs int
	run  func() (result, error)
}

// interleaved runs the measurements in rounds (one run of each per
// round, until each has its count, in alternating order), so that the
// machine's drifting speed weighs on every tool alike, and returns each
// one's median-rate run.
func interleaved(ms []measurement, n int) []result {
	runs := make([][]result, len(ms))
	failed := make([]bool, len(ms))
	for round := 0; ; round++ {
		ran := false
		for k := range ms {
			i := inRoundOrder(round, k, len(ms))
			m := ms[i]
			if failed[i] || round >= m.runs {
				continue
			}
			ran = true
			r, err := m.run()
			if err == nil && r.OutputItems != r.Items {
				err = fmt.Errorf("%d items in, %d out", r.Items, r.OutputItems)
			}
			if err != nil {
				fmt.Printf("%s, N=%d: %v\n", m.name, n, err)
				failed[i] = true
				continue
			}
			runs[i] = append(runs[i], r)
		}
		if !ran {
			break
		}
	}
	var got []result
	for i, rs := range runs {
		if failed[i] || len(rs) == 0 {
			continue
		}
		rates := make([]float64, len(rs))
		for k, x := range rs {
			rates[k] = x.ItemsPerSec
		}
		sort.Slice(rs, func(a, b int) bool { return rs[a].ItemsPerSec < rs[b].ItemsPerSec })
		r := rs[len(rs)/2]
		r.perRound = rates
		if len(rs) > 1 {
			r.Note = fmt.Sprintf("median of %d, interleaved", len(rs))
		}
		got = append(got, r)
	}
	return got
}

// child runs nrbench itself and reads its JSON result; CPU and RSS come
// from the child's rusage.
func child(self string, args ...string) (result, error) {
	cmd := exec.Command(self, args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return result{}, err
	}
	var r result
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return result{}, fmt.Errorf("%s: %w", args[0], err)
	}
	fillUsage(&r, cmd.ProcessState)
	return r, nil
}

func fillUsage(r *result, ps *os.ProcessState) {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		r.CPUSeconds = cpuSeconds(ru)
		r.PeakRSSMB = float64(ru.Maxrss) / 1024
	}
}

// execJSONL streams n items through `noderun exec --jsonl`; the rate is
// the whole process's, start-up included.
func execJSONL(bin, url string, n, concurrency int) (result, error) {
	cmd := exec.Command(bin, "exec", "--jsonl", "--max-concurrency", strconv.Itoa(concurrency), "--progress", "never")
	cmd.Env = append(os.Environ(), fmt.Sprintf(`NODERUN_CREDENTIALS_CHATWOOTAPI={"url":%q,"accessToken":%q}`, url, token))
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return result{}, err
	}
	go func() {
		w := bufio.NewWriterSize(stdin, 1<<16)
		head, _ := json.Marshal(map[string]any{"node": "chatwoot", "parameters": parameters})
		w.Write(head)
		w.WriteByte('\n')
		for i := 0; i < n; i++ {
			it := baseItems[i%len(baseItems)]
			fmt.Fprintf(w, "{\"json\":{\"inbox\":%q,\"contact\":%q}}\n", it["inbox"], it["contact"])
		}
		w.Flush()
		stdin.Close()
	}()
	lines := 0
	errLine := ""
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if bytes.HasPrefix(sc.Bytes(), []byte(`{"error"`)) {
			errLine = sc.Text()
			continue
		}
		lines++
	}
	if err := cmd.Wait(); err != nil {
		return result{}, fmt.Errorf("noderun exec: %v %s", err, errLine)
	}
	r := result{Tool: "noderun exec --jsonl", Items: n, Seconds: time.Since(start).Seconds(), OutputItems: lines, Concurrency: concurrency}
	r.ItemsPerSec = float64(n) / r.Seconds
	fillUsage(&r, cmd.ProcessState)
	return r, nil
}

// n8n runs the peer oracle's bench against the same server: the case's
// credentials point n8n at it.
func n8n(peer, engine, url string, n int) (result, error) {
	if _, err := os.Stat(filepath.Join(peer, "node_modules")); err != nil {
		return result{}, errors.New("the peer folder has no node_modules: cp -r ../shared/peer DIR && cd DIR && npm ci --ignore-scripts")
	}
	c := map[string]any{
		"resource": "Conversations API", "operation": "Create A Conversation",
		"parameters":  parameters,
		"credentials": map[string]any{"accessToken": token, "url": url},
		"items":       []any{map[string]any{"json": baseItems[0]}, map[string]any{"json": baseItems[1]}, map[string]any{"json": baseItems[2]}},
	}
	f, err := os.CreateTemp("", "nrbench-case-*.json")
	if err != nil {
		return result{}, err
	}
	defer os.Remove(f.Name())
	_ = json.NewEncoder(f).Encode(c)
	f.Close()
	cmd := exec.Command("node", "oracle.js", "--bench", strconv.Itoa(n), f.Name())
	cmd.Dir = peer
	cmd.Env = append(os.Environ(), "N8N_EXPRESSION_ENGINE="+engine, "NO_PROXY=127.0.0.1")
	var out bytes.Buffer
	cmd.Stdout = &out
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return result{}, fmt.Errorf("oracle: %w", err)
	}
	var o struct {
		Items       int     `json:"items"`
		Seconds     float64 `json:"seconds"`
		OutputItems int     `json:"output_items"`
		PeakRSSMB   float64 `json:"peak_rss_mb"`
		Error       any     `json:"error"`
	}
	if err := json.Unmarshal(out.Bytes(), &o); err != nil {
		return result{}, fmt.Errorf("oracle output: %w", err)
	}
	if o.Error != nil {
		return result{}, fmt.Errorf("n8n failed: %v", o.Error)
	}
	r := result{Tool: "n8n 2.41 (" + engine + ")", Items: o.Items, Seconds: o.Seconds, OutputItems: o.OutputItems,
		PeakRSSMB: o.PeakRSSMB, ProcessSecond: time.Since(start).Seconds(), Note: "node execution time only"}
	r.ItemsPerSec = float64(o.Items) / o.Seconds
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.CPUSeconds = cpuSeconds(ru)
	}
	return r, nil
}

// coldStart times `noderun exec --dry-run` on one item, the median of runs.
func coldStart(bin string, runs int) (float64, error) {
	req := `{"node":"chatwoot","parameters":{"resource":"Conversations API","operation":"Create A Conversation","inbox_identifier":"i","contact_identifier":"c"},"credentials":{"chatwootApi":{"url":"http://127.0.0.1:9","accessToken":"t"}}}`
	var ms []float64
	for i := 0; i < runs; i++ {
		cmd := exec.Command(bin, "exec", "--dry-run")
		cmd.Stdin = strings.NewReader(req)
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			return 0, fmt.Errorf("dry run: %v: %s", err, out)
		}
		ms = append(ms, float64(time.Since(start).Microseconds())/1000)
	}
	sort.Float64s(ms)
	return ms[len(ms)/2], nil
}

// startServer starts the echo server (nrbench serve, from this binary,
// whose path it returns) and returns its URL and a function that stops it.
func startServer() (self, url string, stop func(), err error) {
	if self, err = os.Executable(); err != nil {
		return "", "", nil, err
	}
	srv := exec.Command(self, "serve")
	srvOut, _ := srv.StdoutPipe()
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		return "", "", nil, err
	}
	stop = func() { _ = srv.Process.Kill(); _ = srv.Wait() }
	line, err := bufio.NewReader(srvOut).ReadString('\n')
	if err != nil {
		stop()
		return "", "", nil, fmt.Errorf("server did not start: %w", err)
	}
	return self, strings.TrimSpace(line), stop, nil
}

// inRoundOrder is the k-th of n tools to run in a round: odd rounds run
// them in reverse, so that going first favours none.
func inRoundOrder(round, k, n int) int {
	if round%2 == 1 {
		return n - 1 - k
	}
	return k
}

// builds compares the library of several builds (their nrbench binaries,
// built from each commit) on the same server: every round runs each
// build's lib and this binary's bare loop, in alternating order, and the
// medians of items/s, CPU per item and same-round ratio to the bare loop
// are printed per build.
func builds(args []string) error {
	fs := flag.NewFlagSet("builds", flag.ExitOnError)
	n := fs.Int("n", 10000, "items per run")
	runs := fs.Int("runs", 9, "rounds")
	concurrency := fs.Int("c", 64, "concurrency")
	_ = fs.Parse(args)
	bins := fs.Args()
	if len(bins) == 0 {
		return errors.New("builds: name the nrbench binaries of the builds to compare")
	}
	self, url, stop, err := startServer()
	if err != nil {
		return err
	}
	defer stop()
	tools := append(append([]string(nil), bins...), "bare")
	rates := make([][]float64, len(tools))
	cpu := make([][]float64, len(tools))
	count, c := strconv.Itoa(*n), strconv.Itoa(*concurrency)
	for round := range *runs {
		for k := range tools {
			i := inRoundOrder(round, k, len(tools))
			var r result
			if tools[i] == "bare" {
				r, err = child(self, "bare", "-url", url, "-n", count, "-c", c)
			} else {
				r, err = child(tools[i], "lib", "-url", url, "-n", count, "-c", c)
			}
			if err != nil {
				return fmt.Errorf("%s: %w", tools[i], err)
			}
			rates[i] = append(rates[i], r.ItemsPerSec)
			cpu[i] = append(cpu[i], r.CPUSeconds/float64(*n)*1e6)
		}
	}
	bare := &result{perRound: rates[len(tools)-1]}
	fmt.Printf("%d rounds of %d items, concurrency %d\n", *runs, *n, *concurrency)
	for i, t := range tools {
		line := fmt.Sprintf("%-40s %8.0f items/s  %6.1f µs CPU/item", t, median(rates[i]), median(cpu[i]))
		if t != "bare" {
			line += "  ratio to bare: " + pairedRatio(&result{perRound: rates[i]}, bare)
		}
		fmt.Println(line)
	}
	return nil
}

// cold times one-item dry runs of several noderun binaries, alternating
// their order every round, and prints each one's median.
func cold(args []string) error {
	fs := flag.NewFlagSet("cold", flag.ExitOnError)
	runs := fs.Int("runs", 41, "runs of each binary")
	_ = fs.Parse(args)
	bins := fs.Args()
	if len(bins) == 0 {
		return errors.New("cold: name the noderun binaries to time")
	}
	ms := make([][]float64, len(bins))
	for round := range *runs {
		for k := range bins {
			i := inRoundOrder(round, k, len(bins))
			t, err := coldStart(bins[i], 1)
			if err != nil {
				return err
			}
			ms[i] = append(ms[i], t)
		}
	}
	for i, b := range bins {
		fmt.Printf("%-40s median %.1f ms over %d runs\n", b, median(ms[i]), len(ms[i]))
	}
	return nil
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// pairedRatio is the median of the ratios of a's and b's runs in the same
// round: runs seconds apart share the machine's speed of the moment,
// which drifts by more than the difference measured.
func pairedRatio(a, b *result) string {
	n := min(len(a.perRound), len(b.perRound))
	if n < 2 {
		return "too few rounds to pair"
	}
	ratios := make([]float64, n)
	for k := range n {
		ratios[k] = a.perRound[k] / b.perRound[k]
	}
	sort.Float64s(ratios)
	return fmt.Sprintf("%.2f (median of %d same-round ratios, %.2f–%.2f)", ratios[n/2], n, ratios[0], ratios[n-1])
}

func printTable(table [][]result) {
	fmt.Printf("\n%-24s %8s %12s %9s %10s %11s\n", "tool", "N", "items/s", "CPU s", "peak RSS", "")
	for _, rows := range table {
		var lib, bareR, vm, legacy *result
		for i := range rows {
			r := &rows[i]
			fmt.Printf("%-24s %8d %12.0f %9.2f %8.1f MB  %s\n", r.Tool, r.Items, r.ItemsPerSec, r.CPUSeconds, r.PeakRSSMB, r.Note)
			switch r.Tool {
			case "noderun library":
				lib = r
			case "bare net/http":
				bareR = r
			case "n8n 2.41 (vm)":
				vm = r
			case "n8n 2.41 (legacy)":
				legacy = r
			}
		}
		if lib != nil {
			if bareR != nil {
				fmt.Printf("  ratio noderun/bare net/http: %.2f (medians); %s\n", lib.ItemsPerSec/bareR.ItemsPerSec, pairedRatio(lib, bareR))
			}
			if vm != nil {
				fmt.Printf("  ratio noderun/n8n (vm, default): %.0f×\n", lib.ItemsPerSec/vm.ItemsPerSec)
			}
			if legacy != nil {
				fmt.Printf("  ratio noderun/n8n (legacy): %.0f×\n", lib.ItemsPerSec/legacy.ItemsPerSec)
			}
		}
		fmt.Println()
	}
}

// execJSON sends n items in one JSON request to `noderun exec` (the
// default, indented output, or --compact's); the rate is the whole
// process's, start-up and output included.
func execJSON(bin, url string, n, concurrency int, extra ...string) (result, error) {
	args := append([]string{"exec", "--max-concurrency", strconv.Itoa(concurrency), "--progress", "never"}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), fmt.Sprintf(`NODERUN_CREDENTIALS_CHATWOOTAPI={"url":%q,"accessToken":%q}`, url, token))
	items := make([]map[string]any, n)
	for i := range items {
		items[i] = map[string]any{"json": baseItems[i%len(baseItems)]}
	}
	req, err := json.Marshal(map[string]any{"node": "chatwoot", "parameters": parameters, "items": items})
	if err != nil {
		return result{}, err
	}
	cmd.Stdin = bytes.NewReader(req)
	var out, stderr bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return result{}, fmt.Errorf("noderun exec: %v: %s", err, stderr.Bytes())
	}
	elapsed := time.Since(start).Seconds()
	var o struct {
		Items      []json.RawMessage `json:"items"`
		ErrorItems []json.RawMessage `json:"errorItems"`
		Error      json.RawMessage   `json:"error"`
	}
	if err := json.Unmarshal(out.Bytes(), &o); err != nil {
		return result{}, fmt.Errorf("noderun exec output: %w", err)
	}
	if len(o.ErrorItems) > 0 || (len(o.Error) > 0 && string(o.Error) != "null") {
		return result{}, fmt.Errorf("noderun exec failed: %s %s", o.Error, firstRaw(o.ErrorItems))
	}
	r := result{Tool: "noderun exec", Items: n, Seconds: elapsed, OutputItems: len(o.Items), Concurrency: concurrency}
	r.ItemsPerSec = float64(n) / r.Seconds
	fillUsage(&r, cmd.ProcessState)
	return r, nil
}

func firstRaw(rs []json.RawMessage) string {
	if len(rs) == 0 {
		return ""
	}
	return string(rs[0])
}

// execs compares `noderun exec` of several builds, with a JSON request
// and with --jsonl, beside this binary's library run and bare loop: every
// round runs each once, in alternating order, and the medians of items/s,
// CPU per item and the same-round ratio to the bare loop are printed.
func execs(args []string) error {
	fs := flag.NewFlagSet("execs", flag.ExitOnError)
	n := fs.Int("n", 5000, "items per run")
	runs := fs.Int("runs", 11, "rounds")
	concurrency := fs.Int("c", 64, "concurrency")
	compact := fs.Bool("compact", false, "also run each build's JSON request with --compact")
	_ = fs.Parse(args)
	bins := fs.Args()
	if len(bins) == 0 {
		return errors.New("execs: name the noderun binaries to compare")
	}
	self, url, stop, err := startServer()
	if err != nil {
		return err
	}
	defer stop()
	count, c := strconv.Itoa(*n), strconv.Itoa(*concurrency)
	type tool struct {
		name string
		run  func() (result, error)
	}
	tools := []tool{
		{"bare", func() (result, error) { return child(self, "bare", "-url", url, "-n", count, "-c", c) }},
		{"lib", func() (result, error) { return child(self, "lib", "-url", url, "-n", count, "-c", c) }},
	}
	for _, b := range bins {
		tools = append(tools,
			tool{b + " exec (JSON)", func() (result, error) { return execJSON(b, url, *n, *concurrency) }},
			tool{b + " exec --jsonl", func() (result, error) { return execJSONL(b, url, *n, *concurrency) }})
		if *compact {
			tools = append(tools, tool{b + " exec --compact", func() (result, error) { return execJSON(b, url, *n, *concurrency, "--compact") }})
		}
	}
	rates := make([][]float64, len(tools))
	cpu := make([][]float64, len(tools))
	for round := range *runs {
		for k := range tools {
			i := inRoundOrder(round, k, len(tools))
			r, err := tools[i].run()
			if err == nil && r.OutputItems != r.Items {
				err = fmt.Errorf("%d items in, %d out", r.Items, r.OutputItems)
			}
			if err != nil {
				return fmt.Errorf("%s: %w", tools[i].name, err)
			}
			rates[i] = append(rates[i], r.ItemsPerSec)
			cpu[i] = append(cpu[i], r.CPUSeconds/float64(*n)*1e6)
		}
	}
	bare, lib := &result{perRound: rates[0]}, &result{perRound: rates[1]}
	fmt.Printf("%d rounds of %d items, concurrency %d\n", *runs, *n, *concurrency)
	for i, t := range tools {
		line := fmt.Sprintf("%-44s %8.0f items/s  %6.1f µs CPU/item", t.name, median(rates[i]), median(cpu[i]))
		if i > 0 {
			line += "\n    ratio to bare: " + pairedRatio(&result{perRound: rates[i]}, bare)
		}
		if i > 1 {
			line += "\n    ratio to lib:  " + pairedRatio(&result{perRound: rates[i]}, lib)
		}
		fmt.Println(line)
	}
	return nil
}
