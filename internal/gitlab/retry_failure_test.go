package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// Tests of what a request reports when it fails after or during retries:
// cancellation, MaybeCommitted and connection errors.

func TestContextCancelDuringRetryWait(t *testing.T) {
	srv, _ := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Retry-After", "30")
		reply(w, http.StatusTooManyRequests, "Retry later\n")
	})
	cfg := fastConfig(srv.URL)
	cfg.RetryWaitMax = time.Minute
	c := mustNew(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.GetProject(ctx, "1")
	if elapsed := time.Since(start); elapsed > 15*time.Second { // the wait GitLab asked for is 30 s
		t.Fatalf("returned after %v", elapsed)
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v does not wrap context.Canceled", err)
	}
	if e := asError(t, err); e.StatusCode != 0 || e.Attempts != 1 {
		t.Fatalf("got %+v", e)
	}
}

func TestNoRetryWhenContextDone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	srv, log := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		cancel()
		reply(w, http.StatusBadGateway, "")
	})
	_, err := mustNew(t, fastConfig(srv.URL)).GetProject(ctx, "1")
	if !errors.Is(err, context.Canceled) || log.count() != 1 {
		t.Fatalf("error %v after %d requests; want context.Canceled after 1", err, log.count())
	}
}

// hangUp closes the connection without a response, after the request has
// been read in full.
func hangUp(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("the response writer cannot be hijacked")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_ = conn.Close()
}

func TestMaybeCommitted(t *testing.T) {
	taken := `{"message":["Url has already been taken","Name has already been taken"]}`
	tests := []struct {
		name   string
		method string
		first  func(t *testing.T, w http.ResponseWriter)
		then   int
		want   bool
	}{
		{name: "POST 502 then taken", method: http.MethodPost, first: status(502), then: 400, want: true},
		{name: "POST 503 then taken", method: http.MethodPost, first: status(503), then: 400, want: true},
		{name: "POST 504 then taken", method: http.MethodPost, first: status(504), then: 400, want: true},
		{name: "POST dropped then taken", method: http.MethodPost, first: hangUp, then: 400, want: true},
		{name: "POST 429 then taken", method: http.MethodPost, first: status(429), then: 400, want: false},
		{name: "PUT 502 then 400", method: http.MethodPut, first: status(502), then: 400, want: true},
		{name: "DELETE 504 then 404", method: http.MethodDelete, first: status(504), then: 404, want: true},
		{name: "GET 502 then 404", method: http.MethodGet, first: status(502), then: 404, want: false},
		{name: "POST taken at once", method: http.MethodPost, first: nil, then: 400, want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := serve(t, func(w http.ResponseWriter, _ *http.Request, n int) {
				if n == 1 && tc.first != nil {
					tc.first(t, w)
					return
				}
				reply(w, tc.then, taken)
			})
			err := callByMethod(testContext(t), mustNew(t, fastConfig(srv.URL)), tc.method)
			e := asError(t, err)
			wantAttempts := 2
			if tc.first == nil {
				wantAttempts = 1
			}
			if e.MaybeCommitted != tc.want || e.StatusCode != tc.then || e.Attempts != wantAttempts {
				t.Fatalf("got %+v; want MaybeCommitted %v, status %d, %d attempts", e, tc.want, tc.then, wantAttempts)
			}
		})
	}
}

func status(code int) func(*testing.T, http.ResponseWriter) {
	return func(_ *testing.T, w http.ResponseWriter) { reply(w, code, "") }
}

func TestConnectionDropRetried(t *testing.T) {
	srv, log := serve(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 1 {
			hangUp(t, w)
			return
		}
		reply(w, http.StatusOK, `{"id":3}`)
	})
	p, err := mustNew(t, fastConfig(srv.URL)).GetProject(testContext(t), "3")
	if err != nil || p.ID != 3 || log.count() != 2 {
		t.Fatalf("got %+v, %v after %d requests", p, err, log.count())
	}
}

// TestConnectionRefused: a GitLab that refuses connections (or whose name does not resolve) before it has answered
// once gets two quick rounds, since a wrong base_url is likelier than an outage; one that answered before and then
// refuses is an outage, given every round of the retry budget.
func TestConnectionRefused(t *testing.T) {
	addr := gitlabtest.ClosedAddress(t)
	for _, tc := range []struct {
		name, baseURL string
		answeredFirst bool
		want          string
		attempts      int
	}{
		{name: "refused", baseURL: "http://" + addr, want: "connection refused", attempts: 2},
		{name: "no such host", baseURL: "http://gitlab.invalid", want: "no such host", attempts: 2},
		{name: "refused after an answer", answeredFirst: true, want: "connection refused", attempts: 3},
	} {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			t.Run(tc.name+"/"+method, func(t *testing.T) {
				cfg := fastConfig(tc.baseURL)
				cfg.RetryWaitMin, cfg.RetryWaitMax = 10*time.Millisecond, time.Hour
				if tc.answeredFirst {
					srv, _ := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) { reply(w, http.StatusOK, `{"id":1}`) })
					cfg.BaseURL = srv.URL
					c := mustNew(t, cfg)
					if _, err := c.GetProject(testContext(t), "1"); err != nil {
						t.Fatal(err)
					}
					srv.Close()
					err := callByMethod(testContext(t), c, method)
					checkRefused(t, err, method, tc.want, tc.attempts, false)
					return
				}
				err := callByMethod(testContext(t), mustNew(t, cfg), method)
				checkRefused(t, err, method, tc.want, tc.attempts, true)
			})
		}
	}
}

func checkRefused(t *testing.T, err error, method, want string, attempts int, neverAnswered bool) {
	t.Helper()
	e := asError(t, err)
	var u *UnavailableError
	// A write on a connection the server had closed may have been sent; one never connected was not.
	if e.StatusCode != 0 || e.Attempts != attempts || neverAnswered && e.MaybeCommitted || !errors.As(err, &u) {
		t.Fatalf("got %+v (Err %T); want status 0, %d attempts, an *UnavailableError", e, e.Err, attempts)
	}
	if u.Attempts != attempts || u.NeverAnswered != neverAnswered || !strings.Contains(u.LastError, want) ||
		!strings.HasPrefix(u.LastRequest, method+" /projects/") {
		t.Fatalf("UnavailableError %+v", u)
	}
	if !strings.HasSuffix(e.Error(), fmt.Sprintf("(after %d attempts)", attempts)) || neverAnswered != strings.Contains(e.Error(), "has not answered once") {
		t.Fatalf("Error() = %q", e.Error())
	}
}

// TestCancelledWriteMaybeCommitted: a write whose caller gave up is let finish, but when its answer does not come
// within the answer timeout either, it ends as cancelled and may have been carried out.
func TestCancelledWriteMaybeCommitted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	release := make(chan struct{})
	srv, _ := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		cancel() // the request has been read in full; its answer never arrives
		<-release
	})
	defer close(release)
	cfg := fastConfig(srv.URL)
	cfg.AnswerTimeout = 200 * time.Millisecond
	_, err := mustNew(t, cfg).CreateReleaseLink(ctx, "1", "v1", CreateReleaseLinkOptions{Name: "a", URL: "https://x/a"})
	e := asError(t, err)
	if !errors.Is(err, context.Canceled) || !e.MaybeCommitted || e.Attempts != 1 {
		t.Fatalf("got %+v; want a cancelled, maybe committed single attempt", e)
	}
}

// TestWriteOnTheWireFinishes: a caller that gives up while its write is on its way (Ctrl-C) still gets GitLab's
// answer, since GitLab carries the write out anyway; a write that has not gone out yet is abandoned at once.
func TestWriteOnTheWireFinishes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, log := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		cancel() // the request has been read in full
		time.Sleep(200 * time.Millisecond)
		reply(w, http.StatusCreated, `{"id":7,"name":"a","url":"https://x/a","direct_asset_url":"https://x/a","link_type":"other"}`)
	})
	c := mustNew(t, fastConfig(srv.URL))
	link, err := c.CreateReleaseLink(ctx, "1", "v1", CreateReleaseLinkOptions{Name: "a", URL: "https://x/a"})
	if err != nil || link.ID != 7 || log.count() != 1 {
		t.Fatalf("got %+v, %v after %d requests; want link 7 from the one write GitLab received", link, err, log.count())
	}

	// A deadline (a resource's timeouts) still ends it: the user asked for that bound.
	srv3, _ := serve(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		select { // GitLab answers after 30 s, or when the client hangs up
		case <-time.After(30 * time.Second):
		case <-r.Context().Done():
		}
		reply(w, http.StatusCreated, `{"id":9}`)
	})
	short, done := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer done()
	start := time.Now()
	_, err = mustNew(t, fastConfig(srv3.URL)).CreateReleaseLink(short, "1", "v1", CreateReleaseLinkOptions{Name: "a", URL: "https://x/a"})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 15*time.Second {
		t.Fatalf("got %v after %v; want the deadline to end the write at once", err, time.Since(start))
	}

	// Cancelled before it went out (here: while a rate-limit wait holds every request), it is not sent.
	waiting, stop := context.WithCancel(context.Background())
	srv2, log2 := serve(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", "30")
			reply(w, http.StatusTooManyRequests, "Retry later\n")
			return
		}
		reply(w, http.StatusCreated, `{"id":8}`)
	})
	time.AfterFunc(100*time.Millisecond, stop)
	_, err = mustNew(t, fastConfig(srv2.URL)).CreateReleaseLink(waiting, "1", "v1", CreateReleaseLinkOptions{Name: "a", URL: "https://x/a"})
	if !errors.Is(err, context.Canceled) || log2.count() != 1 {
		t.Fatalf("got %v after %d requests; want context.Canceled and no second attempt", err, log2.count())
	}
}

// TestCancelledNeverSent: a request whose context is already done when its attempt would start is not sent, write
// or read: Ctrl-C lets the writes on the wire finish and starts none.
func TestCancelledNeverSent(t *testing.T) {
	srv, log := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		reply(w, http.StatusCreated, `{"id":7,"name":"a","url":"https://x/a","direct_asset_url":"https://x/a","link_type":"other"}`)
	})
	c := mustNew(t, fastConfig(srv.URL))
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	// A cancellation that only raced the request would lose some of these races.
	for range 50 {
		for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodGet} {
			if err := callByMethod(cancelled, c, method); !errors.Is(err, context.Canceled) {
				t.Fatalf("%s got %v, want context.Canceled", method, err)
			}
		}
	}
	if n := log.count(); n != 0 {
		t.Fatalf("GitLab saw %d requests from cancelled callers, want none", n)
	}
}

// TestCancelLeavesOutageWait: a request waiting for the next round against a failing GitLab leaves the wait at
// once when its caller is cancelled, without an attempt.
func TestCancelLeavesOutageWait(t *testing.T) {
	srv, log := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		reply(w, http.StatusBadGateway, "<html>bad gateway</html>")
	})
	cfg := fastConfig(srv.URL)
	cfg.RetryWaitMin, cfg.RetryWaitMax = time.Minute, time.Minute // the next round is a minute away
	c := mustNew(t, cfg)
	if _, err := c.GetProject(testContext(t), "1"); err == nil { // the first round fails; the wait begins
		t.Fatal("a request against a failing GitLab succeeded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- callByMethod(ctx, c, http.MethodPost) }()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || log.count() != 1 {
			t.Fatalf("got %v after %d requests; want context.Canceled and no attempt of the write", err, log.count())
		}
	case <-time.After(30 * time.Second): // half the wait
		t.Fatal("the cancelled write stayed in the outage wait")
	}
}
