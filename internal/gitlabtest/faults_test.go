package gitlabtest_test

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// TestRequestCounting: every request counts under its route template, unmatched ones under "METHOD *", faulted
// ones included.
func TestRequestCounting(t *testing.T) {
	f := newFixture(t)
	f.srv.ResetRequestCounts()
	l := f.addLink(privatePath, defaultTag, gitlabtest.Link{Name: "a", URL: exampleURL})
	f.do("GET", linksPath(privatePath, defaultTag), devTok, "")
	f.do("GET", linkPath(privatePath, defaultTag, l.ID), devTok, "")
	f.do("GET", linkPath(privatePath, defaultTag, l.ID)+".json", devTok, "")
	f.do("PUT", linkPath(privatePath, defaultTag, l.ID), devTok, `{"name":"b"}`)
	f.do("DELETE", linksPath(privatePath, defaultTag), devTok, "")
	f.do("GET", "/nothing", devTok, "")
	f.srv.AddFaults(gitlabtest.Fault{Kind: gitlabtest.FaultBadGateway})
	f.do("POST", linksPath(privatePath, defaultTag), devTok, `{"name":"c","url":"https://c.io"}`).expect(t, 502, "")
	f.do("GET", "/user", devTok, "")

	want := map[string]int{
		"GET " + gitlabtest.RouteLinks:  1,
		"GET " + gitlabtest.RouteLink:   2,
		"PUT " + gitlabtest.RouteLink:   1,
		"POST " + gitlabtest.RouteLinks: 1,
		"DELETE *":                      1,
		"GET *":                         1,
		"GET " + gitlabtest.RouteUser:   1,
	}
	got := f.srv.RequestCounts()
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d, want %d (all: %v)", k, got[k], n, got)
		}
	}
	if n := f.srv.RequestCount("GET", "/projects/:id/releases/:tag_name/assets/links/:link_id"); n != 2 {
		t.Errorf("RequestCount = %d", n)
	}
	f.srv.ResetRequestCounts()
	if len(f.srv.RequestCounts()) != 0 {
		t.Fatal("counts not reset")
	}
}

// TestLatency: SetLatency delays every request.
func TestLatency(t *testing.T) {
	f := newFixture(t)
	f.srv.SetLatency(150 * time.Millisecond)
	start := time.Now()
	f.do("GET", "/user", devTok, "").expect(t, 200, "")
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Fatalf("took %v", d)
	}
	f.srv.SetLatency(0)
}

// noKeepAlive sends one request on a fresh connection, so a dropped connection is not silently retried by the
// transport (it retries idempotent requests that failed on a reused connection).
func noKeepAlive(f *fixture, method, path, body string) (int, error) {
	req, _ := http.NewRequest(method, f.srv.URL()+"/api/v4"+path, strings.NewReader(body))
	req.Header.Set("PRIVATE-TOKEN", devTok)
	req.Header.Set("Content-Type", jsonType)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// TestFaults covers each fault kind, whether the request was processed, matching and consumption.
func TestFaults(t *testing.T) {
	f := newFixture(t)
	list := linksPath(privatePath, defaultTag)
	tests := []struct {
		kind      gitlabtest.FaultKind
		status    int // 0 = connection dropped
		committed bool
	}{
		{gitlabtest.FaultRateLimit, 429, false},
		{gitlabtest.FaultBadGateway, 502, false},
		{gitlabtest.FaultCommitThenBadGateway, 502, true},
		{gitlabtest.FaultDropConnection, 0, false},
		{gitlabtest.FaultCommitThenDrop, 0, true},
		{gitlabtest.FaultReset, 0, false},
		{gitlabtest.FaultInternalError, 500, false},
	}
	for i, tc := range tests {
		t.Run(strconv.Itoa(int(tc.kind)), func(t *testing.T) {
			name := "fault-" + strconv.Itoa(i)
			before := f.srv.FaultsInjected()
			f.srv.AddFaults(gitlabtest.Fault{Method: "POST", Route: gitlabtest.RouteLinks, Kind: tc.kind})
			status, err := noKeepAlive(f, "POST", list, `{"name":"`+name+`","url":"https://`+name+`.io"}`)
			if tc.status == 0 && err == nil {
				t.Fatalf("got status %d, want a dropped connection", status)
			}
			if tc.status != 0 && status != tc.status {
				t.Fatalf("status %d (%v), want %d", status, err, tc.status)
			}
			stored := false
			for _, l := range f.srv.Links(privatePath, defaultTag) {
				stored = stored || l.Name == name
			}
			if stored != tc.committed {
				t.Fatalf("committed = %v, want %v", stored, tc.committed)
			}
			if f.srv.FaultsInjected() != before+1 {
				t.Fatal("FaultsInjected not incremented")
			}
			// One-shot: the next request goes through.
			f.do("GET", list, devTok, "").expect(t, 200, "")
		})
	}

	t.Run("internal error answer", func(t *testing.T) {
		f.srv.AddFaults(gitlabtest.Fault{Kind: gitlabtest.FaultInternalError})
		// GITLAB.md §3e.
		f.do("GET", list, devTok, "").expect(t, 500, `{"message":"500 Internal Server Error"}`)
	})

	t.Run("rate limit answer", func(t *testing.T) {
		f.srv.AddFaults(gitlabtest.Fault{Kind: gitlabtest.FaultRateLimit, RetryAfter: 7})
		got := f.do("GET", list, devTok, "")
		got.expect(t, 429, "Retry later\n")
		h := got.header
		// GITLAB.md §6.1, with GitLab.com's 2000 requests per minute as the throttle that tripped.
		if h.Get("Content-Type") != "text/plain" || h.Get("Retry-After") != "7" || h.Get("RateLimit-Name") != "throttle_authenticated_api" ||
			h.Get("RateLimit-Limit") != "2000" || h.Get("RateLimit-Observed") != "2001" || h.Get("RateLimit-Remaining") != "0" {
			t.Fatalf("headers %v", h)
		}
		reset, err := strconv.ParseInt(h.Get("RateLimit-Reset"), 10, 64)
		if err != nil || reset < time.Now().Unix()+5 || reset > time.Now().Unix()+8 {
			t.Fatalf("RateLimit-Reset %q", h.Get("RateLimit-Reset"))
		}
		if _, err := http.ParseTime(h.Get("RateLimit-ResetTime")); err != nil {
			t.Fatalf("RateLimit-ResetTime %q", h.Get("RateLimit-ResetTime"))
		}
	})
	t.Run("matching and order", func(t *testing.T) {
		f.srv.AddFaults(
			gitlabtest.Fault{Method: "DELETE", Kind: gitlabtest.FaultBadGateway},
			gitlabtest.Fault{Route: gitlabtest.RouteUser, Kind: gitlabtest.FaultRateLimit},
			gitlabtest.Fault{Route: gitlabtest.RouteUser, Kind: gitlabtest.FaultBadGateway},
		)
		f.do("GET", list, devTok, "").expect(t, 200, "")
		f.do("GET", "/user", devTok, "").expect(t, 429, "")
		f.do("GET", "/user", devTok, "").expect(t, 502, "")
		f.do("GET", "/user", devTok, "").expect(t, 200, "")
		f.do("DELETE", "/nothing", devTok, "").expect(t, 502, "")
		f.do("DELETE", "/nothing", devTok, "").expect(t, 404, catchAllBody)
	})
}

// TestRandomFaults: the same seed gives the same faults for the same sequence of requests; probability 0 is off.
func TestRandomFaults(t *testing.T) {
	f := newFixture(t)
	run := func() string {
		f.srv.SetRandomFaults(42, 0.5, gitlabtest.FaultRateLimit, gitlabtest.FaultBadGateway)
		var codes []string
		for i := 0; i < 30; i++ {
			codes = append(codes, strconv.Itoa(f.do("GET", "/user", devTok, "").status))
		}
		return strings.Join(codes, ",")
	}
	before := f.srv.FaultsInjected()
	first, second := run(), run()
	if first != second {
		t.Fatalf("not deterministic:\n%s\n%s", first, second)
	}
	if !strings.Contains(first, "200") || !strings.Contains(first, "429") || !strings.Contains(first, "502") {
		t.Fatalf("unexpected mix: %s", first)
	}
	if f.srv.FaultsInjected() == before {
		t.Fatal("no faults counted")
	}
	f.srv.SetRandomFaults(42, 0)
	for i := 0; i < 20; i++ {
		f.do("GET", "/user", devTok, "").expect(t, 200, "")
	}
}

// TestParallel hammers the emulator from many goroutines; run with -race.
func TestParallel(t *testing.T) {
	f := newFixture(t)
	f.srv.SetLatency(time.Millisecond)
	f.srv.SetRandomFaults(7, 0.1, gitlabtest.FaultRateLimit)
	const n = 40
	var wg sync.WaitGroup
	created := make([]int, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			name := "par-" + strconv.Itoa(i)
			for attempt := 0; attempt < 20 && created[i] != 201; attempt++ {
				created[i] = f.do("POST", linksPath(privatePath, defaultTag), devTok,
					`{"name":"`+name+`","url":"https://par.io/`+name+`"}`).status
			}
			f.do("GET", linksPath(privatePath, defaultTag)+"?per_page=100", devTok, "")
			f.srv.RequestCounts()
			f.srv.Links(privatePath, defaultTag)
		}(i)
	}
	wg.Wait()
	f.srv.SetRandomFaults(0, 0)
	for i, code := range created {
		if code != 201 {
			t.Errorf("link %d: last status %d", i, code)
		}
	}
	links := f.srv.Links(privatePath, defaultTag)
	if len(links) != n {
		t.Fatalf("%d links, want %d", len(links), n)
	}
	seen := map[int64]bool{}
	for _, l := range links {
		if seen[l.ID] {
			t.Fatalf("duplicate id %d", l.ID)
		}
		seen[l.ID] = true
	}
}
