package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// TestAccReleaseLinks_moveNeverStrands changes the tag_name of a gitlab_release_links, as a pipeline that bumps its
// version does: to a release that does not exist (a plan warning; the apply fails and the links stay where they
// were, on GitLab and in the state), to a release that has links of its own (a plan error, nothing written), and
// to a release ready for them (the links move: created there, then deleted from the old release).
func TestAccReleaseLinks_moveNeverStrands(t *testing.T) {
	env := newTestEnv(t)
	env.addRelease(t, "v2.0.0")
	links := manyLinks(3, "v1")
	stays := func(*terraform.State) error {
		if err := env.checkLinkCount(t, env.Tag, 3)(nil); err != nil {
			return fmt.Errorf("the old release lost links: %w", err)
		}
		return env.checkLinkCount(t, "v2.0.0", 0)(nil)
	}
	var stray gitlab.ReleaseLink
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag, "v2.0.0"),
		Steps: []resource.TestStep{
			{Config: env.linksConfig(env.Project, env.Tag, links), Check: env.holds(t, env.Tag, links)},
			{
				// No release v9.9.9: the plan warns, the apply creates nothing there and deletes nothing here.
				Config: env.linksConfig(env.Project, "v9.9.9", links),
				ExpectError: wrapped(`Unable to Move Release Links.*The links stay on release "` + env.Tag + `".*as they were.*` +
					`Release "v9.9.9" was not found`),
			},
			{
				// The state still holds the links of the old release, so the plan is the same move again.
				PreConfig: func() {
					if err := stays(nil); err != nil {
						t.Error(err)
					}
					stray = env.createLink(t, "v2.0.0", gitlab.CreateReleaseLinkOptions{Name: "stray", URL: "https://example.com/stray"})
				},
				Config:             env.linksConfig(env.Project, env.Tag, links),
				PlanOnly:           true,
				ExpectNonEmptyPlan: false,
			},
			{
				// A release with a link no resource here manages: the plan fails, naming it, before any write, and says
				// what to do; an import onto this resource's address, which the state holds already, is not it.
				Config: env.linksConfig(env.Project, "v2.0.0", links),
				ExpectError: wrapped(`Release Already Has Links.*Release "v2.0.0" of project .* already has 1 links: "stray"` +
					`.*moving there would delete.*Delete them in GitLab`),
			},
			{
				PreConfig: func() {
					if err := env.emu.DeleteLink(env.Project, "v2.0.0", stray.ID); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.linksConfig(env.Project, "v2.0.0", links),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testLinks, plancheck.ResourceActionUpdate)}},
				Check: resource.ComposeTestCheckFunc(env.holds(t, "v2.0.0", links), env.checkLinkCount(t, env.Tag, 0)),
			},
			{
				Config:           env.linksConfig(env.Project, "v2.0.0", links),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// TestAccReleaseLink_moveNeverStrands: a gitlab_release_link whose tag_name names a release that does not exist
// stays where it was when the apply fails, and moves once the release exists.
func TestAccReleaseLink_moveNeverStrands(t *testing.T) {
	env := newTestEnv(t)
	attrs := `  name = "app"
  url  = "https://example.com/app"`
	var before int64
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag, "v2.0.0"),
		Steps: []resource.TestStep{
			{Config: env.linkConfig(env.Project, env.Tag, attrs), Check: rememberLinkID(testResource, &before)},
			{
				Config: env.linkConfig(env.Project, "v2.0.0", attrs),
				ExpectError: wrapped(`Unable to Move Release Link.*Link \d+ \("app"\) stays on release "` + env.Tag +
					`".*as it was.*could not be created on release "v2.0.0".*has no release for tag "v2.0.0"`),
			},
			{
				PreConfig: func() {
					if l := env.linkNamed(t, env.Tag, "app"); l.ID != before {
						t.Errorf("the link on the old release is %d, want %d as before", l.ID, before)
					}
					env.addRelease(t, "v2.0.0")
				},
				Config: env.linkConfig(env.Project, "v2.0.0", attrs),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionUpdate)}},
				Check: resource.ComposeTestCheckFunc(env.checkLinkCount(t, env.Tag, 0), env.checkLinkCount(t, "v2.0.0", 1)),
			},
		},
	})
}
