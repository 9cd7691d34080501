package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccReleaseLinks_swaps exchanges values among links, which GitLab's uniqueness rules refuse to do in one step:
// two URLs, two paths, URLs in a cycle of three, and two names (everything but the name). Each link keeps its ID,
// the writes are one PUT per changed link and one per cycle, and nothing is deleted or created.
func TestAccReleaseLinks_swaps(t *testing.T) {
	env := newTestEnv(t)
	start := map[string]linkSpec{
		"a": {url: "https://example.com/a", path: "/bin/a"},
		"b": {url: "https://example.com/b", path: "/bin/b"},
		"c": {url: "https://example.com/c", path: "/bin/c"},
	}
	urlsSwapped := map[string]linkSpec{
		"a": {url: "https://example.com/b", path: "/bin/a"},
		"b": {url: "https://example.com/a", path: "/bin/b"},
		"c": start["c"],
	}
	pathsSwapped := map[string]linkSpec{
		"a": {url: "https://example.com/b", path: "/bin/c"},
		"b": {url: "https://example.com/a", path: "/bin/b"},
		"c": {url: "https://example.com/c", path: "/bin/a"},
	}
	cycled := map[string]linkSpec{
		"a": {url: "https://example.com/c", path: "/bin/c"},
		"b": {url: "https://example.com/b", path: "/bin/b"},
		"c": {url: "https://example.com/a", path: "/bin/a"},
	}
	namesSwapped := map[string]linkSpec{"a": cycled["b"], "b": cycled["a"], "c": cycled["c"]}
	ids := map[string]interface {
		AddStateValue(string, tfjsonpath.Path) statecheck.StateCheck
	}{}
	for _, name := range []string{"a", "b", "c"} {
		ids[name] = statecheck.CompareValue(compare.ValuesSame())
	}
	step := func(links map[string]linkSpec, puts int) resource.TestStep {
		var checks []statecheck.StateCheck
		for name, c := range ids {
			checks = append(checks, c.AddStateValue(testLinks, linkAttr(name, "link_id")))
		}
		return resource.TestStep{
			PreConfig: func() {
				if env.emu != nil {
					env.emu.ResetRequestCounts()
				}
			},
			Config: env.linksConfig(env.Project, env.Tag, links),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(testLinks, plancheck.ResourceActionUpdate)}},
			ConfigStateChecks: checks,
			Check: resource.ComposeTestCheckFunc(env.holds(t, env.Tag, links), func(*terraform.State) error {
				if env.emu == nil {
					return nil
				}
				if c := countRequests(env.emu); c.put != puts || c.post+c.del != 0 {
					return fmt.Errorf("the swap sent %+v, want %d PUT and nothing else", c, puts)
				}
				return nil
			}),
		}
	}
	createStep := step(start, 0)
	createStep.ConfigPlanChecks = resource.ConfigPlanChecks{}
	createStep.Check = env.holds(t, env.Tag, start)
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			createStep,
			step(urlsSwapped, 3),  // 2 PUT, and 1 to park a link on a temporary URL
			step(pathsSwapped, 3), // a and c: clearing one path is the parking
			step(cycled, 4),       // the URLs of a, b and c go round
			step(namesSwapped, 3), // a and b swap URL and path at once: still one parking
		},
	})
}
