package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// queryVersion is the first Terraform with list resources and `terraform query`; OpenTofu has neither yet.
var queryVersion = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

// listBlock is a list block of gitlab_release_link named name; tag "" lists every release, and extra is added
// inside the block (include_resource, limit).
func listBlock(name, project, tag, extra string) string {
	return listBlockOf("gitlab_release_link", name, project, tag, extra)
}

// listBlockOf is listBlock for the list resource typ.
func listBlockOf(typ, name, project, tag, extra string) string {
	tagLine := ""
	if tag != "" {
		tagLine = fmt.Sprintf("    tag_name = %q\n", tag)
	}
	return fmt.Sprintf("list %q %q {\n  provider = gitlab\n  config {\n    project = %q\n%s  }\n%s\n}\n",
		typ, name, project, tagLine, extra)
}

// expectDisplayNames checks the display names of a list block's results, in the order they came.
type expectDisplayNames struct {
	address string
	want    []string
}

func (e expectDisplayNames) CheckQuery(_ context.Context, req querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	got := []string{}
	for _, r := range req.Query {
		if strings.TrimPrefix(r.Address, "list.") == e.address {
			got = append(got, r.DisplayName)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(e.want) {
		resp.Error = fmt.Errorf("%s listed %q, want %q", e.address, got, e.want)
	}
}

// expectNoResources checks that a list block without include_resource returns identities only.
type expectNoResources struct{ address string }

func (e expectNoResources) CheckQuery(_ context.Context, req querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	for _, r := range req.Query {
		if strings.TrimPrefix(r.Address, "list.") == e.address && r.ResourceObject != nil {
			resp.Error = fmt.Errorf("%s returned the resource of %s without include_resource", e.address, r.DisplayName)
		}
	}
}

// checkGitLab turns a check on GitLab (the emulator's request counts) into a query check.
type checkGitLab func() error

func (f checkGitLab) CheckQuery(_ context.Context, _ querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	resp.Error = f()
}

// linkValues are the checks of a listed link's resource object.
func linkValues(values map[string]knownvalue.Check) []querycheck.KnownValueCheck {
	var checks []querycheck.KnownValueCheck
	for name, v := range values {
		checks = append(checks, querycheck.KnownValueCheck{Path: tfjsonpath.New(name), KnownValue: v})
	}
	return checks
}

func TestAccReleaseLinkList_query(t *testing.T) {
	env := newTestEnv(t)
	env.addRelease(t, "v2.0.0")
	env.addRelease(t, "v3.0.0") // the newest release, and empty
	appPath, toolPath := "/bin/app", "/bin/tool"
	app := env.createLink(t, env.Tag, gitlab.CreateReleaseLinkOptions{Name: "app", URL: "https://example.com/app", LinkType: "package", DirectAssetPath: &appPath})
	notes := env.createLink(t, env.Tag, gitlab.CreateReleaseLinkOptions{Name: "notes", URL: "https://example.com/notes", LinkType: "runbook"})
	tool := env.createLink(t, "v2.0.0", gitlab.CreateReleaseLinkOptions{Name: "tool", URL: "https://example.com/tool", LinkType: "image", DirectAssetPath: &toolPath})
	projectID := fmt.Sprint(env.ProjectID)

	env.parallelTest(t, resource.TestCase{
		TerraformVersionChecks:   queryVersion,
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: env.providerBlock()}, // the query reads its provider block from the configuration
			{
				Query: true,
				Config: listBlock("by_tag", env.Project, env.Tag, "  include_resource = true") +
					listBlock("all", env.Project, "", "") +
					listBlock("empty", env.Project, "v3.0.0", "  include_resource = true") +
					listBlock("by_id", projectID, "v2.0.0", "  include_resource = true"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					expectDisplayNames{"gitlab_release_link.by_tag", []string{"v1.0.0/app", "v1.0.0/notes"}},
					expectDisplayNames{"gitlab_release_link.all", []string{"v2.0.0/tool", "v1.0.0/app", "v1.0.0/notes"}},
					expectNoResources{"gitlab_release_link.all"},
					querycheck.ExpectLength("gitlab_release_link.empty", 0),
					querycheck.ExpectIdentity("gitlab_release_link.by_tag", map[string]knownvalue.Check{
						"project": knownvalue.StringExact(env.Project), "tag_name": knownvalue.StringExact(env.Tag),
						"link_id": knownvalue.Int64Exact(notes.ID),
					}),
					querycheck.ExpectIdentity("gitlab_release_link.by_id", map[string]knownvalue.Check{
						"project": knownvalue.StringExact(projectID), "tag_name": knownvalue.StringExact("v2.0.0"),
						"link_id": knownvalue.Int64Exact(tool.ID),
					}),
					// The resource as a Read after an import stores it: the path under both names, and a link
					// without one with filepath = "", the official provider's way of saying "no path".
					querycheck.ExpectResourceKnownValues("gitlab_release_link.by_tag",
						queryfilter.ByDisplayName(knownvalue.StringExact("v1.0.0/app")), linkValues(map[string]knownvalue.Check{
							"id":      knownvalue.StringExact(fmt.Sprintf("%s:%s:%d", env.Project, env.Tag, app.ID)),
							"project": knownvalue.StringExact(env.Project), "tag_name": knownvalue.StringExact(env.Tag),
							"link_id": knownvalue.Int64Exact(app.ID), "name": knownvalue.StringExact("app"),
							"url": knownvalue.StringExact("https://example.com/app"), "link_type": knownvalue.StringExact("package"),
							"direct_asset_path": knownvalue.StringExact("/bin/app"), "filepath": knownvalue.StringExact("/bin/app"),
							"direct_asset_url": knownvalue.StringExact(env.downloadURL(env.Tag, "/bin/app")),
							"timeouts":         knownvalue.Null(),
						})),
					querycheck.ExpectResourceKnownValues("gitlab_release_link.by_tag",
						queryfilter.ByDisplayName(knownvalue.StringExact("v1.0.0/notes")), linkValues(map[string]knownvalue.Check{
							"link_type": knownvalue.StringExact("runbook"), "direct_asset_path": knownvalue.Null(),
							"filepath": knownvalue.StringExact(""), "direct_asset_url": knownvalue.StringExact("https://example.com/notes"),
						})),
					querycheck.ExpectResourceKnownValues("gitlab_release_link.by_id",
						queryfilter.ByDisplayName(knownvalue.StringExact("v2.0.0/tool")), linkValues(map[string]knownvalue.Check{
							"id":      knownvalue.StringExact(fmt.Sprintf("%s:v2.0.0:%d", projectID, tool.ID)),
							"project": knownvalue.StringExact(projectID), "direct_asset_path": knownvalue.StringExact("/bin/tool"),
						})),
				},
			},
			{
				Query: true, Config: listBlock("missing", "test-group/no-such-project", env.Tag, ""),
				ExpectError: regexp.MustCompile(`Project "test-group/no-such-project" was not found`),
			},
			{
				Query: true, Config: listBlock("missing", "test-group/no-such-project", "", ""),
				ExpectError: regexp.MustCompile(`Project "test-group/no-such-project" was not found`),
			},
			{
				Query: true, Config: listBlock("missing", env.Project, "v9.9.9", ""),
				ExpectError: regexp.MustCompile(fmt.Sprintf(`Release "v9.9.9" was not found in project %q`, env.Project)),
			},
		},
	})
}

// A release's links take one request per 100, and nothing more is requested once Terraform's limit is reached.
func TestAccReleaseLinkList_requests(t *testing.T) {
	env := newTestEnv(t)
	many := listRequestsFixture(t, env)
	reset := func() { env.emu.ResetRequestCounts() }

	env.parallelTest(t, resource.TestCase{
		TerraformVersionChecks:   queryVersion,
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: env.providerBlock()},
			{
				PreConfig: reset, Query: true, Config: listBlock("big", env.Project, "v2.0.0", "  limit = 1000"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("gitlab_release_link.big", 150), expectListRequests(env, 0, 2),
				},
			},
			{
				// Newest release first: v3.0.0 is empty, v2.0.0 fills the limit, v1.0.0 is never read.
				PreConfig: reset, Query: true, Config: listBlock("first", env.Project, "", "  limit = 150"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("gitlab_release_link.first", 150), expectListRequests(env, 1, 3),
				},
			},
			{
				PreConfig: reset, Query: true, Config: listBlock("many", many, "", "  limit = 1000"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("gitlab_release_link.many", 120), expectListRequests(env, 2, 120),
				},
			},
		},
	})
}

// listRequestsFixture prepares what the request tests of both list resources read: in env's project v1.0.0 with
// one link, v2.0.0 with 150 and v3.0.0, the newest, empty; and another project, which it returns, with 120
// releases of one link each, two pages of them.
func listRequestsFixture(t *testing.T, env *testEnv) (many string) {
	t.Helper()
	env.requireEmulator(t)
	env.createLink(t, env.Tag, gitlab.CreateReleaseLinkOptions{Name: "old", URL: "https://example.com/old"})
	env.addRelease(t, "v2.0.0")
	for i := range 150 {
		env.createLink(t, "v2.0.0", gitlab.CreateReleaseLinkOptions{Name: fmt.Sprintf("asset-%03d", i), URL: fmt.Sprintf("https://example.com/%d", i)})
	}
	env.addRelease(t, "v3.0.0")
	many, _, _ = env.newProject(t)
	for i := range 120 {
		tag := fmt.Sprintf("r%03d", i)
		env.addReleaseIn(t, many, tag)
		if _, err := env.client.CreateReleaseLink(context.Background(), many, tag, gitlab.CreateReleaseLinkOptions{Name: "a", URL: "https://example.com/a"}); err != nil {
			t.Fatal(err)
		}
	}
	env.emu.ResetRequestCounts()
	return many
}

// expectListRequests checks that GitLab saw nothing but so many release listings and link listings since its
// counts were last reset.
func expectListRequests(env *testEnv, releases, links int) checkGitLab {
	return func() error {
		counts := env.emu.RequestCounts()
		gotReleases, gotLinks := counts["GET "+gitlabtest.RouteReleases], counts["GET "+gitlabtest.RouteLinks]
		if gotReleases != releases || gotLinks != links || len(counts) > 2 {
			return fmt.Errorf("GitLab saw %v, want %d release listings and %d link listings", counts, releases, links)
		}
		return nil
	}
}

// terraformVersion returns the CLI's name ("Terraform" or "OpenTofu") and its major and minor version.
func (c *terraformCLI) terraformVersion() (name string, major, minor int) {
	c.t.Helper()
	out, code := c.run("version")
	if _, err := fmt.Sscanf(out, "%s v%d.%d", &name, &major, &minor); code != 0 || err != nil {
		c.t.Fatalf("reading the CLI's version from %q: %v", out, err)
	}
	return name, major, minor
}

// The whole adoption: `terraform query -generate-config-out` writes a resource and an import block for every link
// of the project, `terraform apply` imports them without changing anything, and the next plan is empty.
func TestAccReleaseLinkList_generateConfigAndImport(t *testing.T) {
	generateConfigAndImport(t, "gitlab_release_link", 3, func(generated string) string {
		if strings.Contains(generated, "filepath") {
			return "names the deprecated filepath"
		}
		return ""
	})
}

// generateConfigAndImport adopts the links of two releases, three links in all, with the list resource typ:
// `terraform query -generate-config-out` writes wantImports resource and import blocks, problem finds what is
// wrong with them, `terraform apply` imports them without a write to GitLab, and the next plan is empty.
func generateConfigAndImport(t *testing.T, typ string, wantImports int, problem func(generated string) string) {
	t.Helper()
	requireAcc(t)
	if name, major, minor := newTerraformCLI(t, t.TempDir()).terraformVersion(); name != "Terraform" || major == 1 && minor < 14 {
		t.Skipf("%s v%d.%d has no terraform query: it needs Terraform 1.14 or later", name, major, minor)
	}
	env := newParallelTestEnv(t)
	tf := newTerraformCLI(t, buildProvider(t, "1.0.0"))
	env.addRelease(t, "release/v2.0")
	appPath, toolPath := "/bin/app", "/bin/tool"
	env.createLink(t, env.Tag, gitlab.CreateReleaseLinkOptions{Name: "app", URL: "https://example.com/app", LinkType: "package", DirectAssetPath: &appPath})
	env.createLink(t, env.Tag, gitlab.CreateReleaseLinkOptions{Name: "notes", URL: "https://example.com/notes"})
	env.createLink(t, "release/v2.0", gitlab.CreateReleaseLinkOptions{Name: "tool", URL: "https://example.com/tool", LinkType: "image", DirectAssetPath: &toolPath})

	tf.write("main.tf", requiredProviders+env.providerBlock())
	tf.write("assets.tfquery.hcl", listBlockOf(typ, "assets", env.Project, "", "  include_resource = true"))
	if out, code := tf.run("query", "-generate-config-out=generated.tf"); code != 0 {
		t.Fatalf("terraform query exited with %d:\n%s", code, out)
	}
	data, err := os.ReadFile(filepath.Join(tf.dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	generated := string(data)
	if n := strings.Count(generated, "import {"); n != wantImports {
		t.Fatalf("generated.tf has %d import blocks, want %d:\n%s", n, wantImports, generated)
	}
	if p := problem(generated); p != "" {
		t.Fatalf("generated.tf %s:\n%s", p, generated)
	}
	if env.emu != nil {
		env.emu.ResetRequestCounts()
	}
	want := fmt.Sprintf("%d imported, 0 added, 0 changed, 0 destroyed", wantImports)
	if out, code := tf.run("apply", "-auto-approve"); code != 0 || !strings.Contains(out, want) {
		t.Fatalf("terraform apply exited with %d, want %q:\n%s\ngenerated.tf:\n%s", code, want, out, generated)
	}
	if out, code := tf.run("plan", "-detailed-exitcode"); code != 0 {
		t.Fatalf("terraform plan after the import exited with %d, want 0 (no changes):\n%s\ngenerated.tf:\n%s", code, out, generated)
	}
	if env.emu != nil {
		if c := countRequests(env.emu); c.post+c.put+c.del != 0 {
			t.Errorf("the import wrote to GitLab: %+v", c)
		}
	}
}

// GitLab lists releases to a guest of a private project but hides their tags, so only a listing by tag_name works.
func TestAccReleaseLinkList_guest(t *testing.T) {
	env := newTestEnv(t)
	env.requireEmulator(t)
	env.createLink(t, env.Tag, gitlab.CreateReleaseLinkOptions{Name: "app", URL: "https://example.com/app"})
	env.emu.AddUser("guest")
	env.emu.AddToken("guest", "guest-token-0123456789", gitlabtest.TokenOptions{})
	if err := env.emu.AddMember(env.Project, "guest", gitlabtest.Guest); err != nil {
		t.Fatal(err)
	}
	guest := fmt.Sprintf("provider \"gitlab\" {\n  alias    = \"guest\"\n  base_url = %q\n  token    = \"guest-token-0123456789\"\n}\n", env.BaseURL)
	env.parallelTest(t, resource.TestCase{
		TerraformVersionChecks:   queryVersion,
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: env.providerBlock() + guest},
			{
				Query: true, Config: strings.ReplaceAll(listBlock("by_tag", env.Project, env.Tag, ""), "gitlab\n", "gitlab.guest\n"),
				QueryResultChecks: []querycheck.QueryResultCheck{expectDisplayNames{"gitlab_release_link.by_tag", []string{"v1.0.0/app"}}},
			},
			{
				Query: true, Config: strings.ReplaceAll(listBlock("all", env.Project, "", ""), "gitlab\n", "gitlab.guest\n"),
				ExpectError: wrapped(`without their tag names.*at least the Reporter role`),
			},
		},
	})
}

// GitLab pages releases by offset in an order that ties leave open (GITLAB.md §7b), so a release may come on two
// pages: the listing visits it once, or `terraform query -generate-config-out` would import it twice.
func TestListReleasesVisitsEachOnce(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("page") == "1" {
			w.Header().Set("X-Next-Page", "2")
			fmt.Fprint(w, `[{"tag_name":"v3"},{"tag_name":"v2"}]`)
			return
		}
		w.Header().Set("X-Next-Page", "")
		fmt.Fprint(w, `[{"tag_name":"v2"},{"tag_name":"v1"}]`)
	}))
	defer srv.Close()
	client, err := gitlab.New(gitlab.Config{BaseURL: srv.URL, Token: "glpat-test", AuthKind: gitlab.AuthKindFor("glpat-test")})
	if err != nil {
		t.Fatal(err)
	}
	var visited []string
	(&providerData{client: client}).listReleases(context.Background(), releaseLinkType, "group/app", "",
		func(r list.ListResult) bool { t.Errorf("unexpected result: %v", r.Diagnostics); return true },
		func(_ context.Context, tag string) error { visited = append(visited, tag); return nil })
	if fmt.Sprint(visited) != "[v3 v2 v1]" {
		t.Fatalf("visited %v, want [v3 v2 v1]", visited)
	}
}

// A listing that runs out of time says so, and what to do, instead of blaming a release or GitLab.
func TestListReleasesDeadline(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		t.Error("a request went out after the deadline")
	}))
	defer srv.Close()
	client, err := gitlab.New(gitlab.Config{BaseURL: srv.URL, Token: "glpat-test", AuthKind: gitlab.AuthKindFor("glpat-test")})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	for _, tag := range []string{"", "v1"} {
		var got []string
		(&providerData{client: client}).listReleases(ctx, releaseLinkType, "group/app", tag,
			func(r list.ListResult) bool {
				for _, d := range r.Diagnostics {
					got = append(got, d.Detail())
				}
				return true
			},
			func(ctx context.Context, tag string) error {
				_, err := client.ListReleaseLinks(ctx, "group/app", tag)
				return err
			})
		if len(got) != 1 || !strings.Contains(got[0], `did not finish within 10m0s`) || !strings.Contains(got[0], "Set tag_name") {
			t.Errorf("tag %q: the listing reported %q, want one error about its deadline", tag, got)
		}
	}
}
