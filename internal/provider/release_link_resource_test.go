package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

const testResource = "gitlab_release_link.test"

// linkConfig is a configuration with one gitlab_release_link "test" whose body is attrs.
func (e *testEnv) linkConfig(project, tag, attrs string) string {
	return e.providerBlock() + fmt.Sprintf("resource \"gitlab_release_link\" \"test\" {\n  project  = %q\n  tag_name = %q\n%s\n}\n",
		project, tag, attrs)
}

// expect checks one attribute of the test resource.
func expect(attr string, value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(testResource, tfjsonpath.New(attr), value)
}

// onServer checks that GitLab holds the link named name with these values, and that link_id in state is its ID.
func (e *testEnv) onServer(t *testing.T, tag, name, url, linkType, directAssetURL string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		link := e.linkNamed(t, tag, name)
		if link.URL != url || link.LinkType != linkType || link.DirectAssetURL != directAssetURL {
			return fmt.Errorf("GitLab holds %+v, want url %q, link_type %q, direct_asset_url %q", link, url, linkType, directAssetURL)
		}
		return resource.TestCheckResourceAttr(testResource, "link_id", fmt.Sprint(link.ID))(s)
	}
}

// downloadURL is the direct_asset_url GitLab returns for a path on a release of the test project.
func (e *testEnv) downloadURL(tag, path string) string {
	root := strings.TrimSuffix(strings.TrimSuffix(e.BaseURL, "/"), "/api/v4")
	return fmt.Sprintf("%s/%s/-/releases/%s/downloads%s", root, e.Project, strings.ReplaceAll(tag, "/", "%2F"), path)
}

func TestAccReleaseLink_lifecycle(t *testing.T) {
	env := newTestEnv(t)
	sameLink := statecheck.CompareValue(compare.ValuesSame())
	step := func(attrs string, action plancheck.ResourceActionType, checks ...statecheck.StateCheck) resource.TestStep {
		return resource.TestStep{
			Config:            env.linkConfig(env.Project, env.Tag, attrs),
			ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testResource, action)}},
			ConfigStateChecks: append(checks, sameLink.AddStateValue(testResource, tfjsonpath.New("link_id"))),
		}
	}
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			func() resource.TestStep {
				s := step(`  name = "app.tar.gz"
  url = "https://example.com/app.tar.gz"
  link_type = "package"
  direct_asset_path = "/bin/app.tar.gz"`, plancheck.ResourceActionCreate,
					expect("project", knownvalue.StringExact(env.Project)),
					expect("tag_name", knownvalue.StringExact(env.Tag)),
					expect("name", knownvalue.StringExact("app.tar.gz")),
					expect("url", knownvalue.StringExact("https://example.com/app.tar.gz")),
					expect("link_type", knownvalue.StringExact("package")),
					expect("direct_asset_path", knownvalue.StringExact("/bin/app.tar.gz")),
					expect("filepath", knownvalue.StringExact("/bin/app.tar.gz")),
					expect("direct_asset_url", knownvalue.StringExact(env.downloadURL(env.Tag, "/bin/app.tar.gz"))),
					expect("external", knownvalue.Null()),
					expect("id", knownvalue.StringRegexp(regexp.MustCompile("^"+regexp.QuoteMeta(env.Project+":"+env.Tag+":")+`\d+$`))))
				s.Check = env.onServer(t, env.Tag, "app.tar.gz", "https://example.com/app.tar.gz", "package", env.downloadURL(env.Tag, "/bin/app.tar.gz"))
				return s
			}(),
			// A name-only change must not turn the package into "other" (GitLab's PUT default).
			step(`  name = "app-1.0.tar.gz"
  url = "https://example.com/app.tar.gz"
  link_type = "package"
  direct_asset_path = "/bin/app.tar.gz"`, plancheck.ResourceActionUpdate,
				expect("name", knownvalue.StringExact("app-1.0.tar.gz")), expect("link_type", knownvalue.StringExact("package"))),
			step(`  name = "app-1.0.tar.gz"
  url = "https://example.com/v1/app.tar.gz"
  link_type = "package"
  direct_asset_path = "/bin/app.tar.gz"`, plancheck.ResourceActionUpdate,
				expect("url", knownvalue.StringExact("https://example.com/v1/app.tar.gz"))),
			step(`  name = "app-1.0.tar.gz"
  url = "https://example.com/v1/app.tar.gz"
  link_type = "runbook"
  direct_asset_path = "/bin/app.tar.gz"`, plancheck.ResourceActionUpdate,
				expect("link_type", knownvalue.StringExact("runbook"))),
			step(`  name = "app-1.0.tar.gz"
  url = "https://example.com/v1/app.tar.gz"
  link_type = "runbook"
  direct_asset_path = "/dist/app-1.0.tar.gz"`, plancheck.ResourceActionUpdate,
				expect("direct_asset_path", knownvalue.StringExact("/dist/app-1.0.tar.gz")),
				expect("filepath", knownvalue.StringExact("/dist/app-1.0.tar.gz")),
				expect("direct_asset_url", knownvalue.StringExact(env.downloadURL(env.Tag, "/dist/app-1.0.tar.gz")))),
			// Removing the path from the configuration clears it on GitLab.
			func() resource.TestStep {
				s := step(`  name = "app-1.0.tar.gz"
  url = "https://example.com/v1/app.tar.gz"`, plancheck.ResourceActionUpdate,
					expect("direct_asset_path", knownvalue.Null()),
					expect("filepath", knownvalue.Null()),
					expect("link_type", knownvalue.StringExact("other")),
					expect("direct_asset_url", knownvalue.StringExact("https://example.com/v1/app.tar.gz")))
				s.Check = env.onServer(t, env.Tag, "app-1.0.tar.gz", "https://example.com/v1/app.tar.gz", "other", "https://example.com/v1/app.tar.gz")
				return s
			}(),
		},
	})
}

// TestAccReleaseLink_tagChangeMoves: a new tag_name moves the link, an update in place that creates it on the new
// release and then deletes it from the old one.
func TestAccReleaseLink_tagChangeMoves(t *testing.T) {
	env := newTestEnv(t)
	env.addRelease(t, "v2.0.0")
	differentLink := statecheck.CompareValue(compare.ValuesDiffer())
	attrs := `  name = "app"
  url  = "https://example.com/app"`
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag, "v2.0.0"),
		Steps: []resource.TestStep{
			{
				Config:            env.linkConfig(env.Project, env.Tag, attrs),
				ConfigStateChecks: []statecheck.StateCheck{differentLink.AddStateValue(testResource, tfjsonpath.New("link_id"))},
			},
			{
				Config: env.linkConfig(env.Project, "v2.0.0", attrs),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(testResource, tfjsonpath.New("link_id"))}},
				ConfigStateChecks: []statecheck.StateCheck{
					differentLink.AddStateValue(testResource, tfjsonpath.New("link_id")),
					expect("tag_name", knownvalue.StringExact("v2.0.0")),
				},
				Check: func(*terraform.State) error {
					if old := env.links(t, env.Tag); len(old) != 0 {
						return fmt.Errorf("the old release still has %d link(s)", len(old))
					}
					env.linkNamed(t, "v2.0.0", "app")
					return nil
				},
			},
		},
	})
}

func TestAccReleaseLink_projectIDOrPath(t *testing.T) {
	env := newTestEnv(t)
	otherProject, _, _ := env.newProject(t)
	env.addReleaseIn(t, otherProject, env.Tag)
	sameLink := statecheck.CompareValue(compare.ValuesSame())
	attrs := `  name = "app"
  url  = "https://example.com/app"`
	linkWrites := func() int {
		if env.emu == nil {
			return 0
		}
		n := 0
		for _, m := range []string{"POST", "PUT", "DELETE"} {
			n += env.emu.RequestCount(m, "/projects/:id/releases/:tag_name/assets/links")
			n += env.emu.RequestCount(m, "/projects/:id/releases/:tag_name/assets/links/:link_id")
		}
		return n
	}
	var writesBefore int
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{
				Config:            env.linkConfig(env.Project, env.Tag, attrs),
				ConfigStateChecks: []statecheck.StateCheck{sameLink.AddStateValue(testResource, tfjsonpath.New("link_id"))},
			},
			{
				// The numeric ID of the same project: an update of the attribute, and not a single link request.
				PreConfig: func() { writesBefore = linkWrites() },
				Config:    env.linkConfig(fmt.Sprint(env.ProjectID), env.Tag, attrs),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionUpdate)}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameLink.AddStateValue(testResource, tfjsonpath.New("link_id")),
					expect("project", knownvalue.StringExact(fmt.Sprint(env.ProjectID))),
					expect("id", knownvalue.StringRegexp(regexp.MustCompile(fmt.Sprintf(`^%d:%s:\d+$`, env.ProjectID, regexp.QuoteMeta(env.Tag))))),
				},
				Check: func(*terraform.State) error {
					if n := linkWrites() - writesBefore; n != 0 {
						return fmt.Errorf("switching between the ID and the path of the same project sent %d link write(s)", n)
					}
					return nil
				},
			},
			{
				// Another project: the link moves there.
				Config: env.linkConfig(otherProject, env.Tag, attrs),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionUpdate)}},
				Check: func(*terraform.State) error {
					if old := env.links(t, env.Tag); len(old) != 0 {
						return fmt.Errorf("the old project's release still has %d link(s)", len(old))
					}
					links, err := env.client.ListReleaseLinks(t.Context(), otherProject, env.Tag)
					if err != nil || len(links) != 1 || links[0].Name != "app" {
						return fmt.Errorf("the other project's release holds %+v (%v), want the link", links, err)
					}
					return nil
				},
			},
		},
	})
}

func TestAccReleaseLink_filepathAliasAndDownloadsURL(t *testing.T) {
	env := newTestEnv(t)
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{
				Config: env.linkConfig(env.Project, env.Tag, `  name = "app"
  url  = "https://example.com/app"
  filepath = "/bin/app"`),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("filepath", knownvalue.StringExact("/bin/app")),
					expect("direct_asset_path", knownvalue.StringExact("/bin/app")),
					expect("direct_asset_url", knownvalue.StringExact(env.downloadURL(env.Tag, "/bin/app"))),
				},
			},
			{
				// Moving to the new name is not a change at all: the plan is empty and no PUT is sent.
				PreConfig: func() {
					if env.emu != nil {
						env.emu.ResetRequestCounts()
					}
				},
				Config: env.linkConfig(env.Project, env.Tag, `  name = "app"
  url  = "https://example.com/app"
  direct_asset_path = "/bin/app"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					expect("filepath", knownvalue.StringExact("/bin/app")),
					expect("direct_asset_path", knownvalue.StringExact("/bin/app")),
				},
				Check: func(*terraform.State) error {
					if env.emu != nil && env.emu.RequestCount("PUT", gitlabtest.RouteLink) != 0 {
						return fmt.Errorf("renaming filepath to direct_asset_path sent a PUT")
					}
					return nil
				},
			},
			{
				// A URL that merely contains "downloads" must not be mistaken for a direct asset path.
				Config: env.linkConfig(env.Project, env.Tag, `  name = "app"
  url  = "https://example.com/`+env.Project+`/-/releases/`+env.Tag+`/downloads/bin/app"`),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("direct_asset_path", knownvalue.Null()),
					expect("filepath", knownvalue.Null()),
					expect("direct_asset_url", knownvalue.StringExact("https://example.com/"+env.Project+"/-/releases/"+env.Tag+"/downloads/bin/app")),
				},
			},
			{
				// A path added to a link that had none.
				Config: env.linkConfig(env.Project, env.Tag, `  name = "app"
  url  = "https://example.com/`+env.Project+`/-/releases/`+env.Tag+`/downloads/bin/app"
  direct_asset_path = "/bin/new"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionUpdate)}},
				ConfigStateChecks: []statecheck.StateCheck{
					expect("direct_asset_path", knownvalue.StringExact("/bin/new")),
					expect("filepath", knownvalue.StringExact("/bin/new")),
					expect("direct_asset_url", knownvalue.StringExact(env.downloadURL(env.Tag, "/bin/new"))),
				},
			},
		},
	})
}

func TestAccReleaseLink_unusualTags(t *testing.T) {
	env := newTestEnv(t)
	tags := map[string]string{"slash": "release/v1.0", "plus": "v1.0.0+build.5", "unicode": "версия-1.0"}
	config := env.providerBlock()
	for name, tag := range tags {
		env.addRelease(t, tag)
		config += fmt.Sprintf(`resource "gitlab_release_link" %q {
  project           = %q
  tag_name          = %q
  name              = "app"
  url               = "https://example.com/app"
  direct_asset_path = "/bin/app"
}
`, name, env.Project, tag)
	}
	steps := []resource.TestStep{{Config: config}}
	for name, tag := range tags {
		steps[0].ConfigStateChecks = append(steps[0].ConfigStateChecks,
			statecheck.ExpectKnownValue("gitlab_release_link."+name, tfjsonpath.New("tag_name"), knownvalue.StringExact(tag)),
			statecheck.ExpectKnownValue("gitlab_release_link."+name, tfjsonpath.New("direct_asset_path"), knownvalue.StringExact("/bin/app")))
		steps = append(steps, resource.TestStep{ResourceName: "gitlab_release_link." + name, ImportState: true, ImportStateVerify: true})
	}
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(tags["slash"], tags["plus"], tags["unicode"]),
		Steps:                    steps,
	})
}

func TestAccReleaseLink_outOfBandChanges(t *testing.T) {
	env := newTestEnv(t)
	differentLink := statecheck.CompareValue(compare.ValuesDiffer())
	config := env.linkConfig(env.Project, env.Tag, `  name = "app"
  url  = "https://example.com/app"`)
	deleteLink := func() {
		link := env.linkNamed(t, env.Tag, "app")
		if err := env.client.DeleteReleaseLink(t.Context(), env.Project, env.Tag, link.ID); err != nil {
			t.Fatal(err)
		}
	}
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: []statecheck.StateCheck{differentLink.AddStateValue(testResource, tfjsonpath.New("link_id"))}},
			{
				// A link deleted in the UI is created again.
				PreConfig: deleteLink,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionCreate)}},
				ConfigStateChecks: []statecheck.StateCheck{differentLink.AddStateValue(testResource, tfjsonpath.New("link_id"))},
			},
			{
				// A deleted release takes its links along: the plan re-creates the link, without an error.
				PreConfig:          func() { env.deleteRelease(t, env.Tag) },
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: func() { env.addRelease(t, env.Tag) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionCreate)}},
			},
		},
	})
}

// filepath = "" meant "no path" to the official SDKv2 provider; configurations written that way keep working.
func TestAccReleaseLink_emptyFilepath(t *testing.T) {
	env := newTestEnv(t)
	config := func(filepath string) string {
		return env.linkConfig(env.Project, env.Tag, fmt.Sprintf(`  name = "app"
  url  = "https://example.com/app"
  filepath = %q`, filepath))
	}
	noPath := func(s *terraform.State) error {
		if l := env.linkNamed(t, env.Tag, "app"); l.DirectAssetURL != l.URL {
			return fmt.Errorf("GitLab holds a path: %s", l.DirectAssetURL)
		}
		return nil
	}
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{
				Config: config(""),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("filepath", knownvalue.StringExact("")),
					expect("direct_asset_path", knownvalue.Null()),
					expect("direct_asset_url", knownvalue.StringExact("https://example.com/app")),
				},
				Check: noPath,
			},
			{
				Config: config("/bin/app"),
				ConfigStateChecks: []statecheck.StateCheck{expect("filepath", knownvalue.StringExact("/bin/app")),
					expect("direct_asset_path", knownvalue.StringExact("/bin/app"))},
			},
			{
				// Back to "": the path is cleared on GitLab, and the refreshes that follow plan nothing.
				Config: config(""),
				ConfigStateChecks: []statecheck.StateCheck{expect("filepath", knownvalue.StringExact("")),
					expect("direct_asset_path", knownvalue.Null())},
				Check: noPath,
			},
		},
	})
}
