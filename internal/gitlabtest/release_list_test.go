package gitlabtest_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// releasesFixture adds releases v3..v6 to grp/proj, created after v1 and v2 (released when created) with these
// released_at: v3 2000, v4 2999 (upcoming), v5 and v6 both 2010.
func releasesFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	for _, rel := range []struct{ tag, at string }{
		{"v3", "2000-01-01T00:00:00Z"}, {"v4", "2999-01-01T00:00:00Z"},
		{"v5", "2010-01-01T00:00:00Z"}, {"v6", "2010-01-01T00:00:00Z"},
	} {
		f.do("POST", "/projects/"+esc(privatePath)+"/releases", devTok,
			`{"tag_name":"`+rel.tag+`","ref":"main","released_at":"`+rel.at+`"}`).expect(t, 201, "")
	}
	return f
}

func (r result) tags(t *testing.T) string {
	t.Helper()
	var rels []releaseBody
	if err := json.Unmarshal([]byte(r.body), &rels); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
	var tags []string
	for _, rel := range rels {
		tags = append(tags, rel.TagName)
	}
	return strings.Join(tags, ",")
}

// TestListReleasesOrder covers order_by and sort (GITLAB.md §7b); equal timestamps fall back to creation order.
func TestListReleasesOrder(t *testing.T) {
	f := releasesFixture(t)
	releases := "/projects/" + esc(privatePath) + "/releases"
	tests := []struct{ query, want string }{
		{"", "v4,v2,v1,v6,v5,v3"},
		{"?order_by=released_at&sort=desc", "v4,v2,v1,v6,v5,v3"},
		{"?sort=asc", "v3,v5,v6,v1,v2,v4"},
		{"?order_by=created_at", "v6,v5,v4,v3,v2,v1"},
		{"?order_by=created_at&sort=asc", "v1,v2,v3,v4,v5,v6"},
	}
	for _, tc := range tests {
		t.Run("order "+tc.query, func(t *testing.T) {
			got := f.do("GET", releases+tc.query, reporterTok, "")
			got.expect(t, 200, "")
			if tags := got.tags(t); tags != tc.want {
				t.Fatalf("order %s, want %s", tags, tc.want)
			}
		})
	}

	errs := []struct{ query, want string }{
		{"?order_by=name", "order_by does not have a valid value"},
		{"?sort=DESC", "sort does not have a valid value"},
		{"?per_page=0", "per_page has a value not allowed"},
		{"?include_html_description=maybe", "include_html_description is invalid"},
		{"?sort=up&page=x&order_by=tag", "page is invalid, order_by does not have a valid value, sort does not have a valid value"},
	}
	for _, tc := range errs {
		t.Run("invalid "+tc.query, func(t *testing.T) {
			f.do("GET", releases+tc.query, devTok, "").expect(t, 400, `{"error":"`+tc.want+`"}`)
		})
	}
}

// TestListReleasesPagination: the §4 headers and Link header of the links list, with the route's defaulted
// params order_by and sort repeated in every Link URL.
func TestListReleasesPagination(t *testing.T) {
	f := releasesFixture(t)
	releases := "/projects/" + esc(privatePath) + "/releases"
	base := f.srv.URL() + "/api/v4" + releases
	q := func(page, sort string) string {
		return "<" + base + "?id=grp%2Fproj&order_by=released_at&page=" + page + "&per_page=2&sort=" + sort + ">"
	}
	tests := []struct {
		query, tags string
		headers     []string
		link        string
	}{
		{"?per_page=2", "v4,v2", []string{"2", "1", "2", "", "6", "3"},
			q("2", "desc") + `; rel="next", ` + q("1", "desc") + `; rel="first", ` + q("3", "desc") + `; rel="last"`},
		{"?per_page=2&page=2", "v1,v6", []string{"2", "2", "3", "1", "6", "3"},
			q("1", "desc") + `; rel="prev", ` + q("3", "desc") + `; rel="next", ` + q("1", "desc") + `; rel="first", ` + q("3", "desc") + `; rel="last"`},
		{"?per_page=2&page=3&sort=asc", "v2,v4", []string{"2", "3", "", "2", "6", "3"},
			q("2", "asc") + `; rel="prev", ` + q("1", "asc") + `; rel="first", ` + q("3", "asc") + `; rel="last"`},
		{"?per_page=2&page=4", "", []string{"2", "4", "", "", "6", "3"},
			q("1", "desc") + `; rel="first", ` + q("3", "desc") + `; rel="last"`},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			got := f.do("GET", releases+tc.query, devTok, "")
			got.expect(t, 200, "")
			if tags := got.tags(t); tags != tc.tags {
				t.Fatalf("tags %s, want %s", tags, tc.tags)
			}
			checkPageHeaders(t, got.header, tc.headers...)
			if link := got.header.Get("Link"); link != tc.link {
				t.Fatalf("Link\n got %s\nwant %s", link, tc.link)
			}
		})
	}
	t.Run("no releases", func(t *testing.T) {
		f.srv.AddProject("grp/empty", false)
		got := f.do("GET", "/projects/"+esc("grp/empty")+"/releases", ownerTok, "")
		got.expect(t, 404, projectNF) // owner is no member of grp/empty
		must(t, f.srv.AddMember("grp/empty", "owner", gitlabtest.Owner))
		got = f.do("GET", "/projects/"+esc("grp/empty")+"/releases", ownerTok, "")
		got.expect(t, 200, "[]")
		checkPageHeaders(t, got.header, "20", "1", "", "", "0", "1")
	})
}

// TestListReleasesAccess: read_release as for the other release routes, and each element is the Release entity
// with its links newest first; readers without read_code (guests of a private project) get it without tag_name,
// tag_path and sources (GITLAB.md §7b).
func TestListReleasesAccess(t *testing.T) {
	f := newFixture(t)
	a := f.addLink(privatePath, defaultTag, gitlabtest.Link{Name: "a", URL: "https://a.io"})
	b := f.addLink(privatePath, defaultTag, gitlabtest.Link{Name: "b", URL: "https://b.io", Filepath: "/bin/b"})
	releases := "/projects/" + esc(privatePath) + "/releases"

	f.do("GET", releases, "", "").expect(t, 404, projectNF)
	f.do("GET", releases+"?per_page=0", outsiderTok, "").expect(t, 404, projectNF)
	f.do("GET", "/projects/99999/releases", devTok, "").expect(t, 404, projectNF)
	f.do("GET", "/projects/"+esc(publicPath)+"/releases", "", "").expect(t, 200, "")
	f.send(request{method: "GET", path: releases, header: map[string]string{"JOB-TOKEN": jobTok}}).expect(t, 200, "")

	links := "[" + linkJSON(b.ID, "b", "https://b.io", f.srv.URL()+"/grp/proj/-/releases/v1/downloads/bin/b", "other") +
		"," + linkJSON(a.ID, "a", "https://a.io", "https://a.io", "other") + "]"
	for _, tc := range []struct {
		token    string
		readCode bool
	}{{reporterTok, true}, {guestTok, false}} {
		t.Run(tc.token, func(t *testing.T) {
			got := f.do("GET", releases+"?order_by=created_at&sort=asc", tc.token, "")
			got.expect(t, 200, "")
			var rels []json.RawMessage
			must(t, json.Unmarshal([]byte(got.body), &rels))
			first := string(rels[0])
			wantCount := `"count":2,`
			if tc.readCode {
				wantCount = `"count":6,`
			}
			if !strings.Contains(first, `"links":`+links) || !strings.Contains(first, wantCount) {
				t.Fatalf("v1 element %s", first)
			}
			for _, key := range []string{`"tag_name":"v1"`, `"tag_path":"/grp/proj/-/tags/v1"`, `"sources":[`} {
				if strings.Contains(first, key) != tc.readCode {
					t.Errorf("%s present = %v, want %v", key, !tc.readCode, tc.readCode)
				}
			}
			if tc.readCode {
				one := f.do("GET", releases+"/v1", tc.token, "")
				if one.body != first {
					t.Fatalf("list element differs from GET one release:\n%s\n%s", first, one.body)
				}
			}
		})
	}
	if n := f.srv.RequestCount("GET", gitlabtest.RouteReleases); n < 7 {
		t.Fatalf("RequestCount(GET %s) = %d", gitlabtest.RouteReleases, n)
	}
}
