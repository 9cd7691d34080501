package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

const linksDS = "data.gitlab_release_links.test"

// linkAt is the path of one attribute of the i-th link in release_links.
func linkAt(i int, attr string) tfjsonpath.Path {
	return tfjsonpath.New("release_links").AtSliceIndex(i).AtMapKey(attr)
}

func TestAccReleaseLinksDataSource_manyPages(t *testing.T) {
	env := newTestEnv(t)
	const tag = "release/v3.0"
	env.addRelease(t, tag)
	var ids []int64
	for i := range 260 {
		linkType := "other"
		if i%10 == 0 {
			linkType = "package"
		}
		l := env.createLink(t, tag, gitlab.CreateReleaseLinkOptions{Name: fmt.Sprintf("asset-%03d", i),
			URL: fmt.Sprintf("https://example.com/asset-%03d", i), LinkType: linkType})
		ids = append(ids, l.ID)
	}
	all := fmt.Sprintf("  project = %q\n  tag_name = %q", env.Project, tag)
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: env.dataConfig("gitlab_release_links", all),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(linksDS, tfjsonpath.New("id"), knownvalue.StringExact(env.Project+":"+tag)),
					statecheck.ExpectKnownValue(linksDS, tfjsonpath.New("release_links"), knownvalue.ListSizeExact(260)),
					// Ordered by link ID, oldest first, whatever GitLab's created_at order.
					statecheck.ExpectKnownValue(linksDS, linkAt(0, "link_id"), knownvalue.Int64Exact(ids[0])),
					statecheck.ExpectKnownValue(linksDS, linkAt(0, "name"), knownvalue.StringExact("asset-000")),
					statecheck.ExpectKnownValue(linksDS, linkAt(259, "link_id"), knownvalue.Int64Exact(ids[259])),
					statecheck.ExpectKnownValue(linksDS, linkAt(259, "id"), knownvalue.StringExact(fmt.Sprintf("%s:%s:%d", env.Project, tag, ids[259]))),
					statecheck.ExpectKnownValue(linksDS, tfjsonpath.New("links_by_name"), knownvalue.MapSizeExact(260)),
					statecheck.ExpectKnownValue(linksDS, tfjsonpath.New("links_by_name").AtMapKey("asset-137").AtMapKey("url"),
						knownvalue.StringExact("https://example.com/asset-137")),
					statecheck.ExpectKnownValue(linksDS, tfjsonpath.New("links_by_name").AtMapKey("asset-137").AtMapKey("link_id"),
						knownvalue.Int64Exact(ids[137])),
				},
			},
			{
				Config: env.dataConfig("gitlab_release_links", all+"\n  link_type = \"package\""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(linksDS, tfjsonpath.New("release_links"), knownvalue.ListSizeExact(26)),
					statecheck.ExpectKnownValue(linksDS, linkAt(1, "name"), knownvalue.StringExact("asset-010")),
					statecheck.ExpectKnownValue(linksDS, linkAt(1, "link_type"), knownvalue.StringExact("package")),
				},
			},
		},
	})
}

func TestAccReleaseLinksDataSource_emptyAndMissing(t *testing.T) {
	env := newTestEnv(t)
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:      env.dataConfig("gitlab_release_links", fmt.Sprintf("  project = \"nobody/nothing\"\n  tag_name = %q", env.Tag)),
				ExpectError: wrapped(`Project "nobody/nothing" was not found`),
			},
			{
				// A mistyped tag is an error, not an empty list.
				Config:      env.dataConfig("gitlab_release_links", fmt.Sprintf("  project = %q\n  tag_name = \"V1.0.0\"", env.Project)),
				ExpectError: wrapped(`Release "V1.0.0" was not found in project`),
			},
			{
				Config:      env.dataConfig("gitlab_release_links", fmt.Sprintf("  project = %q\n  tag_name = %q\n  link_type = \"binary\"", env.Project, env.Tag)),
				ExpectError: regexp.MustCompile(`(?s)link_type.*value must be one of`),
			},
			{
				// The project by its numeric ID; an existing release without links is an empty list.
				Config: env.dataConfig("gitlab_release_links", fmt.Sprintf("  project = \"%d\"\n  tag_name = %q", env.ProjectID, env.Tag)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(linksDS, tfjsonpath.New("id"), knownvalue.StringExact(fmt.Sprintf("%d:%s", env.ProjectID, env.Tag))),
					statecheck.ExpectKnownValue(linksDS, tfjsonpath.New("release_links"), knownvalue.ListExact([]knownvalue.Check{})),
					statecheck.ExpectKnownValue(linksDS, tfjsonpath.New("links_by_name"), knownvalue.MapExact(map[string]knownvalue.Check{})),
				},
			},
		},
	})
}

func TestAccReleaseLinksDataSource_readsLinksMadeInTheSameApply(t *testing.T) {
	env := newTestEnv(t)
	config := env.linkConfig(env.Project, env.Tag, `  name = "app"
  url  = "https://example.com/app"
  direct_asset_path = "/bin/app"`) + fmt.Sprintf(`
data "gitlab_release_links" "test" {
  project    = %q
  tag_name   = %q
  depends_on = [gitlab_release_link.test]
}
`, env.Project, env.Tag)
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(linksDS, tfjsonpath.New("release_links"), knownvalue.ListSizeExact(1)),
				statecheck.ExpectKnownValue(linksDS, linkAt(0, "name"), knownvalue.StringExact("app")),
				statecheck.ExpectKnownValue(linksDS, linkAt(0, "direct_asset_path"), knownvalue.StringExact("/bin/app")),
				statecheck.CompareValuePairs(linksDS, linkAt(0, "link_id"), testResource, tfjsonpath.New("link_id"), compare.ValuesSame()),
			},
		}},
	})
}
