package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// manyLinks is n links asset-0 … asset-(n-1) whose URLs carry version.
func manyLinks(n int, version string) map[string]linkSpec {
	links := map[string]linkSpec{}
	for i := range n {
		links[fmt.Sprintf("asset-%d", i)] = linkSpec{url: fmt.Sprintf("https://example.com/%s/asset-%d", version, i), path: fmt.Sprintf("/bin/asset-%d", i)}
	}
	return links
}

// withProviderSetting adds a line to the provider block of a configuration.
func withProviderSetting(config, line string) string {
	return strings.Replace(config, "provider \"gitlab\" {\n", "provider \"gitlab\" {\n  "+line+"\n", 1)
}

// faultOn is a one-shot fault for one method of the link routes.
func faultOn(method string, kind gitlabtest.FaultKind) gitlabtest.Fault {
	route := gitlabtest.RouteLink
	if method == "POST" {
		route = gitlabtest.RouteLinks
	}
	return gitlabtest.Fault{Method: method, Route: route, Kind: kind}
}

// TestAccReleaseLinks_underFaults creates, updates, swaps and destroys 45 links while GitLab rate-limits, fails
// with 502s before and after committing writes, and drops connections before and after committing: every phase
// ends with GitLab holding exactly the configuration, nothing twice, and an empty plan.
func TestAccReleaseLinks_underFaults(t *testing.T) {
	httpClientTest(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	const n = 45
	config := func(links map[string]linkSpec) string {
		return withProviderSetting(env.linksConfig(env.Project, env.Tag, links), "retries = 8")
	}
	swapped := manyLinks(n, "v2")
	swapped["asset-0"], swapped["asset-1"] = swapped["asset-1"], swapped["asset-0"]
	step := func(links map[string]linkSpec) resource.TestStep {
		return resource.TestStep{Config: config(links), Check: env.holds(t, env.Tag, links)}
	}
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		PreCheck: func() {
			env.emu.SetRandomFaults(20261201, 0.15, gitlabtest.FaultRateLimit, gitlabtest.FaultBadGateway,
				gitlabtest.FaultCommitThenBadGateway, gitlabtest.FaultDropConnection, gitlabtest.FaultCommitThenDrop)
		},
		Steps: []resource.TestStep{step(manyLinks(n, "v1")), step(manyLinks(n, "v2")), step(swapped)},
		CheckDestroy: func(*terraform.State) error {
			t.Logf("faults injected: %d", env.emu.FaultsInjected())
			if env.emu.FaultsInjected() == 0 {
				return fmt.Errorf("no fault was injected")
			}
			if n := len(env.emu.Links(env.Project, env.Tag)); n != 0 {
				return fmt.Errorf("the release still holds %d links", n)
			}
			return nil
		},
	})
}

// TestAccReleaseLinks_ownLostCreate: GitLab commits a create and its answer is lost. The retry is answered "has
// already been taken", and the link is recognised as the create's own, adopted instead of duplicated.
func TestAccReleaseLinks_ownLostCreate(t *testing.T) {
	httpClientTest(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	links := manyLinks(5, "v1")
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{{
			PreConfig: func() { env.emu.AddFaults(faultOn("POST", gitlabtest.FaultCommitThenBadGateway)) },
			Config:    env.linksConfig(env.Project, env.Tag, links),
			Check: resource.ComposeTestCheckFunc(env.holds(t, env.Tag, links), func(*terraform.State) error {
				if c := countRequests(env.emu); c.post != 6 {
					return fmt.Errorf("the create sent %d POSTs, want 6 (one retried)", c.post)
				}
				return nil
			}),
		}},
	})
}

// TestAccReleaseLinks_partialUpdate makes some writes of an update fail for good: the error lists them and the
// writes that had to wait for them, the state records what was done, and the next apply sends only the rest.
func TestAccReleaseLinks_partialUpdate(t *testing.T) {
	httpClientTest(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	before := manyLinks(6, "v1")
	after := manyLinks(6, "v2")
	// asset-0 and asset-1 swap paths: asset-0 is parked first, and both its update and asset-1's wait for that.
	after["asset-0"], after["asset-1"] = linkSpec{url: after["asset-0"].url, path: "/bin/asset-1"}, linkSpec{url: after["asset-1"].url, path: "/bin/asset-0"}
	// One write at a time, in name order: the links are created asset-0 first, and updated in that order.
	serial := func(links map[string]linkSpec) string {
		return withProviderSetting(env.linksConfig(env.Project, env.Tag, links), "release_links_parallelism = 1")
	}
	config := serial(after)
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{Config: serial(before)},
			{
				// The parking update goes first and fails, and so does the next PUT, asset-2's.
				PreConfig: func() {
					env.emu.ResetRequestCounts()
					env.emu.AddFaults(faultOn("PUT", gitlabtest.FaultInternalError), faultOn("PUT", gitlabtest.FaultInternalError))
				},
				Config: config,
				ExpectError: wrapped(`Unable to Update Release Links.*Could not make 4 of the 7 changes.*state records the changes that were made.*` +
					`move of link \d+ \("asset-0"\) to temporary values: PUT \S+ 500.*` +
					`update of link \d+ \("asset-0"\): not sent, since it had to wait for the move of link \d+ \("asset-0"\).*` +
					`update of link \d+ \("asset-1"\): not sent, since it had to wait for the move of link \d+ \("asset-0"\).*` +
					`update of link \d+ \("asset-2"\): PUT \S+ 500`),
			},
			{
				PreConfig: env.emu.ResetRequestCounts,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testLinks, plancheck.ResourceActionUpdate)}},
				Check: resource.ComposeTestCheckFunc(env.holds(t, env.Tag, after), func(*terraform.State) error {
					// What was done is not done again: asset-3 to asset-5 were updated already.
					if c := countRequests(env.emu); c.put != 4 || c.post+c.del != 0 {
						return fmt.Errorf("the second apply sent %+v, want 4 PUT (park asset-0, then asset-0 to asset-2)", c)
					}
					return nil
				}),
			},
		},
	})
}

// TestAccReleaseLinks_createRollback makes a create fail part-way: the links it made are deleted again, including
// the one whose answer was lost, so the release is as before and the next apply creates everything. When even
// that delete fails, the leftover link stays in a tainted state, and the next apply replaces it.
func TestAccReleaseLinks_createRollback(t *testing.T) {
	httpClientTest(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	links := manyLinks(5, "v1")
	// One write at a time, in name order, so that each fault meets the write it is meant for.
	config := withProviderSetting(env.linksConfig(env.Project, env.Tag, links), "release_links_parallelism = 1")
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{
				// asset-0's create fails with GitLab's 500. asset-1's is committed but its answer is lost, and the
				// retry fails with a 500 too: the link exists, and only its lost write knows.
				PreConfig: func() {
					env.emu.AddFaults(faultOn("POST", gitlabtest.FaultInternalError), faultOn("POST", gitlabtest.FaultCommitThenDrop),
						faultOn("POST", gitlabtest.FaultInternalError))
				},
				Config: config,
				ExpectError: wrapped(`Unable to Create Release Links.*Could not create 2 of the 5 links.*` +
					`The 4 links that were created have been deleted again, so the release is as it was`),
			},
			{
				PreConfig: func() {
					if n := len(env.emu.Links(env.Project, env.Tag)); n != 0 {
						t.Errorf("the failed create left %d links on the release", n)
					}
					env.emu.AddFaults(faultOn("POST", gitlabtest.FaultInternalError), faultOn("DELETE", gitlabtest.FaultInternalError))
				},
				Config: config,
				ExpectError: wrapped(`Could not create 1 of the 5 links.*Of the links that were created, 1 could not be deleted again:.*` +
					`delete of link \d+ \("asset-1"\): DELETE \S+ 500.*tainted`),
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testLinks, plancheck.ResourceActionDestroyBeforeCreate)}},
				Check: env.holds(t, env.Tag, links),
			},
		},
	})
}

// TestAccReleaseLinks_convergesAfterFailures lets writes fail for good, with no retries: two with GitLab's 500,
// then one committed whose connection drops before the answer, which makes the provider take GitLab for down and
// fail every write still to come, including the deletes that would undo a create. The apply fails part-way, and
// the next one makes the release hold exactly the configuration, nothing twice: what was done and recorded is not
// done again, and what was done but not recorded is found by the refresh, which lists the whole release.
func TestAccReleaseLinks_convergesAfterFailures(t *testing.T) {
	httpClientTest(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	const n = 30
	config := func(links map[string]linkSpec) string {
		return withProviderSetting(env.linksConfig(env.Project, env.Tag, links), "retries = 0")
	}
	faults := func(method string) func() {
		return func() {
			for _, kind := range []gitlabtest.FaultKind{gitlabtest.FaultInternalError, gitlabtest.FaultInternalError,
				gitlabtest.FaultCommitThenDrop} {
				env.emu.AddFaults(faultOn(method, kind))
			}
		}
	}
	update := manyLinks(n, "v2")
	update["asset-0"], update["asset-1"] = update["asset-1"], update["asset-0"]
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{PreConfig: faults("POST"), Config: config(manyLinks(n, "v1")), ExpectError: wrapped(`Unable to Create Release Links`)},
			{
				// Undoing the create failed too: its links are in a tainted state, the lost one on GitLab only.
				PreConfig: func() {
					if held := len(env.emu.Links(env.Project, env.Tag)); held == 0 || held == n {
						t.Errorf("the failed create left %d links; want some, not all", held)
					}
				},
				Config: config(manyLinks(n, "v1")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testLinks, plancheck.ResourceActionDestroyBeforeCreate)}},
				Check: env.holds(t, env.Tag, manyLinks(n, "v1")),
			},
			{PreConfig: faults("PUT"), Config: config(update), ExpectError: wrapped(`Unable to Update Release Links`)},
			{Config: config(update), Check: env.holds(t, env.Tag, update)},
		},
	})
}

// TestAccReleaseLinks_lostCreateConverges: the only create of a new gitlab_release_links is committed on GitLab and
// its answer lost, and GitLab then fails every request, the search for that link included. The error says the
// link may have been created and was not looked for, the state records the write, and the next apply converges by
// itself: no "already has 1 links", no import.
func TestAccReleaseLinks_lostCreateConverges(t *testing.T) {
	env := newTestEnv(t)
	env.requireEmulator(t)
	links := manyLinks(1, "v1")
	config := withProviderSetting(env.linksConfig(env.Project, env.Tag, links), "retries = 1")
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					env.emu.AddFaults(faultOn("POST", gitlabtest.FaultCommitThenBadGateway), faultOn("POST", gitlabtest.FaultBadGateway))
				},
				Config: config,
				ExpectError: wrapped(`Could not create 1 of the 1 links.*create of link "asset-0": may have been made.*` +
					`1 of these may have been created all the same.*could not look for the links.*tainted`),
			},
			{
				PreConfig: func() {
					if n := len(env.emu.Links(env.Project, env.Tag)); n != 1 {
						t.Errorf("GitLab holds %d links after the lost create, want the 1 it made", n)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testLinks, plancheck.ResourceActionDestroyBeforeCreate)}},
				Check: env.holds(t, env.Tag, links),
			},
		},
	})
}
