package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// importedLinks is a release whose tag has a slash, so the slash form of the import ID has two candidate splits.
var importedLinks = map[string]linkSpec{
	"app":     {url: "https://example.com/app", linkType: "package", path: "/bin/app"},
	"runbook": {url: "https://example.com/runbook", linkType: "runbook"},
}

func TestAccReleaseLinks_import(t *testing.T) {
	env := newTestEnv(t)
	env.addRelease(t, "release/v1.0")
	config := env.linksConfig(env.Project, "release/v1.0", importedLinks)
	importStep := func(id string) resource.TestStep {
		return resource.TestStep{ResourceName: testLinks, ImportState: true, ImportStateVerify: true, ImportStateId: id}
	}
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks("release/v1.0"),
		Steps: []resource.TestStep{
			{Config: config},
			importStep(env.Project + ":release/v1.0"),
			importStep(env.Project + "/release/v1.0"),
			{ResourceName: testLinks, ImportState: true, ImportStateId: fmt.Sprintf("%d:release/v1.0", env.ProjectID),
				ImportStateCheck: checkImported(map[string]string{"project": fmt.Sprint(env.ProjectID), "tag_name": "release/v1.0",
					"id": fmt.Sprintf("%d:release/v1.0", env.ProjectID), "links.%": "2", "links.app.url": "https://example.com/app",
					"links.app.link_type": "package", "links.app.direct_asset_path": "/bin/app", "links.runbook.link_type": "runbook"})},
			// An import block, and the plan after it is empty since the configuration matches.
			{ResourceName: testLinks, ImportState: true, ImportStateKind: resource.ImportBlockWithID, Config: config,
				ImportStateId: env.Project + ":release/v1.0"},
			{ResourceName: testLinks, ImportState: true, ImportStateId: env.Project + ":release/v1.0:7",
				ExpectError: wrapped(`has two colons, like the ID of one gitlab_release_link`)},
			{ResourceName: testLinks, ImportState: true, ImportStateId: env.Project + "/release/v9",
				ExpectError: wrapped(`No release matches the import ID`)},
			{ResourceName: testLinks, ImportState: true, ImportStateId: env.Project + ":release/v9",
				ExpectError: wrapped(`Unable to Import Release Links.*Release "release/v9" was not found in project "` + env.Project + `".*nothing to import`)},
			{ResourceName: testLinks, ImportState: true, ImportStateId: "not-an-id",
				ExpectError: regexp.MustCompile(`(?s)Use <project>:<tag_name> or <project>/<tag_name>.*for example`)},
		},
	})
}

// TestAccReleaseLinks_importByIdentity imports with an identity in an import block, which needs Terraform 1.12.
func TestAccReleaseLinks_importByIdentity(t *testing.T) {
	env := newTestEnv(t)
	config := env.linksConfig(env.Project, env.Tag, importedLinks)
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{Config: config},
			{ResourceName: testLinks, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity, Config: config},
		},
	})
}

// TestAccReleaseLinks_refusesReleaseWithLinks: a create never takes over links it has not planned to delete. It
// fails before any write, naming the links and the import; after the import, the plan shows what happens to each
// link, and the apply makes the release hold exactly the configuration.
func TestAccReleaseLinks_refusesReleaseWithLinks(t *testing.T) {
	env := newTestEnv(t)
	existing := env.createLink(t, env.Tag, gitlab.CreateReleaseLinkOptions{Name: "app", URL: "https://example.com/old-app"})
	env.createLink(t, env.Tag, gitlab.CreateReleaseLinkOptions{Name: "stray", URL: "https://example.com/stray"})
	if env.emu != nil {
		env.emu.ResetRequestCounts()
	}
	config := env.linksConfig(env.Project, env.Tag, importedLinks)
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{
				Config: config,
				ExpectError: wrapped(fmt.Sprintf(`Release Already Has Links.*already has 2 links: "app" \(ID %d\), "stray" .*Nothing was changed.*`+
					`terraform import gitlab_release_links.<name> '%s'.*import {.*to = gitlab_release_links.<name>.*id = "%[2]s"`,
					existing.ID, regexp.QuoteMeta(env.Project+":"+env.Tag))),
			},
			{
				PreConfig: func() {
					if env.emu == nil {
						return
					}
					if c := countRequests(env.emu); c.post+c.put+c.del+c.other != 0 || c.list != 1 {
						t.Errorf("the refused create sent %+v, want one listing and nothing else", c)
					}
				},
				Config: config, ResourceName: testLinks, ImportState: true, ImportStatePersist: true,
				ImportStateId: env.Project + ":" + env.Tag,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testLinks, plancheck.ResourceActionUpdate)}},
				Check: env.holds(t, env.Tag, importedLinks),
			},
		},
	})
}
