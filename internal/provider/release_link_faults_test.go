package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// holdsExactly checks that the emulator holds exactly links asset-0 … asset-(n-1) with their configured URLs:
// none missing, none twice.
func (e *testEnv) holdsExactly(tag string, n int, urlOf func(i int) string) error {
	links := e.emu.Links(e.Project, tag)
	var got, want []string
	for _, l := range links {
		got = append(got, l.Name+" "+l.URL)
	}
	for i := range n {
		want = append(want, fmt.Sprintf("asset-%d %s", i, urlOf(i)))
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		return fmt.Errorf("GitLab holds %d links, want exactly %d:\n%s", len(got), n, strings.Join(got, "\n"))
	}
	return nil
}

// TestAccReleaseLink_underFaults applies and destroys 45 links while GitLab rate-limits, fails with 502s before
// and after committing writes, and drops connections before and after committing: nothing is lost, nothing is
// made twice, and the plan afterwards is empty.
func TestAccReleaseLink_underFaults(t *testing.T) {
	httpClientTest(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	const n = 45
	config := func(urlSuffix string) string {
		return strings.Replace(env.manyLinksConfig(urlSuffix, map[string]int{env.Tag: n}), "  early_auth_check = true\n", "  retries = 8\n", 1)
	}
	urlOf := func(i int) string { return fmt.Sprintf("https://example.com/%s/asset-%d", env.Tag, i) }
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		PreCheck: func() {
			env.emu.SetRandomFaults(20261125, 0.15, gitlabtest.FaultRateLimit, gitlabtest.FaultBadGateway,
				gitlabtest.FaultCommitThenBadGateway, gitlabtest.FaultDropConnection, gitlabtest.FaultCommitThenDrop)
		},
		Steps: []resource.TestStep{
			{
				Config: config(""),
				Check: func(*terraform.State) error {
					if env.emu.FaultsInjected() == 0 {
						return fmt.Errorf("no fault was injected")
					}
					return env.holdsExactly(env.Tag, n, urlOf)
				},
			},
			{
				// Updates under the same faults.
				Config: config("?v=2"),
				Check: func(*terraform.State) error {
					return env.holdsExactly(env.Tag, n, func(i int) string { return urlOf(i) + "?v=2" })
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			t.Logf("faults injected: %d", env.emu.FaultsInjected())
			return env.holdsExactly(env.Tag, 0, urlOf)
		},
	})
}

// TestAccReleaseLink_retriesExhausted shows the error once retries run out on a create whose attempts reached
// GitLab, and that the next apply converges by itself whether GitLab made the link or not: the failed create left
// its values in the state, without a link ID, and the refresh finds the link it made, or finds none.
func TestAccReleaseLink_retriesExhausted(t *testing.T) {
	httpClientTest(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	config := strings.Replace(env.linkConfig(env.Project, env.Tag, `  name = "app"
  url  = "https://example.com/app"`), "}", "  retries = 1\n}", 1)
	post := func(kind gitlabtest.FaultKind) gitlabtest.Fault {
		return gitlabtest.Fault{Method: "POST", Route: gitlabtest.RouteLinks, Kind: kind}
	}
	mayHaveMade := wrapped(`Unable to Create Release Link.*GitLab at \S+ is unreachable or failing: 2 attempts over \S+ failed, ` +
		`the last one \(POST \S+\) with 502 Bad Gateway.*GitLab may have created the link all the same.*Nothing needs importing`)
	var made int64
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{
				// Neither attempt was carried out.
				PreConfig:   func() { env.emu.AddFaults(post(gitlabtest.FaultBadGateway), post(gitlabtest.FaultBadGateway)) },
				Config:      config,
				ExpectError: mayHaveMade,
			},
			{
				// The refresh finds no link, so the create runs again. Its first attempt is committed and answered
				// 502, and the retry fails too: the link exists, and only the state's record of the write knows.
				PreConfig: func() {
					env.emu.AddFaults(post(gitlabtest.FaultCommitThenBadGateway), post(gitlabtest.FaultBadGateway))
				},
				Config:      config,
				ExpectError: mayHaveMade,
			},
			{
				// The refresh recognises the link the lost write made, and the tainted resource is replaced: no
				// "has already been taken", no import.
				PreConfig: func() { made = env.linkNamed(t, env.Tag, "app").ID },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionDestroyBeforeCreate)}},
				Check: func(s *terraform.State) error {
					if l := env.linkNamed(t, env.Tag, "app"); l.ID == made {
						return fmt.Errorf("link %d was kept, want it replaced", made)
					}
					return env.checkLinkCount(t, env.Tag, 1)(s)
				},
			},
			{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}

// TestAccReleaseLink_lostCreateNeverTakesAnothersLink: two resources are given the same values by mistake. The
// second one's create fails with its answers lost, so the state records it without a link ID. The refresh finds a
// link with exactly its values, but another resource of the configuration holds it: it is not taken up (and then
// deleted by the tainted resource's replacement), and the create meets it instead.
func TestAccReleaseLink_lostCreateNeverTakesAnothersLink(t *testing.T) {
	httpClientTest(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	first := env.linkConfig(env.Project, env.Tag, `  name = "app"
  url  = "https://example.com/app"`)
	second := strings.Replace(first, "gitlab_release_link\" \"test\"", "gitlab_release_link\" \"again\"", 1)
	both := strings.Replace(first, "}", "  retries = 1\n}", 1) + second[strings.Index(second, "resource "):]
	badGateway := gitlabtest.Fault{Method: "POST", Route: gitlabtest.RouteLinks, Kind: gitlabtest.FaultBadGateway}
	var held int64
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: first, Check: func(*terraform.State) error { held = env.linkNamed(t, env.Tag, "app").ID; return nil }},
			{
				PreConfig:   func() { env.emu.AddFaults(badGateway, badGateway) },
				Config:      both,
				ExpectError: wrapped(`GitLab may have created the link all the same`),
			},
			{
				Config:      both,
				ExpectError: wrapped(`has already been taken`),
				Check: func(*terraform.State) error {
					if l := env.linkNamed(t, env.Tag, "app"); l.ID != held {
						return fmt.Errorf("link %d of gitlab_release_link.test was replaced by link %d", held, l.ID)
					}
					return env.checkLinkCount(t, env.Tag, 1)(nil)
				},
			},
			{
				// ExpectError skips Check: look again, after the failed apply.
				PreConfig: func() {
					if l := env.linkNamed(t, env.Tag, "app"); l.ID != held {
						t.Errorf("link %d of gitlab_release_link.test was replaced by link %d", held, l.ID)
					}
				},
				Config: first,
			},
		},
	})
}

// TestAccReleaseLink_tokenNeverLogged runs a whole lifecycle, errors included, at TRACE level and looks for the
// token in everything Terraform and the provider logged.
func TestAccReleaseLink_tokenNeverLogged(t *testing.T) {
	httpClientTest(t)
	env := newTestEnv(t)
	logPath := filepath.Join(t.TempDir(), "trace.log")
	// The token comes from the environment, as in real use: the test harness logs the configuration it writes.
	t.Setenv("GITLAB_TOKEN", env.Token)
	config := func(tag, attrs string) string {
		return strings.Replace(env.linkConfig(env.Project, tag, attrs), fmt.Sprintf("  token    = %q\n", env.Token), "", 1)
	}
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	attrs := `  name = "app"
  url  = "https://example.com/app"
  direct_asset_path = "/bin/app"`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{Config: config(env.Tag, attrs)},
			{Config: config(env.Tag, strings.Replace(attrs, "/bin/app", "/bin/app2", 1))},
			{Config: config("v0.0.0-missing", attrs), ExpectError: wrapped(`has no release`)},
			{Config: config(env.Tag, attrs)},
		},
	})
	logs := providerLog(t, logPath)
	for i, line := range strings.Split(string(logs), "\n") {
		if strings.Contains(line, env.Token) {
			t.Errorf("the token appears in line %d of the TRACE log: %.300s", i+1, line)
		}
	}

	// With the token in the provider block, it may appear only where the test harness logs the configuration
	// file it writes, never in anything Terraform or the provider logged.
	blockLog := filepath.Join(t.TempDir(), "trace-block.log")
	t.Setenv("TF_ACC_LOG_PATH", blockLog)
	t.Setenv("GITLAB_TOKEN", "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps:                    []resource.TestStep{{Config: env.linkConfig(env.Project, env.Tag, attrs)}},
	})
	logs = providerLog(t, blockLog)
	configLine := regexp.MustCompile(`^\s*\|\s+token\s+= "` + regexp.QuoteMeta(env.Token) + `"$`)
	for i, line := range strings.Split(string(logs), "\n") {
		if strings.Contains(line, env.Token) && !configLine.MatchString(line) {
			t.Errorf("the token from the provider block appears in line %d of the TRACE log: %.300s", i+1, line)
		}
	}
}

// providerLog reads a TRACE log and fails the test unless it holds the provider's own request lines: a log that
// captured nothing would hold no token either.
func providerLog(t *testing.T, path string) []byte {
	t.Helper()
	logs, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(logs), "GitLab API attempt finished") || !strings.Contains(string(logs), "/assets/links") {
		t.Fatalf("the trace log %s holds no request line of the provider; is provider logging captured? (%d bytes)", path, len(logs))
	}
	return logs
}

// TestAccReleaseLink_destroyAfterLostCreate destroys, without a refresh, a resource whose create GitLab carried out
// and whose answer was lost: the link the state knows only by its values is found and deleted, not forgotten.
func TestAccReleaseLink_destroyAfterLostCreate(t *testing.T) {
	requireAcc(t)
	env := newParallelTestEnv(t)
	env.requireEmulator(t)
	tf := newTerraformCLI(t, buildProvider(t, "test"))
	tf.write("main.tf", requiredProviders+strings.Replace(env.linkConfig(env.Project, env.Tag, linkBody), "}", "  retries = 1\n}", 1))
	env.emu.AddFaults(faultOn("POST", gitlabtest.FaultCommitThenBadGateway), faultOn("POST", gitlabtest.FaultBadGateway))
	if out, code := tf.run("apply", "-auto-approve"); code == 0 || !strings.Contains(out, "may have created the link") {
		t.Fatalf("apply exited %d, want the lost create's error:\n%s", code, out)
	}
	if n := len(env.emu.Links(env.Project, env.Tag)); n != 1 {
		t.Fatalf("GitLab holds %d links after the lost create, want 1", n)
	}
	if out, code := tf.run("destroy", "-auto-approve", "-refresh=false"); code != 0 {
		t.Fatalf("destroy failed (%d):\n%s", code, out)
	}
	if n := len(env.emu.Links(env.Project, env.Tag)); n != 0 {
		t.Fatalf("destroy left %d links on the release", n)
	}
	tf.requireState()
}
