package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

func TestWritesErrorDetail(t *testing.T) {
	data := &providerData{}
	projectGone := &gitlab.Error{Method: "DELETE", StatusCode: 404, Messages: []string{"404 Project Not Found"}}
	for _, tc := range []struct {
		name      string
		inState   bool
		err       error
		want, not string
	}{
		{"gone after the plan", true, &gitlab.Error{Method: "PUT", StatusCode: 404, Messages: []string{"404 Not found"}},
			"deleted outside Terraform after the plan", "has no release"},
		{"taken after the plan", true, &gitlab.Error{Method: "POST", StatusCode: 400, Messages: []string{"Name has already been taken"}},
			"A link added to the release after the plan", ""},
		{"project not found", true, projectGone, "from = gitlab_release_links.<name>", "from = gitlab_release_link.<name>"},
		// A create has nothing in the state to forget.
		{"project not found on create", false, projectGone, "or the token cannot see it", "state rm"},
		{"project not found on create, no removed block", false, projectGone, "does not exist", "removed {"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			detail := data.writesErrorDetail(tc.inState, "Could not do it.", "g/p", "v1", tc.err)
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
		// An empty url is written as no url at all (below).
		{"no url", map[string]linkSpec{"a": {path: "/bin/a"}}, `(?s)Invalid Attribute Combination.*links\[\\"a\\"\].url" must be specified`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t)
			env.parallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []resource.TestStep{{
					Config:      strings.Replace(env.linksConfig(env.Project, env.Tag, tc.links), "      url = \"\"\n", "", 1),
					ExpectError: wrapped(tc.want),
				}},
			})
			env.checkNoRequests(t)
		})
	}
}

// TestAccReleaseLinks_createOnMissingProject: a create on a project GitLab does not show explains both causes of
// its 404, with nothing about forgetting links that were never made, whichever resource type it is.
func TestAccReleaseLinks_createOnMissingProject(t *testing.T) {
	requireAcc(t)
	env := newParallelTestEnv(t)
	tf := newTerraformCLI(t, buildProvider(t, "test"))
	tf.write("main.tf", requiredProviders+env.linksConfig("test-group/no-such-project", env.Tag, manyLinks(1, "v1"))+
		fmt.Sprintf("resource \"gitlab_release_link\" \"single\" {\n  project  = \"test-group/no-such-project\"\n  tag_name = %q\n"+
			"  name     = \"single\"\n  url      = \"https://example.com/single\"\n}\n", env.Tag))
	// The plan warns (another resource of the apply could create the project; Terraform shows the second warning as
	// "one more similar warning"), and the creates fail.
	out, code := tf.run("apply", "-auto-approve")
	if code == 0 || strings.Count(out, `Either project "test-group/no-such-project" does not exist`) < 3 ||
		!strings.Contains(out, "Warning: Release Not Found at Plan Time") || strings.Count(out, "Error: Unable to Create Release Link") != 2 ||
		strings.Contains(out, "removed {") || strings.Contains(out, "state rm") {
		t.Fatalf("apply exited %d, want a warning and an error per resource explaining the 404 and no advice to forget anything:\n%s", code, out)
	}
}

// TestCreateFailureDetailInterrupted: when an interrupted create's first failure is a retry that met its own lost
// write ("has already been taken"), the interrupt is the cause the detail gives: it neither blames the
// configuration nor someone who added a link after the plan.
func TestCreateFailureDetailInterrupted(t *testing.T) {
	data := &providerData{}
	writes := []linkWrite{{kind: writeCreate, to: linkFields{name: "a", url: "https://example.com/a"}},
		{kind: writeCreate, to: linkFields{name: "b", url: "https://example.com/b"}}}
	results := []writeResult{
		{err: &gitlab.Error{Method: "POST", StatusCode: 400, Messages: []string{"Name has already been taken"}, Attempts: 2}},
		{stopped: true, err: context.Canceled},
	}
	u := undone{interrupted: true, unchecked: []linkFields{writes[0].to}}
	detail := data.createFailureDetail("g/p", "v1", writes, results, u, createKept)
	for _, want := range []string{"The apply was interrupted", "The operation was interrupted", "terraform untaint"} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail does not say %q:\n%s", want, detail)
		}
	}
	for _, not := range []string{"Correct the value", takenAfterPlanNote} {
		if strings.Contains(detail, not) {
			t.Errorf("detail says %q:\n%s", not, detail)
		}
	}
}
