package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// takenError matches the "has already been taken" error that names the existing link "app" at
// https://example.com/app (by ID when id is not 0, with its path, "" for none), with its import command and
// import block and the explanation of create_before_destroy.
func (e *testEnv) takenError(id int64, path string) *regexp.Regexp {
	linkID := `\d+`
	if id != 0 {
		linkID = fmt.Sprint(id)
	}
	importID := regexp.QuoteMeta(e.Project+":"+e.Tag+":") + linkID
	pathText := "no direct asset path"
	if path != "" {
		pathText = "direct asset path " + regexp.QuoteMeta(path)
	}
	// The plan's check of the release finds the link first; the create finds it when the plan could not.
	return wrapped(fmt.Sprintf(`(Release Link Value Already Taken.*already has a link with the name, URL or direct asset path|`+
		`Unable to Create Release Link.*has already been taken).*Existing link %s: name %q, URL %s, %s\.`+
		`.*terraform import gitlab_release_link.<name> '%s'.*import {.*to = gitlab_release_link.<name>.*id = "%s".*}`+
		`.*unique within a release.*create_before_destroy.*-replace or replace_triggered_by.*cannot be created while `+
		`the old link exists.*remove create_before_destroy from this resource, or change both the name and the URL`,
		linkID, "app", regexp.QuoteMeta("https://example.com/app"), pathText, importID, importID))
}

// holdsLink checks that GitLab holds only link id, and that the test resource's link_id is that link.
func (e *testEnv) holdsLink(t *testing.T, id *int64) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		links := e.links(t, e.Tag)
		if len(links) != 1 || links[0].ID != *id {
			return fmt.Errorf("GitLab holds %+v, want only link %d", links, *id)
		}
		return resource.TestCheckResourceAttr(testResource, "link_id", fmt.Sprint(*id))(s)
	}
}

// rememberLinkID stores the link_id of a resource in state.
func rememberLinkID(address string, id *int64) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		r, ok := s.RootModule().Resources[address]
		if !ok {
			return fmt.Errorf("%s is not in state", address)
		}
		_, err := fmt.Sscan(r.Primary.Attributes["link_id"], id)
		return err
	}
}

// expectNoDrift fails when the refresh of a plan found that the resource had changed outside Terraform.
type expectNoDrift string

func (a expectNoDrift) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, d := range req.Plan.ResourceDrift {
		if d.Address == string(a) {
			resp.Error = fmt.Errorf("the refresh found %s changed outside Terraform: %v", a, d.Change.Actions)
		}
	}
}

// A create_before_destroy replacement with unchanged values cannot work, since GitLab keeps names and URLs unique
// per release: it fails with an error that says so, and the old link stays, on GitLab and in state alike.
func TestAccReleaseLink_createBeforeDestroyReplace(t *testing.T) {
	env := newTestEnv(t)
	config := func(trigger string) string {
		return env.providerBlock() + fmt.Sprintf(`resource "terraform_data" "trigger" {
  input = %q
}

resource "gitlab_release_link" "test" {
  project  = %q
  tag_name = %q
  name     = "app"
  url      = "https://example.com/app"
  lifecycle {
    create_before_destroy = true
    replace_triggered_by  = [terraform_data.trigger]
  }
}
`, trigger, env.Project, env.Tag)
	}
	var linkID int64
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{Config: config("1"), Check: rememberLinkID(testResource, &linkID)},
			{
				Config: config("2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionCreateBeforeDestroy)}},
				ExpectError: env.takenError(0, ""),
			},
			{
				Config: config("2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					expectNoDrift(testResource), plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionNoop)}},
				Check: env.holdsLink(t, &linkID),
			},
		},
	})
}

// A second resource with the values of a managed link, added in a later apply, must not take that link over: its
// create fails with the import command, the first resource keeps its link, and removing the second again leaves
// everything as it was.
func TestAccReleaseLink_secondResourceSameValues(t *testing.T) {
	env := newTestEnv(t)
	one := env.linkConfig(env.Project, env.Tag, linkBody)
	two := one + strings.Replace(strings.TrimPrefix(one, env.providerBlock()), `"test"`, `"second"`, 1)
	var linkID int64
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{Config: one, Check: rememberLinkID(testResource, &linkID)},
			{
				Config: two,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("gitlab_release_link.second", plancheck.ResourceActionCreate)}},
				ExpectError: env.takenError(0, ""),
			},
			{
				Config: one,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					expectNoDrift(testResource), plancheck.ExpectEmptyPlan()}},
				Check: env.holdsLink(t, &linkID),
			},
		},
	})
}

// A link with exactly the configured values that this apply did not create (here one made outside Terraform; an
// apply killed before it saved its state leaves the same) is not adopted: the create fails with the commands that
// import it, and importing it is the way out.
func TestAccReleaseLink_identicalLinkNotAdopted(t *testing.T) {
	env := newTestEnv(t)
	path := "/bin/app"
	orphan := env.createLink(t, env.Tag, gitlab.CreateReleaseLinkOptions{Name: "app", URL: "https://example.com/app",
		LinkType: "package", DirectAssetPath: &path})
	config := env.linkConfig(env.Project, env.Tag, `  name = "app"
  url  = "https://example.com/app"
  link_type = "package"
  direct_asset_path = "/bin/app"`)
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: env.takenError(orphan.ID, "/bin/app"),
			},
			{
				Config: config, ResourceName: testResource, ImportState: true, ImportStatePersist: true,
				ImportStateId: fmt.Sprintf("%s:%s:%d", env.Project, env.Tag, orphan.ID),
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            env.holdsLink(t, &orphan.ID),
			},
		},
	})
}

// The one link that is adopted: the create's own, committed by GitLab on an attempt whose answer was lost.
func TestAccReleaseLink_adoptsOwnLostCreate(t *testing.T) {
	httpClientTest(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	config := env.linkConfig(env.Project, env.Tag, linkBody)
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				env.emu.AddFaults(gitlabtest.Fault{Method: "POST", Route: gitlabtest.RouteLinks, Kind: gitlabtest.FaultCommitThenBadGateway})
			},
			Config: config,
			Check: func(s *terraform.State) error {
				if env.emu.FaultsInjected() != 1 || env.emu.RequestCount("POST", gitlabtest.RouteLinks) != 2 {
					return fmt.Errorf("want one committed 502 and a retry, got %d faults and %d POSTs",
						env.emu.FaultsInjected(), env.emu.RequestCount("POST", gitlabtest.RouteLinks))
				}
				id := env.linkNamed(t, env.Tag, "app").ID
				return env.holdsLink(t, &id)(s)
			},
		}},
	})
}

// takenLink adopts an identical link only for a create whose own earlier attempt may have been applied, and
// never a link that another resource of the walk created or adopted.
func TestTakenLink(t *testing.T) {
	emu := gitlabtest.NewServer()
	t.Cleanup(emu.Close)
	emu.AddToken(testUser, testToken, gitlabtest.TokenOptions{})
	p := emu.AddProject("test-group/taken", false)
	if err := emu.AddMember(p.FullPath, testUser, gitlabtest.Owner); err != nil {
		t.Fatal(err)
	}
	if err := emu.AddRelease(p.FullPath, testTag); err != nil {
		t.Fatal(err)
	}
	existing, err := emu.AddLink(p.FullPath, testTag, gitlabtest.Link{Name: "app", URL: "https://example.com/app", Filepath: "/bin/app"})
	if err != nil {
		t.Fatal(err)
	}
	client, err := gitlab.New(gitlab.Config{BaseURL: emu.URL(), Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	identical := linkFields{name: "app", url: "https://example.com/app", linkType: "other", path: "/bin/app"}
	otherPath := identical
	otherPath.path = ""
	for _, tc := range []struct {
		name           string
		want           linkFields
		maybeCommitted bool
		claimed        bool
		adopt          bool
	}{
		{name: "own lost create", want: identical, maybeCommitted: true, adopt: true},
		{name: "someone else's identical link", want: identical},
		{name: "own lost create, link claimed in this walk", want: identical, maybeCommitted: true, claimed: true},
		{name: "own lost create, link differs", want: otherPath, maybeCommitted: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := &providerData{client: client, links: newLinkCache(client)}
			if tc.claimed {
				data.links.claim(existing.ID)
			}
			createErr := &gitlab.Error{Method: "POST", StatusCode: 400, Messages: []string{"Name has already been taken"},
				MaybeCommitted: tc.maybeCommitted}
			var diags diag.Diagnostics
			link, err := data.takenLink(t.Context(), p.FullPath, testTag, tc.want, createErr, &diags)
			if tc.adopt {
				if err != nil || link == nil || link.ID != existing.ID || diags.WarningsCount() != 1 {
					t.Fatalf("got %v, %v, %v; want link %d adopted with a warning", link, err, diags, existing.ID)
				}
				if data.links.claim(existing.ID) {
					t.Error("the adopted link was not claimed")
				}
				return
			}
			var conflict *conflictError
			if link != nil || !errors.As(err, &conflict) || !strings.Contains(conflict.existing, fmt.Sprintf("Existing link %d:", existing.ID)) {
				t.Fatalf("got %v, %v; want a conflict naming link %d", link, err, existing.ID)
			}
		})
	}
}
