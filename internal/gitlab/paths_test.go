package gitlab

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestNormalizeBaseURL(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		want    string
		wantErr string
	}{
		{name: "bare host", raw: "https://gitlab.example.com", want: "https://gitlab.example.com/api/v4"},
		{name: "trailing slash", raw: "https://gitlab.example.com/", want: "https://gitlab.example.com/api/v4"},
		{name: "api root", raw: "https://gitlab.example.com/api/v4", want: "https://gitlab.example.com/api/v4"},
		{name: "api root slash", raw: "https://gitlab.example.com/api/v4/", want: "https://gitlab.example.com/api/v4"},
		{name: "subpath", raw: "https://host/gitlab", want: "https://host/gitlab/api/v4"},
		{name: "subpath slash", raw: "https://host/gitlab/", want: "https://host/gitlab/api/v4"},
		{name: "subpath api", raw: "https://host/gitlab/api/v4/", want: "https://host/gitlab/api/v4"},
		{name: "port and http", raw: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080/api/v4"},
		{name: "ipv6", raw: "https://[::1]:8443/", want: "https://[::1]:8443/api/v4"},
		{name: "scheme case", raw: "HTTPS://gitlab.com", want: "https://gitlab.com/api/v4"},
		{name: "surrounding space", raw: "  https://gitlab.com  ", want: "https://gitlab.com/api/v4"},
		{name: "double slash", raw: "https://gitlab.com//", want: "https://gitlab.com/api/v4"},
		{name: "empty", raw: "", wantErr: "empty"},
		{name: "no scheme", raw: "gitlab.example.com", wantErr: "not absolute"},
		{name: "relative path", raw: "/api/v4", wantErr: "not absolute"},
		{name: "ftp", raw: "ftp://gitlab.example.com", wantErr: "only http and https"},
		{name: "no host", raw: "https:///api/v4", wantErr: "no host"},
		{name: "opaque", raw: "https:gitlab.com", wantErr: "no host"},
		{name: "query", raw: "https://gitlab.com/?private_token=x", wantErr: "query"},
		{name: "empty query", raw: "https://gitlab.com/?", wantErr: "query"},
		{name: "fragment", raw: "https://gitlab.com/#top", wantErr: "fragment"},
		{name: "empty fragment", raw: "https://gitlab.com/#", wantErr: "fragment"},
		{name: "credentials", raw: "https://user:pw@gitlab.com", wantErr: "credentials"},
		{name: "unparsable", raw: "https://gitlab.com:port/", wantErr: "cannot be parsed"},
		{name: "control character", raw: "https://gitlab.com/\x7f", wantErr: "cannot be parsed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NormalizeBaseURL(tc.raw)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("NormalizeBaseURL(%q) = %q, %v; want an error containing %q", tc.raw, got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("NormalizeBaseURL(%q) = %q, %v; want %q", tc.raw, got, err, tc.want)
			}
		})
	}
}

func TestEscapeSegment(t *testing.T) {
	tests := []struct{ in, want string }{
		{"42", "42"},
		{"grp/proj", "grp%2Fproj"},
		{"grp/sub/my.proj", "grp%2Fsub%2Fmy%2Eproj"},
		{"release/v1.0", "release%2Fv1%2E0"},
		{"v1.0.0+build.5", "v1%2E0%2E0%2Bbuild%2E5"},
		{"a b", "a%20b"},
		{"x#y", "x%23y"},
		{"100%", "100%25"},
		{"what?", "what%3F"},
		{"é/ü", "%C3%A9%2F%C3%BC"},
		{".", "%2E"},
		{"..", "%2E%2E"},
		{"A-Z_a~z09", "A-Z_a~z09"},
		{"a;b=c&d", "a%3Bb%3Dc%26d"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := escapeSegment(tc.in); got != tc.want {
				t.Errorf("escapeSegment(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestEscapingRoundTrip checks that escaped segments reach the server as
// sent, and that the server recovers the original value from each segment.
func TestEscapingRoundTrip(t *testing.T) {
	srv, log := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		reply(w, http.StatusOK, `{"id":7}`)
	})
	tests := []struct {
		project, tag string
		wantURI      string // after /api/v4
	}{
		{"42", "v1", "/projects/42/releases/v1/assets/links/7"},
		{"grp/proj", "release/v1.0", "/projects/grp%2Fproj/releases/release%2Fv1%2E0/assets/links/7"},
		{"grp/sub/proj", "v1.0.0+build.5", "/projects/grp%2Fsub%2Fproj/releases/v1%2E0%2E0%2Bbuild%2E5/assets/links/7"},
		{"grp/proj", "a b", "/projects/grp%2Fproj/releases/a%20b/assets/links/7"},
		{"grp/proj", "x#y", "/projects/grp%2Fproj/releases/x%23y/assets/links/7"},
		{"grp/proj", "100%", "/projects/grp%2Fproj/releases/100%25/assets/links/7"},
		{"grp/proj", "é/ü", "/projects/grp%2Fproj/releases/%C3%A9%2F%C3%BC/assets/links/7"},
		{"grp/proj", ".", "/projects/grp%2Fproj/releases/%2E/assets/links/7"},
		{"grp/proj", "..", "/projects/grp%2Fproj/releases/%2E%2E/assets/links/7"},
		{"grp/proj", "q?x=1", "/projects/grp%2Fproj/releases/q%3Fx%3D1/assets/links/7"},
	}
	for _, base := range []string{"", "/gitlab"} {
		c := mustNew(t, fastConfig(srv.URL+base))
		for _, tc := range tests {
			t.Run(base+" "+tc.tag, func(t *testing.T) {
				if _, err := c.GetReleaseLink(testContext(t), tc.project, tc.tag, 7); err != nil {
					t.Fatal(err)
				}
				got := log.last(t)
				want := base + "/api/v4" + tc.wantURI
				if got.RequestURI != want || got.Path != want {
					t.Fatalf("sent %q (escaped path %q), want %q", got.RequestURI, got.Path, want)
				}
				segs := strings.Split(strings.TrimPrefix(got.RequestURI, base+"/api/v4/"), "/")
				project, _ := url.PathUnescape(segs[1])
				tag, _ := url.PathUnescape(segs[3])
				if project != tc.project || tag != tc.tag {
					t.Fatalf("server decoded project %q tag %q, want %q %q", project, tag, tc.project, tc.tag)
				}
			})
		}
	}
}

func TestEmptySegmentsAreRejected(t *testing.T) {
	srv, log := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		reply(w, http.StatusOK, `{}`)
	})
	c := mustNew(t, fastConfig(srv.URL))
	ctx := testContext(t)
	calls := map[string]func() error{
		"list no tag":       func() error { _, err := c.ListReleaseLinks(ctx, "1", ""); return err },
		"get no project":    func() error { _, err := c.GetReleaseLink(ctx, "", "v1", 1); return err },
		"delete no tag":     func() error { return c.DeleteReleaseLink(ctx, "1", "", 1) },
		"project no path":   func() error { _, err := c.GetProject(ctx, ""); return err },
		"release no tag":    func() error { _, err := c.GetRelease(ctx, "1", ""); return err },
		"create no project": func() error { _, err := c.CreateRelease(ctx, "", CreateReleaseOptions{TagName: "v1"}); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			if err := call(); err == nil || !strings.Contains(err.Error(), "must not be empty") {
				t.Fatalf("error = %v, want one saying the value must not be empty", err)
			}
		})
	}
	if n := log.count(); n != 0 {
		t.Fatalf("the server received %d requests, want none", n)
	}
}

func TestSameOrigin(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"https://gitlab.example.com", "https://gitlab.example.com/api/v4", true},
		{"https://GitLab.Example.com:443/", "https://gitlab.example.com", true},
		{"https://gitlab.example.com/gitlab", "https://gitlab.example.com", true},
		{"http://gitlab.example.com", "https://gitlab.example.com", false},
		{"https://gitlab.example.com:8443", "https://gitlab.example.com", false},
		{"https://gitlab.example.com.evil.test", "https://gitlab.example.com", false},
		{"gitlab.example.com", "https://gitlab.example.com", false},
		{"", "", false},
	} {
		if got := SameOrigin(tc.a, tc.b); got != tc.want {
			t.Errorf("SameOrigin(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestAuthKindFor(t *testing.T) {
	for token, want := range map[string]AuthKind{"glpat-x": AuthPrivateToken, "glcbt-x": AuthJobToken, "abc": AuthAuto, "": AuthAuto} {
		if got := AuthKindFor(token); got != want {
			t.Errorf("AuthKindFor(%q) = %v, want %v", token, got, want)
		}
	}
}
