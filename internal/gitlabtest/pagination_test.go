package gitlabtest_test

import (
	"net/http"
	"testing"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// pageHeaders are the §4 headers, in a fixed order for comparison.
var pageHeaders = []string{"X-Per-Page", "X-Page", "X-Next-Page", "X-Prev-Page", "X-Total", "X-Total-Pages"}

func checkPageHeaders(t *testing.T, h http.Header, want ...string) {
	t.Helper()
	for i, name := range pageHeaders {
		values, ok := h[name]
		if !ok || len(values) != 1 || values[0] != want[i] {
			t.Errorf("%s = %q (present %v), want %q", name, values, ok, want[i])
		}
	}
}

// TestPagination covers §4: defaults, several pages, clamping, odd values, out-of-range pages and the exact
// Link header.
func TestPagination(t *testing.T) {
	f := newFixture(t)
	list := linksPath(privatePath, defaultTag)
	base := f.srv.URL() + "/api/v4" + list
	q := func(page, perPage string) string {
		return base + "?id=grp%2Fproj&page=" + page + "&per_page=" + perPage + "&tag_name=v1"
	}

	t.Run("empty list", func(t *testing.T) {
		got := f.do("GET", list, devTok, "")
		got.expect(t, 200, "[]")
		checkPageHeaders(t, got.header, "20", "1", "", "", "0", "1")
		want := "<" + q("1", "20") + `>; rel="first", <` + q("1", "20") + `>; rel="last"`
		if got.header.Get("Link") != want {
			t.Fatalf("Link\n got %s\nwant %s", got.header.Get("Link"), want)
		}
	})

	var ids []int64 // oldest first
	for i := 0; i < 5; i++ {
		ids = append(ids, f.addLink(privatePath, defaultTag, gitlabtest.Link{Name: "l" + itoa(int64(i)), URL: "https://p.io/" + itoa(int64(i))}).ID)
	}

	pages := []struct {
		page      string
		wantIDs   []int64
		headers   []string
		wantLinks string
	}{
		{"1", []int64{ids[4], ids[3]}, []string{"2", "1", "2", "", "5", "3"},
			"<" + q("2", "2") + `>; rel="next", <` + q("1", "2") + `>; rel="first", <` + q("3", "2") + `>; rel="last"`},
		{"2", []int64{ids[2], ids[1]}, []string{"2", "2", "3", "1", "5", "3"},
			"<" + q("1", "2") + `>; rel="prev", <` + q("3", "2") + `>; rel="next", <` + q("1", "2") + `>; rel="first", <` + q("3", "2") + `>; rel="last"`},
		{"3", []int64{ids[0]}, []string{"2", "3", "", "2", "5", "3"},
			"<" + q("2", "2") + `>; rel="prev", <` + q("1", "2") + `>; rel="first", <` + q("3", "2") + `>; rel="last"`},
		{"9", nil, []string{"2", "9", "", "", "5", "3"},
			"<" + q("1", "2") + `>; rel="first", <` + q("3", "2") + `>; rel="last"`},
	}
	for _, p := range pages {
		t.Run("page "+p.page, func(t *testing.T) {
			got := f.do("GET", list+"?per_page=2&page="+p.page, devTok, "")
			got.expect(t, 200, "")
			var gotIDs []int64
			for _, l := range got.links(t) {
				gotIDs = append(gotIDs, l.ID)
			}
			if !equalIDs(gotIDs, p.wantIDs) {
				t.Fatalf("ids %v, want %v", gotIDs, p.wantIDs)
			}
			checkPageHeaders(t, got.header, p.headers...)
			if got.header.Get("Link") != p.wantLinks {
				t.Fatalf("Link\n got %s\nwant %s", got.header.Get("Link"), p.wantLinks)
			}
		})
	}

	odd := []struct {
		name, query string
		headers     []string
		count       int
	}{
		{"per_page above 100 is clamped", "?per_page=500", []string{"100", "1", "", "", "5", "1"}, 5},
		{"negative per_page is ignored", "?per_page=-5", []string{"20", "1", "", "", "5", "1"}, 5},
		{"page 0 is page 1", "?page=0&per_page=2", []string{"2", "1", "2", "", "5", "3"}, 2},
		{"negative page is page 1", "?page=-3&per_page=2", []string{"2", "1", "2", "", "5", "3"}, 2},
		{"leading zeros", "?page=002&per_page=002", []string{"2", "2", "3", "1", "5", "3"}, 2},
		{"empty values take defaults", "?page=&per_page=", []string{"20", "1", "", "", "5", "1"}, 5},
	}
	for _, tc := range odd {
		t.Run(tc.name, func(t *testing.T) {
			got := f.do("GET", list+tc.query, devTok, "")
			got.expect(t, 200, "")
			checkPageHeaders(t, got.header, tc.headers...)
			if n := len(got.links(t)); n != tc.count {
				t.Fatalf("%d links, want %d", n, tc.count)
			}
		})
	}

	t.Run("Link repeats per_page as sent and keeps extra params", func(t *testing.T) {
		got := f.do("GET", list+"?per_page=500&zeta=1", devTok, "")
		want := "<" + base + "?id=grp%2Fproj&page=1&per_page=500&tag_name=v1&zeta=1>; rel=\"first\", <" +
			base + "?id=grp%2Fproj&page=1&per_page=500&tag_name=v1&zeta=1>; rel=\"last\""
		if got.header.Get("Link") != want {
			t.Fatalf("Link\n got %s\nwant %s", got.header.Get("Link"), want)
		}
	})
	t.Run("no RateLimit headers on normal answers", func(t *testing.T) {
		got := f.do("GET", list, devTok, "")
		for name := range got.header {
			if len(name) >= 9 && (name[:9] == "Ratelimit" || name[:9] == "RateLimit") {
				t.Fatalf("unexpected header %s", name)
			}
		}
	})
}
