package gitlab

import (
	"context"
	"net/http"
	"reflect"
	"strconv"
	"testing"
)

func TestProjectEndpoints(t *testing.T) {
	const projectJSON = `{"id":12,"description":null,"name":"Proj","name_with_namespace":"Grp / Proj","path":"proj",` +
		`"path_with_namespace":"grp/proj","web_url":"https://gitlab.example.com/grp/proj","default_branch":"main",` +
		`"visibility":"private","namespace":{"id":3,"full_path":"grp"}}`
	want := &Project{
		ID: 12, Name: "Proj", Path: "proj", PathWithNamespace: "grp/proj",
		WebURL: "https://gitlab.example.com/grp/proj", DefaultBranch: "main", Visibility: "private",
	}
	runEndpointCases(t, []endpointCase{
		{
			name: "get by path", status: 200, response: projectJSON,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.GetProject(ctx, "grp/proj")
			},
			wantMethod: "GET", wantURI: "/projects/grp%2Fproj", want: want,
		},
		{
			name: "get by id", status: 200, response: projectJSON,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.GetProject(ctx, "12")
			},
			wantMethod: "GET", wantURI: "/projects/12", want: want,
		},
		{
			name: "get empty repository", status: 200, response: `{"id":12,"default_branch":null}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.GetProject(ctx, "12")
			},
			wantMethod: "GET", wantURI: "/projects/12", want: &Project{ID: 12},
		},
		{
			name: "create minimal", status: 201, response: projectJSON,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateProject(ctx, CreateProjectOptions{Path: "proj"})
			},
			wantMethod: "POST", wantURI: "/projects", wantBody: `{"path":"proj"}`, want: want,
		},
		{
			name: "create full", status: 201, response: projectJSON,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateProject(ctx, CreateProjectOptions{
					Name: "Proj", Path: "proj", NamespaceID: 3, InitializeWithReadme: true, Visibility: "private", DefaultBranch: "main",
				})
			},
			wantMethod: "POST", wantURI: "/projects",
			wantBody: `{"name":"Proj","path":"proj","namespace_id":3,"initialize_with_readme":true,"visibility":"private","default_branch":"main"}`,
			want:     want,
		},
		{
			name: "delete answers 202", status: 202, response: `{"message":"202 Accepted"}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.DeleteProject(ctx, "grp/proj")
			},
			wantMethod: "DELETE", wantURI: "/projects/grp%2Fproj",
		},
	})
}

func TestProjectErrors(t *testing.T) {
	tests := []struct {
		name            string
		status          int
		body            string
		projectNotFound bool
		message         string
	}{
		{name: "not found", status: 404, body: `{"message":"404 Project Not Found"}`, projectNotFound: true, message: "404 Project Not Found"},
		{name: "path taken", status: 400, body: `{"message":{"name":["has already been taken"],"path":["has already been taken"]}}`,
			message: "path has already been taken"},
		{name: "no token", status: 401, body: `{"message":"401 Unauthorized"}`, message: "401 Unauthorized"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) { reply(w, tc.status, tc.body) })
			c := mustNew(t, fastConfig(srv.URL))
			_, err := c.CreateProject(testContext(t), CreateProjectOptions{Path: "proj"})
			if !HasStatus(err, tc.status) || IsProjectNotFound(err) != tc.projectNotFound || !HasMessage(err, tc.message) {
				t.Fatalf("error %v", err)
			}
		})
	}
}

func TestListOwnedProjects(t *testing.T) {
	tests := []struct {
		name      string
		pages     map[int]string // page -> body; the last page has no next one
		wantIDs   []int64
		wantQuery []string
	}{
		{name: "none", pages: map[int]string{1: `[]`}, wantIDs: []int64{},
			wantQuery: []string{"owned=true&page=1&per_page=100&search=tf-acc-"}},
		{name: "two pages", pages: map[int]string{1: `[{"id":3},{"id":2}]`, 2: `[{"id":1}]`}, wantIDs: []int64{3, 2, 1},
			wantQuery: []string{"owned=true&page=1&per_page=100&search=tf-acc-", "owned=true&page=2&per_page=100&search=tf-acc-"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, log := serve(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				page, _ := strconv.Atoi(r.URL.Query().Get("page"))
				next := ""
				if _, ok := tc.pages[page+1]; ok {
					next = strconv.Itoa(page + 1)
				}
				w.Header().Set("X-Next-Page", next)
				reply(w, http.StatusOK, tc.pages[page])
			})
			got, err := mustNew(t, fastConfig(srv.URL)).ListOwnedProjects(testContext(t), "tf-acc-")
			if err != nil {
				t.Fatal(err)
			}
			ids := []int64{}
			for _, p := range got {
				ids = append(ids, p.ID)
			}
			if !reflect.DeepEqual(ids, tc.wantIDs) {
				t.Errorf("ids %v, want %v", ids, tc.wantIDs)
			}
			var queries []string
			for _, r := range log.all() {
				if r.Method != http.MethodGet || r.Path != "/api/v4/projects" {
					t.Errorf("sent %s %s", r.Method, r.Path)
				}
				queries = append(queries, r.Query)
			}
			if !reflect.DeepEqual(queries, tc.wantQuery) {
				t.Errorf("queries %q, want %q", queries, tc.wantQuery)
			}
		})
	}
}
