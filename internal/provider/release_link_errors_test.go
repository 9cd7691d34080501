package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

func TestAccReleaseLink_planTimeValidation(t *testing.T) {
	for _, tc := range []struct {
		name, attrs, want string
	}{
		{"empty name", `name = ""
  url = "https://example.com/a"`, `(?s)name.*must not be empty`},
		{"blank name", `name = "   "
  url = "https://example.com/a"`, `(?s)name.*must not be empty`},
		{"uppercase scheme", `name = "a"
  url = "HTTP://example.com/a"`, `(?s)url.*must start with http://`},
		{"no scheme", `name = "a"
  url = "example.com/a"`, `(?s)url.*must start with http://`},
		{"mailto", `name = "a"
  url = "mailto:a@example.com"`, `(?s)url.*must start with http://`},
		{"surrounding whitespace", `name = "a"
  url = " https://example.com/a"`, `(?s)url.*whitespace`},
		{"bad host", `name = "a"
  url = "https://-bad.com/a"`, `(?s)url.*invalid host`},
		{"link type case", `name = "a"
  url = "https://example.com/a"
  link_type = "Package"`, `(?s)link_type.*value must be one of`},
		{"relative path", `name = "a"
  url = "https://example.com/a"
  direct_asset_path = "bin/app"`, `(?s)direct_asset_path.*must start with /`},
		{"short path", `name = "a"
  url = "https://example.com/a"
  direct_asset_path = "/a"`, `(?s)direct_asset_path.*at least 4`},
		{"double slash", `name = "a"
  url = "https://example.com/a"
  filepath = "/bin//app"`, `(?s)filepath.*no '//'`},
		{"long path", `name = "a"
  url = "https://example.com/a"
  direct_asset_path = "/` + strings.Repeat("a", 128) + `"`, `(?s)direct_asset_path.*at most 128`},
		{"both paths", `name = "a"
  url = "https://example.com/a"
  direct_asset_path = "/bin/app"
  filepath = "/bin/app"`, `(?s)Invalid Attribute Combination`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t)
			env.parallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				// An apply, not a plan: without the plan-time check it would reach GitLab, which the count below sees.
				Steps: []resource.TestStep{{
					Config:      env.linkConfig(env.Project, env.Tag, "  "+tc.attrs),
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
			env.checkNoRequests(t)
		})
	}
}

func TestAccReleaseLink_duplicateName(t *testing.T) {
	env := newTestEnv(t)
	existing := env.createLink(t, env.Tag, gitlab.CreateReleaseLinkOptions{Name: "app", URL: "https://example.com/first"})
	path := "/bin/tool"
	withPath := env.createLink(t, env.Tag, gitlab.CreateReleaseLinkOptions{Name: "tool", URL: "https://example.com/tool", DirectAssetPath: &path})
	hint := func(l gitlab.ReleaseLink) string {
		return fmt.Sprintf(`Existing link %d: name %q, URL %s.*terraform import gitlab_release_link.<name> '%s'`,
			l.ID, l.Name, regexp.QuoteMeta(l.URL), regexp.QuoteMeta(fmt.Sprintf("%s:%s:%d", env.Project, env.Tag, l.ID)))
	}
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: env.linkConfig(env.Project, env.Tag, `  name = "app"
  url  = "https://example.com/second"`),
				// The plan's check of the release finds the link first.
				ExpectError: regexp.MustCompile(`(?s)Release Link Value Already Taken.*` + hint(existing)),
			},
			{
				Config: env.linkConfig(env.Project, env.Tag, `  name = "other"
  url  = "https://example.com/first"`),
				ExpectError: regexp.MustCompile(`(?s)Release Link Value Already Taken.*` + hint(existing)),
			},
			{
				Config: env.linkConfig(env.Project, env.Tag, `  name = "other"
  url  = "https://example.com/other"
  direct_asset_path = "/bin/tool"`),
				ExpectError: regexp.MustCompile(`(?s)Release Link Value Already Taken.*` + hint(withPath)),
			},
		},
	})
	if err := env.checkLinkCount(t, env.Tag, 2)(nil); err != nil {
		t.Error(err)
	}
}

func TestAccReleaseLink_accessErrors(t *testing.T) {
	httpClientTest(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	env.emu.AddUser("reporter")
	env.emu.AddToken("reporter", "reporter-token", gitlabtest.TokenOptions{})
	if err := env.emu.AddMember(env.Project, "reporter", gitlabtest.Reporter); err != nil {
		t.Fatal(err)
	}
	env.emu.AddUser("stranger")
	env.emu.AddToken("stranger", "stranger-token", gitlabtest.TokenOptions{})
	env.emu.AddToken(testUser, "read-only-token", gitlabtest.TokenOptions{Scopes: []string{"read_api"}})
	attrs := `  name = "app"
  url  = "https://example.com/app"`
	withToken := func(token string) string {
		return strings.Replace(env.linkConfig(env.Project, env.Tag, attrs), env.Token, token, 1)
	}
	noToken := func(project string) string {
		return strings.Replace(env.linkConfig(project, env.Tag, attrs), fmt.Sprintf("token    = %q", env.Token), "", 1)
	}
	public := env.emu.AddProject("test-group/public-"+fmt.Sprint(env.ProjectID), true)
	if err := env.emu.AddRelease(public.FullPath, env.Tag); err != nil {
		t.Fatal(err)
	}
	noTokenFirst := `No token is configured: the provider block sets no token and GITLAB_TOKEN is empty\. .*Set the provider's ` +
		`token attribute, or the GITLAB_TOKEN environment variable, to an access token with the api scope\. In GitLab CI, ` +
		`CI_JOB_TOKEN is used automatically only against the GitLab that runs the job.*`
	for _, tc := range []struct{ name, config, want string }{
		{"bad token", withToken("wrong-token"), `(?s)401.*GitLab rejected the token`},
		{"reporter", withToken("reporter-token"), `(?s)403.*at least the Developer role`},
		{"read-only scope", withToken("read-only-token"), `(?s)insufficient_scope.*api scope`},
		{"no access", withToken("stranger-token"), `(?s)404 Project Not Found.*does not exist.*or the token cannot see it`},
		{"no token", noToken(env.Project), `(?s)404 Project Not Found.*` + noTokenFirst + `Either project .* does not exist`},
		{"no token, public project", noToken(public.FullPath), `(?s)403 Forbidden.*` + noTokenFirst + `The token is not allowed`},
		{"missing release", env.linkConfig(env.Project, "v9.9.9", attrs), `(?s)has no release for\s+tag\s+"v9.9.9"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GITLAB_TOKEN", "")
			t.Setenv("CI_JOB_TOKEN", "")
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: wrapped(tc.want)}},
			})
		})
	}
	if err := env.checkLinkCount(t, env.Tag, 0)(nil); err != nil {
		t.Error(err)
	}
}

// A project that vanishes from the token's sight is an error on refresh, never a silent plan to re-create links.
func TestAccReleaseLink_projectNotFoundOnRefresh(t *testing.T) {
	env := newTestEnv(t)
	env.requireEmulator(t)
	env.emu.AddToken("stranger", "stranger-token", gitlabtest.TokenOptions{})
	config := env.linkConfig(env.Project, env.Tag, `  name = "app"
  url  = "https://example.com/app"`)
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{Config: config},
			{
				Config:      strings.Replace(config, env.Token, "stranger-token", 1),
				PlanOnly:    true,
				ExpectError: wrapped(`Unable to Read Release Link.*404 Project Not Found.*does not exist.*or the token cannot see it`),
			},
			{Config: config, PlanOnly: true},
		},
	})
}

// A timeout stops the operation with a clear error, and the next apply converges even if GitLab finished the
// create after the provider stopped waiting.
func TestAccReleaseLink_timeouts(t *testing.T) {
	httpClientTest(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	attrs := `  name = "app"
  url  = "https://example.com/app"`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { env.emu.SetLatency(3 * time.Second) },
				Config: env.linkConfig(env.Project, env.Tag, attrs+`
  timeouts {
    create = "1s"
  }`),
				ExpectError: wrapped(`Unable to Create Release Link.*ran out of time.*timeouts block`),
			},
			{
				PreConfig: func() { env.emu.SetLatency(0) },
				Config:    env.linkConfig(env.Project, env.Tag, attrs),
				Check:     env.checkLinkCount(t, env.Tag, 1),
			},
		},
	})
}

// A 404 that is not GitLab's "404 Not found" (here an HTML page from a proxy) says nothing about the link: it is
// an error, and the link stays in state.
func TestAccReleaseLink_foreign404KeepsState(t *testing.T) {
	httpClientTest(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<html><body>Not here</body></html>"))
	}))
	t.Cleanup(proxy.Close)
	config := env.linkConfig(env.Project, env.Tag, linkBody)
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{Config: config},
			{
				Config:      strings.Replace(config, env.BaseURL, proxy.URL, 1),
				PlanOnly:    true,
				ExpectError: wrapped(`Unable to Read Release Link.*404.*base_url does not point at the GitLab API`),
			},
			{Config: config, PlanOnly: true},
		},
	})
}

// Two resources with identical values cannot both adopt one link: the second is a conflict.
func TestAccReleaseLink_identicalResourcesConflict(t *testing.T) {
	env := newTestEnv(t)
	one := env.linkConfig(env.Project, env.Tag, linkBody)
	// The twin waits for the first, so which of the two holds the link is known.
	twin := strings.Replace(strings.TrimPrefix(one, env.providerBlock()), `"test"`, `"twin"`, 1)
	two := one + strings.Replace(twin, "\n}\n", "\n  depends_on = [gitlab_release_link.test]\n}\n", 1)
	env.parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{Config: two, ExpectError: wrapped(`Unable to Create Release Link.*has already been taken`)},
			{
				Config: one,
				Check:  env.checkLinkCount(t, env.Tag, 1),
			},
		},
	})
}
