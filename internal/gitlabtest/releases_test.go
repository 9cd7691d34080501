package gitlabtest_test

import (
	"encoding/json"
	"testing"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

type releaseBody struct {
	Name        string  `json:"name"`
	TagName     string  `json:"tag_name"`
	Description *string `json:"description"`
	CreatedAt   string  `json:"created_at"`
	ReleasedAt  string  `json:"released_at"`
	Assets      struct {
		Count   int              `json:"count"`
		Sources []map[string]any `json:"sources"`
		Links   []linkBody       `json:"links"`
	} `json:"assets"`
}

func (r result) release(t *testing.T) releaseBody {
	t.Helper()
	var rel releaseBody
	if err := json.Unmarshal([]byte(r.body), &rel); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
	return rel
}

// TestCreateRelease covers POST /projects/:id/releases (§7a).
func TestCreateRelease(t *testing.T) {
	f := newFixture(t)
	releases := "/projects/" + esc(privatePath) + "/releases"

	tests := []struct {
		name, token, body string
		status            int
		want              string
	}{
		{"tag_name missing", devTok, `{"ref":"main"}`, 400, `{"error":"tag_name is missing"}`},
		{"tag missing and no ref", devTok, `{"tag_name":"v10"}`, 422, `{"message":"Ref is not specified"}`},
		{"ref that is no branch or tag", devTok, `{"tag_name":"v10","ref":"nope"}`, 400, `{"message":"Target nope is invalid"}`},
		{"empty ref", devTok, `{"tag_name":"v10","ref":""}`, 400, `{"message":"Target is empty"}`},
		{"invalid tag name", devTok, `{"tag_name":"bad tag","ref":"main"}`, 400, `{"message":"Tag name invalid"}`},
		{"HEAD is not a tag name", devTok, `{"tag_name":"HEAD","ref":"main"}`, 400, `{"message":"Tag name invalid"}`},
		{"release exists", devTok, `{"tag_name":"v1"}`, 409, `{"message":"Release already exists"}`},
		{"reporter", reporterTok, `{"tag_name":"v10","ref":"main"}`, 403, forbidden403},
		{"reporter on an existing release", reporterTok, `{"tag_name":"v1"}`, 403, forbidden403},
		{"no token", "", `{"tag_name":"v10","ref":"main"}`, 404, projectNF},
		{"outsider with invalid params", outsiderTok, `{}`, 404, projectNF},
		{"bad assets", devTok, `{"tag_name":"v10","ref":"main","assets":{"links":[{"url":"https://x.io"}]}}`, 400, `{"error":"assets[links][0][name] is missing"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.do("POST", releases, tc.token, tc.body).expect(t, tc.status, tc.want)
		})
	}
	t.Run("invalid job token is 401", func(t *testing.T) {
		f.send(request{method: "POST", path: releases, body: `{"tag_name":"v10","ref":"main"}`, header: map[string]string{"JOB-TOKEN": "nope"}}).
			expect(t, 401, unauth401)
	})

	t.Run("from a branch, with links", func(t *testing.T) {
		body := `{"tag_name":"v3","ref":"main","description":"notes","assets":{"links":[` +
			`{"name":"one","url":"https://one.io"},{"name":"two","url":"https://two.io","direct_asset_path":"/bin/two","link_type":"package"}]}}`
		got := f.do("POST", releases, devTok, body)
		got.expect(t, 201, "")
		rel := got.release(t)
		if rel.Name != "v3" || rel.TagName != "v3" || rel.Description == nil || *rel.Description != "notes" ||
			len(rel.Assets.Links) != 2 || len(rel.Assets.Sources) != 4 || rel.Assets.Count != 6 {
			t.Fatalf("got %s", got.body)
		}
		if rel.Assets.Links[0].Name != "two" || rel.Assets.Links[0].LinkType != "package" {
			t.Fatalf("links not sorted newest first: %+v", rel.Assets.Links)
		}
		if n := len(f.srv.Links(privatePath, "v3")); n != 2 {
			t.Fatalf("%d links stored", n)
		}
	})
	t.Run("from a tag, with a name", func(t *testing.T) {
		got := f.do("POST", releases, devTok, `{"tag_name":"v4","ref":"v1","name":"Four"}`)
		got.expect(t, 201, "")
		if rel := got.release(t); rel.Name != "Four" || rel.Description != nil {
			t.Fatalf("got %s", got.body)
		}
	})
	t.Run("duplicate link names", func(t *testing.T) {
		body := `{"tag_name":"v5","ref":"main","assets":{"links":[{"name":"a","url":"https://a.io"},{"name":"a","url":"https://b.io"}]}}`
		got := f.do("POST", releases, devTok, body)
		if got.status != 400 || !containsAll(got.body, "duplicate values (name)") {
			t.Fatalf("got %d %s", got.status, got.body)
		}
		if f.srv.HasRelease(privatePath, "v5") {
			t.Fatal("release created")
		}
	})
	t.Run("job token", func(t *testing.T) {
		f.send(request{method: "POST", path: releases, body: `{"tag_name":"v6","ref":"main"}`, header: map[string]string{"JOB-TOKEN": jobTok}}).
			expect(t, 201, "")
	})
}

// TestReleaseReadAndDelete covers GET and DELETE /projects/:id/releases/:tag_name (§7b), including the cascade
// to links and the kept tag.
func TestReleaseReadAndDelete(t *testing.T) {
	f := newFixture(t)
	l := f.addLink(privatePath, defaultTag, gitlabtest.Link{Name: "a", URL: exampleURL})
	release := "/projects/" + esc(privatePath) + "/releases/"

	f.do("GET", release+"v1", reporterTok, "").expect(t, 200, "")
	f.do("GET", release+"v9", devTok, "").expect(t, 404, `{"message":"404 Not Found"}`)
	f.do("GET", release+"v1", guestTok, "").expect(t, 403, forbidden403)
	f.do("GET", release+"v1", "", "").expect(t, 404, projectNF)
	f.do("GET", "/projects/"+esc(publicPath)+"/releases/v1", "", "").expect(t, 200, "")

	f.do("DELETE", release+"v9", ownerTok, "").expect(t, 403, forbidden403)
	f.do("DELETE", release+"v1", reporterTok, "").expect(t, 403, forbidden403)
	f.do("DELETE", release+"v1", outsiderTok, "").expect(t, 404, projectNF)

	got := f.do("DELETE", release+"v1", devTok, "")
	got.expect(t, 200, "")
	if rel := got.release(t); rel.TagName != "v1" {
		t.Fatalf("got %s", got.body)
	}
	f.do("GET", release+"v1", devTok, "").expect(t, 404, `{"message":"404 Not Found"}`)
	f.do("GET", linkPath(privatePath, defaultTag, l.ID), devTok, "").expect(t, 404, notFoundMsg)
	f.do("GET", linksPath(privatePath, defaultTag), devTok, "").expect(t, 404, notFoundMsg)
	if f.srv.Links(privatePath, defaultTag) != nil {
		t.Fatal("links survived the release")
	}

	// The tag stays: a new release needs no ref and starts without links.
	again := f.do("POST", "/projects/"+esc(privatePath)+"/releases", devTok, `{"tag_name":"v1"}`)
	again.expect(t, 201, "")
	if rel := again.release(t); len(rel.Assets.Links) != 0 {
		t.Fatalf("links came back: %s", again.body)
	}

	t.Run("harness DeleteRelease cascades", func(t *testing.T) {
		f.addLink(privatePath, otherTag, gitlabtest.Link{Name: "b", URL: exampleURL})
		must(t, f.srv.DeleteRelease(privatePath, otherTag))
		if f.srv.HasRelease(privatePath, otherTag) || f.srv.Links(privatePath, otherTag) != nil {
			t.Fatal("release or links left")
		}
		must(t, f.srv.AddRelease(privatePath, otherTag))
		if n := len(f.srv.Links(privatePath, otherTag)); n != 0 {
			t.Fatalf("%d links after re-creating the release", n)
		}
	})
}
