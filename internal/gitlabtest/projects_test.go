package gitlabtest_test

import (
	"encoding/json"
	"testing"
)

type projectBody struct {
	ID                int64   `json:"id"`
	Name              string  `json:"name"`
	Path              string  `json:"path"`
	PathWithNamespace string  `json:"path_with_namespace"`
	WebURL            string  `json:"web_url"`
	DefaultBranch     *string `json:"default_branch"`
	Visibility        string  `json:"visibility"`
	Namespace         struct {
		ID       int64  `json:"id"`
		Path     string `json:"path"`
		Kind     string `json:"kind"`
		FullPath string `json:"full_path"`
	} `json:"namespace"`
}

func (r result) project(t *testing.T) projectBody {
	t.Helper()
	var p projectBody
	if err := json.Unmarshal([]byte(r.body), &p); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
	return p
}

// TestProjects covers the harness subset of the Projects API (§7c): create, get and delete.
func TestProjects(t *testing.T) {
	f := newFixture(t)

	t.Run("validation and auth", func(t *testing.T) {
		tests := []struct {
			name, token, body string
			status            int
			want              string
		}{
			{"no token", "", `{"name":"x"}`, 401, unauth401},
			{"bad token", "nope", `{"name":"x"}`, 401, unauth401},
			{"read_api token", readAPITok, `{"name":"x"}`, 403, scopeBody},
			{"neither name nor path", devTok, `{"visibility":"public"}`, 400, `{"error":"name, path are missing, at least one parameter must be provided"}`},
			{"bad visibility", devTok, `{"name":"x","visibility":"secret"}`, 400, `{"error":"visibility does not have a valid value"}`},
			{"bad path", devTok, `{"path":"-x"}`, 400, ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				f.do("POST", "/projects", tc.token, tc.body).expect(t, tc.status, tc.want)
			})
		}
		f.send(request{method: "POST", path: "/projects", body: `{"name":"x"}`, header: map[string]string{"JOB-TOKEN": jobTok}}).
			expect(t, 401, unauth401)
	})

	created := f.do("POST", "/projects", devTok, `{"name":"My App","initialize_with_readme":true,"visibility":"public"}`)
	created.expect(t, 201, "")
	p := created.project(t)
	if p.Name != "My App" || p.Path != "my-app" || p.PathWithNamespace != "developer/my-app" ||
		p.DefaultBranch == nil || *p.DefaultBranch != "main" || p.Visibility != "public" ||
		p.Namespace.Kind != "user" || p.Namespace.FullPath != "developer" || p.WebURL != f.srv.URL()+"/developer/my-app" {
		t.Fatalf("got %s", created.body)
	}

	t.Run("creator is owner and can release", func(t *testing.T) {
		f.do("POST", "/projects/"+itoa(p.ID)+"/releases", devTok, `{"tag_name":"v1","ref":"main"}`).expect(t, 201, "")
		f.do("POST", linksPath("developer/my-app", "v1"), devTok, `{"name":"a","url":"https://a.io"}`).expect(t, 201, "")
	})
	t.Run("path taken", func(t *testing.T) {
		f.do("POST", "/projects", devTok, `{"name":"Other","path":"my-app"}`).
			expect(t, 400, `{"message":{"path":["has already been taken"]}}`)
	})
	t.Run("empty repository", func(t *testing.T) {
		got := f.do("POST", "/projects", devTok, `{"path":"empty","default_branch":"trunk"}`)
		got.expect(t, 201, "")
		e := got.project(t)
		if e.Name != "empty" || e.DefaultBranch != nil || e.Visibility != "private" {
			t.Fatalf("got %s", got.body)
		}
		f.do("POST", "/projects/"+itoa(e.ID)+"/releases", devTok, `{"tag_name":"v1","ref":"main"}`).
			expect(t, 400, `{"message":"Target main is invalid"}`)
	})
	t.Run("custom default branch", func(t *testing.T) {
		got := f.do("POST", "/projects", devTok, `{"path":"trunky","initialize_with_readme":"true","default_branch":"trunk"}`)
		got.expect(t, 201, "")
		if b := got.project(t).DefaultBranch; b == nil || *b != "trunk" {
			t.Fatalf("got %s", got.body)
		}
	})
	t.Run("get", func(t *testing.T) {
		f.do("GET", "/projects/"+itoa(p.ID), devTok, "").expect(t, 200, "")
		f.do("GET", "/projects/developer%2Fmy-app", "", "").expect(t, 200, "")
		f.do("GET", "/projects/"+esc(privatePath), guestTok, "").expect(t, 200, "")
		f.do("GET", "/projects/"+esc(privatePath), outsiderTok, "").expect(t, 404, projectNF)
		f.do("GET", "/projects/"+esc(privatePath), "", "").expect(t, 404, projectNF)
		f.do("GET", "/projects/99999", devTok, "").expect(t, 404, projectNF)
		f.do("GET", "/projects/my-app", devTok, "").expect(t, 404, projectNF)
	})
	t.Run("delete", func(t *testing.T) {
		f.do("DELETE", "/projects/"+esc(privatePath), maintTok, "").expect(t, 403, forbidden403)
		f.do("DELETE", "/projects/"+esc(privatePath), "", "").expect(t, 401, unauth401)
		f.do("DELETE", "/projects/"+itoa(p.ID), devTok, "").expect(t, 202, `{"message":"202 Accepted"}`)
		f.do("GET", "/projects/"+itoa(p.ID), devTok, "").expect(t, 404, projectNF)
		f.do("GET", linksPath("developer/my-app", "v1"), devTok, "").expect(t, 404, projectNF)
		f.do("DELETE", "/projects/"+itoa(p.ID), devTok, "").expect(t, 404, projectNF)
		// The path is free again.
		f.do("POST", "/projects", devTok, `{"name":"My App"}`).expect(t, 201, "")
	})
}
