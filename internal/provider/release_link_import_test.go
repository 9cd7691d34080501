package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

func TestAccReleaseLink_import(t *testing.T) {
	env := newTestEnv(t)
	env.addRelease(t, "release/v1.0")
	config := env.linkConfig(env.Project, "release/v1.0", `  name = "app"
  url  = "https://example.com/app"
  link_type = "package"
  direct_asset_path = "/bin/app"`)
	importID := func(format func(linkID string) string) resource.ImportStateIdFunc {
		return func(s *terraform.State) (string, error) {
			return format(s.RootModule().Resources[testResource].Primary.Attributes["link_id"]), nil
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks("release/v1.0"),
		Steps: []resource.TestStep{
			{Config: config},
			{ResourceName: testResource, ImportState: true, ImportStateVerify: true,
				ImportStateIdFunc: importID(func(id string) string { return env.Project + ":release/v1.0:" + id })},
			{ResourceName: testResource, ImportState: true, ImportStateCheck: checkImported(map[string]string{
				"project": fmt.Sprint(env.ProjectID), "tag_name": "release/v1.0", "name": "app", "link_type": "package",
				"direct_asset_path": "/bin/app", "url": "https://example.com/app"}),
				ImportStateIdFunc: importID(func(id string) string { return fmt.Sprintf("%d:release/v1.0:%s", env.ProjectID, id) })},
			{ResourceName: testResource, ImportState: true, ImportStateVerify: true,
				ImportStateIdFunc: importID(func(id string) string { return env.Project + "/release/v1.0/" + id })},
			{ResourceName: testResource, ImportState: true, ImportStateKind: resource.ImportBlockWithID, Config: config,
				ImportStateIdFunc: importID(func(id string) string { return env.Project + ":release/v1.0:" + id })},
			{ResourceName: testResource, ImportState: true, ImportStateId: env.Project + "/release/v1.0/999999",
				ExpectError: regexp.MustCompile(`No release link matches the import ID`)},
			{ResourceName: testResource, ImportState: true, ImportStateId: "not-an-id",
				ExpectError: regexp.MustCompile(`(?s)Use <project>:<tag_name>:<link_id>.*for example`)},
		},
	})
}

func TestAccReleaseLink_importLinkMadeOutsideTerraform(t *testing.T) {
	env := newTestEnv(t)
	path := "/bin/tool"
	link := env.createLink(t, env.Tag, gitlab.CreateReleaseLinkOptions{Name: "tool", URL: "https://example.com/tool",
		LinkType: "image", DirectAssetPath: &path})
	// The import is planned, not applied, so the link stays outside Terraform's state.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				ResourceName: testResource, ImportState: true, ImportStateKind: resource.ImportBlockWithID,
				ImportStateId: fmt.Sprintf("%s:%s:%d", env.Project, env.Tag, link.ID),
				Config: env.linkConfig(env.Project, env.Tag, `  name = "tool"
  url  = "https://example.com/tool"
  link_type = "image"
  direct_asset_path = "/bin/tool"`),
			},
		},
	})
}

// checkImported checks the attributes of the one instance an import produced.
func checkImported(want map[string]string) resource.ImportStateCheckFunc {
	return func(states []*terraform.InstanceState) error {
		if len(states) != 1 {
			return fmt.Errorf("imported %d instances, want 1", len(states))
		}
		for k, v := range want {
			if got := states[0].Attributes[k]; got != v {
				return fmt.Errorf("imported %s = %q, want %q", k, got, v)
			}
		}
		return nil
	}
}
