package gitlabtest_test

import (
	"testing"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// TestPathEncoding covers §1 "Route shape" and §3d: the emulator routes on the escaped path and unescapes each
// segment, so %2F, %2E, %20, unicode, '+', '#' and '%25' reach the handler decoded, while a raw '/' does not match.
func TestPathEncoding(t *testing.T) {
	f := newFixture(t)
	f.srv.AddProject("grp/sub/my.proj", false)
	must(t, f.srv.AddMember("grp/sub/my.proj", "developer", gitlabtest.Developer))
	p, _ := f.srv.LookupProject(privatePath)

	tests := []struct {
		name        string
		tag         string // stored tag
		project     string // stored project full path
		rawProject  string // as sent
		rawTag      string // as sent
		directAsset string // tag segment of direct_asset_url
	}{
		{"plain", "v1.0", privatePath, "grp%2Fproj", "v1.0", "v1.0"},
		{"dot as %2E", "v1.0.1", privatePath, "grp%2Fproj", "v1%2E0%2E1", "v1.0.1"},
		{"numeric project id", "v3", privatePath, itoa(p.ID), "v3", "v3"},
		{"project id with leading zeros", "v4", privatePath, "00" + itoa(p.ID), "v4", "v4"},
		{"slash in tag", "rel/v1.0", privatePath, "grp%2Fproj", "rel%2Fv1%2E0", "rel%2Fv1.0"},
		{"space", "v 1", privatePath, "grp%2Fproj", "v%201", "v%201"},
		{"unicode raw-escaped", "v1-ünï", privatePath, "grp%2Fproj", "v1-%C3%BCn%C3%AF", "v1-%C3%BCn%C3%AF"},
		{"plus raw", "v1+build", privatePath, "grp%2Fproj", "v1+build", "v1+build"},
		{"plus escaped", "v2+build", privatePath, "grp%2Fproj", "v2%2Bbuild", "v2+build"},
		{"hash", "v1#x", privatePath, "grp%2Fproj", "v1%23x", "v1%23x"},
		{"percent", "100%", privatePath, "grp%2Fproj", "100%25", "100%25"},
		{"nested group and dotted project", "v1", "grp/sub/my.proj", "grp%2Fsub%2Fmy%2Eproj", "v1", "v1"},
		{"project path case-insensitive", "v5", privatePath, "GRP%2FProj", "v5", "v5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !f.srv.HasRelease(tc.project, tc.tag) {
				must(t, f.srv.AddRelease(tc.project, tc.tag))
			}
			path := "/projects/" + tc.rawProject + "/releases/" + tc.rawTag + "/assets/links"
			got := f.do("POST", path, devTok, `{"name":"n","url":"https://enc.example.com","direct_asset_path":"/bin/x"}`)
			got.expect(t, 201, "")
			// GITLAB.md §1: <GitLab URL>/<project full path>/-/releases/<tag as a path segment>/downloads<filepath>.
			want := f.srv.URL() + "/" + tc.project + "/-/releases/" + tc.directAsset + "/downloads/bin/x"
			if l := got.link(t); l.DirectAssetURL != want {
				t.Fatalf("direct_asset_url %q, want %q", l.DirectAssetURL, want)
			}
			if n := len(f.srv.Links(tc.project, tc.tag)); n != 1 {
				t.Fatalf("%d links stored under %q", n, tc.tag)
			}
			f.do("GET", path, devTok, "").expect(t, 200, "")
			f.do("GET", "/projects/"+tc.rawProject+"/releases/"+tc.rawTag, devTok, "").expect(t, 200, "")
		})
	}

	catchAll := []string{
		"/projects/grp/proj/releases/v1/assets/links",
		"/projects/grp%2Fproj/releases/rel/v1.0/assets/links",
		"/projects/grp/proj/releases/v1",
		"/projects/grp%2Fproj/releases//assets/links",
		"/projects/grp%2Fproj/releases/v1/assets/links/1/2",
	}
	for _, path := range catchAll {
		t.Run("catch-all "+path, func(t *testing.T) {
			f.do("GET", path, devTok, "").expect(t, 404, catchAllBody)
			if n := f.srv.RequestCount("GET", gitlabtest.RouteUnmatched); n == 0 {
				t.Fatal("not counted as unmatched")
			}
		})
	}
	t.Run("bare project path", func(t *testing.T) {
		f.do("GET", "/projects/proj/releases/v1/assets/links", devTok, "").expect(t, 404, projectNF)
	})
}
