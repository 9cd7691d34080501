package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"testing"
)

func TestReleaseEndpoints(t *testing.T) {
	const releaseJSON = `{"tag_name":"release/v1.0","name":"Release 1","description":null,"created_at":"2025-01-01T00:00:00Z",` +
		`"assets":{"count":5,"sources":[{"format":"zip","url":"https://x/src.zip"}],"links":[` + linkJSON + `]}}`
	want := &Release{TagName: "release/v1.0", Name: "Release 1", Assets: ReleaseAssets{Links: []ReleaseLink{wantLink}}}
	runEndpointCases(t, []endpointCase{
		{
			name: "create with ref", status: 201, response: releaseJSON,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateRelease(ctx, "grp/proj", CreateReleaseOptions{TagName: "release/v1.0", Ref: "main", Name: "Release 1", Description: "notes"})
			},
			wantMethod: "POST", wantURI: "/projects/grp%2Fproj/releases",
			wantBody: `{"tag_name":"release/v1.0","ref":"main","name":"Release 1","description":"notes"}`, want: want,
		},
		{
			name: "create minimal", status: 201, response: releaseJSON,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateRelease(ctx, "12", CreateReleaseOptions{TagName: "release/v1.0"})
			},
			wantMethod: "POST", wantURI: "/projects/12/releases", wantBody: `{"tag_name":"release/v1.0"}`, want: want,
		},
		{
			name: "get", status: 200, response: releaseJSON,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.GetRelease(ctx, "grp/proj", "release/v1.0")
			},
			wantMethod: "GET", wantURI: "/projects/grp%2Fproj/releases/release%2Fv1%2E0", want: want,
		},
		{
			name: "delete answers 200 with the release", status: 200, response: releaseJSON,
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.DeleteRelease(ctx, "grp/proj", "release/v1.0")
			},
			wantMethod: "DELETE", wantURI: "/projects/grp%2Fproj/releases/release%2Fv1%2E0",
		},
	})
}

func TestReleaseErrors(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		call    func(ctx context.Context, c *Client) error
		message string
	}{
		{name: "already exists", status: 409, body: `{"message":"Release already exists"}`, message: "Release already exists",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.CreateRelease(ctx, "1", CreateReleaseOptions{TagName: "v1"})
				return err
			}},
		{name: "missing ref", status: 422, body: `{"message":"Ref is not specified"}`, message: "Ref is not specified",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.CreateRelease(ctx, "1", CreateReleaseOptions{TagName: "v1"})
				return err
			}},
		{name: "get missing", status: 404, body: `{"message":"404 Not Found"}`, message: "404 Not Found",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.GetRelease(ctx, "1", "v1")
				return err
			}},
		{name: "delete missing is 403", status: 403, body: `{"message":"403 Forbidden"}`, message: "403 Forbidden",
			call: func(ctx context.Context, c *Client) error { return c.DeleteRelease(ctx, "1", "v1") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, log := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) { reply(w, tc.status, tc.body) })
			err := tc.call(testContext(t), mustNew(t, fastConfig(srv.URL)))
			if !HasStatus(err, tc.status) || !HasMessage(err, tc.message) || log.count() != 1 {
				t.Fatalf("error %v after %d requests", err, log.count())
			}
		})
	}
}

// pagedReleases answers GET …/releases with three pages of two releases, naming the next page in X-Next-Page.
func pagedReleases(w http.ResponseWriter, r *http.Request, _ int) {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	w.Header().Set("X-Next-Page", map[int]string{1: "2", 2: "3", 3: ""}[page])
	reply(w, http.StatusOK, fmt.Sprintf(`[{"tag_name":"v%d.0","assets":{"links":[]}},{"tag_name":"v%d.1","assets":{"links":[]}}]`, page, page))
}

func TestReleases(t *testing.T) {
	errStop := errors.New("stop")
	tests := []struct {
		name      string
		stopAfter int // pages; 0 reads all
		wantTags  []string
		wantPages []string
		wantErr   error
	}{
		{name: "every page, as it comes", wantTags: []string{"v1.0", "v1.1", "v2.0", "v2.1", "v3.0", "v3.1"},
			wantPages: []string{"page=1&per_page=100", "page=2&per_page=100", "page=3&per_page=100"}},
		{name: "the caller stops after the first page", stopAfter: 1, wantTags: []string{"v1.0", "v1.1"},
			wantPages: []string{"page=1&per_page=100"}, wantErr: errStop},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, log := serve(t, pagedReleases)
			var tags []string
			pages := 0
			var err error
			for page, pageErr := range mustNew(t, fastConfig(srv.URL)).Releases(testContext(t), "grp/proj") {
				if pageErr != nil {
					err = pageErr
					break
				}
				for _, r := range page {
					tags = append(tags, r.TagName)
				}
				if pages++; pages == tc.stopAfter {
					err = errStop
					break
				}
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			if !reflect.DeepEqual(tags, tc.wantTags) {
				t.Errorf("tags %q, want %q", tags, tc.wantTags)
			}
			var queries []string
			for _, r := range log.all() {
				if r.Path != "/api/v4/projects/grp%2Fproj/releases" {
					t.Errorf("requested %s", r.Path)
				}
				queries = append(queries, r.Query)
			}
			if !reflect.DeepEqual(queries, tc.wantPages) {
				t.Errorf("queries %q, want %q", queries, tc.wantPages)
			}
		})
	}
}

func TestReleasesProjectNotFound(t *testing.T) {
	srv, _ := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		reply(w, http.StatusNotFound, `{"message":"404 Project Not Found"}`)
	})
	called := false
	var err error
	for page, pageErr := range mustNew(t, fastConfig(srv.URL)).Releases(testContext(t), "grp/proj") {
		called = called || page != nil
		err = pageErr
	}
	if !IsProjectNotFound(err) || called {
		t.Fatalf("error %v, page handed over %v; want a project 404 and no page", err, called)
	}
}
