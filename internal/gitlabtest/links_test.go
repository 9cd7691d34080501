package gitlabtest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// TestLinkLifecycle: create 201, get 200, update 200, delete 200 with the deleted link, then 404 (§1.2-§1.5),
// with the exact five-key JSON in GitLab's order.
func TestLinkLifecycle(t *testing.T) {
	f := newFixture(t)
	list := linksPath(privatePath, defaultTag)
	download := f.srv.URL() + "/grp/proj/-/releases/v1/downloads/bin/app"

	created := f.do("POST", list, devTok, `{"name":"app","url":"https://example.com/app","direct_asset_path":"/bin/app","link_type":"package"}`)
	created.expect(t, http.StatusCreated, "")
	id := created.link(t).ID
	want := linkJSON(id, "app", "https://example.com/app", download, "package")
	if created.body != want {
		t.Fatalf("create body\n got %s\nwant %s", created.body, want)
	}
	if ct := created.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	f.do("GET", linkPath(privatePath, defaultTag, id), guestTok, "").expect(t, 200, want)
	f.do("GET", list, guestTok, "").expect(t, 200, "["+want+"]")

	updated := linkJSON(id, "app2", "https://example.com/app", download, "runbook")
	f.do("PUT", linkPath(privatePath, defaultTag, id), devTok, `{"name":"app2","link_type":"runbook"}`).expect(t, 200, updated)
	f.do("DELETE", linkPath(privatePath, defaultTag, id), devTok, "").expect(t, 200, updated)
	f.do("GET", linkPath(privatePath, defaultTag, id), devTok, "").expect(t, 404, notFoundMsg)
	f.do("DELETE", linkPath(privatePath, defaultTag, id), devTok, "").expect(t, 404, notFoundMsg)
	if got := f.srv.Links(privatePath, defaultTag); len(got) != 0 {
		t.Fatalf("links left: %+v", got)
	}
}

// TestUpdateSubtleties covers §1.4: link_type resets to other, at_least_one_of, null and "" for the file path,
// direct_asset_path winning over filepath, and uniqueness excluding the link itself.
func TestUpdateSubtleties(t *testing.T) {
	f := newFixture(t)
	n := 0
	newLink := func() gitlabtest.Link {
		n++
		return f.addLink(privatePath, defaultTag, gitlabtest.Link{
			Name: "pkg-" + itoa(int64(n)), URL: "https://example.com/" + itoa(int64(n)),
			Filepath: "/bin/pkg" + itoa(int64(n)), LinkType: "package",
		})
	}
	stored := func(id int64) gitlabtest.Link {
		for _, l := range f.srv.Links(privatePath, defaultTag) {
			if l.ID == id {
				return l
			}
		}
		t.Fatalf("link %d gone", id)
		return gitlabtest.Link{}
	}

	t.Run("PUT without link_type resets it to other", func(t *testing.T) {
		l := newLink()
		got := f.do("PUT", linkPath(privatePath, defaultTag, l.ID), devTok, `{"name":"renamed"}`)
		got.expect(t, 200, "")
		if got.link(t).LinkType != "other" || stored(l.ID).LinkType != "other" {
			t.Fatalf("link_type not reset: %s", got.body)
		}
	})
	t.Run("PUT with null link_type resets it to other", func(t *testing.T) {
		l := newLink()
		f.do("PUT", linkPath(privatePath, defaultTag, l.ID), devTok, `{"url":"https://reset.example.com","link_type":null}`).expect(t, 200, "")
		if stored(l.ID).LinkType != "other" {
			t.Fatal("link_type not reset")
		}
	})
	t.Run("name null satisfies at_least_one_of then fails validation", func(t *testing.T) {
		l := newLink()
		f.do("PUT", linkPath(privatePath, defaultTag, l.ID), devTok, `{"name":null}`).expect(t, 400, messages("Name can't be blank"))
		f.do("PUT", linkPath(privatePath, defaultTag, l.ID), devTok, `{"name":""}`).expect(t, 400, messages("Name can't be blank"))
	})
	t.Run("direct_asset_path null clears the filepath", func(t *testing.T) {
		l := newLink()
		got := f.do("PUT", linkPath(privatePath, defaultTag, l.ID), devTok, `{"name":"cleared","direct_asset_path":null}`)
		got.expect(t, 200, "")
		// GITLAB.md §1: without a path, direct_asset_url is the link's url.
		if got.link(t).DirectAssetURL != "https://example.com/"+itoa(int64(n)) || stored(l.ID).Filepath != "" {
			t.Fatalf("filepath not cleared: %s", got.body)
		}
	})
	t.Run("filepath null clears the filepath", func(t *testing.T) {
		l := newLink()
		f.do("PUT", linkPath(privatePath, defaultTag, l.ID), devTok, `{"name":"cleared2","filepath":null}`).expect(t, 200, "")
		if stored(l.ID).Filepath != "" {
			t.Fatal("filepath not cleared")
		}
	})
	t.Run("omitting the path keeps it", func(t *testing.T) {
		l := newLink()
		f.do("PUT", linkPath(privatePath, defaultTag, l.ID), devTok, `{"name":"kept"}`).expect(t, 200, "")
		if stored(l.ID).Filepath != "/bin/pkg"+itoa(int64(n)) {
			t.Fatal("filepath changed")
		}
	})
	t.Run("empty direct_asset_path is an invalid format", func(t *testing.T) {
		l := newLink()
		f.do("PUT", linkPath(privatePath, defaultTag, l.ID), devTok, `{"name":"x","direct_asset_path":""}`).
			expect(t, 400, messages("Filepath is in an invalid format"))
	})
	t.Run("direct_asset_path wins over filepath", func(t *testing.T) {
		l := newLink()
		f.do("PUT", linkPath(privatePath, defaultTag, l.ID), devTok, `{"name":"win","direct_asset_path":"/dap/x","filepath":"/fp/x"}`).expect(t, 200, "")
		if got := stored(l.ID).Filepath; got != "/dap/x" {
			t.Fatalf("filepath %q", got)
		}
	})
	t.Run("null direct_asset_path falls back to filepath", func(t *testing.T) {
		l := newLink()
		f.do("PUT", linkPath(privatePath, defaultTag, l.ID), devTok, `{"name":"fallback","direct_asset_path":null,"filepath":"/fp/y"}`).expect(t, 200, "")
		if got := stored(l.ID).Filepath; got != "/fp/y" {
			t.Fatalf("filepath %q", got)
		}
	})
	t.Run("uniqueness excludes the link itself", func(t *testing.T) {
		l := newLink()
		body := string(mustJSON(map[string]string{"name": l.Name, "url": l.URL, "direct_asset_path": l.Filepath}))
		f.do("PUT", linkPath(privatePath, defaultTag, l.ID), devTok, body).expect(t, 200, "")
	})
	t.Run("uniqueness against other links", func(t *testing.T) {
		a, b := newLink(), newLink()
		f.do("PUT", linkPath(privatePath, defaultTag, b.ID), devTok, string(mustJSON(map[string]string{"name": a.Name}))).
			expect(t, 400, messages("Name has already been taken"))
	})
	t.Run("POST direct_asset_path wins over filepath", func(t *testing.T) {
		got := f.do("POST", linksPath(privatePath, defaultTag), devTok, `{"name":"both","url":"https://both.example.com","direct_asset_path":"/a/dap","filepath":"/a/fp"}`)
		got.expect(t, 201, "")
		if got.link(t).DirectAssetURL != f.srv.URL()+"/grp/proj/-/releases/v1/downloads/a/dap" {
			t.Fatalf("got %s", got.body)
		}
	})
}

// TestLinkNotFound covers the link-route rows of §3a.
func TestLinkNotFound(t *testing.T) {
	f := newFixture(t)
	other := f.addLink(privatePath, otherTag, gitlabtest.Link{Name: "other", URL: exampleURL})
	public := f.addLink(publicPath, defaultTag, gitlabtest.Link{Name: "public", URL: exampleURL})

	tests := []struct {
		name, method, path string
		status             int
		body               string
	}{
		{"unknown project id", "GET", linksPath("99999", defaultTag), 404, projectNF},
		{"unknown project path", "GET", linksPath("nope/nope", defaultTag), 404, projectNF},
		{"bare path without namespace", "GET", linksPath("proj", defaultTag), 404, projectNF},
		{"release missing", "GET", linksPath(privatePath, "v9"), 404, notFoundMsg},
		{"release tag is case-sensitive", "GET", linksPath(privatePath, "V1"), 404, notFoundMsg},
		{"link missing", "GET", linkPath(privatePath, defaultTag, 123456), 404, notFoundMsg},
		{"link of another release", "GET", linkPath(privatePath, defaultTag, other.ID), 404, notFoundMsg},
		{"link of another project", "PUT", linkPath(privatePath, otherTag, public.ID), 404, notFoundMsg},
		{"create on a missing release", "POST", linksPath(privatePath, "v9"), 404, notFoundMsg},
		{"raw slash in project", "GET", "/projects/grp/proj/releases/v1/assets/links", 404, catchAllBody},
		{"raw slash in tag", "GET", "/projects/grp%2Fproj/releases/rel/v1/assets/links", 404, catchAllBody},
		{"DELETE on the list", "DELETE", linksPath(privatePath, defaultTag), 404, catchAllBody},
		{"PUT on the list", "PUT", linksPath(privatePath, defaultTag), 404, catchAllBody},
		{"POST on an item", "POST", linkPath(privatePath, defaultTag, other.ID), 404, catchAllBody},
		{"unknown path", "GET", "/nothing/here", 404, catchAllBody},
		{"trailing segment", "GET", linksPath(privatePath, defaultTag) + "/1/extra", 404, catchAllBody},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := ""
			if tc.method == "POST" || tc.method == "PUT" {
				body = `{"name":"n","url":"https://n.example.com"}`
			}
			f.do(tc.method, tc.path, ownerTok, body).expect(t, tc.status, tc.body)
		})
	}
}

// TestListOrder: created_at desc, then id desc when timestamps are equal (§1.1).
func TestListOrder(t *testing.T) {
	f := newFixture(t)
	var ids []int64
	for _, name := range []string{"a", "b", "c"} {
		ids = append(ids, f.addLink(privatePath, defaultTag, gitlabtest.Link{Name: name, URL: "https://x.io/" + name}).ID)
	}
	order := func() []int64 {
		var got []int64
		for _, l := range f.do("GET", linksPath(privatePath, defaultTag), devTok, "").links(t) {
			got = append(got, l.ID)
		}
		return got
	}
	if got := order(); !equalIDs(got, []int64{ids[2], ids[1], ids[0]}) {
		t.Fatalf("order %v", got)
	}
	// Give "a" and "c" the same created_at as "b": the id breaks the tie.
	links := f.srv.Links(privatePath, defaultTag)
	for _, i := range []int{0, 2} {
		l := links[i]
		l.CreatedAt = links[1].CreatedAt
		must(t, f.srv.UpdateLink(privatePath, defaultTag, l))
	}
	if got := order(); !equalIDs(got, []int64{ids[2], ids[1], ids[0]}) {
		t.Fatalf("tie order %v", got)
	}
	// An older created_at moves a link to the end.
	l := links[2]
	l.CreatedAt = links[0].CreatedAt.Add(-time.Hour)
	must(t, f.srv.UpdateLink(privatePath, defaultTag, l))
	if got := order(); !equalIDs(got, []int64{ids[1], ids[0], ids[2]}) {
		t.Fatalf("moved order %v", got)
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestOutOfBand covers the harness methods that tests use in PreConfig.
func TestOutOfBand(t *testing.T) {
	f := newFixture(t)
	l := f.addLink(privatePath, defaultTag, gitlabtest.Link{Name: "oob", URL: " https://oob.example.com ", Filepath: "/bin/oob"})
	if l.ID == 0 || l.LinkType != "other" || l.URL != "https://oob.example.com" || l.CreatedAt.IsZero() {
		t.Fatalf("AddLink returned %+v", l)
	}
	want := f.srv.URL() + "/grp/proj/-/releases/v1/downloads/bin/oob"
	if got := f.srv.DirectAssetURL(privatePath, defaultTag, l); got != want {
		t.Fatalf("DirectAssetURL %q", got)
	}
	if got := f.do("GET", linkPath(privatePath, defaultTag, l.ID), devTok, "").link(t); got.DirectAssetURL != want {
		t.Fatalf("API direct_asset_url %q", got.DirectAssetURL)
	}
	l.Name, l.LinkType = "renamed", "image"
	must(t, f.srv.UpdateLink(privatePath, defaultTag, l))
	if got := f.do("GET", linkPath(privatePath, defaultTag, l.ID), devTok, "").link(t); got.Name != "renamed" || got.LinkType != "image" {
		t.Fatalf("after UpdateLink %+v", got)
	}
	must(t, f.srv.DeleteLink(privatePath, defaultTag, l.ID))
	f.do("GET", linkPath(privatePath, defaultTag, l.ID), devTok, "").expect(t, 404, notFoundMsg)
	if err := f.srv.DeleteLink(privatePath, defaultTag, l.ID); err == nil {
		t.Fatal("second DeleteLink succeeded")
	}
	if f.srv.Links(privatePath, "nope") != nil {
		t.Fatal("Links of a missing release is not nil")
	}
	if got := f.srv.Links(privatePath, otherTag); got == nil || len(got) != 0 {
		t.Fatalf("Links of an empty release: %#v", got)
	}
	p, ok := f.srv.LookupProject(privatePath)
	if !ok || p.FullPath != privatePath || p.Public || p.DefaultBranch != "main" {
		t.Fatalf("LookupProject %+v", p)
	}
	if _, err := f.srv.AddLink(itoa(p.ID), defaultTag, gitlabtest.Link{Name: "by-id", URL: exampleURL, LinkType: "bogus"}); err == nil {
		t.Fatal("bogus link type accepted")
	}
}
