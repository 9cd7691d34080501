package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// TestAccProvider_gitlabDown plans 100 managed links while GitLab is down, failing or briefly gone, through the
// real CLI: a GitLab that is really gone fails the plan with one full explanation and short pointers to it,
// without a retry storm and without touching GitLab or the state; a short outage is ridden out.
func TestAccProvider_gitlabDown(t *testing.T) {
	httpClientTest(t)
	requireAcc(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	const n = 100
	tf := newTerraformCLI(t, buildProvider(t, "test"))
	links := env.manyLinksConfig("", map[string]int{env.Tag: n})
	// A short budget keeps the test fast: 3 retries are 4 failed rounds over 3.5 to 7 seconds.
	tf.write("main.tf", requiredProviders+strings.Replace(links, "early_auth_check = true", "retries = 3", 1))
	if out, code := tf.run("apply", "-auto-approve"); code != 0 {
		t.Fatalf("apply failed (%d):\n%s", code, out)
	}
	stateIntact := func(t *testing.T) {
		t.Helper()
		out, _ := tf.run("state", "list")
		if got := strings.Count(out, "gitlab_release_link."); got != n {
			t.Fatalf("the state lists %d links after the failed plan, want %d:\n%s", got, n, out)
		}
		if got := len(env.emu.Links(env.Project, env.Tag)); got != n {
			t.Fatalf("GitLab holds %d links, want %d", got, n)
		}
	}
	// failsOnce checks a failed plan: one full explanation of the outage, and one short pointer for every other
	// link whose read met it.
	failsOnce := func(t *testing.T, out string, code int, cause string) {
		t.Helper()
		if code == 0 {
			t.Fatalf("plan succeeded while GitLab was down:\n%s", out)
		}
		first := wrapped(`GitLab at \S+ ` + cause)
		if got := len(first.FindAllString(out, -1)); got != 1 || strings.Count(out, "The provider stopped sending requests") != 1 {
			t.Fatalf("the outage is explained %d times, want once:\n%s", got, out)
		}
		if got := len(wrapped(`see the first error about it`).FindAllString(out, -1)); got != n-1 {
			t.Fatalf("%d short errors point to the first, want %d:\n%s", got, n-1, out)
		}
	}

	t.Run("every answer 502", func(t *testing.T) {
		env.emu.ResetRequestCounts()
		env.emu.SetRandomFaults(1, 1, gitlabtest.FaultBadGateway)
		out, code := tf.run("plan")
		env.emu.SetRandomFaults(0, 0)
		failsOnce(t, out, code, `is unreachable or failing: 4 attempts over \S+ failed, the last one \(GET \S+\) with 502 Bad Gateway`)
		// One listing met the outage; then one probe per round. No GET per link, no write.
		if c := countRequests(env.emu); c.list != 4 || c.get+c.post+c.put+c.del+c.other != 0 {
			t.Fatalf("GitLab saw %+v, want the 4 listing attempts of one release and nothing else", c)
		}
		stateIntact(t)
	})

	// A GitLab that has not answered once in the run gets two quick rounds, not the four of retries = 3.
	t.Run("port closed", func(t *testing.T) {
		closed := "http://" + gitlabtest.ClosedAddress(t)
		tf.write("main.tf", requiredProviders+strings.Replace(strings.Replace(links, "early_auth_check = true", "retries = 3", 1),
			fmt.Sprintf("%q", env.BaseURL), fmt.Sprintf("%q", closed), 1))
		out, code := tf.run("plan")
		failsOnce(t, out, code, `cannot be reached and has not answered once in this run: 2 attempts over \S+ failed, the last one \(GET \S+\) with dial tcp \S+ connect: connection refused`)
		stateIntact(t)
	})

	t.Run("a four-second outage", func(t *testing.T) {
		// Default settings: the rounds span 15 to 31 seconds, more than the outage.
		tf.write("main.tf", requiredProviders+strings.Replace(links, "  early_auth_check = true\n", "", 1))
		env.emu.ResetRequestCounts()
		env.emu.SetOutageFromNextRequest(4 * time.Second)
		if out, code := tf.run("plan", "-detailed-exitcode"); code != 0 {
			t.Fatalf("plan across a 4 s outage exited %d, want 0 (no changes):\n%s", code, out)
		}
		if c := countRequests(env.emu); c.get+c.post+c.put+c.del != 0 || c.list < 2 {
			t.Fatalf("GitLab saw %+v, want only listing attempts, at least one of them dropped", c)
		}
	})
}

// TestAccProvider_nothingHangs: a GitLab that accepts connections and never answers ends every operation with
// an error that names it and the wait, also where no timeouts block applies: the configure-time auth check, the
// plan-time comparison of two spellings of a project, and an import in the slash form.
func TestAccProvider_nothingHangs(t *testing.T) {
	httpClientTest(t)
	requireAcc(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	tf := newTerraformCLI(t, buildProvider(t, "test"))
	provider := strings.Replace(env.providerBlock(), "}", "  request_timeout = \"1s\"\n  retries = 1\n}", 1)
	link := fmt.Sprintf(`resource "gitlab_release_link" "test" {
  project  = %%q
  tag_name = %q
  name     = "app"
  url      = "https://example.com/app"
}
`, env.Tag)
	tf.write("main.tf", requiredProviders+provider+fmt.Sprintf(link, env.Project))
	if out, code := tf.run("apply", "-auto-approve"); code != 0 {
		t.Fatalf("apply failed (%d):\n%s", code, out)
	}
	linkID := env.links(t, env.Tag)[0].ID
	hangs := func(route string) {
		// Every attempt of the next two to this route hangs; both rounds of the budget are spent on them.
		env.emu.AddFaults(gitlabtest.Fault{Route: route, Kind: gitlabtest.FaultHang}, gitlabtest.Fault{Route: route, Kind: gitlabtest.FaultHang})
	}
	noAnswer := regexp.QuoteMeta(fmt.Sprintf("GitLab at %s/api/v4 did not answer within 1s", env.BaseURL))
	tests := []struct {
		name  string
		route string
		setup func()
		args  []string
	}{
		{name: "refresh", route: gitlabtest.RouteLinks, args: []string{"plan"}},
		{name: "early auth check", route: gitlabtest.RouteUser, args: []string{"plan", "-refresh=false"}, setup: func() {
			tf.write("main.tf", requiredProviders+strings.Replace(provider, "}", "  early_auth_check = true\n}", 1)+fmt.Sprintf(link, env.Project))
		}},
		{name: "project comparison", route: gitlabtest.RouteProject, args: []string{"plan", "-refresh=false"}, setup: func() {
			tf.write("main.tf", requiredProviders+provider+fmt.Sprintf(link, fmt.Sprint(env.ProjectID)))
		}},
		{name: "import in the slash form", route: gitlabtest.RouteLink, setup: func() {
			tf.write("main.tf", requiredProviders+provider+strings.Replace(fmt.Sprintf(link, env.Project), `"test"`, `"imported"`, 1))
		}, args: []string{"import", "gitlab_release_link.imported", fmt.Sprintf("%s/%s/%d", env.Project, env.Tag, linkID)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.setup != nil {
				tc.setup()
			}
			hangs(tc.route)
			start := time.Now()
			out, code := tf.run(tc.args...)
			if code == 0 || !wrapped(`unreachable or failing: 2 attempts over \S+ failed, the last one \(GET \S+\) with `+noAnswer).MatchString(out) {
				t.Fatalf("terraform %s exited %d after %v, want an error naming GitLab and the wait:\n%s",
					strings.Join(tc.args, " "), code, time.Since(start).Round(time.Second), out)
			}
		})
	}
}

// TestAccProvider_givingUpKeepsOthersConnections: a request that gives up (here an update whose own deadline ends
// while GitLab holds it) does not close the idle connections that the provider's other requests keep for reuse.
// go-retryablehttp closes every idle connection of its client when a call gives up; the provider's transport
// does not let it. The other resource's 40 creates, spaced 100 ms apart by max_requests_per_minute, keep
// their one connection idle most of the time, so a closed pool would show as a new connection.
func TestAccProvider_givingUpKeepsOthersConnections(t *testing.T) {
	httpClientTest(t)
	requireAcc(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	env.addRelease(t, "v2.0.0")
	tf := newTerraformCLI(t, buildProvider(t, "test"))
	// slow's update changes its link_type only: a new URL would have the plan-time check list the release as well
	// (conflicts.go), one more request that could overlap the others.
	config := func(linkType string, links map[string]linkSpec) string {
		busy := env.linksConfig(env.Project, "v2.0.0", links)
		busy = withProviderSetting(withProviderSetting(busy, "max_requests_per_minute = 600"), "release_links_parallelism = 1")
		return requiredProviders + busy + fmt.Sprintf(`resource "gitlab_release_link" "slow" {
  project  = %q
  tag_name = %q
  name     = "slow"
  url      = "https://example.com/slow"
  link_type = %q
  timeouts {
    update = "1s"
  }
}
`, env.Project, env.Tag, linkType)
	}
	tf.write("main.tf", config("other", manyLinks(1, "v1")))
	if out, code := tf.run("apply", "-auto-approve"); code != 0 {
		t.Fatalf("apply failed (%d):\n%s", code, out)
	}

	// The update of "slow" is the only PUT: GitLab holds it past the update's deadline. Meanwhile gitlab_release_links
	// creates 40 links, one at a time, over 4 seconds.
	tf.write("main.tf", config("package", manyLinks(41, "v1")))
	env.emu.AddFaults(faultOn("PUT", gitlabtest.FaultHang))
	before := env.emu.Connections()
	out, code := tf.run("apply", "-auto-approve", "-refresh=false")
	opened := env.emu.Connections() - before
	if code == 0 || !wrapped(`with gitlab_release_link.slow.*Could not update link.*context deadline exceeded`).MatchString(out) || len(env.links(t, "v2.0.0")) != 41 {
		t.Fatalf("apply exited %d, want the update of slow to fail and the 40 creates to succeed:\n%s", code, out)
	}
	// One connection for the held PUT, one for the creates.
	if opened != 2 {
		t.Fatalf("the apply opened %d connections, want 2: a request that gave up closed the others' idle ones\n%s", opened, out)
	}
}
