package gitlabtest_test

import (
	"encoding/json"
	"strings"
	"testing"
)

func (r result) projectPaths(t *testing.T) string {
	t.Helper()
	var ps []projectBody
	if err := json.Unmarshal([]byte(r.body), &ps); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
	var paths []string
	for _, p := range ps {
		paths = append(paths, p.PathWithNamespace)
	}
	return strings.Join(paths, ",")
}

// TestListProjects covers GET /projects (GITLAB.md §7c): which projects each caller sees with and without
// owned=true, search over name, path and description, order and errors.
func TestListProjects(t *testing.T) {
	f := newFixture(t)
	// The developer owns these, in their own namespace, created in this order; grp/proj and grp/public are older.
	for _, body := range []string{`{"name":"tf-acc-1"}`, `{"name":"tf-acc-2"}`, `{"name":"Other","description":"made by tf-acc-9"}`,
		`{"name":"ab"}`, `{"name":"abc"}`} {
		f.do("POST", "/projects", devTok, body).expect(t, 201, "")
	}
	mine := "developer/abc,developer/ab,developer/other,developer/tf-acc-2,developer/tf-acc-1"
	tests := []struct {
		name, token, query string
		want               string
	}{
		{"owned: own namespace only, newest first", devTok, "?owned=true", mine},
		{"owned: the Owner role counts", ownerTok, "?owned=true", "grp/public,grp/proj"},
		{"owned without a token", "", "?owned=true", ""},
		{"visible without a token: public only", "", "", "grp/public"},
		{"visible to a non-member: public only", outsiderTok, "", "grp/public"},
		{"visible to a member", reporterTok, "", "grp/public,grp/proj"},
		{"search a prefix in name, path or description", devTok, "?owned=true&search=tf-acc-", "developer/other,developer/tf-acc-2,developer/tf-acc-1"},
		{"search ignores case", devTok, "?owned=true&search=TF-ACC-1", "developer/tf-acc-1"},
		{"every word in one column", devTok, "?owned=true&search=acc+tf-acc-2", "developer/tf-acc-2"},
		{"words under three characters are dropped", devTok, "?owned=true&search=ab+tf-acc-2", "developer/tf-acc-2"},
		{"only short words: an exact match", devTok, "?owned=true&search=AB", "developer/ab"},
		{"blank search", devTok, "?owned=true&search=+", mine},
		{"ascending", devTok, "?owned=true&sort=asc&search=tf-acc", "developer/tf-acc-1,developer/tf-acc-2,developer/other"},
		{"by name", devTok, "?owned=true&order_by=name&sort=asc", "developer/other,developer/ab,developer/abc,developer/tf-acc-1,developer/tf-acc-2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := f.do("GET", "/projects"+tc.query, tc.token, "")
			got.expect(t, 200, "")
			if paths := got.projectPaths(t); paths != tc.want {
				t.Fatalf("listed %s, want %s", paths, tc.want)
			}
		})
	}

	errs := []struct{ query, token string }{
		{"?order_by=bogus", `{"error":"order_by does not have a valid value"}`},
		{"?owned=maybe", `{"error":"owned is invalid"}`},
		{"?per_page=0", `{"error":"per_page has a value not allowed"}`},
	}
	for _, tc := range errs {
		t.Run("invalid "+tc.query, func(t *testing.T) {
			f.do("GET", "/projects"+tc.query, devTok, "").expect(t, 400, tc.token)
		})
	}
	f.do("GET", "/projects", "nope", "").expect(t, 401, unauth401)
}

// TestListProjectsPagination: §4 headers, and a Link header without the id route param, repeating owned as sent
// and the other declared params with their defaults.
func TestListProjectsPagination(t *testing.T) {
	f := newFixture(t)
	for _, name := range []string{"a1", "a2", "a3"} {
		f.do("POST", "/projects", devTok, `{"name":"`+name+`"}`).expect(t, 201, "")
	}
	got := f.do("GET", "/projects?owned=true&per_page=2", devTok, "")
	got.expect(t, 200, "")
	if paths := got.projectPaths(t); paths != "developer/a3,developer/a2" {
		t.Fatalf("page 1 listed %s", paths)
	}
	checkPageHeaders(t, got.header, "2", "1", "2", "", "3", "2")
	q := func(page string) string {
		return "<" + f.srv.URL() + "/api/v4/projects?imported=false&membership=false&order_by=created_at&owned=true&page=" + page +
			"&per_page=2&simple=false&sort=desc&starred=false&statistics=false&with_custom_attributes=false" +
			"&with_issues_enabled=false&with_merge_requests_enabled=false>"
	}
	if link, want := got.header.Get("Link"), q("2")+`; rel="next", `+q("1")+`; rel="first", `+q("2")+`; rel="last"`; link != want {
		t.Fatalf("Link\n got %s\nwant %s", link, want)
	}
	last := f.do("GET", "/projects?owned=true&per_page=2&page=2", devTok, "")
	if paths := last.projectPaths(t); paths != "developer/a1" {
		t.Fatalf("page 2 listed %s", paths)
	}
	checkPageHeaders(t, last.header, "2", "2", "", "1", "3", "2")
}
