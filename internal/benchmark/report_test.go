package benchmark

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

// phaseResult is what one phase cost.
type phaseResult struct {
	name         string
	n            int // links in the configuration
	wall         time.Duration
	counts       map[string]int // GitLab requests by "METHOD /route/template", from the emulator
	provider     providerUsage  // the provider processes Terraform started during the phase
	terraformCPU time.Duration  // CPU time of Terraform itself (and the wrappers), without the providers
}

// total is the number of requests GitLab received during the phase.
func (r phaseResult) total() int {
	sum := 0
	for _, c := range r.counts {
		sum += c
	}
	return sum
}

// method is the number of requests with the given HTTP method.
func (r phaseResult) method(m string) int {
	sum := 0
	for key, c := range r.counts {
		if strings.HasPrefix(key, m+" ") {
			sum += c
		}
	}
	return sum
}

// floor returns the fewest requests the phase can make, the most it may make and still count as meeting the
// floor, and the write method each of the N links must see exactly once ("" for plan). A walk that reads state
// (plan, and the plan walk that apply and destroy start with) costs one listing per 100 links of the release;
// every walk may spend one more request. A create walks twice, plan then apply, with nothing in state to read:
// each walk's plan-time check lists the empty release once (conflicts.go).
func (r phaseResult) floor() (floor, budget int, write string) {
	pages := (r.n + 99) / 100
	switch r.name {
	case "apply":
		return r.n + 2, r.n + 4, "POST"
	case "plan":
		return pages + 1, pages + 1, ""
	case "update":
		return r.n + pages + 1, r.n + pages + 1, "PUT"
	default: // destroy
		return r.n + pages + 1, r.n + pages + 1, "DELETE"
	}
}

// verdict says whether the phase met its floor and, if not, why.
func (r phaseResult) verdict() string {
	_, budget, write := r.floor()
	var misses []string
	if write != "" && r.method(write) != r.n {
		misses = append(misses, fmt.Sprintf("%d %ss for %d links", r.method(write), write, r.n))
	}
	if total := r.total(); total > budget {
		misses = append(misses, fmt.Sprintf("%d requests, %d over the budget of %d", total, total-budget, budget))
	}
	if len(misses) == 0 {
		return "yes"
	}
	return "NO: " + strings.Join(misses, "; ")
}

// printTable writes one cycle's figures: a row per phase, then every phase's requests by route.
func printTable(w io.Writer, title string, n int, latency time.Duration, results []phaseResult) {
	pages := (n + 99) / 100
	fmt.Fprintf(w, "\n%s: links=%d, latency %s, load average %s; floors: apply %d POSTs (+1 request per walk), plan %d+1, "+
		"update %d PUTs + %d+1, destroy %d DELETEs + %d+1\n", title, n, latency, loadAverage(), n, pages, n, pages, n, pages)
	fmt.Fprintf(w, "%-8s %9s %8s %6s %6s %6s %6s %6s %6s %6s %9s %5s %5s %8s %8s %9s %8s  %s\n", "phase", "wall",
		"requests", "GET", "POST", "PUT", "DELETE", "other", "floor", "ratio", "peak RSS", "procs", "walks", "CPU prov",
		"CPU/link", "/lnk/walk", "CPU tf", "floor met")
	unreported := 0
	for _, r := range results {
		floor, _, _ := r.floor()
		known := r.method("GET") + r.method("POST") + r.method("PUT") + r.method("DELETE")
		fmt.Fprintf(w, "%-8s %8.2fs %8d %6d %6d %6d %6d %6d %6d %6.2f %5.1f MiB %5d %5d %7.2fs %6.2fms %7.2fms %7.2fs  %s\n",
			r.name, r.wall.Seconds(), r.total(), r.method("GET"), r.method("POST"), r.method("PUT"), r.method("DELETE"),
			r.total()-known, floor, float64(r.total())/float64(floor), mib(r.provider.peakKiB), len(r.provider.procs),
			r.provider.walks(), r.provider.cpu.Seconds(), ms(r.provider.cpu/time.Duration(r.n)),
			ms(summarize(r).perLinkWalk(r.n)), r.terraformCPU.Seconds(), r.verdict())
		unreported += r.provider.unreported
	}
	fmt.Fprintln(w, "peak RSS: the largest ru_maxrss of the provider processes Terraform started in the phase (procs); "+
		"CPU: user+system time of those processes and of Terraform itself;\n"+
		"CPU/link: provider CPU per link; /lnk/walk: CPU of the walks (procs after the schema and validate ones) per link and walk")
	if unreported > 0 {
		fmt.Fprintf(w, "(%d provider processes were killed before reporting: peak RSS and CPU prov are lower bounds)\n", unreported)
	}
	fmt.Fprintln(w, "requests by route:")
	for _, r := range results {
		keys := make([]string, 0, len(r.counts))
		for key := range r.counts {
			keys = append(keys, key)
		}
		sort.Strings(keys)
		for _, key := range keys {
			fmt.Fprintf(w, "  %-8s %-62s %6d\n", r.name, key, r.counts[key])
		}
	}
}

// describeMachine is one line naming what the figures were measured on.
func describeMachine(ctx context.Context) string {
	cpu := "unknown CPU"
	if text, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(text), "\n") {
			if name, value, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "model name" {
				cpu = strings.TrimSpace(value)
				break
			}
		}
	}
	memory := "unknown memory"
	if text, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(text), "\n") {
			if value, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				if kib, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(value), "kB")), 10, 64); err == nil {
					memory = fmt.Sprintf("%.1f GiB", float64(kib)/(1<<20))
				}
			}
		}
	}
	kernel := "unknown"
	if text, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = strings.TrimSpace(string(text))
	}
	terraform := "unknown"
	if out, err := exec.CommandContext(ctx, "terraform", "version", "-json").Output(); err == nil {
		var v struct {
			Version string `json:"terraform_version"`
		}
		if json.Unmarshal(out, &v) == nil && v.Version != "" {
			terraform = v.Version
		}
	}
	return fmt.Sprintf("machine: nproc %d, %s, %s RAM, %s/%s Linux %s, %s, Terraform %s",
		runtime.NumCPU(), cpu, memory, runtime.GOOS, runtime.GOARCH, kernel, runtime.Version(), terraform)
}

// loadAverage is the 1, 5 and 15 minute load average, which tells whether the wall times shared the machine.
func loadAverage() string {
	text, err := os.ReadFile("/proc/loadavg")
	if fields := strings.Fields(string(text)); err == nil && len(fields) >= 3 {
		return strings.Join(fields[:3], " ")
	}
	return "unknown"
}

// printFloor sets the provider's figures beside the framework floor's, phase by phase and for the four together,
// then lists each process's CPU time in start order: schema, validate, then the walks.
func printFloor(w io.Writer, ours, floors []phaseResult, pids bool) {
	fmt.Fprintln(w, "ours above the framework's floor (floorprovider: same schema, configuration and phases; no HTTP, "+
		"no validators, plan modifiers or ModifyPlan):")
	fmt.Fprintf(w, "%-8s %17s %21s %31s %29s %17s\n", "", "wall", "peak RSS", "provider CPU", "CPU per link and walk",
		"terraform CPU")
	fmt.Fprintf(w, "%-8s %8s %8s %10s %10s %8s %7s %7s %6s %8s %8s %9s %8s %8s\n", "phase", "ours", "floor", "ours",
		"floor", "ours", "floor", "diff", "ratio", "ours", "floor", "diff", "ours", "floor")
	row := func(name string, n int, r, f usageSummary) {
		fmt.Fprintf(w, "%-8s %7.2fs %7.2fs %6.1f MiB %6.1f MiB %7.2fs %6.2fs %6.2fs %5.2fx %6.2fms %6.2fms %7.2fms %7.2fs %7.2fs\n",
			name, r.wall.Seconds(), f.wall.Seconds(), mib(r.peakKiB), mib(f.peakKiB),
			r.cpu.Seconds(), f.cpu.Seconds(), (r.cpu - f.cpu).Seconds(), r.cpu.Seconds()/f.cpu.Seconds(),
			ms(r.perLinkWalk(n)), ms(f.perLinkWalk(n)), ms(r.perLinkWalk(n)-f.perLinkWalk(n)),
			r.terraformCPU.Seconds(), f.terraformCPU.Seconds())
	}
	var total, totalFloor usageSummary
	for i, r := range ours {
		row(r.name, r.n, summarize(r), summarize(floors[i]))
		total, totalFloor = total.plus(summarize(r)), totalFloor.plus(summarize(floors[i]))
	}
	if len(ours) > 0 {
		row("total", ours[0].n, total, totalFloor)
	}
	fmt.Fprintln(w, "provider CPU by process, in start order (schema, validate | walks):")
	for i, r := range ours {
		fmt.Fprintf(w, "  %-8s ours %s   floor %s\n", r.name, processCPU(r.provider, pids), processCPU(floors[i].provider, pids))
	}
}

// usageSummary is what the floor table shows of a phase, or of several phases together.
type usageSummary struct {
	wall, cpu, walkCPU, terraformCPU time.Duration // cpu is the provider's; walkCPU the part of it spent in walks
	walks                            int
	peakKiB                          int64
}

func summarize(r phaseResult) usageSummary {
	return usageSummary{wall: r.wall, cpu: r.provider.cpu, walkCPU: r.provider.walkCPU(), terraformCPU: r.terraformCPU,
		walks: r.provider.walks(), peakKiB: r.provider.peakKiB}
}

// plus sums two summaries, keeping the larger peak; the sum's CPU per link and walk is the average over all walks.
func (s usageSummary) plus(o usageSummary) usageSummary {
	return usageSummary{wall: s.wall + o.wall, cpu: s.cpu + o.cpu, walkCPU: s.walkCPU + o.walkCPU,
		terraformCPU: s.terraformCPU + o.terraformCPU, walks: s.walks + o.walks, peakKiB: max(s.peakKiB, o.peakKiB)}
}

// perLinkWalk is the walks' CPU time per link and walk, or 0 when there was no walk.
func (s usageSummary) perLinkWalk(n int) time.Duration {
	if s.walks == 0 || n == 0 {
		return 0
	}
	return s.walkCPU / time.Duration(n*s.walks)
}

// processCPU lists the CPU time of each process, with its pid when profiles are written (they are named by pid).
func processCPU(u providerUsage, pids bool) string {
	var parts []string
	for i, p := range u.procs {
		part := fmt.Sprintf("%.2fs", p.cpu.Seconds())
		if pids {
			part += fmt.Sprintf(" (pid %d)", p.pid)
		}
		if i == nonWalks {
			part = "| " + part
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, " ")
}

// mib converts KiB to MiB.
func mib(kib int64) float64 { return float64(kib) / 1024 }

// ms is a duration in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// wholeWallTarget is the share of the wall time of N gitlab_release_link resources that one gitlab_release_links
// of N links may take in each phase (issue 13: one fifth).
const wholeWallTarget = 0.2

// printWhole sets the phases of N gitlab_release_link resources (each) beside those of one gitlab_release_links
// holding the N links (whole): wall time and its ratio against the target, requests by method against the floor,
// provider CPU and peak memory.
func printWhole(w io.Writer, each, whole []phaseResult) {
	fmt.Fprintf(w, "\nN gitlab_release_link resources (each) beside one gitlab_release_links of N links (whole); target: whole's wall "+
		"time at most %.0f%% of each's\n", wholeWallTarget*100)
	fmt.Fprintf(w, "%-8s %8s %8s %6s %-6s  %-28s %-28s %8s %8s %9s %9s\n", "phase", "each", "whole", "ratio", "target",
		"each: GET/POST/PUT/DELETE", "whole: GET/POST/PUT/DELETE", "CPU each", "CPU whole", "RSS each", "RSS whole")
	byMethod := func(r phaseResult) string {
		return fmt.Sprintf("%d/%d/%d/%d (floor %s)", r.method("GET"), r.method("POST"), r.method("PUT"), r.method("DELETE"),
			strings.SplitN(r.verdict(), ":", 2)[0])
	}
	for i, e := range each {
		if i >= len(whole) {
			break
		}
		h := whole[i]
		ratio := h.wall.Seconds() / e.wall.Seconds()
		met := "met"
		if ratio > wholeWallTarget {
			met = "MISSED"
		}
		fmt.Fprintf(w, "%-8s %7.2fs %7.2fs %6.3f %-6s  %-28s %-28s %7.2fs %8.2fs %5.1f MiB %5.1f MiB\n", e.name,
			e.wall.Seconds(), h.wall.Seconds(), ratio, met, byMethod(e), byMethod(h), e.provider.cpu.Seconds(),
			h.provider.cpu.Seconds(), mib(e.provider.peakKiB), mib(h.provider.peakKiB))
	}
}
