package gitlabtest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// rateLimited returns a fixture throttled to limit requests per hour, started away from a window boundary so that
// no window ends during the test (windows are aligned to the epoch, GITLAB.md §6).
func rateLimited(t *testing.T, limit int, mode gitlabtest.RateLimitMode) *fixture {
	t.Helper()
	if left := time.Hour - time.Duration(time.Now().UnixNano())%time.Hour; left < 10*time.Second {
		time.Sleep(left)
	}
	f := newFixture(t)
	f.srv.SetRateLimit(limit, time.Hour, mode)
	return f
}

// TestRateLimitCounting covers GITLAB.md §6 "Counting": every request in the window counts, throttled ones
// included, and a throttled request is refused unprocessed but still appears in RequestCounts.
func TestRateLimitCounting(t *testing.T) {
	f := rateLimited(t, 2, gitlabtest.RateLimitHeadersOn429)
	list := linksPath(privatePath, defaultTag)
	f.srv.ResetRequestCounts()

	f.do("POST", list, devTok, `{"name":"a","url":"https://a.io"}`).expect(t, 201, "")
	f.do("POST", list, devTok, `{"name":"b","url":"https://b.io"}`).expect(t, 201, "")
	f.do("POST", list, devTok, `{"name":"c","url":"https://c.io"}`).expect(t, 429, "Retry later\n")
	got := f.do("GET", list, devTok, "")
	got.expect(t, 429, "Retry later\n")
	if obs := got.header.Get("RateLimit-Observed"); obs != "4" {
		t.Fatalf("RateLimit-Observed %q, want 4: throttled requests count too", obs)
	}
	if n := len(f.srv.Links(privatePath, defaultTag)); n != 2 {
		t.Fatalf("%d links stored, want 2: a throttled request is not processed", n)
	}
	if f.srv.ThrottledRequests() != 2 || f.srv.RequestCount("POST", gitlabtest.RouteLinks) != 3 ||
		f.srv.RequestCount("GET", gitlabtest.RouteLinks) != 1 {
		t.Fatalf("ThrottledRequests %d, counts %v", f.srv.ThrottledRequests(), f.srv.RequestCounts())
	}
	f.srv.ResetRequestCounts()
	if f.srv.ThrottledRequests() != 0 {
		t.Fatal("ThrottledRequests not reset")
	}
	f.srv.SetRateLimit(0, 0, gitlabtest.RateLimitHeadersOn429)
	f.do("GET", list, devTok, "").expect(t, 200, "")
}

// TestRateLimitDiscriminators: authenticated requests are counted per user (any valid token of the user), the
// others per client IP under throttle_unauthenticated_api; an invalid token counts as unauthenticated.
func TestRateLimitDiscriminators(t *testing.T) {
	f := rateLimited(t, 1, gitlabtest.RateLimitHeadersAlways)
	list := linksPath(publicPath, defaultTag)
	tests := []struct {
		name   string
		header map[string]string
		status int
		limit  string // RateLimit-Name
	}{
		{"developer", map[string]string{"PRIVATE-TOKEN": devTok}, 200, "throttle_authenticated_api"},
		{"developer again", map[string]string{"PRIVATE-TOKEN": devTok}, 429, "throttle_authenticated_api"},
		{"developer's job token", map[string]string{"JOB-TOKEN": jobTok}, 429, "throttle_authenticated_api"},
		{"developer's OAuth token", map[string]string{"Authorization": "Bearer " + oauthTok}, 429, "throttle_authenticated_api"},
		{"another user", map[string]string{"PRIVATE-TOKEN": ownerTok}, 200, "throttle_authenticated_api"},
		{"anonymous", nil, 200, "throttle_unauthenticated_api"},
		{"anonymous again", nil, 429, "throttle_unauthenticated_api"},
		{"expired token is anonymous", map[string]string{"PRIVATE-TOKEN": expiredTok}, 429, "throttle_unauthenticated_api"},
		{"unknown token is anonymous", map[string]string{"PRIVATE-TOKEN": "nope"}, 429, "throttle_unauthenticated_api"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := f.send(request{method: "GET", path: list, header: tc.header})
			got.expect(t, tc.status, "")
			if name := got.header.Get("RateLimit-Name"); name != tc.limit {
				t.Fatalf("RateLimit-Name %q, want %q", name, tc.limit)
			}
		})
	}
}

// TestRateLimitModes: which answers carry which headers in each mode (GITLAB.md §6 "Headers").
func TestRateLimitModes(t *testing.T) {
	common := []string{"RateLimit-Name", "RateLimit-Limit", "RateLimit-Observed", "RateLimit-Remaining", "RateLimit-Reset"}
	onlyOn429 := []string{"Retry-After", "RateLimit-ResetTime"}
	tests := []struct {
		name            string
		mode            gitlabtest.RateLimitMode
		okHeaders       bool // common headers on the answers that were let through
		throttleHeaders bool // common and 429-only headers on the 429
	}{
		{"headers on 429", gitlabtest.RateLimitHeadersOn429, false, true},
		{"bare 429", gitlabtest.RateLimitBare429, false, false},
		{"headers always", gitlabtest.RateLimitHeadersAlways, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := rateLimited(t, 2, tc.mode)
			ok := f.do("GET", linksPath(privatePath, defaultTag), devTok, "")
			ok.expect(t, 200, "[]")
			notFound := f.do("GET", "/nothing", devTok, "") // Rack::Attack runs before routing
			notFound.expect(t, 404, catchAllBody)
			throttled := f.do("GET", "/user", devTok, "")
			throttled.expect(t, 429, "Retry later\n")
			if ct := throttled.header.Get("Content-Type"); ct != "text/plain" {
				t.Fatalf("429 Content-Type %q", ct)
			}
			checkHeaders(t, ok.header, common, tc.okHeaders)
			checkHeaders(t, notFound.header, common, tc.okHeaders)
			checkHeaders(t, ok.header, onlyOn429, false)
			checkHeaders(t, throttled.header, common, tc.throttleHeaders)
			checkHeaders(t, throttled.header, onlyOn429, tc.throttleHeaders)
		})
	}
}

func checkHeaders(t *testing.T, h http.Header, names []string, present bool) {
	t.Helper()
	for _, name := range names {
		if got := h.Get(name) != ""; got != present {
			t.Errorf("%s present = %v, want %v (%v)", name, got, present, h)
		}
	}
}

// TestRateLimitAndFaults: faults that act in front of GitLab, outages and paths outside /api/ never reach the
// throttle; a commit-then-fail fault goes through it and replaces its 429.
func TestRateLimitAndFaults(t *testing.T) {
	f := rateLimited(t, 1, gitlabtest.RateLimitHeadersAlways)
	list := linksPath(privatePath, defaultTag)

	f.srv.AddFaults(gitlabtest.Fault{Kind: gitlabtest.FaultBadGateway}, gitlabtest.Fault{Kind: gitlabtest.FaultReset})
	f.do("GET", list, devTok, "").expect(t, 502, "")
	if _, err := noKeepAlive(f, "GET", list, ""); err == nil {
		t.Fatal("the reset fault answered")
	}
	f.srv.SetOutage(time.Now().Add(time.Hour))
	if _, err := noKeepAlive(f, "GET", list, ""); err == nil {
		t.Fatal("answered during the outage")
	}
	f.srv.SetOutage(time.Time{})
	resp, err := http.Get(f.srv.URL() + "/health")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()

	got := f.do("GET", list, devTok, "")
	got.expect(t, 200, "[]")
	if obs := got.header.Get("RateLimit-Observed"); obs != "1" {
		t.Fatalf("RateLimit-Observed %q, want 1: nothing before reached the throttle", obs)
	}

	f.srv.AddFaults(gitlabtest.Fault{Kind: gitlabtest.FaultCommitThenBadGateway})
	f.do("POST", list, devTok, `{"name":"late","url":"https://late.io"}`).expect(t, 502, "")
	if f.srv.ThrottledRequests() != 1 || len(f.srv.Links(privatePath, defaultTag)) != 0 {
		t.Fatalf("ThrottledRequests %d, links %v", f.srv.ThrottledRequests(), f.srv.Links(privatePath, defaultTag))
	}
}
