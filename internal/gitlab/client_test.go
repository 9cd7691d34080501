package gitlab

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

func TestAuthHeaders(t *testing.T) {
	tests := []struct {
		name  string
		kind  AuthKind
		token string
		want  map[string]string // header -> value; the other two must be absent
	}{
		{name: "private token", kind: AuthPrivateToken, token: testToken, want: map[string]string{"PRIVATE-TOKEN": testToken}},
		{name: "oauth", kind: AuthOAuth, token: testToken, want: map[string]string{"Authorization": "Bearer " + testToken}},
		{name: "job token", kind: AuthJobToken, token: testToken, want: map[string]string{"JOB-TOKEN": testToken}},
		{name: "no token", kind: AuthPrivateToken, token: "", want: map[string]string{}},
		{name: "no job token", kind: AuthJobToken, token: "", want: map[string]string{}},
	}
	srv, log := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) { reply(w, http.StatusOK, `{}`) })
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := fastConfig(srv.URL)
			cfg.AuthKind, cfg.Token = tc.kind, tc.token
			if _, err := mustNew(t, cfg).GetProject(testContext(t), "1"); err != nil {
				t.Fatal(err)
			}
			got := log.last(t).Header
			for _, h := range authHeaders {
				if got.Get(h) != tc.want[h] {
					t.Errorf("%s = %q, want %q", h, got.Get(h), tc.want[h])
				}
			}
		})
	}
}

func TestStandardAndExtraHeaders(t *testing.T) {
	srv, log := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) { reply(w, http.StatusCreated, `{}`) })
	cfg := fastConfig(srv.URL)
	cfg.Headers = map[string]string{
		"X-Custom":      "custom value",
		"Sudo":          "root",
		"PRIVATE-TOKEN": "attempted override",
		"Accept":        "text/html",
		"User-Agent":    "override",
	}
	c := mustNew(t, cfg)
	ctx := testContext(t)

	if _, err := c.GetProject(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	get := log.last(t).Header
	if _, err := c.CreateReleaseLink(ctx, "1", "v1", CreateReleaseLinkOptions{Name: "a", URL: "https://x"}); err != nil {
		t.Fatal(err)
	}
	post := log.last(t).Header

	want := map[string]string{
		"X-Custom":      "custom value",
		"Sudo":          "root",
		"PRIVATE-TOKEN": testToken,
		"Accept":        "application/json",
		"User-Agent":    "terraform-provider-gitlab/test",
	}
	for h, v := range want {
		if get.Get(h) != v || post.Get(h) != v {
			t.Errorf("%s = %q (GET), %q (POST); want %q", h, get.Get(h), post.Get(h), v)
		}
	}
	if ct := get.Get("Content-Type"); ct != "" {
		t.Errorf("GET sent Content-Type %q", ct)
	}
	if ct := post.Get("Content-Type"); ct != "application/json" {
		t.Errorf("POST sent Content-Type %q", ct)
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{name: "bad base URL", cfg: Config{BaseURL: "gitlab.com"}, wantErr: "not absolute"},
		{name: "auth kind", cfg: Config{BaseURL: "https://gitlab.com", AuthKind: 9}, wantErr: "auth kind 9"},
		{name: "header name", cfg: Config{BaseURL: "https://gitlab.com", Headers: map[string]string{"Bad Name": "x"}}, wantErr: `"Bad Name"`},
		{name: "header value", cfg: Config{BaseURL: "https://gitlab.com", Headers: map[string]string{"X-A": "secret\nvalue"}}, wantErr: `"X-A"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("New = %v, want an error containing %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Fatalf("error %q quotes a header value", err)
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	c := mustNew(t, Config{BaseURL: "https://gitlab.example.com/", Retries: -1})
	if c.BaseURL() != "https://gitlab.example.com/api/v4" {
		t.Errorf("BaseURL() = %q", c.BaseURL())
	}
	tc := c.traffic
	if c.retries != DefaultRetries || tc.retries != DefaultRetries || tc.waitMin != DefaultRetryWaitMin || tc.waitMax != DefaultRetryWaitMax || tc.interval != 0 {
		t.Errorf("defaults: retries %d/%d, wait %v..%v, interval %v", c.retries, tc.retries, tc.waitMin, tc.waitMax, tc.interval)
	}
	if at, ok := c.httpClient.Transport.(*attemptTransport); !ok || at.answer != DefaultAnswerTimeout {
		t.Errorf("transport %T, want an attemptTransport with the default answer timeout", c.httpClient.Transport)
	}
	if c.httpClient.Timeout != 0 {
		t.Errorf("client timeout %v; the context should govern", c.httpClient.Timeout)
	}
}

func TestNonJSONSuccess(t *testing.T) {
	srv, _ := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = fmt.Fprint(w, "<html><body>Sign in</body></html>")
	})
	_, err := mustNew(t, fastConfig(srv.URL)).GetProject(testContext(t), "1")
	if err == nil || !strings.Contains(err.Error(), "check the base URL") || !strings.Contains(err.Error(), "HTML") {
		t.Fatalf("error = %v", err)
	}
}

// TestLogNeverSeesToken runs successes, retries, errors, redirects and
// connection failures, and checks that no Log call mentions the token.
func TestLogNeverSeesToken(t *testing.T) {
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/redirect"):
			http.Redirect(w, r, "/api/v4/projects/1", http.StatusFound)
		case strings.HasSuffix(r.URL.Path, "/projects/2") && n%2 == 1:
			w.Header().Set("Retry-After", "1")
			reply(w, http.StatusTooManyRequests, "Retry later\n")
		case strings.HasSuffix(r.URL.Path, "/projects/404"):
			reply(w, http.StatusNotFound, `{"message":"404 Project Not Found"}`)
		default:
			reply(w, http.StatusOK, `{"id":1}`)
		}
	})
	closed := gitlabtest.ClosedAddress(t)

	var mu sync.Mutex
	var lines []string
	logf := func(_ context.Context, msg string, fields map[string]any) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, fmt.Sprintf("%s %v", msg, fields))
	}
	for _, kind := range []AuthKind{AuthPrivateToken, AuthOAuth, AuthJobToken} {
		for _, base := range []string{srv.URL, "http://" + closed} {
			cfg := fastConfig(base)
			cfg.AuthKind = kind
			cfg.Headers = map[string]string{"X-Extra": testToken}
			cfg.Log, cfg.Progress = logf, logf
			c := mustNew(t, cfg)
			ctx := testContext(t)
			for _, p := range []string{"1", "2", "404", "redirect"} {
				_, _ = c.GetProject(ctx, p)
			}
			_, _ = c.CreateReleaseLink(ctx, "1", "v1", CreateReleaseLinkOptions{Name: testToken, URL: "https://x/" + testToken})
			_ = c.CheckAuth(ctx)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(lines) < 20 {
		t.Fatalf("only %d log lines: %q", len(lines), lines)
	}
	all := strings.Join(lines, "\n")
	if strings.Contains(all, testToken) || strings.Contains(all, "SECRET") {
		t.Fatalf("the token reached Log:\n%s", all)
	}
	for _, want := range []string{"method:GET", "path:/projects/1", "status:200", "status:429", "attempt:2", "wait_ms:", "duration_ms:",
		"connection refused", "waiting for GitLab's rate limit", "unreachable or failing"} {
		if !strings.Contains(all, want) {
			t.Errorf("no log line contains %q:\n%s", want, all)
		}
	}
}

// TestConnectionsAreReused checks that consecutive calls share one keep-alive connection, which matters on
// GitLab.com where a new TLS handshake per link would dominate a large apply.
func TestConnectionsAreReused(t *testing.T) {
	var mu sync.Mutex
	newConns := 0
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":1,"name":"a","url":"https://x/a","direct_asset_url":"https://x/a","link_type":"other"}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			mu.Lock()
			newConns++
			mu.Unlock()
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c, err := New(Config{BaseURL: srv.URL, Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		if _, err := c.GetReleaseLink(t.Context(), "g/p", "v1", 1); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if newConns != 1 {
		t.Fatalf("10 calls opened %d connections, want 1", newConns)
	}
}

// TestAuthAutoFallsBackToBearer: a token of unknown kind goes as PRIVATE-TOKEN until GitLab answers 401, then as
// a Bearer token for the rest of the client's life; a personal token never pays for the fallback.
func TestAuthAutoFallsBackToBearer(t *testing.T) {
	for _, tc := range []struct {
		name, accept string
		wantSeen     []string
		wantErr      bool
	}{
		{"personal token", "PRIVATE-TOKEN", []string{"PRIVATE-TOKEN", "PRIVATE-TOKEN", "PRIVATE-TOKEN"}, false},
		{"OAuth token", "Bearer", []string{"PRIVATE-TOKEN", "Bearer", "Bearer", "Bearer"}, false},
		{"bad token", "nothing", []string{"PRIVATE-TOKEN", "Bearer"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var seen []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got := "PRIVATE-TOKEN"
				if r.Header.Get("Authorization") == "Bearer "+testToken {
					got = "Bearer"
				}
				mu.Lock()
				seen = append(seen, got)
				mu.Unlock()
				if got != tc.accept {
					w.WriteHeader(http.StatusUnauthorized)
					_, _ = w.Write([]byte(`{"message":"401 Unauthorized"}`))
					return
				}
				_, _ = w.Write([]byte(`{"id":1,"name":"a","url":"https://x/a","direct_asset_url":"https://x/a","link_type":"other"}`))
			}))
			t.Cleanup(srv.Close)
			c, err := New(Config{BaseURL: srv.URL, Token: testToken, AuthKind: AuthAuto})
			if err != nil {
				t.Fatal(err)
			}
			calls := 3
			if tc.wantErr {
				calls = 1
			}
			for range calls {
				_, err = c.GetReleaseLink(t.Context(), "g/p", "v1", 1)
			}
			if (err != nil) != tc.wantErr || !HasStatus(err, http.StatusUnauthorized) && tc.wantErr {
				t.Fatalf("error = %v, want error %v", err, tc.wantErr)
			}
			mu.Lock()
			defer mu.Unlock()
			if strings.Join(seen, " ") != strings.Join(tc.wantSeen, " ") {
				t.Fatalf("sent %v, want %v", seen, tc.wantSeen)
			}
		})
	}
}
