package provider

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// The property test of gitlab_release_links' whole write path, as Update runs it: planComputed on the final plan
// (and, for the invariants, on every plan with some of its values unknown), then changesFor, orderWrites,
// runWrites through a real client over HTTP to the emulator, and applyResults. A case is a release's links before
// and after, drawn from small pools so that renames, swaps and cycles are common, with random faults, 429s, a
// small retry budget and an interrupt (Ctrl-C) while GitLab handles the k-th write. After every case,
// checkProperties (release_links_invariants_test.go) checks the invariants.
//
// A case is derived from bytes: the fuzzer's input in FuzzWritePath, or bytes from a numbered seed in
// TestWritePathProperties, which names its subtests by seed so that a failure is replayed with
// go test -run 'TestWritePathProperties/seed=N$' ./internal/provider/.

// propertySeeds is how many cases TestWritePathProperties runs: about three seconds on two cores.
const propertySeeds = 1000

func TestWritePathProperties(t *testing.T) {
	seen, ran := map[string]int{}, 0
	for seed := range uint64(propertySeeds) {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			run := runPropertyCase(t, seedBytes(seed), fmt.Sprintf("go test -count=1 -run 'TestWritePathProperties/seed=%d$' ./internal/provider/", seed))
			for _, what := range run.kinds() {
				seen[what]++
			}
			ran++
		})
	}
	t.Logf("cases: %v", seen)
	// The cases must still reach what the invariants are about; a change to the generator could lose some
	// silently. (Writes arriving after an interrupt depend on scheduling, so they are not required.)
	for _, what := range []string{"update", "parking", "fault", "throttled", "interrupt", "stopped", "skipped",
		"may have been made", "create may have been made", "extra link", "all done"} {
		if ran == propertySeeds && seen[what] == 0 {
			t.Errorf("no case has %s", what)
		}
	}
}

// kinds names what made a run interesting.
func (run *propertyRun) kinds() []string {
	var out []string
	add := func(cond bool, what string) {
		if cond {
			out = append(out, what)
		}
	}
	add(slices.ContainsFunc(run.writes, func(w linkWrite) bool { return w.parking }), "parking")
	add(len(run.changes.updates) > 0, "update")
	add(run.faults > 0, "fault")
	add(run.gate.throttled > 0, "throttled")
	add(run.gate.cancelled, "interrupt")
	add(run.gate.cancelled && run.gate.afterCancel > 0, "write after interrupt")
	add(slices.ContainsFunc(run.results, func(r writeResult) bool { return !r.done && maybeMade(r.err) }), "may have been made")
	add(slices.ContainsFunc(run.results, func(r writeResult) bool { return r.skipped }), "skipped")
	add(slices.ContainsFunc(run.results, func(r writeResult) bool { return r.stopped }), "stopped")
	add(!slices.ContainsFunc(run.results, func(r writeResult) bool { return !r.done }), "all done")
	var lost int
	for i, r := range run.results {
		if !r.done && maybeMade(r.err) && run.writes[i].kind == writeCreate {
			lost++
		}
	}
	add(lost > 0, "create may have been made")
	add(len(run.gitlab) > len(run.state), "extra link")
	return out
}

// FuzzWritePath runs one case per input: make fuzz FUZZTIME=10m. A failing input is saved under
// testdata/fuzz/FuzzWritePath, and go test replays it from there.
func FuzzWritePath(f *testing.F) {
	// Cases of TestWritePathProperties: a cycle of three updates, two parkings, two parkings under faults, a lost
	// create that left a link, an interrupt with faults and one write at a time, and writes arriving after an
	// interrupt with four at a time.
	for _, seed := range []uint64{13, 93, 45, 87, 145, 89} {
		f.Add(seedBytes(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		runPropertyCase(t, data, "go test -count=1 -run 'FuzzWritePath/<the file under testdata/fuzz/FuzzWritePath>' ./internal/provider/")
	})
}

// seedBytes are the bytes a numbered case is drawn from.
func seedBytes(seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	data := make([]byte, 256)
	for i := range data {
		data[i] = byte(rng.UintN(256))
	}
	return data
}

// The pools every value is drawn from: few enough that links often trade values.
var (
	propertyNames = []string{"a", "b", "c", "d", "e"}
	propertyURLs  = []string{"https://x.example/1", "https://x.example/2", "https://x.example/3", "https://x.example/4", "https://x.example/5"}
	propertyPaths = []string{"", "/dl/one", "/dl/two", "/dl/three"} // "" is no path
	propertyTypes = []string{"other", "package", "runbook", "image"}
	propertyFault = []gitlabtest.FaultKind{gitlabtest.FaultRateLimit, gitlabtest.FaultBadGateway, gitlabtest.FaultCommitThenBadGateway,
		gitlabtest.FaultDropConnection, gitlabtest.FaultCommitThenDrop, gitlabtest.FaultReset, gitlabtest.FaultInternalError}
)

// choices draws a case's decisions from bytes, one byte a draw; once they run out, every draw is 0.
type choices struct{ data []byte }

func (c *choices) intn(n int) int {
	if len(c.data) == 0 || n <= 1 {
		return 0
	}
	b := c.data[0]
	c.data = c.data[1:]
	return int(b) % n
}

// oneIn is true once in n draws.
func (c *choices) oneIn(n int) bool { return c.intn(n) == 0 }

// shuffled is a permutation of pool.
func (c *choices) shuffled(pool []string) []string {
	out := slices.Clone(pool)
	for i := len(out) - 1; i > 0; i-- {
		j := c.intn(i + 1)
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// propertyCase is one update of a release's links, and what goes wrong during it.
type propertyCase struct {
	current, desired []linkFields // GitLab's links and the state; the configuration
	parallel         int          // release_links_parallelism
	retries          int
	faultRate        float64
	faultKinds       []gitlabtest.FaultKind
	faultSeed        int64
	cancelAt         int  // the write request during which the apply is interrupted, counting from 1; 0 for none
	deadline         bool // a deadline shorter than a rate-limit wait, which then fails the writes at once
	// throttle are the write requests that get a 429 asking to retry at once, counting from 1: GitLab's own
	// (FaultRateLimit) ask for a second at least.
	throttle map[int]bool
}

func newPropertyCase(data []byte) propertyCase {
	c := &choices{data: data}
	var pc propertyCase
	pc.current = randomLinks(c)
	switch c.intn(4) {
	case 0:
		pc.desired = randomLinks(c)
	case 1:
		pc.desired = dealtLinks(c, pc.current)
	default:
		pc.desired = mutatedLinks(c, pc.current)
	}
	pc.parallel = []int{1, 1, 2, 4}[c.intn(4)]
	pc.retries = c.intn(4)
	if !c.oneIn(3) {
		pc.faultRate = []float64{0.1, 0.25, 0.4}[c.intn(3)]
		for _, k := range propertyFault {
			if c.oneIn(2) {
				pc.faultKinds = append(pc.faultKinds, k)
			}
		}
		if len(pc.faultKinds) == 0 {
			pc.faultKinds = []gitlabtest.FaultKind{propertyFault[c.intn(len(propertyFault))]}
		}
		pc.faultSeed = int64(c.intn(256))<<8 | int64(c.intn(256))
		// A 429 asks to wait a second at least: with a shorter deadline the client fails at once instead.
		pc.deadline = slices.Contains(pc.faultKinds, gitlabtest.FaultRateLimit)
	}
	if c.oneIn(3) {
		pc.cancelAt = 1 + c.intn(4)
	}
	if c.oneIn(4) {
		pc.throttle = map[int]bool{}
		for i := range 12 {
			if c.oneIn(4) {
				pc.throttle[i+1] = true
			}
		}
	}
	return pc
}

// randomLinks is a release of up to five links, unique in name, URL and path as GitLab requires.
func randomLinks(c *choices) []linkFields {
	n := c.intn(len(propertyNames) + 1)
	names, urls := c.shuffled(propertyNames), c.shuffled(propertyURLs)
	out := make([]linkFields, n)
	for i := range out {
		out[i] = linkFields{name: names[i], url: urls[i], linkType: randomType(c), path: propertyPaths[c.intn(len(propertyPaths))]}
		if slices.ContainsFunc(out[:i], func(f linkFields) bool { return out[i].path != "" && f.path == out[i].path }) {
			out[i].path = ""
		}
	}
	return out
}

func randomType(c *choices) string {
	if c.oneIn(2) {
		return "other"
	}
	return propertyTypes[c.intn(len(propertyTypes))]
}

// dealtLinks deals the URLs and paths of links out anew, to about as many links, under names old and new: a new
// name often gets the URL of one link that goes away and the path of another.
func dealtLinks(c *choices, links []linkFields) []linkFields {
	var names, urls, paths []string
	for _, f := range links {
		names, urls, paths = append(names, f.name), append(urls, f.url), append(paths, f.path)
	}
	others := func(pool, taken []string) []string {
		return c.shuffled(slices.DeleteFunc(slices.Clone(pool), func(v string) bool { return slices.Contains(taken, v) }))
	}
	urls = append(c.shuffled(urls), others(propertyURLs, urls)...)
	paths = c.shuffled(append(paths, "", ""))
	if c.oneIn(2) {
		names = append(others(propertyNames, names), c.shuffled(names)...) // new names first: the old ones go away
	} else {
		names = c.shuffled(propertyNames)
	}
	out := make([]linkFields, min(max(len(links)+c.intn(3)-1, 0), len(names), len(paths)))
	for i := range out {
		out[i] = linkFields{name: names[i], url: urls[i], linkType: randomType(c), path: paths[i]}
	}
	return out
}

// mutatedLinks changes links a few times: two links swap a name, URL or path, three rotate their names, a link
// takes a value no link holds, or is dropped, a link is added, two links give way to one with the URL of one and
// the path of the other, or one link to two that share its URL and path. Every step keeps the values unique.
func mutatedLinks(c *choices, links []linkFields) []linkFields {
	out := slices.Clone(links)
	unused := func(pool []string, field func(linkFields) string) (string, bool) {
		var free []string
		for _, v := range pool {
			if v == "" || !slices.ContainsFunc(out, func(f linkFields) bool { return field(f) == v }) {
				free = append(free, v)
			}
		}
		if len(free) == 0 {
			return "", false
		}
		return free[c.intn(len(free))], true
	}
	name := func(f linkFields) string { return f.name }
	url := func(f linkFields) string { return f.url }
	path := func(f linkFields) string { return f.path }
	for range 1 + c.intn(4) {
		i, j, k := c.intn(len(out)), c.intn(len(out)), c.intn(len(out))
		switch op := c.intn(12); {
		case len(out) == 0 || op == 9:
			n, okN := unused(propertyNames, name)
			u, okU := unused(propertyURLs, url)
			p, _ := unused(propertyPaths, path)
			if okN && okU {
				out = append(out, linkFields{name: n, url: u, linkType: randomType(c), path: p})
			}
		case op == 0:
			out[i].name, out[j].name = out[j].name, out[i].name
		case op == 1:
			out[i].url, out[j].url = out[j].url, out[i].url
		case op == 2:
			out[i].path, out[j].path = out[j].path, out[i].path
		case op == 3 && i != j && j != k && i != k:
			out[i].name, out[j].name, out[k].name = out[j].name, out[k].name, out[i].name
		case op == 4:
			if n, ok := unused(propertyNames, name); ok {
				out[i].name = n
			}
		case op == 5:
			if u, ok := unused(propertyURLs, url); ok {
				out[i].url = u
			}
		case op == 6:
			out[i].path, _ = unused(propertyPaths, path)
		case op == 7:
			out[i].linkType = randomType(c)
		case op == 8:
			out = slices.Delete(out, i, i+1)
		case op == 10 && i != j:
			// A new name takes the URL of one link and the path of another, and both go away: which link it keeps
			// depends on which value is known at plan.
			if n, ok := unused(propertyNames, name); ok {
				a, b := out[i], out[j]
				out = append(slices.DeleteFunc(out, func(f linkFields) bool { return f == a || f == b }),
					linkFields{name: n, url: a.url, linkType: a.linkType, path: b.path})
			}
		case op == 11 && out[i].path != "":
			// A link gives way to two new names, one with its URL, the other with its path: which takes the link
			// depends on the order of the names and on what is known at plan.
			n1, ok1 := unused(propertyNames, name)
			u, okU := unused(propertyURLs, url)
			if a := out[i]; ok1 && okU {
				out[i] = linkFields{name: n1, url: u, linkType: randomType(c), path: a.path}
				if n2, ok2 := unused(propertyNames, name); ok2 {
					out = append(out, linkFields{name: n2, url: a.url, linkType: a.linkType})
				}
			}
		}
	}
	return out
}

// String describes the case for a failure message.
func (pc propertyCase) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "parallelism %d, retries %d, fault rate %.2f of %v (seed %d), interrupt at write %d, short deadline %v, "+
		"throttled writes %v\n", pc.parallel, pc.retries, pc.faultRate, pc.faultKinds, pc.faultSeed, pc.cancelAt, pc.deadline, pc.throttle)
	for _, f := range pc.current {
		fmt.Fprintf(&b, "  current %+v\n", f)
	}
	for _, f := range pc.desired {
		fmt.Fprintf(&b, "  desired %+v\n", f)
	}
	return b.String()
}

// writeGate stands in front of the emulator and sees every write request (POST, PUT, DELETE) arrive: it records
// them, answers those in throttle 429 itself, and interrupts the apply from inside the handler of the cancelAt-th
// one, before GitLab handles it.
type writeGate struct {
	next     http.Handler
	cancelAt int
	cancel   context.CancelFunc
	throttle map[int]bool

	mu        sync.Mutex
	arrived   int
	throttled int
	byMethod  map[string]int // the requests passed on to GitLab
	touched   map[int64]bool // links a PUT or DELETE passed on named
	seen      map[writeSeen]bool
	inside    int // write requests in the handler now
	// cancelled is set once cancel has been called; insideAtCancel is how many write requests were in the
	// handler then, the cancelling one included, and afterCancel how many arrived afterwards.
	cancelled      bool
	insideAtCancel int
	afterCancel    int
}

func (g *writeGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		g.next.ServeHTTP(w, r)
		return
	}
	seen := writeSeen{method: r.Method}
	if r.Method != http.MethodPost {
		seen.linkID, _ = strconv.ParseInt(r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:], 10, 64)
	}
	if r.Method != http.MethodDelete {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		var sent struct {
			Name     string  `json:"name"`
			URL      string  `json:"url"`
			LinkType string  `json:"link_type"`
			Path     *string `json:"direct_asset_path"`
		}
		_ = json.Unmarshal(body, &sent)
		seen.to = linkFields{name: sent.Name, url: sent.URL, linkType: sent.LinkType, path: *cmp.Or(sent.Path, new(""))}
	}
	g.mu.Lock()
	g.arrived++
	throttled := g.throttle[g.arrived]
	switch {
	case throttled:
		g.throttled++
	case seen.method == http.MethodPost:
		g.byMethod[r.Method]++
	default:
		g.byMethod[r.Method]++
		g.touched[seen.linkID] = true
	}
	g.seen[seen] = true
	g.inside++
	if g.cancelled {
		g.afterCancel++
	}
	if g.arrived == g.cancelAt {
		g.cancelled, g.insideAtCancel = true, g.inside
		g.cancel()
	}
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		g.inside--
		g.mu.Unlock()
	}()
	if throttled {
		w.Header().Set("Retry-After", "0")
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte("Retry later\n"))
		return
	}
	g.next.ServeHTTP(w, r)
}

// writeSeen is a write request as GitLab receives it: the method, the link of a PUT or DELETE, and the values
// of a PUT or POST.
type writeSeen struct {
	method string
	linkID int64
	to     linkFields
}

// seenAs is how GitLab receives the write.
func (w *linkWrite) seenAs() writeSeen {
	switch w.kind {
	case writeDelete:
		return writeSeen{method: http.MethodDelete, linkID: w.linkID}
	case writeUpdate:
		return writeSeen{method: http.MethodPut, linkID: w.linkID, to: w.to}
	default:
		return writeSeen{method: http.MethodPost, to: w.to}
	}
}

// propertyRun is what one case did.
type propertyRun struct {
	pc        propertyCase
	held      map[string]linkElement // the state before
	final     map[string]linkElement // the plan at apply
	changes   linkChanges
	writes    []linkWrite
	results   []writeResult
	state     map[string]linkElement // the state after: applyResults
	gitlab    []gitlabtest.Link      // what GitLab holds after
	directURL func(gitlabtest.Link) string
	gate      *writeGate
	faults    int // faults the emulator injected
}

// runPropertyCase runs the case drawn from data and checks its invariants; replay says how to run it again.
func runPropertyCase(t *testing.T, data []byte, replay string) *propertyRun {
	pc := newPropertyCase(data)
	run := runProperty(t, pc)
	for _, problem := range checkProperties(run) {
		t.Errorf("%s", problem)
	}
	if t.Failed() {
		t.Logf("case:\n%swrites: %s\nresults: %+v\nreplay: %s", pc, describeWrites(run.writes), run.results, replay)
	}
	return run
}

// describeWrites lists the writes for a failure message.
func describeWrites(writes []linkWrite) string {
	var parts []string
	for i, w := range writes {
		parts = append(parts, fmt.Sprintf("\n  %d: %s to %+v after %v", i, w.describe(), w.to, w.after))
	}
	return strings.Join(parts, "")
}

// runProperty seeds an emulator of its own with the case's links, plans, and applies the plan as Update does.
func runProperty(t *testing.T, pc propertyCase) *propertyRun {
	t.Helper()
	emu := gitlabtest.NewServer()
	t.Cleanup(emu.Close)
	emu.AddToken(testUser, testToken, gitlabtest.TokenOptions{})
	project := emu.AddProject("test-group/property", false).FullPath
	if err := emu.AddMember(project, testUser, gitlabtest.Owner); err != nil {
		t.Fatal(err)
	}
	if err := emu.AddRelease(project, testTag); err != nil {
		t.Fatal(err)
	}
	for _, f := range pc.current {
		if _, err := emu.AddLink(project, testTag, gitlabtest.Link{Name: f.name, URL: f.url, Filepath: f.path, LinkType: f.linkType}); err != nil {
			t.Fatalf("seeding %+v: %v", f, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if pc.deadline {
		ctx, cancel = context.WithTimeout(ctx, 700*time.Millisecond)
		defer cancel()
	}
	gate := &writeGate{next: emu.Handler(), cancelAt: pc.cancelAt, cancel: cancel, throttle: pc.throttle, byMethod: map[string]int{}, touched: map[int64]bool{},
		seen: map[writeSeen]bool{}}
	proxy := httptest.NewServer(gate)
	t.Cleanup(proxy.Close)
	client, err := gitlab.New(gitlab.Config{BaseURL: proxy.URL, Token: testToken, Retries: pc.retries,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	data := &providerData{client: client, links: newLinkCache(client), owners: newOwners(), parallelism: pc.parallel}

	// The state, as Read records it.
	links, err := client.ListReleaseLinks(t.Context(), project, testTag)
	if err != nil {
		t.Fatal(err)
	}
	run := &propertyRun{pc: pc, held: map[string]linkElement{}, gate: gate,
		directURL: func(l gitlabtest.Link) string { return emu.DirectAssetURL(project, testTag, l) }}
	for i := range links {
		run.held[links[i].Name] = elementFromAPI(&links[i], testTag, "")
	}

	// The plan at apply, with every value known, as ModifyPlan makes it.
	run.final = elements(linksValue(plannedLinks(pc.desired, nil, run.held)))

	// Update.
	if pc.faultRate > 0 {
		emu.SetRandomFaults(pc.faultSeed, pc.faultRate, pc.faultKinds...)
	}
	run.changes = changesFor(run.final, run.held)
	run.writes = orderWrites(run.changes)
	var diags diag.Diagnostics
	run.results = data.runWrites(ctx, project, testTag, run.writes, pc.parallel, &diags)
	run.state = applyResults(run.held, testTag, run.writes, run.results)

	// An attempt the client gave up on may still be in the handler: wait for it before reading GitLab.
	proxy.Close()
	run.faults = emu.FaultsInjected()
	run.gitlab = emu.Links(project, testTag)
	return run
}

// plannedLinks is the plan ModifyPlan makes for the desired links, with the values unknown says unknown: 'u' a
// link's URL, 'p' its path, 'b' both, 'e' the whole entry.
func plannedLinks(desired []linkFields, unknown []byte, held map[string]linkElement) map[string]linkElement {
	plan := map[string]linkElement{}
	for i, f := range desired {
		e := linkElement{url: types.StringValue(f.url), linkType: types.StringValue(f.linkType), path: types.StringPointerValue(optionalPath(f.path)),
			linkID: types.Int64Unknown(), directAssetURL: types.StringUnknown()}
		if i < len(unknown) {
			switch unknown[i] {
			case 'u':
				e.url = types.StringUnknown()
			case 'p':
				e.path = types.StringUnknown()
			case 'b':
				e.url, e.path = types.StringUnknown(), types.StringUnknown()
			case 'e':
				e = linkElement{unknown: true}
			}
		}
		plan[f.name] = e
	}
	planComputed(plan, held)
	return plan
}
