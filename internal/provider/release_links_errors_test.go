package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

func TestWritesErrorDetail(t *testing.T) {
	data := &providerData{}
	for _, tc := range []struct {
		name      string
		err       error
		want, not string
	}{
		{"gone after the plan", &gitlab.Error{Method: "PUT", StatusCode: 404, Messages: []string{"404 Not found"}},
			"deleted outside Terraform after the plan", "has no release"},
		{"taken after the plan", &gitlab.Error{Method: "POST", StatusCode: 400, Messages: []string{"Name has already been taken"}},
			"A link added to the release after the plan", ""},
		{"project not found", &gitlab.Error{Method: "DELETE", StatusCode: 404, Messages: []string{"404 Project Not Found"}},
			"from = gitlab_release_links.<name>", "from = gitlab_release_link.<name>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			detail := data.writesErrorDetail("Could not do it.", "g/p", "v1", tc.err)
			if !strings.HasPrefix(detail, "Could not do it.\n\nGitLab said: ") || !strings.Contains(detail, tc.want) ||
				(tc.not != "" && strings.Contains(detail, tc.not)) {
				t.Errorf("detail:\n%s\nwant %q and not %q", detail, tc.want, tc.not)
			}
		})
	}
}

// TestAccReleaseLinks_planTimeValidation applies invalid configurations: each fails at plan time, on the attribute,
// without a single request to GitLab.
func TestAccReleaseLinks_planTimeValidation(t *testing.T) {
	for _, tc := range []struct {
		name  string
		links map[string]linkSpec
		want  string
	}{
		{"empty name", map[string]linkSpec{"": {url: "https://example.com/a"}}, `(?s)links\[""\].*must not be empty`},
		{"blank name", map[string]linkSpec{"   ": {url: "https://example.com/a"}}, `(?s)links\["   "\].*must not be empty`},
		{"uppercase scheme", map[string]linkSpec{"a": {url: "HTTP://example.com/a"}}, `(?s)links\["a"\].url.*must start with http://`},
		{"surrounding whitespace", map[string]linkSpec{"a": {url: " https://example.com/a"}}, `(?s)links\["a"\].url.*whitespace`},
		{"link type case", map[string]linkSpec{"a": {url: "https://example.com/a", linkType: "Package"}}, `(?s)links\["a"\].link_type.*value must be one of`},
		{"relative path", map[string]linkSpec{"a": {url: "https://example.com/a", path: "bin/app"}}, `(?s)links\["a"\].direct_asset_path.*must start with /`},
		{"long path", map[string]linkSpec{"a": {url: "https://example.com/a", path: "/" + strings.Repeat("a", 128)}}, `(?s)links\["a"\].direct_asset_path.*at most 128`},
		{"same URL twice", map[string]linkSpec{"a": {url: "https://example.com/x"}, "b": {url: "https://example.com/x"}},
			`(?s)Duplicate Release Link Value.*links\["b"\].url.*like links\["a"\].url`},
		{"same path twice", map[string]linkSpec{"a": {url: "https://example.com/a", path: "/bin/x"}, "b": {url: "https://example.com/b", path: "/bin/x"}},
			`(?s)Duplicate Release Link Value.*links\["b"\].direct_asset_path.*like links\["a"\].direct_asset_path`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t)
			env.parallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []resource.TestStep{{
					Config:      env.linksConfig(env.Project, env.Tag, tc.links),
					ExpectError: wrapped(tc.want),
				}},
			})
			env.checkNoRequests(t)
		})
	}
}
