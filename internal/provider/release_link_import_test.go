package provider

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

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
	env.parallelTest(t, resource.TestCase{
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
			// Not Terraform's bare "Cannot import non-existent remote object": the link, release and project are named.
			{ResourceName: testResource, ImportState: true, ImportStateId: env.Project + ":release/v1.0:999999",
				ExpectError: wrapped(`Unable to Import Release Link.*Release "release/v1.0" of project "` + env.Project +
					`" has no link with ID 999999. Its links are: "app" \(ID \d+\).*nothing to import: check the link ID`)},
			{ResourceName: testResource, ImportState: true, ImportStateId: env.Project + ":v9.9.9:1",
				ExpectError: wrapped(`Unable to Import Release Link.*Release "v9.9.9" was not found in project "` + env.Project + `".*nothing to import`)},
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
	env.parallelTest(t, resource.TestCase{
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

// pathNameLinks is a configuration of one link per name of the asset path (direct_asset_path and the deprecated
// filepath) on each of three releases whose tags hold a '/', a '+' and non-ASCII letters, plus, on the last, a
// link without a path and one whose configuration says filepath = "", with the import ID of each resource once
// GitLab holds its link.
type pathNameLinks struct {
	config    string
	addresses []string
	ids       map[string]string // resource address -> import ID
}

// pathNameLink is one resource of pathNameLinks.
type pathNameLink struct {
	key, tag string // the resource is "<attr>_<key>"
	attr     string // the attribute that holds the path; "none" and "filepath_empty" configure none
	path     string // the path GitLab holds, "" for none
}

var pathNameTags = map[string]string{"slash": "release/v1.0", "plus": "v1.0.0+build.5", "unicode": "версия-1.0"}

func pathNameResources() []pathNameLink {
	var out []pathNameLink
	for _, key := range slices.Sorted(maps.Keys(pathNameTags)) {
		for _, attr := range []string{"direct_asset_path", "filepath"} {
			out = append(out, pathNameLink{key: key, tag: pathNameTags[key], attr: attr, path: "/bin/" + attr})
		}
	}
	return append(out, pathNameLink{key: "unicode", tag: pathNameTags["unicode"], attr: "none"},
		pathNameLink{key: "unicode", tag: pathNameTags["unicode"], attr: "filepath_empty"})
}

func (e *testEnv) pathNameLinks(t *testing.T) *pathNameLinks {
	t.Helper()
	l := &pathNameLinks{config: e.providerBlock(), ids: map[string]string{}}
	for _, tag := range pathNameTags {
		e.addRelease(t, tag)
	}
	for _, r := range pathNameResources() {
		pathLine := ""
		switch r.attr {
		case "direct_asset_path", "filepath":
			pathLine = fmt.Sprintf("  %s = %q\n", r.attr, r.path)
		case "filepath_empty":
			pathLine = "  filepath = \"\"\n"
		}
		name := r.attr + "_" + r.key
		l.addresses = append(l.addresses, "gitlab_release_link."+name)
		l.config += fmt.Sprintf(`resource "gitlab_release_link" %q {
  project   = %q
  tag_name  = %q
  name      = %q
  url       = "https://example.com/%s"
  link_type = "package"
%s}
`, name, e.Project, r.tag, r.attr, r.attr, pathLine)
	}
	return l
}

// idsFromState records the import ID of every link in state.
func (l *pathNameLinks) idsFromState(s *terraform.State) error {
	for address, r := range s.RootModule().Resources {
		l.ids[address] = r.Primary.Attributes["id"]
	}
	return nil
}

// importSteps imports every link of the configuration in its own step.
func (l *pathNameLinks) importSteps(kind resource.ImportStateKind, persist bool) []resource.TestStep {
	var steps []resource.TestStep
	for _, address := range l.addresses {
		steps = append(steps, resource.TestStep{
			ResourceName: address, ImportState: true, ImportStateKind: kind, ImportStatePersist: persist, Config: l.config,
			ImportStateIdFunc: func(*terraform.State) (string, error) { return l.ids[address], nil },
		})
	}
	return steps
}

// After an import, by the CLI or an import block, the plan is empty whichever name of the path the
// configuration uses, and without a path whether it says filepath = "" or nothing.
func TestAccReleaseLink_importEitherPathName(t *testing.T) {
	env := newTestEnv(t)
	links := env.pathNameLinks(t)
	// Links made outside Terraform, so the CLI can import them into this test's state.
	for _, r := range pathNameResources() {
		opts := gitlab.CreateReleaseLinkOptions{Name: r.attr, URL: "https://example.com/" + r.attr, LinkType: "package"}
		if r.path != "" {
			opts.DirectAssetPath = &r.path
		}
		link := env.createLink(t, r.tag, opts)
		links.ids["gitlab_release_link."+r.attr+"_"+r.key] = fmt.Sprintf("%s:%s:%d", env.Project, r.tag, link.ID)
	}
	steps := links.importSteps(resource.ImportCommandWithID, true)
	steps = append(steps, resource.TestStep{
		Config:           links.config,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("gitlab_release_link.filepath_plus", tfjsonpath.New("filepath"), knownvalue.StringExact("/bin/filepath")),
			statecheck.ExpectKnownValue("gitlab_release_link.filepath_plus", tfjsonpath.New("direct_asset_path"), knownvalue.StringExact("/bin/filepath")),
			statecheck.ExpectKnownValue("gitlab_release_link.none_unicode", tfjsonpath.New("direct_asset_path"), knownvalue.Null()),
		},
	})
	// An import block plans a no-op import, or the step fails.
	steps = append(steps, links.importSteps(resource.ImportBlockWithID, false)...)
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(slices.Collect(maps.Values(pathNameTags))...),
		Steps:                    steps,
	})
}

// After an import by resource identity (Terraform 1.12 and later) the plan is empty whichever name of the path the
// configuration uses.
func TestAccReleaseLink_importByIdentityEitherPathName(t *testing.T) {
	env := newTestEnv(t)
	links := env.pathNameLinks(t)
	steps := append([]resource.TestStep{{Config: links.config, Check: links.idsFromState}},
		links.importSteps(resource.ImportBlockWithResourceIdentity, false)...)
	env.parallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(slices.Collect(maps.Values(pathNameTags))...),
		Steps:                    steps,
	})
}
