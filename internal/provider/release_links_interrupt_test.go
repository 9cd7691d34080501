package provider

import (
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// TestAccReleaseLinks_interruptStopsWrites interrupts (Ctrl-C) an update of 12 links, and an update to no links,
// while GitLab holds the answer to the second write, one write at a time: the write on the wire finishes, no
// other starts, the state records exactly the two writes GitLab made, and the next apply sends only the other ten.
func TestAccReleaseLinks_interruptStopsWrites(t *testing.T) {
	requireAcc(t)
	providerDir := buildProvider(t, "test")
	const n = 12
	for _, tc := range []struct {
		name   string
		method string
		to     map[string]linkSpec
		route  string
	}{
		{name: "update", method: http.MethodPut, to: manyLinks(n, "v2"), route: gitlabtest.RouteLink},
		{name: "delete", method: http.MethodDelete, to: map[string]linkSpec{}, route: gitlabtest.RouteLink},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newParallelTestEnv(t)
			env.requireEmulator(t)
			proxy := newHoldingProxy(t, env.BaseURL, tc.method)
			tf := newTerraformCLI(t, providerDir)
			tf.write("versions.tf", requiredProviders)
			config := func(links map[string]linkSpec) string {
				c := withProviderSetting(env.linksConfig(env.Project, env.Tag, links), "release_links_parallelism = 1")
				return strings.Replace(c, env.BaseURL, proxy.URL, 1)
			}
			tf.write("main.tf", config(manyLinks(n, "v1")))
			if out, code := tf.run("apply", "-auto-approve"); code != 0 {
				t.Fatalf("apply failed (%d):\n%s", code, out)
			}

			tf.write("main.tf", config(tc.to))
			env.emu.ResetRequestCounts()
			sent := func() int { return env.emu.RequestCount(tc.method, tc.route) }
			stopped := tf.watchStopProvider()
			run := tf.start("apply", "-auto-approve")
			proxy.releaseOne() // the first write is answered; GitLab's answer to the second is held
			run.waitFor("GitLab to get 2 writes", func() bool { return sent() >= 2 })
			run.signal(syscall.SIGINT)
			// GitLab answers the second write only once the provider has cancelled its operations.
			run.waitFor("Terraform to stop the provider", stopped)
			proxy.releaseAll()
			out, code := run.wait()
			proxy.inFlight.Wait()
			if code == 0 || sent() != 2 {
				t.Fatalf("the interrupted apply exited %d after GitLab got %d writes, want an error after 2:\n%s", code, sent(), out)
			}
			if !wrapped(`not sent, since the apply was interrupted first`).MatchString(out) {
				t.Fatalf("the error does not say which writes were not sent:\n%s", out)
			}

			// The state holds the two writes: the next apply makes only the other ten.
			env.emu.ResetRequestCounts()
			if out, code := tf.run("apply", "-auto-approve"); code != 0 {
				t.Fatalf("the apply after the interrupt failed (%d):\n%s", code, out)
			}
			if got := sent(); got != n-2 {
				t.Fatalf("the apply after the interrupt sent %d writes, want %d", got, n-2)
			}
			if err := env.holdsSpecs(env.Tag, tc.to); err != nil {
				t.Fatal(err)
			}
			if out, code := tf.run("plan", "-detailed-exitcode"); code != 0 {
				t.Fatalf("the plan after the interrupt is not empty (%d):\n%s", code, out)
			}
		})
	}
}

// holdsSpecs checks that GitLab holds exactly the links of want, by name and URL.
func (e *testEnv) holdsSpecs(tag string, want map[string]linkSpec) error {
	links := e.emu.Links(e.Project, tag)
	if len(links) != len(want) {
		return fmt.Errorf("GitLab holds %d links, want %d", len(links), len(want))
	}
	for _, l := range links {
		if spec, ok := want[l.Name]; !ok || spec.url != l.URL {
			return fmt.Errorf("GitLab holds link %q with URL %s, which the configuration does not have", l.Name, l.URL)
		}
	}
	return nil
}

// TestAccReleaseLink_interruptLeavesRateLimitWait: creates held by GitLab's rate limit (a 429 asking for two
// minutes) leave the wait at once on Ctrl-C: Terraform exits long before the wait would end, and no create is
// sent after the one that was refused.
func TestAccReleaseLink_interruptLeavesRateLimitWait(t *testing.T) {
	requireAcc(t)
	env := newParallelTestEnv(t)
	env.requireEmulator(t)
	tf := newTerraformCLI(t, buildProvider(t, "test"))
	tf.write("main.tf", requiredProviders+strings.Replace(env.manyLinksConfig("", map[string]int{env.Tag: 3}), "  early_auth_check = true\n", "", 1))
	env.emu.AddFaults(gitlabtest.Fault{Method: http.MethodPost, Route: gitlabtest.RouteLinks, Kind: gitlabtest.FaultRateLimit, RetryAfter: 120})
	stopped := tf.watchStopProvider()
	start := time.Now()
	run := tf.start("apply", "-auto-approve", "-parallelism=1") // the refused create is the only one in flight
	run.waitFor("GitLab to refuse a create", func() bool { return env.emu.FaultsInjected() == 1 })
	run.signal(syscall.SIGINT)
	run.waitFor("Terraform to stop the provider", stopped)
	out, code := run.wait()
	if took := time.Since(start); code == 0 || took > time.Minute {
		t.Fatalf("the interrupted apply exited %d after %s, want an error well before the two-minute wait ends:\n%s", code, took.Round(time.Second), out)
	}
	if n := env.emu.RequestCount(http.MethodPost, gitlabtest.RouteLinks); n != 1 || len(env.emu.Links(env.Project, env.Tag)) != 0 {
		t.Fatalf("GitLab got %d creates and holds %d links, want the one refused create and none", n, len(env.emu.Links(env.Project, env.Tag)))
	}
}
