package provider

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// linkBody is a valid resource body for provider configuration tests.
const linkBody = `  name = "app"
  url  = "https://example.com/app"`

// ciVariables are the environment variables that configure the provider; tests set each one, to "" if unused.
var ciVariables = []string{"GITLAB_TOKEN", "GITLAB_BASE_URL", "CI_JOB_TOKEN", "CI_API_V4_URL", "CI_SERVER_URL"}

// withProvider replaces the provider block of a configuration.
func (e *testEnv) withProvider(block, config string) string {
	return strings.Replace(config, e.providerBlock(), block+"\n", 1)
}

func TestAccProvider_baseURLForms(t *testing.T) {
	httpClientTest(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	for i, baseURL := range []string{env.BaseURL + "/", env.BaseURL + "/api/v4", env.BaseURL + "/api/v4/"} {
		t.Run(baseURL, func(t *testing.T) {
			block := fmt.Sprintf("provider \"gitlab\" {\n  base_url = %q\n  token = %q\n}\n", baseURL, env.Token)
			config := env.withProvider(block, env.linkConfig(env.Project, env.Tag, fmt.Sprintf(`  name = "app-%d"
  url  = "https://example.com/app-%d"`, i, i)))
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             env.checkNoLinks(env.Tag),
				Steps:                    []resource.TestStep{{Config: config}},
			})
		})
	}
}

func TestAccProvider_configurationErrors(t *testing.T) {
	env := newTestEnv(t)
	config := env.linkConfig(env.Project, env.Tag, linkBody)
	for _, tc := range []struct{ name, block, want string }{
		{"malformed base_url", `provider "gitlab" {
  base_url = "gitlab.example.com"
  token = "x"
}`, `Invalid GitLab Base URL`},
		{"unknown token", `resource "terraform_data" "token" {
  input = "secret"
}
provider "gitlab" {
  base_url = "` + env.BaseURL + `"
  token = terraform_data.token.output
}`, `(?s)Unknown GitLab Provider Setting.*token depends on a value that is only known after apply`},
		{"client_cert without key", `provider "gitlab" {
  base_url = "` + env.BaseURL + `"
  token = "x"
  client_cert = "cert.pem"
}`, `(?s)Invalid Attribute Combination.*client_cert.*must be configured together.*client_cert,client_key`},
		{"client_key without cert", `provider "gitlab" {
  base_url = "` + env.BaseURL + `"
  token = "x"
  client_key = "key.pem"
}`, `(?s)Invalid Attribute Combination.*client_key.*must be configured together.*client_cert,client_key`},
		{"unreadable CA file", `provider "gitlab" {
  base_url = "` + env.BaseURL + `"
  token = "x"
  cacert_file = "/nonexistent/ca.pem"
}`, `(?s)Unable to Create GitLab Client.*ca\.pem`},
		{"retries out of range", `provider "gitlab" {
  base_url = "` + env.BaseURL + `"
  token = "x"
  retries = 50
}`, `(?s)retries.*between 0 and 20`},
		{"early auth check with a bad token", `provider "gitlab" {
  base_url = "` + env.BaseURL + `"
  token = "wrong-token"
  early_auth_check = true
}`, `(?s)Unable to Authenticate to GitLab.*401.*valid, unexpired`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []resource.TestStep{{
					Config:      env.withProvider(tc.block, config),
					ExpectError: wrapped(tc.want),
				}},
			})
		})
	}
	if err := env.checkLinkCount(t, env.Tag, 0)(nil); err != nil {
		t.Error(err)
	}
}

// TestAccProvider_noRequestAtConfigure: configuring the provider sends nothing, unless early_auth_check asks for one
// request to /user. Planning a new link sends only the plan-time check's listing of its release (conflicts.go).
func TestAccProvider_noRequestAtConfigure(t *testing.T) {
	httpClientTest(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	listing := "GET " + gitlabtest.RouteLinks
	for _, early := range []bool{false, true} {
		env.emu.ResetRequestCounts()
		withCheck := strings.Replace(env.providerBlock(), "}", fmt.Sprintf("  early_auth_check = %v\n}", early), 1)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProviders,
			Steps: []resource.TestStep{{
				Config:             env.withProvider(withCheck, env.linkConfig(env.Project, env.Tag, linkBody)),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			}},
		})
		counts := env.emu.RequestCounts()
		user := counts["GET "+gitlabtest.RouteUser]
		delete(counts, listing)
		delete(counts, "GET "+gitlabtest.RouteUser)
		if len(counts) != 0 || early != (user > 0) {
			t.Errorf("early_auth_check = %v: the plans sent %d requests to /user and %v besides the listings, want "+
				"requests to /user only with the check", early, user, counts)
		}
	}
}

func TestAccProvider_tokenKinds(t *testing.T) {
	httpClientTest(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	env.emu.AddToken(testUser, "glpat-personal-token", gitlabtest.TokenOptions{})
	env.emu.AddToken(testUser, "oauth-access-token", gitlabtest.TokenOptions{Kind: gitlabtest.OAuthToken})
	env.emu.AddToken(testUser, "glcbt-job-token", gitlabtest.TokenOptions{Kind: gitlabtest.JobToken})
	config := env.linkConfig(env.Project, env.Tag, linkBody)
	for _, tc := range []struct {
		name, block string
		env         map[string]string
		// header is the only way the token may travel; bearerAfter401 allows the one PRIVATE-TOKEN per run that
		// a token of unknown kind starts with before GitLab's 401 moves it to Authorization: Bearer.
		header         string
		bearerAfter401 bool
	}{
		{"personal access token", fmt.Sprintf("provider \"gitlab\" {\n  base_url = %q\n  token = \"glpat-personal-token\"\n}\n", env.BaseURL), nil,
			"PRIVATE-TOKEN", false},
		{"OAuth token", fmt.Sprintf("provider \"gitlab\" {\n  base_url = %q\n  token = \"oauth-access-token\"\n}\n", env.BaseURL), nil,
			"Authorization", true},
		{"job token", fmt.Sprintf("provider \"gitlab\" {\n  base_url = %q\n  token = \"glcbt-job-token\"\n}\n", env.BaseURL), nil,
			"JOB-TOKEN", false},
		{"GITLAB_TOKEN and GITLAB_BASE_URL", "provider \"gitlab\" {}\n",
			map[string]string{"GITLAB_TOKEN": "glpat-personal-token", "GITLAB_BASE_URL": env.BaseURL}, "PRIVATE-TOKEN", false},
		{"CI job token from the environment", "provider \"gitlab\" {}\n",
			map[string]string{"CI_JOB_TOKEN": "glcbt-job-token", "CI_API_V4_URL": env.BaseURL + "/api/v4"}, "JOB-TOKEN", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range ciVariables {
				t.Setenv(k, tc.env[k])
			}
			env.emu.ResetRequestCounts()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy: func(s *terraform.State) error {
					// The emulator accepts a personal access token as a Bearer token, as GitLab does, so only the
					// header it arrived in shows whether the client chose right. Read before the test's own client
					// asks GitLab anything.
					seen := env.emu.TokenHeaders()
					if err := env.checkNoLinks(env.Tag)(s); err != nil {
						return err
					}
					for way, n := range seen {
						switch {
						case way == tc.header:
						case way == "PRIVATE-TOKEN" && tc.bearerAfter401 && n <= seen[tc.header]:
						default:
							return fmt.Errorf("the token travelled %d times as %s, want only %s: %v", n, way, tc.header, seen)
						}
					}
					if seen[tc.header] == 0 {
						return fmt.Errorf("the token never travelled as %s: %v", tc.header, seen)
					}
					return nil
				},
				Steps: []resource.TestStep{{Config: env.withProvider(tc.block, config)}},
			})
		})
	}
}

func TestClientConfig(t *testing.T) {
	ciEnv := map[string]string{"CI_JOB_TOKEN": "job", "CI_API_V4_URL": "https://ci.example/api/v4", "CI_SERVER_URL": "https://ci.example"}
	for _, tc := range []struct {
		name        string
		config      providerModel
		env         map[string]string
		wantURL     string
		wantToken   string
		wantKind    gitlab.AuthKind
		wantErrors  int
		wantHeaders map[string]string
	}{
		{name: "defaults", wantURL: defaultBaseURL, wantKind: gitlab.AuthAuto},
		{name: "block wins over environment", config: providerModel{BaseURL: types.StringValue("https://a.example"), Token: types.StringValue("glpat-a")},
			env: map[string]string{"GITLAB_BASE_URL": "https://b.example", "GITLAB_TOKEN": "glpat-b"}, wantURL: "https://a.example", wantToken: "glpat-a", wantKind: gitlab.AuthPrivateToken},
		{name: "environment", env: map[string]string{"GITLAB_BASE_URL": "https://b.example", "GITLAB_TOKEN": "glpat-b"},
			wantURL: "https://b.example", wantToken: "glpat-b", wantKind: gitlab.AuthPrivateToken},
		{name: "CI job token", env: map[string]string{"CI_JOB_TOKEN": "job", "CI_API_V4_URL": "https://ci.example/api/v4"},
			wantURL: "https://ci.example/api/v4", wantToken: "job", wantKind: gitlab.AuthJobToken},
		{name: "CI job token, server URL only", env: map[string]string{"CI_JOB_TOKEN": "job", "CI_SERVER_URL": "https://ci.example"},
			wantURL: "https://ci.example", wantToken: "job", wantKind: gitlab.AuthJobToken},
		{name: "CI job token outside a job: no CI URL", env: map[string]string{"CI_JOB_TOKEN": "job"},
			wantURL: defaultBaseURL, wantKind: gitlab.AuthAuto},
		{name: "CI job token outside a job: no CI URL, base URL set", config: providerModel{BaseURL: types.StringValue("https://ci.example")},
			env: map[string]string{"CI_JOB_TOKEN": "job"}, wantURL: "https://ci.example", wantKind: gitlab.AuthAuto},
		{name: "CI job token, base URL of the job's GitLab", config: providerModel{BaseURL: types.StringValue("https://ci.example/")},
			env: ciEnv, wantURL: "https://ci.example/", wantToken: "job", wantKind: gitlab.AuthJobToken},
		{name: "CI job token, base URL with the default port and another case", config: providerModel{BaseURL: types.StringValue("HTTPS://CI.Example:443/api/v4")},
			env: ciEnv, wantURL: "HTTPS://CI.Example:443/api/v4", wantToken: "job", wantKind: gitlab.AuthJobToken},
		{name: "CI job token, base URL with a path prefix on the job's GitLab", config: providerModel{BaseURL: types.StringValue("https://ci.example/gitlab")},
			env: ciEnv, wantURL: "https://ci.example/gitlab", wantToken: "job", wantKind: gitlab.AuthJobToken},
		{name: "CI job token, GITLAB_BASE_URL of the job's GitLab by CI_SERVER_URL",
			env:     map[string]string{"GITLAB_BASE_URL": "http://ci.example:8080", "CI_JOB_TOKEN": "job", "CI_SERVER_URL": "http://ci.example:8080"},
			wantURL: "http://ci.example:8080", wantToken: "job", wantKind: gitlab.AuthJobToken},
		{name: "CI job token withheld from another GitLab", config: providerModel{BaseURL: types.StringValue("https://a.example")},
			env: ciEnv, wantURL: "https://a.example", wantKind: gitlab.AuthAuto},
		{name: "CI job token withheld from GITLAB_BASE_URL of another GitLab",
			env:     map[string]string{"GITLAB_BASE_URL": "https://a.example", "CI_JOB_TOKEN": "job", "CI_API_V4_URL": "https://ci.example/api/v4"},
			wantURL: "https://a.example", wantKind: gitlab.AuthAuto},
		{name: "CI job token withheld from another port", config: providerModel{BaseURL: types.StringValue("https://ci.example:8443")},
			env: ciEnv, wantURL: "https://ci.example:8443", wantKind: gitlab.AuthAuto},
		{name: "CI job token withheld from another scheme", config: providerModel{BaseURL: types.StringValue("http://ci.example")},
			env: ciEnv, wantURL: "http://ci.example", wantKind: gitlab.AuthAuto},
		{name: "CI job token withheld from a look-alike host", config: providerModel{BaseURL: types.StringValue("https://ci.example.evil.test")},
			env: ciEnv, wantURL: "https://ci.example.evil.test", wantKind: gitlab.AuthAuto},
		{name: "CI job token withheld when the CI URL is malformed", config: providerModel{BaseURL: types.StringValue("https://ci.example")},
			env: map[string]string{"CI_JOB_TOKEN": "job", "CI_API_V4_URL": "ci.example/api/v4"}, wantURL: "https://ci.example", wantKind: gitlab.AuthAuto},
		{name: "CI support off", config: providerModel{EnableAutoCISupport: types.BoolValue(false)},
			env: ciEnv, wantURL: defaultBaseURL, wantKind: gitlab.AuthAuto},
		{name: "configured token beats the job token", config: providerModel{Token: types.StringValue("oauth")},
			env: map[string]string{"CI_JOB_TOKEN": "job"}, wantURL: defaultBaseURL, wantToken: "oauth", wantKind: gitlab.AuthAuto},
		{name: "headers", config: providerModel{Headers: types.MapValueMust(types.StringType, map[string]attr.Value{
			"X-Proxy-Auth": types.StringValue("abc")})}, wantURL: defaultBaseURL, wantKind: gitlab.AuthAuto, wantHeaders: map[string]string{"X-Proxy-Auth": "abc"}},
		{name: "malformed URL", config: providerModel{BaseURL: types.StringValue("ftp://x")}, wantURL: "ftp://x", wantKind: gitlab.AuthAuto, wantErrors: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range ciVariables {
				t.Setenv(k, tc.env[k])
			}
			cfg, diags := clientConfig(tc.config, "1.2.3", "1.11.4")
			if cfg.BaseURL != tc.wantURL || cfg.Token != tc.wantToken || cfg.AuthKind != tc.wantKind || diags.ErrorsCount() != tc.wantErrors {
				t.Errorf("got URL %q, token %q, kind %v, %d errors; want %q, %q, %v, %d",
					cfg.BaseURL, cfg.Token, cfg.AuthKind, diags.ErrorsCount(), tc.wantURL, tc.wantToken, tc.wantKind, tc.wantErrors)
			}
			if len(cfg.Headers) != len(tc.wantHeaders) || (len(tc.wantHeaders) > 0 && !maps.Equal(cfg.Headers, tc.wantHeaders)) {
				t.Errorf("headers %v, want %v", cfg.Headers, tc.wantHeaders)
			}
			if !strings.Contains(cfg.UserAgent, "terraform-provider-gitlab/1.2.3") || !strings.Contains(cfg.UserAgent, "Terraform/1.11.4") {
				t.Errorf("User-Agent %q names neither the provider version nor Terraform's", cfg.UserAgent)
			}
		})
	}
}

func TestMissingToken(t *testing.T) {
	for _, tc := range []struct {
		name   string
		config providerModel
		env    map[string]string
		want   string // "" when a token is sent
	}{
		{name: "token in the block", config: providerModel{Token: types.StringValue("x")}},
		{name: "GITLAB_TOKEN", env: map[string]string{"GITLAB_TOKEN": "x"}},
		{name: "job token used", env: map[string]string{"CI_JOB_TOKEN": "job", "CI_API_V4_URL": "https://ci.example/api/v4"}},
		{name: "nothing", want: "the provider block sets no token and GITLAB_TOKEN is empty"},
		{name: "CI support off", config: providerModel{EnableAutoCISupport: types.BoolValue(false)},
			env:  map[string]string{"CI_JOB_TOKEN": "job"},
			want: "the provider block sets no token and GITLAB_TOKEN is empty, and CI_JOB_TOKEN is ignored because enable_auto_ci_support = false"},
		{name: "job token outside a job", env: map[string]string{"CI_JOB_TOKEN": "job"},
			want: "the provider block sets no token and GITLAB_TOKEN is empty, and CI_JOB_TOKEN is sent nowhere: neither " +
				"CI_API_V4_URL nor CI_SERVER_URL is set, as GitLab CI sets them in every job, so nothing says which GitLab the job token belongs to"},
		{name: "job token withheld", config: providerModel{BaseURL: types.StringValue("https://a.example")},
			env: map[string]string{"CI_JOB_TOKEN": "job", "CI_API_V4_URL": "https://ci.example/api/v4"},
			want: `the provider block sets no token and GITLAB_TOKEN is empty, and CI_JOB_TOKEN is not sent to https://a.example, ` +
				`which is not the GitLab that runs the job (CI_API_V4_URL is "https://ci.example/api/v4", CI_SERVER_URL is "")`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range ciVariables {
				t.Setenv(k, tc.env[k])
			}
			cfg, _ := clientConfig(tc.config, "1.2.3", "1.11.4")
			if got := missingToken(tc.config, cfg); got != tc.want {
				t.Errorf("missingToken = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPlainHTTPWarning(t *testing.T) {
	for url, warn := range map[string]bool{
		"http://gitlab.example.com/api/v4":  true,
		"http://10.0.0.5/api/v4":            true,
		"http://127.0.0.1:8080/api/v4":      false,
		"http://localhost/api/v4":           false,
		"http://[::1]:8080/api/v4":          false,
		"https://gitlab.example.com/api/v4": false,
	} {
		if got := plainHTTPWarning(url) != ""; got != warn {
			t.Errorf("plainHTTPWarning(%q) warns = %v, want %v", url, got, warn)
		}
	}
}

// The warning about an unencrypted token is attached to base_url when the provider is configured.
func TestConfigureWarnsAboutPlainHTTP(t *testing.T) {
	p := newProtocolProvider(t, "http://127.0.0.1:1", "x")
	schemas, err := p.server.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	config := objectWith(t, schemas.Provider.ValueType(), map[string]tftypes.Value{
		"base_url": tftypes.NewValue(tftypes.String, "http://gitlab.example.com"), "token": tftypes.NewValue(tftypes.String, "x")})
	resp, err := p.server.ConfigureProvider(t.Context(), &tfprotov6.ConfigureProviderRequest{Config: dynamicValue(t, config)})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityWarning ||
		!strings.Contains(resp.Diagnostics[0].Detail, "unencrypted") {
		t.Fatalf("diagnostics %+v, want one warning about the unencrypted token", resp.Diagnostics)
	}
}

// headerWatch passes requests on to GitLab and records whether any carried a header.
type headerWatch struct {
	URL  string
	seen sync.Map // header name -> true
}

func newHeaderWatch(t *testing.T, target string) *headerWatch {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	w := &headerWatch{}
	forward := httputil.NewSingleHostReverseProxy(u)
	server := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		for name := range r.Header {
			w.seen.Store(http.CanonicalHeaderKey(name), true)
		}
		forward.ServeHTTP(rw, r)
	}))
	t.Cleanup(server.Close)
	w.URL = server.URL
	return w
}

// saw reports whether any request carried the header.
func (w *headerWatch) saw(name string) bool {
	_, ok := w.seen.Load(http.CanonicalHeaderKey(name))
	return ok
}

// The CI job token goes only to the GitLab that runs the job: with base_url naming another origin than
// CI_API_V4_URL it is never sent, and the private project is not found; with CI_API_V4_URL naming base_url's
// origin it is used.
func TestAccProvider_jobTokenOnlyForJobsGitLab(t *testing.T) {
	httpClientTest(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	const jobToken = "glcbt-job-token"
	env.emu.AddToken(testUser, jobToken, gitlabtest.TokenOptions{Kind: gitlabtest.JobToken})
	gitlabURL := newHeaderWatch(t, env.BaseURL)
	block := fmt.Sprintf("provider \"gitlab\" {\n  base_url = %q\n}\n", gitlabURL.URL)
	config := env.withProvider(block, env.linkConfig(env.Project, env.Tag, linkBody))
	for _, k := range ciVariables {
		t.Setenv(k, "")
	}
	t.Setenv("CI_JOB_TOKEN", jobToken)
	t.Setenv("CI_SERVER_URL", "https://gitlab.example.com")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { t.Setenv("CI_API_V4_URL", "https://gitlab.example.com/api/v4") },
				Config:    config,
				ExpectError: wrapped(`Unable to Create Release Link.*404 Project Not Found.*No token is configured: .*CI_JOB_TOKEN is not ` +
					`sent to ` + regexp.QuoteMeta(gitlabURL.URL) + `, which is not the GitLab that runs the job`),
			},
			{
				PreConfig: func() {
					if gitlabURL.saw("JOB-TOKEN") || gitlabURL.saw("Authorization") || gitlabURL.saw("PRIVATE-TOKEN") {
						t.Error("the job token was sent to a GitLab other than the job's")
					}
					t.Setenv("CI_API_V4_URL", gitlabURL.URL+"/api/v4")
				},
				Config: config,
				Check: func(*terraform.State) error {
					if !gitlabURL.saw("JOB-TOKEN") {
						return fmt.Errorf("the job token was not sent in JOB-TOKEN to the job's GitLab")
					}
					return env.checkLinkCount(t, env.Tag, 1)(nil)
				},
			},
		},
	})
}

// TestAccProvider_headersStayWithGitLab: the configured headers, like the token, reach the configured GitLab and
// nothing else. A front server on another origin that redirects to the emulator must not make the client hand
// them over; without the redirect, the emulator receives them.
func TestAccProvider_headersStayWithGitLab(t *testing.T) {
	httpClientTest(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, env.BaseURL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	}))
	defer front.Close()
	block := func(baseURL string) string {
		return fmt.Sprintf("provider \"gitlab\" {\n  base_url = %q\n  token    = %q\n  headers  = { X-Proxy-Secret = \"hush\" }\n}\n",
			baseURL, env.Token)
	}
	config := env.linkConfig(env.Project, env.Tag, linkBody)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoLinks(env.Tag),
		Steps: []resource.TestStep{
			{
				// Through the redirect, the emulator sees the plan's listing as an anonymous request without the
				// header, for which the private project does not exist; the create does not follow it at all.
				PreConfig:   env.emu.ResetRequestCounts,
				Config:      env.withProvider(block(front.URL), config),
				ExpectError: wrapped(`redirects POST requests to .*where the token is not sent`),
			},
			{
				PreConfig: func() {
					if env.emu.RequestCount("GET", gitlabtest.RouteLinks) == 0 {
						t.Error("the redirect did not reach the emulator: the step proves nothing")
					}
					if n, tokens := env.emu.HeaderSeen("X-Proxy-Secret"), env.emu.TokenHeaders(); n != 0 || len(tokens) != 0 {
						t.Errorf("another origin received the configured header %d times and the token %v", n, tokens)
					}
				},
				Config: env.withProvider(block(env.BaseURL), config),
				Check: func(*terraform.State) error {
					if env.emu.HeaderSeen("X-Proxy-Secret") == 0 {
						return fmt.Errorf("the configured GitLab did not receive the configured header")
					}
					return nil
				},
			},
		},
	})
}
