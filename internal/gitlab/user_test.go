package gitlab

import (
	"net/http"
	"testing"
)

func TestCheckAuth(t *testing.T) {
	tests := []struct {
		name     string
		kind     AuthKind
		token    string
		status   int
		wantPath string // "" for no request
		wantErr  bool
	}{
		{name: "private token", kind: AuthPrivateToken, token: testToken, status: 200, wantPath: "/api/v4/user"},
		{name: "oauth", kind: AuthOAuth, token: testToken, status: 200, wantPath: "/api/v4/user"},
		{name: "job token", kind: AuthJobToken, token: testToken, status: 200, wantPath: "/api/v4/job"},
		{name: "bad token", kind: AuthPrivateToken, token: testToken, status: 401, wantPath: "/api/v4/user", wantErr: true},
		{name: "no token", kind: AuthPrivateToken, token: "", status: 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, log := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				reply(w, tc.status, map[int]string{200: `{"id":1}`, 401: `{"message":"401 Unauthorized"}`}[tc.status])
			})
			cfg := fastConfig(srv.URL)
			cfg.AuthKind, cfg.Token = tc.kind, tc.token
			err := mustNew(t, cfg).CheckAuth(testContext(t))
			if (err != nil) != tc.wantErr || (tc.wantErr && !HasStatus(err, 401)) {
				t.Fatalf("CheckAuth = %v", err)
			}
			if tc.wantPath == "" {
				if log.count() != 0 {
					t.Fatalf("sent %d requests without a token", log.count())
				}
				return
			}
			if got := log.last(t); got.Method != "GET" || got.RequestURI != tc.wantPath || log.count() != 1 {
				t.Fatalf("sent %s %s (%d requests), want GET %s", got.Method, got.RequestURI, log.count(), tc.wantPath)
			}
		})
	}
}

func TestCurrentUser(t *testing.T) {
	srv, log := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		reply(w, http.StatusOK, `{"id":5,"username":"alice","name":"Alice A","state":"active"}`)
	})
	u, err := mustNew(t, fastConfig(srv.URL)).CurrentUser(testContext(t))
	if err != nil || *u != (User{ID: 5, Username: "alice", Name: "Alice A"}) || log.last(t).RequestURI != "/api/v4/user" {
		t.Fatalf("got %+v, %v", u, err)
	}
}
