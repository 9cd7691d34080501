package gitlabtest_test

import (
	"io"
	"maps"
	"net/http"
	"testing"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// TestTokenHeaders: each way of presenting a token (GITLAB.md §3b, §5) is counted under its own key, valid or
// not, on every request that arrives; other Authorization schemes and empty values are not token presentations.
func TestTokenHeaders(t *testing.T) {
	f := newFixture(t)
	list := linksPath(privatePath, defaultTag)
	tests := []struct {
		name   string
		rq     request
		want   map[string]int
		header string // a header name HeaderSeen must report once
	}{
		{"PRIVATE-TOKEN", request{method: "GET", path: list, header: map[string]string{"PRIVATE-TOKEN": devTok}},
			map[string]int{"PRIVATE-TOKEN": 1}, "private-token"},
		{"Bearer", request{method: "GET", path: list, header: map[string]string{"Authorization": "Bearer " + devTok}},
			map[string]int{"Authorization": 1}, "Authorization"},
		{"lower-case bearer scheme", request{method: "GET", path: list, header: map[string]string{"Authorization": "bearer " + oauthTok}},
			map[string]int{"Authorization": 1}, "AUTHORIZATION"},
		{"Basic is no token", request{method: "GET", path: list, header: map[string]string{"Authorization": "Basic dTpw"}},
			nil, "Authorization"},
		{"JOB-TOKEN", request{method: "GET", path: list, header: map[string]string{"JOB-TOKEN": jobTok}},
			map[string]int{"JOB-TOKEN": 1}, "Job-Token"},
		{"private_token query", request{method: "GET", path: list + "?private_token=" + devTok},
			map[string]int{"private_token": 1}, ""},
		{"access_token query", request{method: "GET", path: list + "?access_token=" + oauthTok},
			map[string]int{"access_token": 1}, ""},
		{"job_token JSON body", request{method: "POST", path: list, body: `{"job_token":"` + jobTok + `","name":"j","url":"https://j.io"}`},
			map[string]int{"job_token": 1}, "Content-Type"},
		{"empty header value", request{method: "GET", path: list, header: map[string]string{"PRIVATE-TOKEN": ""}},
			nil, "PRIVATE-TOKEN"},
		{"unknown token counts", request{method: "GET", path: list, header: map[string]string{"PRIVATE-TOKEN": "nope"}},
			map[string]int{"PRIVATE-TOKEN": 1}, ""},
		{"two ways at once", request{method: "GET", path: list + "?private_token=" + devTok,
			header: map[string]string{"PRIVATE-TOKEN": devTok, "Authorization": "Bearer " + devTok}},
			map[string]int{"PRIVATE-TOKEN": 1, "Authorization": 1, "private_token": 1}, ""},
		{"unmatched route", request{method: "GET", path: "/nothing", header: map[string]string{"JOB-TOKEN": jobTok}},
			map[string]int{"JOB-TOKEN": 1}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.srv.ResetRequestCounts()
			f.send(tc.rq)
			if got := f.srv.TokenHeaders(); !maps.Equal(got, tc.want) {
				t.Fatalf("TokenHeaders = %v, want %v", got, tc.want)
			}
			if tc.header != "" && f.srv.HeaderSeen(tc.header) != 1 {
				t.Fatalf("HeaderSeen(%q) = %d, want 1", tc.header, f.srv.HeaderSeen(tc.header))
			}
		})
	}

	t.Run("faulted requests count and reset clears", func(t *testing.T) {
		f.srv.ResetRequestCounts()
		f.srv.AddFaults(gitlabtest.Fault{Kind: gitlabtest.FaultBadGateway})
		f.do("GET", list, devTok, "").expect(t, 502, "")
		f.do("GET", list, devTok, "").expect(t, 200, "")
		if got := f.srv.TokenHeaders()["PRIVATE-TOKEN"]; got != 2 {
			t.Fatalf("PRIVATE-TOKEN counted %d times, want 2", got)
		}
		if got := f.srv.HeaderSeen("Private-Token"); got != 2 {
			t.Fatalf("HeaderSeen = %d, want 2", got)
		}
		f.srv.ResetRequestCounts()
		if len(f.srv.TokenHeaders()) != 0 || f.srv.HeaderSeen("Private-Token") != 0 {
			t.Fatalf("not reset: %v", f.srv.TokenHeaders())
		}
	})
}

// TestConnections counts the TCP connections the emulator accepts: requests over one kept-alive connection count
// once, a client that closes its connections counts each.
func TestConnections(t *testing.T) {
	srv := gitlabtest.NewServer()
	t.Cleanup(srv.Close)
	get := func(client *http.Client) {
		t.Helper()
		resp, err := client.Get(srv.URL() + "/api/v4/projects/1")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}
	kept := &http.Client{Transport: &http.Transport{}}
	get(kept)
	get(kept)
	if n := srv.Connections(); n != 1 {
		t.Fatalf("two requests over one kept-alive connection counted %d connections, want 1", n)
	}
	closing := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	get(closing)
	get(closing)
	if n := srv.Connections(); n != 3 {
		t.Fatalf("two more requests without keep-alive made %d connections in all, want 3", n)
	}
}
