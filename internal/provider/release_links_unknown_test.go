package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccReleaseLinks_unknownAtPlan plans links whose URL, whole entry (new, or in state) or whole map comes from a terraform_data
// that is replaced in the same apply, so that the value is unknown at plan and known only at apply. The links
// in state could match a new entry by path at plan and by URL at apply; the plan promises no link_id it cannot
// keep, the apply succeeds, and the link whose URL the entry takes is the one renamed.
func TestAccReleaseLinks_unknownAtPlan(t *testing.T) {
	env := newTestEnv(t)
	// a and b swap roles: the new entry has a's path and, once known, b's URL.
	start := map[string]linkSpec{
		"a": {url: "https://example.com/a", path: "/bin/a"},
		"b": {url: "https://example.com/b", path: "/bin/b"},
	}
	data := func(trigger int, value string) string {
		return fmt.Sprintf("resource \"terraform_data\" \"v\" {\n  triggers_replace = %d\n  input = %s\n}\n", trigger, value)
	}
	linksOf := func(expr string) string {
		return env.providerBlock() + fmt.Sprintf("resource \"gitlab_release_links\" \"test\" {\n  project  = %q\n  tag_name = %q\n"+
			"  links    = %s\n}\n", env.Project, env.Tag, expr)
	}
	var bID string
	rememberB := func(s *terraform.State) error {
		bID = s.RootModule().Resources[testLinks].Primary.Attributes["links.b.link_id"]
		return nil
	}
	renamedB := func(name string) resource.TestCheckFunc {
		return resource.ComposeTestCheckFunc(
			resource.TestCheckResourceAttrPtr(testLinks, "links."+name+".link_id", &bID),
			env.holds(t, env.Tag, map[string]linkSpec{name: {url: "https://example.com/b", path: "/bin/a"}}),
		)
	}
	unknownAtPlan := func(p tfjsonpath.Path) resource.ConfigPlanChecks {
		return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(testLinks, plancheck.ResourceActionUpdate),
			plancheck.ExpectUnknownValue(testLinks, p),
		}}
	}
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{Config: env.linksConfig(env.Project, env.Tag, start) + data(1, `"https://example.com/b"`), Check: rememberB},
			{
				// The URL alone is unknown at plan.
				Config:           linksOf(`{ c = { url = terraform_data.v.output, direct_asset_path = "/bin/a" } }`) + data(2, `"https://example.com/b"`),
				ConfigPlanChecks: unknownAtPlan(linkAttr("c", "link_id")),
				Check:            renamedB("c"),
			},
			{Config: env.linksConfig(env.Project, env.Tag, start) + data(3, `"https://example.com/b"`), Check: rememberB},
			{
				// The whole entry is unknown at plan.
				Config:           linksOf(`{ d = terraform_data.v.output }`) + data(4, `{ url = "https://example.com/b", direct_asset_path = "/bin/a" }`),
				ConfigPlanChecks: unknownAtPlan(tfjsonpath.New("links").AtMapKey("d")),
				Check:            renamedB("d"),
			},
			{
				// An entry in state that becomes unknown as a whole again, with another link_type.
				Config: linksOf(`{ d = terraform_data.v.output }`) +
					data(7, `{ url = "https://example.com/b", direct_asset_path = "/bin/a", link_type = "image" }`),
				ConfigPlanChecks: unknownAtPlan(tfjsonpath.New("links").AtMapKey("d")),
				Check: resource.ComposeTestCheckFunc(resource.TestCheckResourceAttrPtr(testLinks, "links.d.link_id", &bID),
					env.holds(t, env.Tag, map[string]linkSpec{"d": {url: "https://example.com/b", path: "/bin/a", linkType: "image"}})),
			},
			{Config: env.linksConfig(env.Project, env.Tag, start) + data(5, `"https://example.com/b"`), Check: rememberB},
			{
				// The whole map is unknown at plan.
				Config:           linksOf(`terraform_data.v.output`) + data(6, `{ e = { url = "https://example.com/b", direct_asset_path = "/bin/a" } }`),
				ConfigPlanChecks: unknownAtPlan(tfjsonpath.New("links")),
				Check:            renamedB("e"),
			},
		},
	})
}
