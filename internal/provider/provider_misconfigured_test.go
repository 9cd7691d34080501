package provider

import (
	"crypto/tls"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// TestAccProvider_misconfigurationFailsAtOnce applies a link against a GitLab that cannot be right: nothing
// listens, the name does not resolve, the scheme is the wrong one for the port, or the certificate is not one to
// trust. Each fails on its first attempt (a refused connection or an unknown name gets one quick second round),
// with the problem named and the setting that fixes it, and without a round of the outage handling's retries.
func TestAccProvider_misconfigurationFailsAtOnce(t *testing.T) {
	httpClientTest(t)
	requireAcc(t)
	pki := newTestPKI(t)
	tlsServer := func(t *testing.T, env *testEnv, cert tls.Certificate) string {
		server := httptest.NewUnstartedServer(env.emu.Handler())
		server.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		server.StartTLS()
		t.Cleanup(server.Close)
		return server.URL
	}
	withCA := fmt.Sprintf("\n  cacert_file = %q", pki.caFile)
	for _, tc := range []struct {
		name string
		// base gives the base_url and any other provider settings for the test's GitLab.
		base     func(t *testing.T, env *testEnv) (baseURL, extra string)
		want     string // in the error, as a regular expression
		attempts int    // of the one request; the want of those with more names them
	}{
		{name: "connection refused", attempts: 2,
			base: func(t *testing.T, _ *testEnv) (string, string) { return "http://" + gitlabtest.ClosedAddress(t), "" },
			want: `cannot be reached and has not answered once in this run: 2 attempts .* connection refused.*Check that GitLab is up.*that base_url is right`},
		{name: "name that does not resolve", attempts: 2,
			base: func(*testing.T, *testEnv) (string, string) { return "http://gitlab.invalid", "" },
			want: `cannot be reached and has not answered once in this run: 2 attempts .* no such host`},
		{name: "https to a plain HTTP port", attempts: 1,
			base: func(_ *testing.T, env *testEnv) (string, string) {
				return strings.Replace(env.BaseURL, "http://", "https://", 1), ""
			},
			want: `answers in plain HTTP, not HTTPS: set base_url to http://127\.0\.0\.1:\d+`},
		{name: "http to a TLS port", attempts: 1,
			base: func(t *testing.T, env *testEnv) (string, string) {
				return strings.Replace(tlsServer(t, env, pki.server), "https://", "http://", 1), ""
			},
			want: `expects HTTPS, and answered the plain HTTP request with 400 Bad Request: set base_url to https://127\.0\.0\.1:\d+`},
		{name: "unknown certificate authority", attempts: 1,
			base: func(t *testing.T, env *testEnv) (string, string) { return tlsServer(t, env, pki.server), "" },
			want: `certificate signed by unknown authority.*Set cacert_file to a PEM file of that CA`},
		{name: "certificate for another name", attempts: 1,
			base: func(t *testing.T, env *testEnv) (string, string) {
				return strings.Replace(tlsServer(t, env, pki.server), "127.0.0.1", "localhost", 1), withCA
			},
			want: `certificate is not valid for any names, but wanted to match localhost.*Set base_url to a name the certificate names`},
		{name: "expired certificate", attempts: 1,
			base: func(t *testing.T, env *testEnv) (string, string) { return tlsServer(t, env, pki.expired), withCA },
			want: `certificate has expired or is not yet valid.*renew it on the GitLab server`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newParallelTestEnv(t)
			env.requireEmulator(t)
			baseURL, extra := tc.base(t, env)
			tf := newTerraformCLI(t, buildProvider(t, "test"))
			tf.write("main.tf", requiredProviders+fmt.Sprintf("provider \"gitlab\" {\n  base_url = %q\n  token = %q%s\n}\n", baseURL, env.Token, extra)+
				fmt.Sprintf("resource \"gitlab_release_link\" \"test\" {\n  project  = %q\n  tag_name = %q\n  name     = \"app\"\n"+
					"  url      = \"https://example.com/app\"\n}\n", env.Project, env.Tag))
			out, code := tf.run("apply", "-auto-approve")
			if code == 0 || !wrapped(tc.want).MatchString(out) {
				t.Fatalf("apply exited %d, want an error matching %q:\n%s", code, tc.want, out)
			}
			if tc.attempts == 1 && strings.Contains(out, "attempts") {
				t.Fatalf("the error reports retries, want one attempt:\n%s", out)
			}
			if counts := env.emu.RequestCounts(); len(counts) != 0 {
				t.Fatalf("the misconfigured provider reached GitLab's API: %v", counts)
			}
		})
	}
}
