package gitlabtest_test

import (
	"net/http"
	"testing"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

const (
	expiredBody = `{"error":"invalid_token","error_description":"Token is expired. You can either do re-authorization or token refresh."}`
	revokedBody = `{"error":"invalid_token","error_description":"Token was revoked. You have to re-authorize from the user."}`
	scopeBody   = `{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api"}`
)

// TestAuthentication covers the §3b table: where tokens may be sent, and the failure bodies.
func TestAuthentication(t *testing.T) {
	f := newFixture(t)
	l := f.addLink(privatePath, defaultTag, gitlabtest.Link{Name: "a", URL: exampleURL})
	list := linksPath(privatePath, defaultTag)
	item := linkPath(privatePath, defaultTag, l.ID)
	put := `{"name":"a"}`

	tests := []struct {
		name         string
		method, path string
		header       map[string]string
		body         string
		status       int
		want         string
	}{
		{"PRIVATE-TOKEN", "GET", list, map[string]string{"PRIVATE-TOKEN": devTok}, "", 200, ""},
		{"private_token param", "GET", list + "?private_token=" + devTok, nil, "", 200, ""},
		{"Bearer PAT", "GET", list, map[string]string{"Authorization": "Bearer " + devTok}, "", 200, ""},
		{"Bearer OAuth", "GET", list, map[string]string{"Authorization": "Bearer " + oauthTok}, "", 200, ""},
		{"OAuth as PRIVATE-TOKEN", "GET", list, map[string]string{"PRIVATE-TOKEN": oauthTok}, "", 401, unauth401},
		{"JOB-TOKEN", "GET", list, map[string]string{"JOB-TOKEN": jobTok}, "", 200, ""},
		{"job_token param", "GET", list + "?job_token=" + jobTok, nil, "", 200, ""},
		{"JOB-TOKEN write", "PUT", item, map[string]string{"JOB-TOKEN": jobTok}, put, 200, ""},
		{"job token as Bearer", "GET", list, map[string]string{"Authorization": "Bearer " + jobTok}, "", 200, ""},
		{"job token of a finished job", "GET", list, map[string]string{"JOB-TOKEN": doneJobTok}, "", 401, unauth401},
		{"unknown job token", "GET", list, map[string]string{"JOB-TOKEN": "nope"}, "", 401, unauth401},
		{"job token of a non-member", "GET", list, map[string]string{"JOB-TOKEN": outsiderJob}, "", 404, projectNF},
		{"unknown PAT", "GET", list, map[string]string{"PRIVATE-TOKEN": "nope"}, "", 401, unauth401},
		{"unknown Bearer", "GET", list, map[string]string{"Authorization": "Bearer nope"}, "", 401, unauth401},
		{"job token as PRIVATE-TOKEN", "GET", list, map[string]string{"PRIVATE-TOKEN": jobTok}, "", 401, unauth401},
		{"expired", "GET", list, map[string]string{"PRIVATE-TOKEN": expiredTok}, "", 401, expiredBody},
		{"revoked", "DELETE", item, map[string]string{"PRIVATE-TOKEN": revokedTok}, "", 401, revokedBody},
		{"read_api GET", "GET", item, map[string]string{"PRIVATE-TOKEN": readAPITok}, "", 200, ""},
		{"read_api POST", "POST", list, map[string]string{"PRIVATE-TOKEN": readAPITok}, `{"name":"b","url":"https://b.io"}`, 403, scopeBody},
		{"read_api PUT", "PUT", item, map[string]string{"PRIVATE-TOKEN": readAPITok}, put, 403, scopeBody},
		{"read_api DELETE", "DELETE", item, map[string]string{"PRIVATE-TOKEN": readAPITok}, "", 403, scopeBody},
		{"no token private GET", "GET", list, nil, "", 404, projectNF},
		{"no token private POST", "POST", list, nil, `{"name":"b","url":"https://b.io"}`, 404, projectNF},
		{"no token public GET", "GET", linksPath(publicPath, defaultTag), nil, "", 200, "[]"},
		{"no token public POST", "POST", linksPath(publicPath, defaultTag), nil, `{"name":"b","url":"https://b.io"}`, 403, forbidden403},
		{"no token public PUT", "PUT", linkPath(publicPath, defaultTag, 1), nil, put, 404, notFoundMsg},
		{"no token public missing release", "GET", linksPath(publicPath, "v9"), nil, "", 404, notFoundMsg},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := f.send(request{method: tc.method, path: tc.path, header: tc.header, body: tc.body})
			got.expect(t, tc.status, tc.want)
		})
	}

	t.Run("expired has WWW-Authenticate", func(t *testing.T) {
		got := f.do("GET", list, expiredTok, "")
		want := `Bearer realm="Protected by OAuth 2.0", error="invalid_token", error_description="Token is expired. You can either do re-authorization or token refresh."`
		if got.header.Get("WWW-Authenticate") != want {
			t.Fatalf("WWW-Authenticate %q", got.header.Get("WWW-Authenticate"))
		}
	})
	t.Run("no token public PUT and DELETE are 403", func(t *testing.T) {
		pl := f.addLink(publicPath, defaultTag, gitlabtest.Link{Name: "p", URL: exampleURL})
		f.do("PUT", linkPath(publicPath, defaultTag, pl.ID), "", put).expect(t, 403, forbidden403)
		f.do("DELETE", linkPath(publicPath, defaultTag, pl.ID), "", "").expect(t, 403, forbidden403)
		f.do("GET", linkPath(publicPath, defaultTag, pl.ID), "", "").expect(t, 200, "")
	})
}

// TestRoles covers §3c: guests and reporters read, developers and up write, non-members of a private project
// see 404 and non-members of a public project may read only.
func TestRoles(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		token     string
		project   string
		readCode  int
		writeCode int
	}{
		{guestTok, privatePath, 200, 403},
		{reporterTok, privatePath, 200, 403},
		{devTok, privatePath, 200, 0},
		{maintTok, privatePath, 200, 0},
		{ownerTok, privatePath, 200, 0},
		{outsiderTok, privatePath, 404, 404},
		{outsiderTok, publicPath, 200, 403},
		{reporterTok, publicPath, 200, 403},
		{devTok, publicPath, 200, 0},
	}
	for i, tc := range tests {
		t.Run(tc.token+" on "+tc.project, func(t *testing.T) {
			seed := f.addLink(tc.project, defaultTag, gitlabtest.Link{Name: "seed-" + itoa(int64(i)), URL: "https://seed.io/" + itoa(int64(i))})
			item := linkPath(tc.project, defaultTag, seed.ID)
			f.do("GET", linksPath(tc.project, defaultTag), tc.token, "").expect(t, tc.readCode, "")
			f.do("GET", item, tc.token, "").expect(t, tc.readCode, "")

			create := string(mustJSON(map[string]string{"name": "new-" + itoa(int64(i)), "url": "https://new.io/" + itoa(int64(i))}))
			wantCreate, wantUpdate, wantDelete := tc.writeCode, tc.writeCode, tc.writeCode
			if tc.writeCode == 0 {
				wantCreate, wantUpdate, wantDelete = http.StatusCreated, http.StatusOK, http.StatusOK
			}
			f.do("POST", linksPath(tc.project, defaultTag), tc.token, create).expect(t, wantCreate, "")
			f.do("PUT", item, tc.token, `{"name":"upd-`+itoa(int64(i))+`"}`).expect(t, wantUpdate, "")
			f.do("DELETE", item, tc.token, "").expect(t, wantDelete, "")
		})
	}
}

// TestUserAndJob covers GET /user and GET /job, used by the provider to check credentials.
func TestUserAndJob(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, path string
		header     map[string]string
		status     int
		want       string
	}{
		{"user with PAT", "/user", map[string]string{"PRIVATE-TOKEN": devTok}, 200, ""},
		{"user with Bearer OAuth", "/user", map[string]string{"Authorization": "Bearer " + oauthTok}, 200, ""},
		{"user with read_api", "/user", map[string]string{"PRIVATE-TOKEN": readAPITok}, 200, ""},
		{"user without token", "/user", nil, 401, unauth401},
		{"user with bad token", "/user", map[string]string{"PRIVATE-TOKEN": "nope"}, 401, unauth401},
		{"user with job token", "/user", map[string]string{"JOB-TOKEN": jobTok}, 401, unauth401},
		{"user with expired token", "/user", map[string]string{"PRIVATE-TOKEN": expiredTok}, 401, expiredBody},
		{"job with job token", "/job", map[string]string{"JOB-TOKEN": jobTok}, 200, ""},
		{"job with job_token param", "/job?job_token=" + jobTok, nil, 200, ""},
		{"job of a finished job", "/job", map[string]string{"JOB-TOKEN": doneJobTok}, 401, unauth401},
		{"job with PAT", "/job", map[string]string{"PRIVATE-TOKEN": devTok}, 401, unauth401},
		{"job without token", "/job", nil, 401, unauth401},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.send(request{method: "GET", path: tc.path, header: tc.header}).expect(t, tc.status, tc.want)
		})
	}
	t.Run("user body", func(t *testing.T) {
		got := f.do("GET", "/user", devTok, "")
		if !containsAll(got.body, `{"id":`, `"username":"developer"`, `"name":"developer"`) {
			t.Fatalf("got %s", got.body)
		}
	})
	t.Run("job body", func(t *testing.T) {
		got := f.send(request{method: "GET", path: "/job", header: map[string]string{"JOB-TOKEN": jobTok}})
		if !containsAll(got.body, `{"id":`, `"status":"running"`, `"user":{"id":`, `"username":"developer"`) {
			t.Fatalf("got %s", got.body)
		}
	})
}
