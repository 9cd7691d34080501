package benchmark

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// The resilience benchmarks (`make bench-resilience`) measure what the acceptance tests can only check at a small
// scale: how long applies take under GitLab's rate limit and how fast a plan fails when GitLab is gone, with the
// provider's default settings and the real Terraform CLI.

// resilienceSetup is an emulator with the benchmark's project and release, a provider build, and a workspace.
func resilienceSetup(b *testing.B) (*gitlabtest.Server, *workspace) {
	b.Helper()
	if os.Getenv("BENCH") != "1" {
		b.Skip("set BENCH=1 (or run `make bench-resilience`) to drive the real Terraform CLI")
	}
	srv := newBenchEmulator(b)
	binary := buildProvider(b, ".", false)
	return srv, newWorkspace(b, srv.URL(), filepath.Dir(binary), nil, configTemplate)
}

// runExit runs one terraform command and returns its exit code and wall time; it fails the benchmark only when
// terraform cannot run at all.
func (w *workspace) runExit(b *testing.B, name string, args ...string) (int, time.Duration) {
	b.Helper()
	start := time.Now()
	_, err := w.run(b.Context(), name, nil, args...)
	wall := time.Since(start)
	switch {
	case err == nil:
		return 0, wall
	case strings.Contains(err.Error(), "found changes"):
		return 2, wall
	case strings.Contains(err.Error(), "exit status"):
		return 1, wall
	}
	b.Fatalf("terraform %s: %v", name, err)
	return -1, wall
}

// BenchmarkRateLimits applies and destroys 150 links against GitLab's fixed-window throttle at 60 requests per
// 20 seconds, in each way GitLab answers (headers on the 429 only, a bare 429, RateLimit-* on every answer), and
// prints each phase's exit status, wall time against the floor the limit sets, and the throttled requests spent.
// Each phase starts at the beginning of a window, so its floor is exact: ceil(requests/60)-1 windows of 20 s.
func BenchmarkRateLimits(b *testing.B) {
	const (
		n      = 150
		limit  = 60
		window = 20 * time.Second
	)
	modes := []struct {
		name string
		mode gitlabtest.RateLimitMode
		goal float64 // most throttled requests, as a share of the useful ones
	}{
		{"headers on 429", gitlabtest.RateLimitHeadersOn429, 0.10},
		{"bare 429", gitlabtest.RateLimitBare429, 0.20},
		{"headers always", gitlabtest.RateLimitHeadersAlways, 0.02},
	}
	fmt.Println(describeMachine(b.Context()))
	fmt.Printf("\n%d links, GitLab's throttle at %d requests per %s window; default provider settings, -parallelism 10\n", n, limit, window)
	fmt.Printf("%-15s %-8s %4s %8s %8s %8s %7s %9s %7s  %s\n", "429 headers", "phase", "exit", "wall", "floor", "over", "useful",
		"throttled", "share", "goals met")
	for _, m := range modes {
		b.Run(m.name, func(b *testing.B) {
			srv, w := resilienceSetup(b)
			srv.SetRateLimit(limit, window, m.mode)
			vars := []string{"-var", fmt.Sprintf("links=%d", n), "-var", "generation=a"}
			for _, p := range []struct {
				name string
				args []string
				want int
			}{
				{"apply", append([]string{"apply", "-auto-approve"}, vars...), n},
				{"destroy", append([]string{"destroy", "-auto-approve"}, vars...), 0},
			} {
				time.Sleep(time.Until(time.Now().Truncate(window).Add(window + 50*time.Millisecond)))
				srv.ResetRequestCounts()
				code, wall := w.runExit(b, m.name+"-"+p.name, p.args...)
				total := 0
				for _, c := range srv.RequestCounts() {
					total += c
				}
				throttled := srv.ThrottledRequests()
				useful := total - throttled
				floor := time.Duration((useful+limit-1)/limit-1) * window
				share := float64(throttled) / float64(max(useful, 1))
				verdict := "yes"
				if err := allURLs(p.want, "/a/")(srv.Links(benchProject, benchTag)); code != 0 || err != nil {
					verdict = fmt.Sprintf("NO: exit %d, %v", code, err)
				} else if wall > floor+window || share > m.goal {
					verdict = fmt.Sprintf("NO: want wall within %s of the floor and at most %.0f%% throttled", window, 100*m.goal)
				}
				fmt.Printf("%-15s %-8s %4d %7.1fs %7.1fs %7.1fs %7d %9d %6.1f%%  %s\n", m.name, p.name, code, wall.Seconds(),
					floor.Seconds(), (wall - floor).Seconds(), useful, throttled, 100*share, verdict)
				b.ReportMetric(wall.Seconds(), p.name+"-s")
				b.ReportMetric(float64(throttled), p.name+"-throttled")
			}
		})
	}
}

// BenchmarkOutage plans N links in state (BENCH_SIZES) while GitLab is gone in three ways, with default settings:
// its port closed, every answer a 502, and a 4-second outage; it prints each plan's exit status, wall time and
// the requests GitLab saw. The goals: the closed port fails within 60 s, the 502s within 120 s and 60 requests,
// the outage is ridden out; and none of it grows with the number of links.
func BenchmarkOutage(b *testing.B) {
	cfg, err := loadSettings()
	if err != nil {
		b.Fatal(err)
	}
	fmt.Println(describeMachine(b.Context()))
	fmt.Printf("\n%-6s %-16s %4s %8s %9s  %s\n", "links", "GitLab", "exit", "wall", "requests", "goals met")
	for _, n := range cfg.sizes {
		b.Run(fmt.Sprintf("links=%d", n), func(b *testing.B) {
			srv, w := resilienceSetup(b)
			vars := []string{"-var", fmt.Sprintf("links=%d", n), "-var", "generation=a"}
			if code, _ := w.runExit(b, "apply", append([]string{"apply", "-auto-approve"}, vars...)...); code != 0 {
				b.Fatalf("the apply of %d links failed", n)
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			closed := "http://" + ln.Addr().String()
			_ = ln.Close()
			scenarios := []struct {
				name        string
				setup, undo func()
				wantExit    int
				maxWall     time.Duration
				maxRequests int
			}{
				{name: "port closed", wantExit: 1, maxWall: time.Minute,
					setup: func() { w.writeConfig(b, closed) }, undo: func() { w.writeConfig(b, srv.URL()) }},
				{name: "every answer 502", wantExit: 1, maxWall: 2 * time.Minute, maxRequests: 60,
					setup: func() { srv.SetRandomFaults(1, 1, gitlabtest.FaultBadGateway) }, undo: func() { srv.SetRandomFaults(0, 0) }},
				{name: "4-second outage", wantExit: 0, maxWall: time.Minute,
					setup: func() { srv.SetOutageFromNextRequest(4 * time.Second) }, undo: func() {}},
			}
			for _, s := range scenarios {
				s.setup()
				srv.ResetRequestCounts()
				code, wall := w.runExit(b, s.name, append([]string{"plan", "-detailed-exitcode"}, vars...)...)
				s.undo()
				requests := 0
				for _, c := range srv.RequestCounts() {
					requests += c
				}
				verdict := "yes"
				if code != s.wantExit || wall > s.maxWall || (s.maxRequests > 0 && requests > s.maxRequests) {
					verdict = fmt.Sprintf("NO: want exit %d within %s", s.wantExit, s.maxWall)
				}
				fmt.Printf("%-6d %-16s %4d %7.1fs %9d  %s\n", n, s.name, code, wall.Seconds(), requests, verdict)
				b.ReportMetric(wall.Seconds(), strings.ReplaceAll(s.name, " ", "-")+"-s")
			}
			if got := len(srv.Links(benchProject, benchTag)); got != n {
				b.Fatalf("GitLab holds %d links after the failed plans, want %d", got, n)
			}
		})
	}
}

// writeConfig rewrites the workspace's configuration for another GitLab.
func (w *workspace) writeConfig(b *testing.B, baseURL string) {
	b.Helper()
	config := fmt.Sprintf(configTemplate, baseURL, benchToken, benchProject, benchTag)
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(config), 0o600); err != nil {
		b.Fatal(err)
	}
}
