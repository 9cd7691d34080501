package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// dataConfig is a configuration with one data source "test" of the given type and body.
func (e *testEnv) dataConfig(kind, body string) string {
	return e.providerBlock() + fmt.Sprintf("data %q \"test\" {\n%s\n}\n", kind, body)
}

func TestAccReleaseLinkDataSource_lookups(t *testing.T) {
	env := newTestEnv(t)
	env.addRelease(t, "release/v2.0")
	path := "/bin/app"
	link := env.createLink(t, "release/v2.0", gitlab.CreateReleaseLinkOptions{Name: "app.tar.gz", URL: "https://example.com/app.tar.gz",
		LinkType: "package", DirectAssetPath: &path})
	env.createLink(t, "release/v2.0", gitlab.CreateReleaseLinkOptions{Name: "Runbook", URL: "https://example.com/runbook", LinkType: "runbook"})
	const ds = "data.gitlab_release_link.test"
	want := func(project string) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(ds, tfjsonpath.New("id"), knownvalue.StringExact(fmt.Sprintf("%s:release/v2.0:%d", project, link.ID))),
			statecheck.ExpectKnownValue(ds, tfjsonpath.New("link_id"), knownvalue.Int64Exact(link.ID)),
			statecheck.ExpectKnownValue(ds, tfjsonpath.New("name"), knownvalue.StringExact("app.tar.gz")),
			statecheck.ExpectKnownValue(ds, tfjsonpath.New("url"), knownvalue.StringExact("https://example.com/app.tar.gz")),
			statecheck.ExpectKnownValue(ds, tfjsonpath.New("link_type"), knownvalue.StringExact("package")),
			statecheck.ExpectKnownValue(ds, tfjsonpath.New("direct_asset_path"), knownvalue.StringExact("/bin/app")),
			statecheck.ExpectKnownValue(ds, tfjsonpath.New("filepath"), knownvalue.StringExact("/bin/app")),
			statecheck.ExpectKnownValue(ds, tfjsonpath.New("direct_asset_url"), knownvalue.StringExact(env.downloadURL("release/v2.0", "/bin/app"))),
			statecheck.ExpectKnownValue(ds, tfjsonpath.New("external"), knownvalue.Null()),
		}
	}
	byID := fmt.Sprintf("  project = %q\n  tag_name = \"release/v2.0\"\n  link_id = %d", env.Project, link.ID)
	byName := fmt.Sprintf("  project = %q\n  tag_name = \"release/v2.0\"\n  name = \"app.tar.gz\"", fmt.Sprint(env.ProjectID))
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: env.dataConfig("gitlab_release_link", byID), ConfigStateChecks: want(env.Project)},
			{Config: env.dataConfig("gitlab_release_link", byName), ConfigStateChecks: want(fmt.Sprint(env.ProjectID))},
		},
	})
}

func TestAccReleaseLinkDataSource_errors(t *testing.T) {
	// The body of each case, given the project and tag of its own environment.
	for _, tc := range []struct {
		name string
		body func(project, tag string) string
		want string
	}{
		{"neither", func(p, tag string) string { return fmt.Sprintf("  project = %q\n  tag_name = %q", p, tag) },
			`Exactly one of these attributes must be configured: \[link_id,name\]`},
		{"both", func(p, tag string) string {
			return fmt.Sprintf("  project = %q\n  tag_name = %q\n  link_id = 1\n  name = \"x\"", p, tag)
		}, `(?s)Invalid Attribute Combination`},
		{"unknown project", func(_, tag string) string {
			return fmt.Sprintf("  project = \"nobody/nothing\"\n  tag_name = %q\n  name = \"x\"", tag)
		}, `(?s)Project "nobody/nothing" was not found`},
		{"unknown release", func(p, _ string) string {
			return fmt.Sprintf("  project = %q\n  tag_name = \"v0.0.1\"\n  name = \"x\"", p)
		},
			`(?s)Release "v0.0.1" was not found in project`},
		{"unknown name", func(p, tag string) string {
			return fmt.Sprintf("  project = %q\n  tag_name = %q\n  name = \"app.tgz\"", p, tag)
		},
			`(?s)has no link named "app.tgz".*"Runbook" \(ID \d+\), "app.tar.gz" \(ID \d+\)`},
		{"unknown ID", func(p, tag string) string {
			return fmt.Sprintf("  project = %q\n  tag_name = %q\n  link_id = 999999", p, tag)
		},
			`(?s)has no link with ID 999999`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t)
			env.createLink(t, env.Tag, gitlab.CreateReleaseLinkOptions{Name: "app.tar.gz", URL: "https://example.com/app.tar.gz"})
			env.createLink(t, env.Tag, gitlab.CreateReleaseLinkOptions{Name: "Runbook", URL: "https://example.com/runbook"})
			env.parallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []resource.TestStep{{Config: env.dataConfig("gitlab_release_link", tc.body(env.Project, env.Tag)),
					ExpectError: wrapped(tc.want)}},
			})
		})
	}
}
