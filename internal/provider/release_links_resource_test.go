package provider

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

const testLinks = "gitlab_release_links.test"

// linkSpec is one entry of links in a test configuration; "" leaves an attribute out.
type linkSpec struct{ url, linkType, path string }

// linksConfig is a configuration with one gitlab_release_links "test" holding links, sorted by name.
func (e *testEnv) linksConfig(project, tag string, links map[string]linkSpec) string {
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(links)) {
		l := links[name]
		fmt.Fprintf(&b, "    %q = {\n      url = %q\n", name, l.url)
		if l.linkType != "" {
			fmt.Fprintf(&b, "      link_type = %q\n", l.linkType)
		}
		if l.path != "" {
			fmt.Fprintf(&b, "      direct_asset_path = %q\n", l.path)
		}
		b.WriteString("    }\n")
	}
	return e.providerBlock() + fmt.Sprintf("resource \"gitlab_release_links\" \"test\" {\n  project  = %q\n  tag_name = %q\n  links = {\n%s  }\n}\n",
		project, tag, b.String())
}

// linkAttr addresses one attribute of one link of the test resource.
func linkAttr(name, attr string) tfjsonpath.Path {
	return tfjsonpath.New("links").AtMapKey(name).AtMapKey(attr)
}

// expectLink checks one attribute of one link in state.
func expectLink(name, attr string, value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(testLinks, linkAttr(name, attr), value)
}

// heldLink is a link as GitLab holds it.
type heldLink struct {
	id             int64
	name           string
	spec           linkSpec
	directAssetURL string
}

// held lists the release's links. On the emulator it reads its state directly, which no injected fault reaches.
func (e *testEnv) held(t *testing.T, tag string) []heldLink {
	var out []heldLink
	if e.emu != nil {
		for _, l := range e.emu.Links(e.Project, tag) {
			out = append(out, heldLink{id: l.ID, name: l.Name, spec: linkSpec{url: l.URL, linkType: l.LinkType, path: l.Filepath},
				directAssetURL: e.emu.DirectAssetURL(e.Project, tag, l)})
		}
		return out
	}
	for _, l := range e.links(t, tag) {
		path, _ := l.Path(tag)
		out = append(out, heldLink{id: l.ID, name: l.Name, spec: linkSpec{url: l.URL, linkType: l.LinkType, path: path},
			directAssetURL: l.DirectAssetURL})
	}
	return out
}

// holds checks that GitLab holds exactly these links, with nothing else on the release, and that state has each
// one's link_id and direct_asset_url.
func (e *testEnv) holds(t *testing.T, tag string, want map[string]linkSpec) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		got := map[string]linkSpec{}
		for _, l := range e.held(t, tag) {
			if _, twice := got[l.name]; twice {
				return fmt.Errorf("release %q holds two links named %q", tag, l.name)
			}
			got[l.name] = l.spec
			err := resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr(testLinks, fmt.Sprintf("links.%s.link_id", l.name), fmt.Sprint(l.id)),
				resource.TestCheckResourceAttr(testLinks, fmt.Sprintf("links.%s.direct_asset_url", l.name), l.directAssetURL),
			)(s)
			if err != nil {
				return err
			}
		}
		normalized := map[string]linkSpec{}
		for name, l := range want {
			if l.linkType == "" {
				l.linkType = "other"
			}
			normalized[name] = l
		}
		if !maps.Equal(got, normalized) {
			return fmt.Errorf("release %q holds %v, want %v", tag, got, normalized)
		}
		return nil
	}
}

func TestAccReleaseLinks_lifecycle(t *testing.T) {
	env := newTestEnv(t)
	first := map[string]linkSpec{
		"app-linux-amd64": {url: "https://example.com/v1/app-linux-amd64", linkType: "package", path: "/bin/app-linux-amd64"},
		"app.tar.gz":      {url: "https://example.com/v1/app.tar.gz"},
		"runbook":         {url: "https://example.com/runbook", linkType: "runbook"},
	}
	// A new URL for one link, a rename keeping the URL, a path removed, one link gone and one added.
	second := map[string]linkSpec{
		"app-linux-amd64": {url: "https://example.com/v1.1/app-linux-amd64", linkType: "package", path: "/bin/app-linux-amd64"},
		"app-1.0.tar.gz":  {url: "https://example.com/v1/app.tar.gz"},
		"checksums.txt":   {url: "https://example.com/v1/checksums.txt", path: "/checksums.txt"},
	}
	sameBinary := statecheck.CompareValue(compare.ValuesSame())
	sameTarball := statecheck.CompareValue(compare.ValuesSame())
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{
				Config: env.linksConfig(env.Project, env.Tag, first),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testLinks, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(testLinks, linkAttr("app.tar.gz", "link_id")),
					plancheck.ExpectKnownValue(testLinks, linkAttr("app.tar.gz", "direct_asset_url"), knownvalue.StringExact("https://example.com/v1/app.tar.gz")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testLinks, tfjsonpath.New("id"), knownvalue.StringExact(env.Project+":"+env.Tag)),
					expectLink("app.tar.gz", "link_type", knownvalue.StringExact("other")),
					expectLink("app.tar.gz", "direct_asset_path", knownvalue.Null()),
					expectLink("app-linux-amd64", "direct_asset_path", knownvalue.StringExact("/bin/app-linux-amd64")),
					expectLink("app-linux-amd64", "direct_asset_url", knownvalue.StringExact(env.downloadURL(env.Tag, "/bin/app-linux-amd64"))),
					sameBinary.AddStateValue(testLinks, linkAttr("app-linux-amd64", "link_id")),
					sameTarball.AddStateValue(testLinks, linkAttr("app.tar.gz", "link_id")),
				},
				Check: env.holds(t, env.Tag, first),
			},
			{
				PreConfig: func() {
					if env.emu != nil {
						env.emu.ResetRequestCounts()
					}
				},
				Config: env.linksConfig(env.Project, env.Tag, second),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testLinks, plancheck.ResourceActionUpdate),
					// The plan already knows which link each name will be, and where a path leads.
					plancheck.ExpectKnownValue(testLinks, linkAttr("app-1.0.tar.gz", "link_id"), knownvalue.NotNull()),
					plancheck.ExpectKnownValue(testLinks, linkAttr("app-linux-amd64", "link_id"), knownvalue.NotNull()),
					plancheck.ExpectUnknownValue(testLinks, linkAttr("checksums.txt", "link_id")),
					plancheck.ExpectKnownValue(testLinks, linkAttr("checksums.txt", "direct_asset_url"),
						knownvalue.StringExact(env.downloadURL(env.Tag, "/checksums.txt"))),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameBinary.AddStateValue(testLinks, linkAttr("app-linux-amd64", "link_id")),
					sameTarball.AddStateValue(testLinks, linkAttr("app-1.0.tar.gz", "link_id")),
				},
				Check: resource.ComposeTestCheckFunc(env.holds(t, env.Tag, second), func(*terraform.State) error {
					if env.emu == nil {
						return nil
					}
					// One PUT each for the new URL and the rename, one DELETE, one POST: nothing else is written.
					c := countRequests(env.emu)
					if c.put != 2 || c.del != 1 || c.post != 1 {
						return fmt.Errorf("the update sent %+v, want 2 PUT, 1 DELETE and 1 POST", c)
					}
					return nil
				}),
			},
			{
				Config: env.linksConfig(env.Project, env.Tag, map[string]linkSpec{}),
				Check:  env.holds(t, env.Tag, map[string]linkSpec{}),
			},
			{
				Config: env.linksConfig(env.Project, env.Tag, first),
				Check:  env.holds(t, env.Tag, first),
			},
		},
	})
}

// TestAccReleaseLinks_drift changes the release behind Terraform's back in every way: each shows in the plan as an
// in-place update of the one resource, never a replacement, and the apply puts the release back.
func TestAccReleaseLinks_drift(t *testing.T) {
	env := newTestEnv(t)
	links := map[string]linkSpec{
		"a": {url: "https://example.com/a", linkType: "package", path: "/bin/a"},
		"b": {url: "https://example.com/b"},
	}
	config := env.linksConfig(env.Project, env.Tag, links)
	drift := func(change func()) resource.TestStep {
		return resource.TestStep{
			PreConfig: change,
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(testLinks, plancheck.ResourceActionUpdate)}},
			Check: env.holds(t, env.Tag, links),
		}
	}
	path := "/bin/stray"
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{Config: config, Check: env.holds(t, env.Tag, links)},
			// A link added outside Terraform is deleted.
			drift(func() {
				env.createLink(t, env.Tag, gitlab.CreateReleaseLinkOptions{Name: "stray", URL: "https://example.com/stray", DirectAssetPath: &path})
			}),
			// A link deleted outside Terraform is created again.
			drift(func() {
				if err := env.client.DeleteReleaseLink(t.Context(), env.Project, env.Tag, env.linkNamed(t, env.Tag, "b").ID); err != nil {
					t.Fatal(err)
				}
			}),
			// A link changed outside Terraform (URL, type and path) is changed back.
			drift(func() {
				a := env.linkNamed(t, env.Tag, "a")
				if _, err := env.client.UpdateReleaseLink(t.Context(), env.Project, env.Tag, a.ID,
					gitlab.UpdateReleaseLinkOptions{Name: "a", URL: "https://example.com/a2", LinkType: "other"}); err != nil {
					t.Fatal(err)
				}
			}),
			// A link renamed outside Terraform gets its name back.
			drift(func() {
				a, aPath := env.linkNamed(t, env.Tag, "a"), links["a"].path
				if _, err := env.client.UpdateReleaseLink(t.Context(), env.Project, env.Tag, a.ID,
					gitlab.UpdateReleaseLinkOptions{Name: "renamed", URL: a.URL, LinkType: a.LinkType, DirectAssetPath: &aPath}); err != nil {
					t.Fatal(err)
				}
			}),
		},
	})
}

// TestAccReleaseLinks_tagChangeMoves: a new tag_name moves the links, an update in place that creates them on the
// new release and then deletes them from the old one.
func TestAccReleaseLinks_tagChangeMoves(t *testing.T) {
	env := newTestEnv(t)
	env.addRelease(t, "v2.0.0")
	links := map[string]linkSpec{"app": {url: "https://example.com/app", path: "/bin/app"}}
	differentLink := statecheck.CompareValue(compare.ValuesDiffer())
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag, "v2.0.0"),
		Steps: []resource.TestStep{
			{
				Config:            env.linksConfig(env.Project, env.Tag, links),
				ConfigStateChecks: []statecheck.StateCheck{differentLink.AddStateValue(testLinks, linkAttr("app", "link_id"))},
			},
			{
				Config: env.linksConfig(env.Project, "v2.0.0", links),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testLinks, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(testLinks, linkAttr("app", "link_id")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					differentLink.AddStateValue(testLinks, linkAttr("app", "link_id")),
					statecheck.ExpectKnownValue(testLinks, tfjsonpath.New("id"), knownvalue.StringExact(env.Project+":v2.0.0")),
					expectLink("app", "direct_asset_url", knownvalue.StringExact(env.downloadURL("v2.0.0", "/bin/app"))),
				},
				Check: resource.ComposeTestCheckFunc(env.holds(t, "v2.0.0", links), env.checkLinkCount(t, env.Tag, 0)),
			},
		},
	})
}

// Switching between the numeric ID and the full path of the project changes nothing on GitLab; another project
// moves the links there.
func TestAccReleaseLinks_projectIDOrPath(t *testing.T) {
	env := newTestEnv(t)
	env.requireEmulator(t)
	otherProject, _, _ := env.newProject(t)
	env.addReleaseIn(t, otherProject, env.Tag)
	links := map[string]linkSpec{"app": {url: "https://example.com/app"}}
	sameLink := statecheck.CompareValue(compare.ValuesSame())
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{
				Config:            env.linksConfig(env.Project, env.Tag, links),
				ConfigStateChecks: []statecheck.StateCheck{sameLink.AddStateValue(testLinks, linkAttr("app", "link_id"))},
			},
			{
				PreConfig: env.emu.ResetRequestCounts,
				Config:    env.linksConfig(fmt.Sprint(env.ProjectID), env.Tag, links),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testLinks, plancheck.ResourceActionUpdate)}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameLink.AddStateValue(testLinks, linkAttr("app", "link_id")),
					statecheck.ExpectKnownValue(testLinks, tfjsonpath.New("id"), knownvalue.StringExact(fmt.Sprintf("%d:%s", env.ProjectID, env.Tag))),
				},
				Check: func(*terraform.State) error {
					if c := countRequests(env.emu); c.post+c.put+c.del != 0 {
						return fmt.Errorf("switching between the ID and the path of the same project sent %+v", c)
					}
					return nil
				},
			},
			{
				Config: env.linksConfig(otherProject, env.Tag, links),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testLinks, plancheck.ResourceActionUpdate)}},
				Check: func(*terraform.State) error {
					if old := env.links(t, env.Tag); len(old) != 0 {
						return fmt.Errorf("the old project's release still has %d link(s)", len(old))
					}
					moved, err := env.client.ListReleaseLinks(t.Context(), otherProject, env.Tag)
					if err != nil || len(moved) != 1 {
						return fmt.Errorf("the other project's release holds %+v (%v), want the link", moved, err)
					}
					return nil
				},
			},
		},
	})
}

// A release deleted outside Terraform takes its links with it: the refresh warns and forgets the resource, and
// once the release exists again the next apply creates the links anew.
func TestAccReleaseLinks_releaseDeleted(t *testing.T) {
	env := newTestEnv(t)
	links := map[string]linkSpec{"app": {url: "https://example.com/app"}}
	config := env.linksConfig(env.Project, env.Tag, links)
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:    func() { env.deleteRelease(t, env.Tag) },
				RefreshState: true,
				// The plan after the refresh creates the links anew.
				ExpectNonEmptyPlan: true,
				Check: func(s *terraform.State) error {
					if _, ok := s.RootModule().Resources[testLinks]; ok {
						return fmt.Errorf("%s is still in the state after its release was deleted", testLinks)
					}
					return nil
				},
			},
			{
				PreConfig: func() { env.addRelease(t, env.Tag) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testLinks, plancheck.ResourceActionCreate)}},
				Check: env.holds(t, env.Tag, links),
			},
		},
	})
}
