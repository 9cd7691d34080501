package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// TestAccProvider_rateLimited creates, updates and destroys links against GitLab's fixed-window throttle in each
// way it answers (GITLAB.md §6.1): headers on the 429 only, a bare 429, and RateLimit-* on every answer. Every
// phase succeeds with exactly the configured links, none twice.
func TestAccProvider_rateLimited(t *testing.T) {
	httpClientTest(t)
	modes := map[string]gitlabtest.RateLimitMode{
		"headers on 429": gitlabtest.RateLimitHeadersOn429,
		"bare 429":       gitlabtest.RateLimitBare429,
		"always headers": gitlabtest.RateLimitHeadersAlways,
	}
	for name, mode := range modes {
		t.Run(name, func(t *testing.T) {
			env := newTestEnv(t)
			env.requireEmulator(t)
			const n = 15
			env.emu.SetRateLimit(8, time.Second, mode)
			config := func(urlSuffix string) string {
				return strings.Replace(env.manyLinksConfig(urlSuffix, map[string]int{env.Tag: n}), "  early_auth_check = true\n", "", 1)
			}
			urlOf := func(i int) string { return fmt.Sprintf("https://example.com/%s/asset-%d", env.Tag, i) }
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []resource.TestStep{
					{
						Config: config(""),
						Check: func(*terraform.State) error {
							// 15 creates cannot fit into one window of 8: without answers that carry the quota
							// left, the throttle must have refused some; with them, the provider waits instead.
							if mode != gitlabtest.RateLimitHeadersAlways && env.emu.ThrottledRequests() == 0 {
								return fmt.Errorf("the throttle refused no request: the test proves nothing")
							}
							return env.holdsExactly(env.Tag, n, urlOf)
						},
					},
					{
						Config: config("?v=2"),
						Check: func(*terraform.State) error {
							return env.holdsExactly(env.Tag, n, func(i int) string { return urlOf(i) + "?v=2" })
						},
					},
				},
				CheckDestroy: func(*terraform.State) error {
					t.Logf("%s: %d requests throttled in all", name, env.emu.ThrottledRequests())
					return env.holdsExactly(env.Tag, 0, urlOf)
				},
			})
		})
	}
}

// TestAccProvider_rateLimitSharedWait: when GitLab's window is spent, the requests of the run wait for it
// together, announced by one INFO line, and the following windows are filled without another 429. The window is
// long enough (4 s) that a loaded machine cannot squeeze the paced requests (one every 1.1 s) three to a window.
func TestAccProvider_rateLimitSharedWait(t *testing.T) {
	httpClientTest(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	logPath := filepath.Join(t.TempDir(), "info.log")
	t.Setenv("TF_LOG", "INFO")
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	const window, limit, n = 4 * time.Second, 4, 8
	config := strings.Replace(env.manyLinksConfig("", map[string]int{env.Tag: n}), "  early_auth_check = true\n", "", 1)
	waits := func() int {
		logs, err := os.ReadFile(logPath)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Count(string(logs), "waiting for GitLab's rate limit")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				// Start at the beginning of a window, so that the creates meet the same one.
				time.Sleep(time.Until(time.Now().Truncate(window).Add(window + 100*time.Millisecond)))
				env.emu.SetRateLimit(limit, window, gitlabtest.RateLimitHeadersOn429)
			},
			Config: config,
			Check: func(*terraform.State) error {
				defer env.emu.SetRateLimit(0, 0, gitlabtest.RateLimitHeadersOn429)
				if got := len(env.emu.Links(env.Project, env.Tag)); got != n {
					return fmt.Errorf("GitLab holds %d links, want %d", got, n)
				}
				// Only requests already in flight when the window ran out can have been refused: none went out
				// during the wait, and none met a later window's end. The requests are the creates and the
				// plan-time check's listing of the release in each of the two walks.
				if got := env.emu.ThrottledRequests(); got < 1 || got > n+2-limit {
					return fmt.Errorf("%d requests were throttled, want between 1 and %d", got, n+2-limit)
				}
				if got := waits(); got != 1 {
					return fmt.Errorf("%d INFO lines announce a rate-limit wait, want 1 for the one shared wait", got)
				}
				return nil
			},
		}},
	})
}
