package gitlab

import (
	"context"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// linkJSON is a link as GitLab ≥ 16.0 returns it.
const linkJSON = `{"id":7,"name":"app.dmg","url":"https://x/app.dmg","direct_asset_url":"https://gitlab.example.com/grp/proj/-/releases/v1/downloads/bin/app.dmg","link_type":"package"}`

var wantLink = ReleaseLink{
	ID:             7,
	Name:           "app.dmg",
	URL:            "https://x/app.dmg",
	DirectAssetURL: "https://gitlab.example.com/grp/proj/-/releases/v1/downloads/bin/app.dmg",
	LinkType:       "package",
}

func strPtr(s string) *string { return &s }

// endpointCase describes one call: what must go out and what comes back.
type endpointCase struct {
	name       string
	call       func(ctx context.Context, c *Client) (any, error)
	status     int
	response   string
	wantMethod string
	wantURI    string // after /api/v4, with query
	wantBody   string // exact JSON, "" for none
	want       any
}

// runEndpointCases checks each case's request on the wire and its result.
func runEndpointCases(t *testing.T, tests []endpointCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, log := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) { reply(w, tc.status, tc.response) })
			got, err := tc.call(testContext(t), mustNew(t, fastConfig(srv.URL)))
			if err != nil {
				t.Fatal(err)
			}
			req := log.last(t)
			if req.Method != tc.wantMethod || req.RequestURI != "/api/v4"+tc.wantURI {
				t.Errorf("sent %s %s, want %s /api/v4%s", req.Method, req.RequestURI, tc.wantMethod, tc.wantURI)
			}
			if req.Body != tc.wantBody {
				t.Errorf("sent body %s, want %s", req.Body, tc.wantBody)
			}
			if wantCT := map[bool]string{true: "application/json"}[tc.wantBody != ""]; req.Header.Get("Content-Type") != wantCT {
				t.Errorf("Content-Type %q, want %q", req.Header.Get("Content-Type"), wantCT)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("result %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestReleaseLinkEndpoints(t *testing.T) {
	const links = "/projects/grp%2Fproj/releases/v1%2E0/assets/links"
	oldLink := `{"id":7,"name":"a","url":"https://x/a","external":true}`
	yes := true
	runEndpointCases(t, []endpointCase{
		{
			name: "get", status: 200, response: linkJSON,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.GetReleaseLink(ctx, "grp/proj", "v1.0", 7)
			},
			wantMethod: "GET", wantURI: links + "/7", want: &wantLink,
		},
		{
			name: "get pre-16.0 with external", status: 200, response: oldLink,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.GetReleaseLink(ctx, "42", "v1.0", 7)
			},
			wantMethod: "GET", wantURI: "/projects/42/releases/v1%2E0/assets/links/7",
			want: &ReleaseLink{ID: 7, Name: "a", URL: "https://x/a", External: &yes},
		},
		{
			name: "create minimal", status: 201, response: linkJSON,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateReleaseLink(ctx, "grp/proj", "v1.0", CreateReleaseLinkOptions{Name: "app.dmg", URL: "https://x/app.dmg"})
			},
			wantMethod: "POST", wantURI: links, wantBody: `{"name":"app.dmg","url":"https://x/app.dmg"}`, want: &wantLink,
		},
		{
			name: "create full", status: 201, response: linkJSON,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateReleaseLink(ctx, "grp/proj", "v1.0", CreateReleaseLinkOptions{
					Name: "app.dmg", URL: "https://x/app.dmg", LinkType: "package", DirectAssetPath: strPtr("/bin/app.dmg"),
				})
			},
			wantMethod: "POST", wantURI: links,
			wantBody: `{"name":"app.dmg","url":"https://x/app.dmg","link_type":"package","direct_asset_path":"/bin/app.dmg","filepath":"/bin/app.dmg"}`,
			want:     &wantLink,
		},
		{
			name: "update clears path with null", status: 200, response: linkJSON,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.UpdateReleaseLink(ctx, "grp/proj", "v1.0", 7, UpdateReleaseLinkOptions{Name: "app.dmg", URL: "https://x/app.dmg", LinkType: "other"})
			},
			wantMethod: "PUT", wantURI: links + "/7",
			wantBody: `{"name":"app.dmg","url":"https://x/app.dmg","link_type":"other","direct_asset_path":null,"filepath":null}`,
			want:     &wantLink,
		},
		{
			name: "update with path", status: 200, response: linkJSON,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.UpdateReleaseLink(ctx, "grp/proj", "v1.0", 7, UpdateReleaseLinkOptions{
					Name: "app.dmg", URL: "https://x/app.dmg", LinkType: "package", DirectAssetPath: strPtr("/bin/app.dmg"),
				})
			},
			wantMethod: "PUT", wantURI: links + "/7",
			wantBody: `{"name":"app.dmg","url":"https://x/app.dmg","link_type":"package","direct_asset_path":"/bin/app.dmg","filepath":"/bin/app.dmg"}`,
			want:     &wantLink,
		},
		{
			name: "delete answers 200 with the link", status: 200, response: linkJSON,
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.DeleteReleaseLink(ctx, "grp/proj", "v1.0", 7)
			},
			wantMethod: "DELETE", wantURI: links + "/7",
		},
		{
			name: "list one page", status: 200, response: "[" + linkJSON + "]",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListReleaseLinks(ctx, "grp/proj", "v1.0")
			},
			wantMethod: "GET", wantURI: links + "?page=1&per_page=100", want: []ReleaseLink{wantLink},
		},
		{
			name: "list empty", status: 200, response: "[]",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListReleaseLinks(ctx, "grp/proj", "v1.0")
			},
			wantMethod: "GET", wantURI: links + "?page=1&per_page=100", want: []ReleaseLink{},
		},
	})
}

func TestListReleaseLinksPagination(t *testing.T) {
	srv, log := serve(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		next := map[int]string{1: "2", 2: "3", 3: ""}[page]
		w.Header().Set("X-Next-Page", next) // present and empty on the last page
		w.Header().Set("X-Page", strconv.Itoa(page))
		reply(w, http.StatusOK, `[{"id":`+strconv.Itoa(page*10)+`},{"id":`+strconv.Itoa(page*10+1)+`}]`)
	})
	got, err := mustNew(t, fastConfig(srv.URL)).ListReleaseLinks(testContext(t), "grp/proj", "v1")
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, l := range got {
		ids = append(ids, l.ID)
	}
	if want := []int64{10, 11, 20, 21, 30, 31}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("ids %v, want %v", ids, want)
	}
	var queries []string
	for _, r := range log.all() {
		queries = append(queries, r.Query)
	}
	if want := []string{"page=1&per_page=100", "page=2&per_page=100", "page=3&per_page=100"}; !reflect.DeepEqual(queries, want) {
		t.Fatalf("queries %q, want %q", queries, want)
	}
}

func TestListReleaseLinksBadNextPage(t *testing.T) {
	tests := []struct {
		name    string
		next    func(page int) string
		wantErr string
	}{
		{name: "loops back", next: func(int) string { return "1" }, wantErr: `invalid next page "1"`},
		{name: "not a number", next: func(int) string { return "two" }, wantErr: `invalid next page "two"`},
		{name: "endless", next: func(p int) string { return strconv.Itoa(p + 1) }, wantErr: "stopped after 1000 pages"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				page, _ := strconv.Atoi(r.URL.Query().Get("page"))
				w.Header().Set("X-Next-Page", tc.next(page))
				reply(w, http.StatusOK, `[]`)
			})
			_, err := mustNew(t, fastConfig(srv.URL)).ListReleaseLinks(testContext(t), "1", "v1")
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestReleaseLinkNotFound(t *testing.T) {
	tests := []struct {
		name, body      string
		projectNotFound bool
	}{
		{name: "project", body: `{"message":"404 Project Not Found"}`, projectNotFound: true},
		{name: "release or link", body: `{"message":"404 Not found"}`},
		{name: "route", body: `{"error":"404 Not Found"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) { reply(w, http.StatusNotFound, tc.body) })
			c := mustNew(t, fastConfig(srv.URL))
			ctx := testContext(t)
			_, getErr := c.GetReleaseLink(ctx, "grp/proj", "v1", 7)
			delErr := c.DeleteReleaseLink(ctx, "grp/proj", "v1", 7)
			_, listErr := c.ListReleaseLinks(ctx, "grp/proj", "v1")
			for _, err := range []error{getErr, delErr, listErr} {
				if !IsNotFound(err) || IsProjectNotFound(err) != tc.projectNotFound {
					t.Errorf("%v: IsNotFound %v, IsProjectNotFound %v", err, IsNotFound(err), IsProjectNotFound(err))
				}
			}
		})
	}
}

func TestNextPage(t *testing.T) {
	for _, tc := range []struct {
		name    string
		header  http.Header
		page    int
		got     int
		want    int
		wantErr bool
	}{
		{"next announced", http.Header{"X-Next-Page": {"3"}}, 2, 100, 3, false},
		{"last page", http.Header{"X-Next-Page": {""}}, 2, 100, 0, false},
		{"backwards", http.Header{"X-Next-Page": {"1"}}, 2, 100, 0, true},
		{"garbage", http.Header{"X-Next-Page": {"x"}}, 2, 100, 0, true},
		{"stripped, Link says next", http.Header{"Link": {`<https://h/api/v4/x?page=1&per_page=100>; rel="prev", <https://h/api/v4/x?page=3&per_page=100>; rel="next", <https://h/api/v4/x?page=1>; rel="first"`}}, 2, 100, 3, false},
		{"stripped, Link without next", http.Header{"Link": {`<https://h/api/v4/x?page=1>; rel="first", <https://h/api/v4/x?page=2>; rel="last"`}}, 2, 100, 0, false},
		{"no headers, full page", http.Header{}, 4, 100, 5, false},
		{"no headers, short page", http.Header{}, 4, 37, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := nextPage(tc.header, tc.page, tc.got)
			if got != tc.want || (err != nil) != tc.wantErr {
				t.Fatalf("nextPage = %d, %v; want %d, error %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestReleaseLinkPath(t *testing.T) {
	for _, tc := range []struct {
		name, tag, url, directAssetURL, want string
		ok                                   bool
	}{
		{"no path", "v1", "https://example.com/app", "https://example.com/app", "", false},
		{"path", "v1", "https://example.com/app", "https://gitlab.example.com/g/p/-/releases/v1/downloads/bin/app", "/bin/app", true},
		{"sub-path install", "v1", "https://x/app", "https://example.com/gitlab/g/p/-/releases/v1/downloads/bin/app", "/bin/app", true},
		{"escaped tag", "release/v1.0", "https://x/app", "http://h/g/p/-/releases/release%2Fv1.0/downloads/app.bin", "/app.bin", true},
		{"unescaped slash in the tag", "release/v1.0", "https://x/app", "http://h/g/p/-/releases/release/v1.0/downloads/bin/app", "/bin/app", true},
		{"plus in the tag", "v1.0.0+build.5", "https://x/app", "http://h/g/p/-/releases/v1.0.0+build.5/downloads/app", "/app", true},
		{"unicode tag", "версия", "https://x/app", "http://h/g/p/-/releases/%D0%B2%D0%B5%D1%80%D1%81%D0%B8%D1%8F/downloads/a/b", "/a/b", true},
		{"path that looks like a release", "v1", "https://x/app", "http://h/g/p/-/releases/v1/downloads/-/releases/v1/downloads/x", "/-/releases/v1/downloads/x", true},
		{"url with downloads", "v1", "https://example.com/g/p/-/releases/v1/downloads/app", "https://example.com/g/p/-/releases/v1/downloads/app", "", false},
		{"another tag", "v2", "https://x/app", "http://h/g/p/-/releases/v1/downloads/app", "", false},
		{"not a download URL", "v1", "https://x/app", "https://other.example.com/app", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := (&ReleaseLink{URL: tc.url, DirectAssetURL: tc.directAssetURL}).Path(tc.tag)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("Path = %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}
