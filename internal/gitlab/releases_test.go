package gitlab

import (
	"context"
	"net/http"
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
