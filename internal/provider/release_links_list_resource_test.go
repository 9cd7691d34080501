package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// The gitlab_release_links list resource: one result per release, newest first, identity project + tag_name, and
// with include_resource every link of the release as a Read after an import stores it.
func TestAccReleaseLinksList_query(t *testing.T) {
	env := newTestEnv(t)
	env.addRelease(t, "v2.0.0")
	env.addRelease(t, "v3.0.0") // the newest release, and empty
	appPath, toolPath := "/bin/app", "/bin/tool"
	app := env.createLink(t, env.Tag, gitlab.CreateReleaseLinkOptions{Name: "app", URL: "https://example.com/app", LinkType: "package", DirectAssetPath: &appPath})
	notes := env.createLink(t, env.Tag, gitlab.CreateReleaseLinkOptions{Name: "notes", URL: "https://example.com/notes", LinkType: "runbook"})
	tool := env.createLink(t, "v2.0.0", gitlab.CreateReleaseLinkOptions{Name: "tool", URL: "https://example.com/tool", LinkType: "image", DirectAssetPath: &toolPath})
	projectID := fmt.Sprint(env.ProjectID)
	block := func(name, project, tag, extra string) string {
		return listBlockOf("gitlab_release_links", name, project, tag, extra)
	}
	link := func(url, linkType string, path knownvalue.Check, id int64, directURL string) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"url": knownvalue.StringExact(url), "link_type": knownvalue.StringExact(linkType), "direct_asset_path": path,
			"link_id": knownvalue.Int64Exact(id), "direct_asset_url": knownvalue.StringExact(directURL),
		})
	}

	env.parallelTest(t, resource.TestCase{
		TerraformVersionChecks:   queryVersion,
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: env.providerBlock()}, // the query reads its provider block from the configuration
			{
				Query: true,
				Config: block("by_tag", env.Project, env.Tag, "  include_resource = true") +
					block("all", env.Project, "", "") +
					block("empty", env.Project, "v3.0.0", "  include_resource = true") +
					block("by_id", projectID, "v2.0.0", "  include_resource = true"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					expectDisplayNames{"gitlab_release_links.by_tag", []string{"v1.0.0"}},
					expectDisplayNames{"gitlab_release_links.all", []string{"v3.0.0", "v2.0.0", "v1.0.0"}},
					expectNoResources{"gitlab_release_links.all"},
					querycheck.ExpectIdentity("gitlab_release_links.by_tag", map[string]knownvalue.Check{
						"project": knownvalue.StringExact(env.Project), "tag_name": knownvalue.StringExact(env.Tag),
					}),
					querycheck.ExpectIdentity("gitlab_release_links.by_id", map[string]knownvalue.Check{
						"project": knownvalue.StringExact(projectID), "tag_name": knownvalue.StringExact("v2.0.0"),
					}),
					querycheck.ExpectResourceKnownValues("gitlab_release_links.by_tag",
						queryfilter.ByDisplayName(knownvalue.StringExact("v1.0.0")), linkValues(map[string]knownvalue.Check{
							"id":       knownvalue.StringExact(env.Project + ":" + env.Tag),
							"project":  knownvalue.StringExact(env.Project),
							"tag_name": knownvalue.StringExact(env.Tag),
							"timeouts": knownvalue.Null(),
							"links": knownvalue.MapExact(map[string]knownvalue.Check{
								"app": link("https://example.com/app", "package", knownvalue.StringExact("/bin/app"), app.ID,
									env.downloadURL(env.Tag, "/bin/app")),
								"notes": link("https://example.com/notes", "runbook", knownvalue.Null(), notes.ID, "https://example.com/notes"),
							}),
						})),
					// An empty release is one result, with no links.
					querycheck.ExpectResourceKnownValues("gitlab_release_links.empty",
						queryfilter.ByDisplayName(knownvalue.StringExact("v3.0.0")), linkValues(map[string]knownvalue.Check{
							"links": knownvalue.MapExact(map[string]knownvalue.Check{}),
						})),
					querycheck.ExpectResourceKnownValues("gitlab_release_links.by_id",
						queryfilter.ByDisplayName(knownvalue.StringExact("v2.0.0")), linkValues(map[string]knownvalue.Check{
							"id": knownvalue.StringExact(projectID + ":v2.0.0"), "project": knownvalue.StringExact(projectID),
							"links": knownvalue.MapExact(map[string]knownvalue.Check{
								"tool": link("https://example.com/tool", "image", knownvalue.StringExact("/bin/tool"), tool.ID,
									env.downloadURL("v2.0.0", "/bin/tool")),
							}),
						})),
				},
			},
			{
				Query: true, Config: block("missing", "test-group/no-such-project", env.Tag, ""),
				ExpectError: regexp.MustCompile(`Project "test-group/no-such-project" was not found`),
			},
			{
				Query: true, Config: block("missing", "test-group/no-such-project", "", ""),
				ExpectError: regexp.MustCompile(`Project "test-group/no-such-project" was not found`),
			},
			{
				// A release named by tag_name is read even without include_resource, to say when it does not exist.
				Query: true, Config: block("missing", env.Project, "v9.9.9", ""),
				ExpectError: regexp.MustCompile(fmt.Sprintf(`Release "v9.9.9" was not found in project %q`, env.Project)),
			},
		},
	})
}

// Releases are listed 100 at a time; a release's links are read only for include_resource or a named release, one
// request per 100 links, and nothing more is requested once Terraform's limit is reached.
func TestAccReleaseLinksList_requests(t *testing.T) {
	env := newTestEnv(t)
	many := listRequestsFixture(t, env)
	reset := func() { env.emu.ResetRequestCounts() }
	block := func(name, project, tag, extra string) string {
		return listBlockOf("gitlab_release_links", name, project, tag, extra)
	}

	env.parallelTest(t, resource.TestCase{
		TerraformVersionChecks:   queryVersion,
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: env.providerBlock()},
			{
				PreConfig: reset, Query: true, Config: block("ids", env.Project, "", ""),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("gitlab_release_links.ids", 3), expectListRequests(env, 1, 0),
				},
			},
			{
				PreConfig: reset, Query: true, Config: block("full", env.Project, "", "  include_resource = true"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("gitlab_release_links.full", 3), expectListRequests(env, 1, 4),
				},
			},
			{
				// Newest release first: v3.0.0 and v2.0.0 fill the limit, v1.0.0's links are never read.
				PreConfig: reset, Query: true, Config: block("first", env.Project, "", "  include_resource = true\n  limit = 2"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("gitlab_release_links.first", 2), expectListRequests(env, 1, 3),
				},
			},
			{
				PreConfig: reset, Query: true, Config: block("named", env.Project, "v2.0.0", ""),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("gitlab_release_links.named", 1), expectListRequests(env, 0, 2),
				},
			},
			{
				PreConfig: reset, Query: true, Config: block("many", many, "", "  limit = 1000"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("gitlab_release_links.many", 120), expectListRequests(env, 2, 0),
				},
			},
		},
	})
}

// `terraform query -generate-config-out` writes one gitlab_release_links resource and import block per release,
// holding every link but none of the computed attributes; the import changes nothing and the next plan is empty.
func TestAccReleaseLinksList_generateConfigAndImport(t *testing.T) {
	generateConfigAndImport(t, "gitlab_release_links", 2, func(generated string) string {
		if strings.Count(generated, `resource "gitlab_release_links"`) != 2 || !strings.Contains(generated, `"https://example.com/tool"`) {
			return "does not hold a gitlab_release_links resource per release with its links"
		}
		if strings.Contains(generated, "link_id") || strings.Contains(generated, "direct_asset_url") {
			return "sets computed attributes"
		}
		return ""
	})
}
