package gitlabtest_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// TestFaultHang: a hung request gets no answer and is not processed, the rest of the server keeps working, and
// the request is released when the client gives up.
func TestFaultHang(t *testing.T) {
	f := newFixture(t)
	list := linksPath(privatePath, defaultTag)
	f.srv.AddFaults(gitlabtest.Fault{Method: "POST", Kind: gitlabtest.FaultHang})

	client := &http.Client{Timeout: 300 * time.Millisecond, Transport: &http.Transport{DisableKeepAlives: true}}
	req, _ := http.NewRequest("POST", f.srv.URL()+"/api/v4"+list, strings.NewReader(`{"name":"hung","url":"https://hung.io"}`))
	req.Header.Set("PRIVATE-TOKEN", devTok)
	req.Header.Set("Content-Type", jsonType)
	start := time.Now()
	resp, err := client.Do(req)
	if err == nil {
		_ = resp.Body.Close()
		t.Fatalf("got status %d, want no answer", resp.StatusCode)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Fatalf("gave up after %v, before the client timeout", d)
	}
	f.do("GET", list, devTok, "").expect(t, 200, "[]")
	if len(f.srv.Links(privatePath, defaultTag)) != 0 || f.srv.FaultsInjected() != 1 {
		t.Fatalf("hung request processed, or not counted as a fault")
	}
}

// TestHungRequestsAreReleased: a hung request ends when its client gives up or when Close is called, so that
// Close never blocks on it. httptest.Server.Close waits for every handler, which makes a leaked one visible.
func TestHungRequestsAreReleased(t *testing.T) {
	tests := []struct {
		name          string
		clientTimeout time.Duration // 0: the client waits until the server closes
	}{
		{"client gives up", 200 * time.Millisecond},
		{"server closed", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := gitlabtest.NewServer()
			defer srv.Close()
			ts := httptest.NewServer(srv.Handler())
			srv.AddFaults(gitlabtest.Fault{Kind: gitlabtest.FaultHang})
			done := make(chan error, 1)
			go func() {
				resp, err := (&http.Client{Timeout: tc.clientTimeout}).Get(ts.URL + "/api/v4/user")
				if err == nil {
					_ = resp.Body.Close()
				}
				done <- err
			}()
			waitFor(t, func() bool { return srv.FaultsInjected() == 1 })
			if tc.clientTimeout == 0 {
				start := time.Now()
				srv.Close()
				// A held handler would keep Close waiting for ever; ten seconds tells the two apart on a loaded machine.
				if d := time.Since(start); d > 10*time.Second {
					t.Fatalf("Close took %v", d)
				}
			}
			select {
			case err := <-done:
				if err == nil {
					t.Fatal("the hung request got an answer")
				}
			case <-time.After(3 * time.Second):
				t.Fatal("the hung request never ended")
			}
			closed := make(chan struct{})
			go func() { ts.Close(); close(closed) }()
			select {
			case <-closed:
			case <-time.After(2 * time.Second):
				t.Fatal("the hung handler was not released")
			}
		})
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
	}
}

// TestFaultReset: FaultReset resets the TCP connection, where FaultDropConnection closes it in order.
func TestFaultReset(t *testing.T) {
	f := newFixture(t)
	list := linksPath(privatePath, defaultTag)
	tests := []struct {
		name      string
		kind      gitlabtest.FaultKind
		wantReset bool
	}{
		{"reset", gitlabtest.FaultReset, true},
		{"drop", gitlabtest.FaultDropConnection, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.srv.AddFaults(gitlabtest.Fault{Kind: tc.kind})
			status, err := noKeepAlive(f, "POST", list, `{"name":"reset","url":"https://reset.io"}`)
			if err == nil {
				t.Fatalf("got status %d, want a dropped connection", status)
			}
			if reset := errors.Is(err, syscall.ECONNRESET); reset != tc.wantReset {
				t.Fatalf("connection reset = %v, want %v (%v)", reset, tc.wantReset, err)
			}
			if len(f.srv.Links(privatePath, defaultTag)) != 0 {
				t.Fatal("request processed")
			}
		})
	}
}

// TestOutage: during an outage every request is dropped unprocessed and counted, leaving queued faults and the
// fault count alone; afterwards service is normal.
func TestOutage(t *testing.T) {
	f := newFixture(t)
	list := linksPath(privatePath, defaultTag)
	f.srv.ResetRequestCounts()
	f.srv.AddFaults(gitlabtest.Fault{Kind: gitlabtest.FaultBadGateway})
	f.srv.SetOutage(time.Now().Add(time.Hour))

	for i := 0; i < 2; i++ {
		if status, err := noKeepAlive(f, "POST", list, `{"name":"down","url":"https://down.io"}`); err == nil {
			t.Fatalf("got status %d during the outage", status)
		}
	}
	if n := f.srv.RequestCount("POST", gitlabtest.RouteLinks); n != 2 {
		t.Fatalf("RequestCount = %d, want 2", n)
	}
	if f.srv.FaultsInjected() != 0 || len(f.srv.Links(privatePath, defaultTag)) != 0 {
		t.Fatal("an outage request was processed or counted as a fault")
	}

	f.srv.SetOutage(time.Time{})                     // over
	f.do("GET", list, devTok, "").expect(t, 502, "") // the queued fault is still there
	f.do("GET", list, devTok, "").expect(t, 200, "[]")

	// An outage that starts with the next request lasts as long as asked, counted from that request.
	f.srv.SetOutageFromNextRequest(300 * time.Millisecond)
	time.Sleep(400 * time.Millisecond) // no request yet: still up afterwards
	if _, err := noKeepAlive(f, "GET", list, ""); err == nil {
		t.Fatal("answered the request that starts the outage")
	}
	time.Sleep(300 * time.Millisecond) // the request arrived before it failed: the outage is over

	f.do("GET", list, devTok, "").expect(t, 200, "[]")
}
