package gitlabtest_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// TestGrapeValidation covers every row of GITLAB.md §2a, plus the ordering rule that Grape validation runs
// before the project, release and permission checks.
func TestGrapeValidation(t *testing.T) {
	f := newFixture(t)
	l := f.addLink(privatePath, defaultTag, gitlabtest.Link{Name: "a", URL: exampleURL})
	item := linkPath(privatePath, defaultTag, l.ID)
	list := linksPath(privatePath, defaultTag)
	missing := linksPath("nope/nope", "nope")

	tests := []struct {
		name         string
		method, path string
		token, body  string
		want         string
	}{
		{"POST empty", "POST", list, devTok, `{}`, "name is missing, url is missing"},
		{"POST without url", "POST", list, devTok, `{"name":"x"}`, "url is missing"},
		{"POST without name", "POST", list, devTok, `{"url":"https://x.io"}`, "name is missing"},
		{"POST bogus link_type", "POST", list, devTok, `{"name":"x","url":"https://x.io","link_type":"bogus"}`, "link_type does not have a valid value"},
		{"POST empty link_type", "POST", list, devTok, `{"name":"x","url":"https://x.io","link_type":""}`, "link_type does not have a valid value"},
		{"POST capitalised link_type", "POST", list, devTok, `{"name":"x","url":"https://x.io","link_type":"Package"}`, "link_type does not have a valid value"},
		{"POST only bogus link_type", "POST", list, devTok, `{"link_type":"bogus"}`, "name is missing, url is missing, link_type does not have a valid value"},
		{"POST array name", "POST", list, devTok, `{"name":["x"],"url":"https://x.io"}`, "name is invalid"},
		{"PUT empty", "PUT", item, devTok, `{}`, "name, url are missing, at least one parameter must be provided"},
		{"PUT only link_type", "PUT", item, devTok, `{"link_type":"package"}`, "name, url are missing, at least one parameter must be provided"},
		{"PUT only direct_asset_path", "PUT", item, devTok, `{"direct_asset_path":"/bin/app"}`, "name, url are missing, at least one parameter must be provided"},
		{"PUT bogus link_type only", "PUT", item, devTok, `{"link_type":"bogus"}`, "link_type does not have a valid value, name, url are missing, at least one parameter must be provided"},
		{"GET link_id abc", "GET", list + "/abc", devTok, "", "link_id is invalid"},
		{"GET link_id 1e3", "GET", list + "/1e3", devTok, "", "link_id is invalid"},
		{"PUT link_id abc and no params", "PUT", list + "/abc", devTok, `{}`, "link_id is invalid, name, url are missing, at least one parameter must be provided"},
		{"link_id abc on a missing project", "GET", missing + "/abc", devTok, "", "link_id is invalid"},
		{"link_id abc without a token", "DELETE", list + "/abc", "", "", "link_id is invalid"},
		{"per_page=0", "GET", list + "?per_page=0", devTok, "", "per_page has a value not allowed"},
		{"per_page=abc", "GET", list + "?per_page=abc", devTok, "", "per_page is invalid"},
		{"page=abc", "GET", list + "?page=abc", devTok, "", "page is invalid"},
		{"page and per_page invalid", "GET", list + "?per_page=x&page=y", devTok, "", "page is invalid, per_page is invalid"},
		{"per_page=0 on a missing project", "GET", missing + "?per_page=0", "", "", "per_page has a value not allowed"},
		{"POST empty on a missing project", "POST", missing, "", `{}`, "name is missing, url is missing"},
		{"POST empty as a reporter", "POST", list, reporterTok, `{}`, "name is missing, url is missing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := f.do(tc.method, tc.path, tc.token, tc.body)
			got.expect(t, http.StatusBadRequest, `{"error":`+jsonString(tc.want)+`}`)
		})
	}
}

// TestLinkIDParsing checks Grape's Integer coercion of link_id (§1): leading zeros, signs and a .json suffix.
func TestLinkIDParsing(t *testing.T) {
	f := newFixture(t)
	l := f.addLink(privatePath, defaultTag, gitlabtest.Link{Name: "a", URL: exampleURL})
	want := linkJSON(l.ID, "a", exampleURL, exampleURL, "other")
	list := linksPath(privatePath, defaultTag)

	tests := []struct {
		name, id string
		status   int
		body     string
	}{
		{"plain", itoa(l.ID), 200, want},
		{"leading zeros", fmt.Sprintf("%03d", l.ID), 200, want},
		{"json suffix", itoa(l.ID) + ".json", 200, want},
		{"plus sign", "+" + itoa(l.ID), 200, want},
		{"negative is a valid integer", "-1", 404, notFoundMsg},
		{"zero", "0", 404, notFoundMsg},
		{"huge", "99999999999999999999999", 404, notFoundMsg},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.do("GET", list+"/"+tc.id, devTok, "").expect(t, tc.status, tc.body)
		})
	}
}

// TestRequestBodies: JSON bodies work, unknown keys are ignored, malformed JSON is a Grape 400 and query
// parameters count as params too (GITLAB.md §1 "Request bodies").
func TestRequestBodies(t *testing.T) {
	f := newFixture(t)
	list := linksPath(privatePath, defaultTag)

	t.Run("unknown keys ignored", func(t *testing.T) {
		got := f.do("POST", list, devTok, `{"name":"extra","url":"https://extra.example.com","external":true,"id":99}`)
		got.expect(t, 201, "")
	})
	t.Run("query params", func(t *testing.T) {
		got := f.do("POST", list+"?name=q&url=https%3A%2F%2Fq.example.com", devTok, "")
		got.expect(t, 201, "")
	})
	t.Run("numbers become strings", func(t *testing.T) {
		got := f.do("POST", list, devTok, `{"name":42,"url":"https://n.example.com"}`)
		got.expect(t, 201, "")
		if got.link(t).Name != "42" {
			t.Fatalf("got %s", got.body)
		}
	})
	for _, body := range []string{`{"name":`, `{"name":"a"} trailing`, `   `} {
		t.Run("malformed "+body, func(t *testing.T) {
			got := f.do("POST", list, devTok, body)
			if got.status != 400 || !containsAll(got.body, `"error":`, "message body does not match declared format") {
				t.Fatalf("got %d %s", got.status, got.body)
			}
		})
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
