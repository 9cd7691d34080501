package provider

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// manyLinksConfig has count links named prefix-i in each release. early_auth_check makes every Terraform walk
// send exactly one GET /user, which counts the walks.
func (e *testEnv) manyLinksConfig(urlSuffix string, releases map[string]int) string {
	config := strings.Replace(e.providerBlock(), "}", "  early_auth_check = true\n}", 1)
	tags := slices.Sorted(maps.Keys(releases))
	for i, tag := range tags {
		count := releases[tag]
		config += fmt.Sprintf(`resource "gitlab_release_link" "r%d" {
  count    = %d
  project  = %q
  tag_name = %q
  name     = "asset-${count.index}"
  url      = "https://example.com/%s/asset-${count.index}%s"
}
`, i, count, e.Project, tag, tag, urlSuffix)
	}
	return config
}

// requestCounts reads the emulator's counters for the link routes, and the number of Terraform walks.
type requestCounts struct{ walks, list, get, post, put, del, other int }

func countRequests(emu *gitlabtest.Server) requestCounts {
	var c requestCounts
	for key, n := range emu.RequestCounts() {
		switch key {
		case "GET " + gitlabtest.RouteUser:
			c.walks += n
		case "GET " + gitlabtest.RouteLinks:
			c.list += n
		case "GET " + gitlabtest.RouteLink:
			c.get += n
		case "POST " + gitlabtest.RouteLinks:
			c.post += n
		case "PUT " + gitlabtest.RouteLink:
			c.put += n
		case "DELETE " + gitlabtest.RouteLink:
			c.del += n
		default:
			c.other += n
		}
	}
	return c
}

// TestAccReleaseLink_requestCounts holds the provider to the request floor of the performance issue: a create
// is one POST, an update one PUT, a delete one DELETE, and every plan reads each release once per walk with one
// listing request per 100 links, never one GET per link.
func TestAccReleaseLink_requestCounts(t *testing.T) {
	httpClientTest(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	releases := map[string]int{env.Tag: 150, "v2": 20, "v3": 20, "v4": 20}
	for tag := range releases {
		if tag != env.Tag {
			env.addRelease(t, tag)
		}
	}
	const total = 210
	listsPerWalk := 2 + 1 + 1 + 1 // ceil(150/100) for the big release, one for each small one
	env.emu.ResetRequestCounts()
	expect := func(step string, check func(c requestCounts) bool) func() {
		return func() {
			c := countRequests(env.emu)
			if !check(c) {
				t.Errorf("%s: requests %+v (by route: %v)", step, c, env.emu.RequestCounts())
			}
			env.emu.ResetRequestCounts()
		}
	}
	planAfter := func(step string, then func()) func() {
		return func() {
			expect(step, func(c requestCounts) bool {
				// Not every walk refreshes (a plan after a refreshing plan may not), but each one that does
				// lists every release exactly once.
				return c.walks > 0 && c.list > 0 && c.list%listsPerWalk == 0 && c.list <= listsPerWalk*c.walks &&
					c.get == 0 && c.post+c.put+c.del+c.other == 0
			})()
			if then != nil {
				then()
			}
		}
	}
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				// Creating: one POST per link, and the plan-time check's listing of each release, at most once in each
				// walk (the apply walk plans again, and lists a release only until its first write).
				Config: env.manyLinksConfig("", releases),
				Check: func(*terraform.State) error {
					expect("apply", func(c requestCounts) bool {
						return c.post == total && c.list >= listsPerWalk && c.list <= listsPerWalk*c.walks && c.get+c.put+c.del+c.other == 0
					})()
					return nil
				},
			},
			{
				PreConfig: func() { env.emu.ResetRequestCounts() },
				Config:    env.manyLinksConfig("", releases),
				PlanOnly:  true,
			},
			{
				// A link deleted between two walks is still noticed.
				PreConfig: planAfter("plan of unchanged links", func() {
					if err := env.emu.DeleteLink(env.Project, "v3", env.emu.Links(env.Project, "v3")[0].ID); err != nil {
						t.Fatal(err)
					}
					env.emu.ResetRequestCounts()
				}),
				Config:             env.manyLinksConfig("", releases),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: planAfter("plan after an out-of-band deletion", nil),
				Config:    env.manyLinksConfig("?v=2", releases),
				Check: func(*terraform.State) error {
					// The apply walk does not check the updates' new values again: it lists only the release of
					// the link it creates (v3), and only until its first write there.
					expect("update", func(c requestCounts) bool {
						return c.put == total-1 && c.post == 1 && c.get == 0 && c.list%listsPerWalk <= 1 &&
							c.list <= listsPerWalk*(c.walks-1)+1 && c.del+c.other == 0
					})()
					return nil
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			c := countRequests(env.emu)
			// Post-apply plans of the last step ran since the reset; the destroy adds one DELETE per link.
			if c.del != total || c.get != 0 || c.post+c.put != 0 {
				return fmt.Errorf("destroy: requests %+v", c)
			}
			return nil
		},
	})
}

// A listing that fails for a reason of its own (here GitLab's 500 for that one request) falls back to one GET per
// link instead of failing the plan; a listing that fails because GitLab is failing as a whole (502) does not,
// since a GET per link would only fail again, slower.
func TestAccReleaseLink_listingFallback(t *testing.T) {
	httpClientTest(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	releases := map[string]int{env.Tag: 5}
	config := strings.Replace(env.manyLinksConfig("", releases), "early_auth_check = true", "early_auth_check = true\n  retries = 0", 1)
	listingFault := func(kind gitlabtest.FaultKind) func() {
		return func() {
			env.emu.ResetRequestCounts()
			env.emu.AddFaults(gitlabtest.Fault{Method: "GET", Route: gitlabtest.RouteLinks, Kind: kind})
		}
	}
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: listingFault(gitlabtest.FaultInternalError),
				Config:    config,
				PlanOnly:  true,
			},
			{
				PreConfig: func() {
					// The failed listing is not tried again in that walk: each of the 5 links is read alone.
					if c := countRequests(env.emu); c.get != 5 {
						t.Errorf("a failed listing fell back to %d single GETs, want one per link: %+v", c.get, c)
					}
					listingFault(gitlabtest.FaultBadGateway)()
				},
				Config:      config,
				PlanOnly:    true,
				ExpectError: wrapped(`GitLab at \S+ is unreachable or failing: 1 attempt failed`),
			},
			{
				PreConfig: func() {
					if c := countRequests(env.emu); c.get != 0 || c.list != 1 {
						t.Errorf("a listing that met a failing GitLab was followed by %d single GETs and %d listings, want none and 1", c.get, c.list)
					}
				},
				Config:   config,
				PlanOnly: true,
			},
		},
	})
}
