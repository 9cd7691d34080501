package benchmark

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/profiling"
)

const (
	benchUser    = "bench"
	benchToken   = "glpat-benchmark-0123456789"
	benchProject = "bench-group/bench-project"
	benchTag     = "v1.0.0"
)

// settings are the benchmark's knobs. They come from the environment so that `make bench` can pass them on.
type settings struct {
	latency    time.Duration // added by the emulator to every request
	sizes      []int         // numbers of links on the release, one full cycle each
	profileDir string        // where the provider's processes write pprof profiles; "" for none
	whole      bool          // also the gitlab_release_links cycles; BENCH_WHOLE=0 leaves them out, for a build without it
}

// loadSettings reads BENCH_LATENCY (a Go duration), BENCH_SIZES (comma-separated link counts) and BENCH_PROFILE
// (an absolute directory), and BENCH_WHOLE=0. BenchmarkTerraform also reads BENCH_PROVIDER, a provider binary to
// measure instead of the one built from this tree.
func loadSettings() (settings, error) {
	s := settings{latency: 20 * time.Millisecond, sizes: []int{100, 1000}, whole: os.Getenv("BENCH_WHOLE") != "0"}
	if v := os.Getenv("BENCH_LATENCY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return s, fmt.Errorf("BENCH_LATENCY=%q is not a duration such as 20ms", v)
		}
		s.latency = d
	}
	if v := os.Getenv("BENCH_SIZES"); v != "" {
		s.sizes = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				return s, fmt.Errorf("BENCH_SIZES=%q is not a list of positive link counts such as 100,1000", v)
			}
			s.sizes = append(s.sizes, n)
		}
	}
	if v := os.Getenv("BENCH_PROFILE"); v != "" {
		if !filepath.IsAbs(v) {
			return s, fmt.Errorf("BENCH_PROFILE=%q is not an absolute directory (make bench makes it one)", v)
		}
		s.profileDir = v
	}
	return s, nil
}

// BenchmarkTerraform runs apply, plan, update and destroy of N links through the real Terraform CLI for every
// size in BENCH_SIZES: N gitlab_release_link resources with the provider and with the framework floor, then one
// gitlab_release_links resource holding the N links, with the provider and with the floor. It prints five tables
// per size: each provider cycle, each above its floor, and the two provider cycles side by side. Run it once per
// size: -benchtime 1x.
func BenchmarkTerraform(b *testing.B) {
	if os.Getenv("BENCH") != "1" {
		b.Skip("set BENCH=1 (or run `make bench`) to drive the real Terraform CLI")
	}
	cfg, err := loadSettings()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := exec.LookPath("terraform"); err != nil {
		b.Fatal("the benchmark needs terraform on PATH")
	}
	ours := subject{binary: buildProvider(b, ".", cfg.profileDir != ""), profileDir: cfg.profileDir}
	if prebuilt := os.Getenv("BENCH_PROVIDER"); prebuilt != "" {
		// Another build of the provider, such as an earlier release, for a before-and-after comparison in one run.
		ours.binary = prebuilt
	}
	floor := subject{binary: buildProvider(b, "./internal/benchmark/floorprovider", false), floor: true}
	whole := subject{binary: ours.binary, whole: true}
	wholeFloor := subject{binary: floor.binary, floor: true, whole: true}
	if cfg.profileDir != "" {
		floor.profileDir = filepath.Join(cfg.profileDir, "floor")
		whole.profileDir = filepath.Join(cfg.profileDir, "whole")
		wholeFloor.profileDir = filepath.Join(cfg.profileDir, "floor", "whole")
	}
	fmt.Println(describeMachine(b.Context()))
	fmt.Printf("emulator latency %s per request; terraform -parallelism 10 (its default)\n", cfg.latency)
	if cfg.profileDir != "" {
		fmt.Printf("provider built with -tags pprof; profiles in %s/links-<N>/<phase>/, the floor's in %[1]s/floor/links-<N>/<phase>/, "+
			"gitlab_release_links' in %[1]s/whole/links-<N>/<phase>/\n", cfg.profileDir)
	}

	for _, n := range cfg.sizes {
		b.Run(fmt.Sprintf("links=%d", n), func(b *testing.B) {
			var results, floors, wholes, wholeFloors []phaseResult
			for range b.N {
				results = runCycle(b, ours, cfg.latency, n)
				floors = runCycle(b, floor, cfg.latency, n)
				printTable(os.Stdout, fmt.Sprintf("%d gitlab_release_link resources", n), n, cfg.latency, results)
				printFloor(os.Stdout, results, floors, cfg.profileDir != "")
				if !cfg.whole {
					continue
				}
				wholes = runCycle(b, whole, cfg.latency, n)
				wholeFloors = runCycle(b, wholeFloor, cfg.latency, n)
				printTable(os.Stdout, fmt.Sprintf("one gitlab_release_links of %d links", n), n, cfg.latency, wholes)
				printFloor(os.Stdout, wholes, wholeFloors, cfg.profileDir != "")
				printWhole(os.Stdout, results, wholes)
			}
			var peak int64
			var cpu, floorCPU time.Duration
			for i, r := range results {
				b.ReportMetric(r.wall.Seconds(), r.name+"-s")
				b.ReportMetric(float64(r.total()), r.name+"-requests")
				peak = max(peak, r.provider.peakKiB)
				cpu += r.provider.cpu
				floorCPU += floors[i].provider.cpu
			}
			b.ReportMetric(float64(peak)/1024, "provider-peak-MiB")
			b.ReportMetric(cpu.Seconds(), "provider-cpu-s")
			b.ReportMetric(floorCPU.Seconds(), "floor-cpu-s")
			if !cfg.whole {
				return
			}
			var wholePeak int64
			for _, r := range wholes {
				b.ReportMetric(r.wall.Seconds(), "whole-"+r.name+"-s")
				b.ReportMetric(float64(r.total()), "whole-"+r.name+"-requests")
				wholePeak = max(wholePeak, r.provider.peakKiB)
			}
			b.ReportMetric(float64(wholePeak)/1024, "whole-provider-peak-MiB")
		})
	}
}

// subject is a provider binary the cycle runs, and how the configuration holds the links.
type subject struct {
	binary     string
	floor      bool   // the do-nothing floor provider: GitLab sees no request, so there is nothing to check there
	whole      bool   // one gitlab_release_links holds the N links, instead of N gitlab_release_link resources
	profileDir string // where its processes write profiles, a subdirectory links-<N>/<phase> per phase; "" for none
}

// buildProvider compiles the main package pkg (relative to the module root) into a temporary directory, with the
// pprof build tag when asked.
func buildProvider(b *testing.B, pkg string, pprof bool) string {
	b.Helper()
	gomod, err := exec.CommandContext(b.Context(), "go", "env", "GOMOD").Output()
	if err != nil || strings.TrimSpace(string(gomod)) == "" {
		b.Fatalf("cannot find the module root: %v", err)
	}
	out := filepath.Join(b.TempDir(), "terraform-provider-gitlab")
	args := []string{"build", "-o", out}
	if pprof {
		args = append(args, "-tags", "pprof")
	}
	cmd := exec.CommandContext(b.Context(), "go", append(args, pkg)...)
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build %s: %v\n%s", pkg, err, msg)
	}
	return out
}

// phase is one Terraform command of the cycle and what GitLab must hold afterwards.
type phase struct {
	name  string
	args  []string
	check func(links []gitlabtest.Link) error
}

// runCycle gives one size its own emulator and Terraform working directory, then runs the four phases in order.
// The floor provider gets the same configuration, emulator included, and sends it nothing.
func runCycle(b *testing.B, provider subject, latency time.Duration, n int) []phaseResult {
	b.Helper()
	srv := newBenchEmulator(b)
	srv.SetLatency(latency)

	peaks := newProviderPeaks(b)
	extraEnv := peaks.env(provider.binary)
	if provider.floor {
		// The provider turns the SDKs' logging off when Terraform would discard it (logs.go in the main package);
		// the floor gets the same through the SDKs' own settings, so that both are measured alike.
		extraEnv = append(extraEnv, "TF_LOG_SDK=OFF", "TF_LOG_SDK_FRAMEWORK=OFF", "TF_LOG_SDK_PROTO=OFF", "TF_LOG_PROVIDER_GITLAB=OFF")
	}
	template := configTemplate
	if provider.whole {
		template = wholeConfigTemplate
	}
	tf := newWorkspace(b, srv.URL(), peaks.overrideDir, extraEnv, template)

	vars := func(generation string) []string {
		return []string{"-var", fmt.Sprintf("links=%d", n), "-var", "generation=" + generation}
	}
	phases := []phase{
		{"apply", append([]string{"apply", "-auto-approve"}, vars("a")...), allURLs(n, "/a/")},
		{"plan", append([]string{"plan", "-detailed-exitcode"}, vars("a")...), allURLs(n, "/a/")},
		{"update", append([]string{"apply", "-auto-approve"}, vars("b")...), allURLs(n, "/b/")},
		{"destroy", append([]string{"destroy", "-auto-approve"}, vars("b")...), allURLs(0, "")},
	}
	results := make([]phaseResult, 0, len(phases))
	for _, p := range phases {
		srv.ResetRequestCounts()
		peaks.reset(b)
		var env []string
		if provider.profileDir != "" {
			env = append(env, profiling.DirEnv+"="+filepath.Join(provider.profileDir, fmt.Sprintf("links-%d", n), p.name))
		}
		start := time.Now()
		cpu, err := tf.run(b.Context(), p.name, env, p.args...)
		wall := time.Since(start)
		counts := srv.RequestCounts()
		if err != nil {
			b.Fatalf("links=%d, %s: %v", n, p.name, err)
		}
		if provider.floor && len(counts) > 0 {
			b.Fatalf("links=%d, %s: the floor provider sent GitLab requests: %v", n, p.name, counts)
		}
		if err := p.check(srv.Links(benchProject, benchTag)); err != nil && !provider.floor {
			b.Fatalf("links=%d, after %s: %v", n, p.name, err)
		}
		r := phaseResult{name: p.name, n: n, wall: wall, counts: counts, provider: peaks.read(b)}
		r.terraformCPU = cpu - r.provider.cpu
		results = append(results, r)
	}
	return results
}

// newBenchEmulator starts an emulator, closed when the benchmark ends, holding the benchmark's user, token,
// project and release.
func newBenchEmulator(b *testing.B) *gitlabtest.Server {
	b.Helper()
	srv := gitlabtest.NewServer()
	b.Cleanup(srv.Close)
	srv.AddToken(benchUser, benchToken, gitlabtest.TokenOptions{Kind: gitlabtest.PersonalAccessToken})
	srv.AddProject(benchProject, false)
	if err := srv.AddMember(benchProject, benchUser, gitlabtest.Maintainer); err != nil {
		b.Fatal(err)
	}
	if err := srv.AddRelease(benchProject, benchTag); err != nil {
		b.Fatal(err)
	}
	return srv
}

// allURLs checks that the release holds exactly n links, all pointing into the given generation of downloads.
func allURLs(n int, generation string) func([]gitlabtest.Link) error {
	return func(links []gitlabtest.Link) error {
		if len(links) != n {
			return fmt.Errorf("GitLab holds %d links, want %d", len(links), n)
		}
		for _, l := range links {
			if !strings.Contains(l.URL, generation) {
				return fmt.Errorf("link %d (%s) has URL %s, want one under %s", l.ID, l.Name, l.URL, generation)
			}
		}
		return nil
	}
}

// configTemplate is the benchmark's configuration: var.links links on one release; var.generation is part of
// every URL, so changing it updates every link in place.
const configTemplate = `terraform {
  required_providers {
    gitlab = { source = "gitlab-release-links/gitlab" }
  }
}

variable "links" { type = number }
variable "generation" { type = string }

provider "gitlab" {
  base_url = %q
  token    = %q
}

resource "gitlab_release_link" "asset" {
  count = var.links

  project           = %q
  tag_name          = %q
  name              = "asset-${count.index}"
  url               = "https://downloads.example.com/${var.generation}/asset-${count.index}"
  link_type         = "package"
  direct_asset_path = "/bin/asset-${count.index}"
}
`

// wholeConfigTemplate is configTemplate's links held by one gitlab_release_links: the same names, URLs, type and
// paths, as a map.
const wholeConfigTemplate = `terraform {
  required_providers {
    gitlab = { source = "gitlab-release-links/gitlab" }
  }
}

variable "links" { type = number }
variable "generation" { type = string }

provider "gitlab" {
  base_url = %q
  token    = %q
}

resource "gitlab_release_links" "release" {
  project  = %q
  tag_name = %q

  links = {
    for i in range(var.links) : "asset-${i}" => {
      url               = "https://downloads.example.com/${var.generation}/asset-${i}"
      link_type         = "package"
      direct_asset_path = "/bin/asset-${i}"
    }
  }
}
`

// workspace is a Terraform working directory and the environment every command in it runs with.
type workspace struct {
	dir string
	env []string
}

// newWorkspace writes the configuration from template and a CLI configuration of the benchmark's own, whose
// dev_overrides point Terraform at the provider wrapper (no `terraform init` is needed for an overridden provider),
// so nothing from the user's ~/.terraformrc (a plugin cache, other overrides) takes part.
func newWorkspace(b *testing.B, baseURL, overrideDir string, extraEnv []string, template string) *workspace {
	b.Helper()
	dir := b.TempDir()
	config := fmt.Sprintf(template, baseURL, benchToken, benchProject, benchTag)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		b.Fatal(err)
	}
	rc := filepath.Join(dir, "terraformrc")
	cliConfig := fmt.Sprintf("disable_checkpoint = true\n\nprovider_installation {\n  dev_overrides {\n    %q = %q\n  }\n}\n",
		"gitlab-release-links/gitlab", overrideDir)
	if err := os.WriteFile(rc, []byte(cliConfig), 0o600); err != nil {
		b.Fatal(err)
	}
	env := append(cleanEnv(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1")
	return &workspace{dir: dir, env: append(env, extraEnv...)}
}

// run runs one terraform command, with extraEnv added to the workspace's environment and its output kept in
// <name>.log, and returns the CPU time it used together with the processes it started and waited for (the kernel
// adds a reaped child's time to its parent's). A non-zero exit (including plan's 2 for "changes present" under
// -detailed-exitcode) is an error quoting the output's end.
func (w *workspace) run(ctx context.Context, name string, extraEnv []string, args ...string) (time.Duration, error) {
	logPath := filepath.Join(w.dir, name+".log")
	out, err := os.Create(logPath)
	if err != nil {
		return 0, err
	}
	defer func() { _ = out.Close() }()
	cmd := exec.CommandContext(ctx, "terraform", append(args, "-input=false", "-no-color")...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = w.dir, append(w.env[:len(w.env):len(w.env)], extraEnv...), out, out
	err = cmd.Run()
	if err == nil {
		return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
	}
	text, _ := os.ReadFile(logPath)
	lines := strings.Split(strings.TrimSpace(string(text)), "\n")
	lines = lines[max(0, len(lines)-30):]
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 2 && args[0] == "plan" {
		return 0, fmt.Errorf("terraform plan found changes where none were expected:\n%s", strings.Join(lines, "\n"))
	}
	return 0, fmt.Errorf("terraform %s: %v:\n%s", args[0], err, strings.Join(lines, "\n"))
}

// cleanEnv is the environment without variables that would change what is measured: Terraform and provider
// logging, and GitLab settings the provider would otherwise pick up.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "GITLAB_") || strings.HasPrefix(name, "CI_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}
