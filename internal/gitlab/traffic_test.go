package gitlab

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Tests of the controller (traffic.go): what one request learns about GitLab's rate limit and health governs
// every request of the Client.

// progressLog records the controller's INFO lines.
type progressLog struct {
	mu    sync.Mutex
	lines []string
}

func (p *progressLog) add(_ context.Context, msg string, fields map[string]any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lines = append(p.lines, fmt.Sprintf("%s %v", msg, fields))
}

func (p *progressLog) count(prefix string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, l := range p.lines {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

// parallel runs n calls of f at once and returns their errors.
func parallel(n int, f func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f(i)
		}()
	}
	wg.Wait()
	return errs
}

func TestSharedRateLimitWait(t *testing.T) {
	var until atomic.Int64 // unix nanos before which every request is refused
	var early atomic.Int32
	srv, log := serve(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 1 {
			until.Store(time.Now().Add(time.Second).UnixNano())
			w.Header().Set("Retry-After", "1")
			reply(w, http.StatusTooManyRequests, "Retry later\n")
			return
		}
		if time.Now().UnixNano() < until.Load() {
			early.Add(1)
			reply(w, http.StatusTooManyRequests, "Retry later\n")
			return
		}
		reply(w, http.StatusOK, `{"id":1}`)
	})
	progress := &progressLog{}
	cfg := fastConfig(srv.URL)
	cfg.Progress = progress.add
	c := mustNew(t, cfg)
	ctx := testContext(t)
	first := make(chan error, 1)
	go func() { _, err := c.GetProject(ctx, "1"); first <- err }()
	for progress.count("waiting for GitLab's rate limit") == 0 { // the client has taken in the 429
		time.Sleep(time.Millisecond)
	}
	_, err := c.GetProject(ctx, "2") // starts into the wait
	if err != nil || <-first != nil {
		t.Fatalf("the operations failed: %v", err)
	}
	// A request that did not wait would arrive within the second GitLab refuses everything.
	if early.Load() != 0 || log.count() != 3 {
		t.Fatalf("GitLab saw %d requests, %d of them during the wait; want 3 and none", log.count(), early.Load())
	}
	if n := progress.count("waiting for GitLab's rate limit"); n != 1 {
		t.Fatalf("%d INFO lines for one wait: %q", n, progress.lines)
	}
}

// TestBareRateLimitProbes: a 429 that says nothing is probed by one request at a time.
func TestBareRateLimitProbes(t *testing.T) {
	var open atomic.Int64
	open.Store(time.Now().Add(300 * time.Millisecond).UnixNano())
	var throttled, inflight, maxInflight atomic.Int32
	srv, _ := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		n := inflight.Add(1)
		defer inflight.Add(-1)
		for m := maxInflight.Load(); n > m && !maxInflight.CompareAndSwap(m, n); m = maxInflight.Load() {
		}
		time.Sleep(5 * time.Millisecond)
		if time.Now().UnixNano() < open.Load() {
			throttled.Add(1)
			reply(w, http.StatusTooManyRequests, "Retry later\n")
			return
		}
		reply(w, http.StatusOK, `{"id":1}`)
	})
	cfg := fastConfig(srv.URL)
	cfg.RetryWaitMin = 20 * time.Millisecond
	c := mustNew(t, cfg)
	ctx := testContext(t)
	for _, err := range parallel(8, func(int) error { _, err := c.GetProject(ctx, "1"); return err }) {
		if err != nil {
			t.Fatal(err)
		}
	}
	// 8 requests meet the limit at once; then probes after 20, 40, 80, 160 ms… reach the end of the window.
	if n := throttled.Load(); n > 8+6 {
		t.Fatalf("%d requests were throttled, want at most the 8 first and a few probes", n)
	}
	maxInflight.Store(0)
	for _, err := range parallel(8, func(int) error { _, err := c.GetProject(ctx, "1"); return err }) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if m := maxInflight.Load(); m > cappedInflight {
		t.Fatalf("after a bare 429, %d requests were in flight at once, want at most %d", m, cappedInflight)
	}
}

// windowServer is a GitLab throttle in small: limit requests per window, windows aligned to the epoch, every
// request counted (GITLAB.md §6). always sends RateLimit-* on every answer, as some installations do.
type windowServer struct {
	*httptest.Server
	limit     int
	window    time.Duration
	always    bool
	mu        sync.Mutex
	key       int64
	count     int
	ok        int
	throttled int
}

func newWindowServer(t *testing.T, limit int, window time.Duration, always bool) *windowServer {
	ws := &windowServer{limit: limit, window: window, always: always}
	ws.Server = httptest.NewServer(http.HandlerFunc(ws.serve))
	t.Cleanup(ws.Close)
	return ws
}

func (ws *windowServer) serve(w http.ResponseWriter, _ *http.Request) {
	now := time.Now()
	ws.mu.Lock()
	key := now.UnixNano() / int64(ws.window)
	if key != ws.key {
		ws.key, ws.count = key, 0
	}
	ws.count++
	count, refused := ws.count, ws.count > ws.limit
	if refused {
		ws.throttled++
	} else {
		ws.ok++
	}
	ws.mu.Unlock()
	reset := time.Unix(0, (key+1)*int64(ws.window))
	perMinute := int(math.Ceil(float64(ws.limit) * float64(time.Minute) / float64(ws.window)))
	if refused || ws.always {
		w.Header().Set("RateLimit-Limit", strconv.Itoa(perMinute))
		w.Header().Set("RateLimit-Observed", strconv.Itoa(count))
		w.Header().Set("RateLimit-Remaining", strconv.Itoa(max(ws.limit-count, 0)))
		// Whole seconds, as GitLab sends them: the reset is rounded up.
		w.Header().Set("RateLimit-Reset", strconv.FormatInt((reset.UnixNano()+int64(time.Second)-1)/int64(time.Second), 10))
	}
	if refused {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(time.Until(reset).Seconds()))))
		reply(w, http.StatusTooManyRequests, "Retry later\n")
		return
	}
	reply(w, http.StatusOK, `{"id":1}`)
}

func (ws *windowServer) counts() (ok, throttled int) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return ws.ok, ws.throttled
}

// TestRateLimitPacing: a 429 that names the limit makes the following windows fill without another 429, and
// answers that carry the quota left avoid 429s altogether.
func TestRateLimitPacing(t *testing.T) {
	if testing.Short() {
		t.Skip("spans several one-second windows")
	}
	tests := []struct {
		name         string
		always       bool
		maxThrottled int
	}{
		{name: "headers on 429 only", maxThrottled: 8},
		{name: "headers on every answer", always: true, maxThrottled: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// 40 requests, 8 at a time, against 15 a second: at least two full windows.
			ws := newWindowServer(t, 15, time.Second, tc.always)
			c := mustNew(t, fastConfig(ws.URL))
			ctx := testContext(t)
			var next atomic.Int32
			errs := parallel(8, func(int) error {
				for next.Add(1) <= 40 {
					if _, err := c.GetProject(ctx, "1"); err != nil {
						return err
					}
				}
				return nil
			})
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			ok, throttled := ws.counts()
			if ok != 40 || throttled > tc.maxThrottled {
				t.Fatalf("%d answered, %d throttled; want 40 and at most %d", ok, throttled, tc.maxThrottled)
			}
		})
	}
}

// TestRateLimitWaitPastDeadline: a wait longer than the time left fails at once with the reason.
func TestRateLimitWaitPastDeadline(t *testing.T) {
	srv, log := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Retry-After", "60")
		reply(w, http.StatusTooManyRequests, "Retry later\n")
	})
	c := mustNew(t, fastConfig(srv.URL))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.GetProject(ctx, "1")
	var wait *WaitError
	// Waiting would take the whole 30 s deadline: half of it tells "at once" apart on a loaded machine.
	if !errors.As(err, &wait) || time.Since(start) > 15*time.Second || log.count() != 1 {
		t.Fatalf("got %v after %v and %d requests; want a *WaitError at once", err, time.Since(start), log.count())
	}
	if !strings.Contains(err.Error(), "asked to wait 1m0s") || !strings.Contains(err.Error(), "past the deadline") {
		t.Fatalf("Error() = %q", err)
	}
}

// TestCircuitOpens: with GitLab answering 502 to everything, concurrent requests do not each retry: one probes
// per round, and when the rounds are spent all fail with the same outage, and later ones without a request.
func TestCircuitOpens(t *testing.T) {
	srv, log := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		time.Sleep(5 * time.Millisecond)
		reply(w, http.StatusBadGateway, "<html>bad gateway</html>")
	})
	progress := &progressLog{}
	cfg := fastConfig(srv.URL)
	cfg.Progress = progress.add
	c := mustNew(t, cfg)
	ctx := testContext(t)
	errs := parallel(10, func(i int) error { _, err := c.GetProject(ctx, strconv.Itoa(i)); return err })
	var first *UnavailableError
	for _, err := range errs {
		var u *UnavailableError
		if !errors.As(err, &u) || (first != nil && u != first) {
			t.Fatalf("got %v, want the one *UnavailableError", err)
		}
		first = u
	}
	// 10 requests met the outage at once, then 2 rounds of one probe each.
	if n := log.count(); n > 10+2 {
		t.Fatalf("GitLab saw %d requests, want at most 12", n)
	}
	if first.Attempts != 3 || !strings.Contains(first.LastError, "502 Bad Gateway") {
		t.Fatalf("outage %+v", first)
	}
	if n := progress.count("GitLab is unreachable or failing"); n != 2 {
		t.Fatalf("%d INFO lines for 2 waits: %q", n, progress.lines)
	}
	before := log.count()
	_, err := c.CreateReleaseLink(ctx, "1", "v1", CreateReleaseLinkOptions{Name: "a", URL: "https://x/a"})
	if e := asError(t, err); !errors.As(err, new(*UnavailableError)) || e.MaybeCommitted || log.count() != before {
		t.Fatalf("after the circuit opened: %+v and %d more requests", e, log.count()-before)
	}
}

// TestCircuitRidesOutBlip: connections reset for a moment, then GitLab is back.
func TestCircuitRidesOutBlip(t *testing.T) {
	back := time.Now().Add(250 * time.Millisecond)
	srv, _ := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		if time.Now().Before(back) {
			hangUp(t, w)
			return
		}
		reply(w, http.StatusOK, `{"id":1}`)
	})
	cfg := fastConfig(srv.URL)
	cfg.Retries, cfg.RetryWaitMin, cfg.RetryWaitMax = 5, 50*time.Millisecond, time.Second
	c := mustNew(t, cfg)
	ctx := testContext(t)
	for _, err := range parallel(5, func(int) error { _, err := c.GetProject(ctx, "1"); return err }) {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestOneFailingRequestDoesNotOpenCircuit: a request that keeps getting 502 while other requests are answered
// gives up after its own retries; GitLab as a whole stays available.
func TestOneFailingRequestDoesNotOpenCircuit(t *testing.T) {
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if strings.HasSuffix(r.URL.Path, "/projects/bad") {
			reply(w, http.StatusBadGateway, "")
			return
		}
		reply(w, http.StatusOK, `{"id":1}`)
	})
	c := mustNew(t, fastConfig(srv.URL))
	ctx := testContext(t)
	stop := make(chan struct{})
	var good sync.WaitGroup
	good.Add(1)
	go func() {
		defer good.Done()
		for {
			select {
			case <-stop:
				return
			default:
				_, _ = c.GetProject(ctx, "1")
			}
		}
	}()
	_, err := c.GetProject(ctx, "bad")
	close(stop)
	good.Wait()
	if e := asError(t, err); e.StatusCode != http.StatusBadGateway || e.Attempts != 3 {
		t.Fatalf("got %+v, want the request's own 502 after 3 attempts", e)
	}
	if _, err := c.GetProject(ctx, "1"); err != nil {
		t.Fatalf("a healthy request failed afterwards: %v", err)
	}
}

// TestAnswerTimeout: an attempt without an answer, or whose answer stalls half-way, ends after the answer
// timeout and is retried like a dropped connection.
func TestAnswerTimeout(t *testing.T) {
	for _, stall := range []string{"headers", "body"} {
		t.Run(stall, func(t *testing.T) {
			release := make(chan struct{})
			srv, log := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				if stall == "body" {
					w.Header().Set("Content-Length", "100")
					w.WriteHeader(http.StatusOK)
					_, _ = w.Write([]byte(`{"id":`))
					http.NewResponseController(w).Flush() //nolint:errcheck // the test fails on its own if it did not
				}
				<-release
			})
			defer close(release)
			cfg := fastConfig(srv.URL)
			cfg.Retries, cfg.AnswerTimeout = 1, 100*time.Millisecond
			start := time.Now()
			_, err := mustNew(t, cfg).CreateReleaseLink(testContext(t), "1", "v1", CreateReleaseLinkOptions{Name: "a", URL: "https://x/a"})
			e := asError(t, err)
			// Unanswered, the attempts would wait for the test's 10-second deadline, and fail with it instead.
			if time.Since(start) > 8*time.Second || log.count() != 2 || !e.MaybeCommitted {
				t.Fatalf("got %+v after %v and %d requests; want 2 attempts, maybe committed", e, time.Since(start), log.count())
			}
			want := fmt.Sprintf("GitLab at %s/api/v4 did not answer within 100ms", srv.URL)
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("Error() = %q, want it to contain %q", err, want)
			}
		})
	}
}

// TestExhaustedRequestKeepsPool: retryablehttp closes the idle connections of its http.Client whenever a request
// gives up; the pool is shared, so that must not reach the connections of the other requests.
func TestExhaustedRequestKeepsPool(t *testing.T) {
	var conns atomic.Int32
	hang := make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/projects/slow") {
			<-hang
		}
		reply(w, http.StatusOK, `{"id":1}`)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	defer close(hang)
	c := mustNew(t, fastConfig(srv.URL))
	ctx := testContext(t)
	slowCtx, cancel := context.WithCancel(ctx)
	slow := make(chan error, 1)
	go func() { _, err := c.GetProject(slowCtx, "slow"); slow <- err }()
	for conns.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	if _, err := c.GetProject(ctx, "1"); err != nil { // a second connection, idle afterwards
		t.Fatal(err)
	}
	cancel()
	if err := <-slow; !errors.Is(err, context.Canceled) {
		t.Fatalf("the slow request ended with %v", err)
	}
	if _, err := c.GetProject(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	if n := conns.Load(); n != 2 {
		t.Fatalf("%d connections were opened, want 2: the idle one was closed when another request gave up", n)
	}
}

// TestMaxRequestsPerMinute spaces attempts evenly.
func TestMaxRequestsPerMinute(t *testing.T) {
	srv, log := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) { reply(w, http.StatusOK, `{"id":1}`) })
	cfg := fastConfig(srv.URL)
	cfg.MaxRequestsPerMinute = 600 // one every 100ms
	c := mustNew(t, cfg)
	ctx := testContext(t)
	start := time.Now()
	for _, err := range parallel(6, func(int) error { _, err := c.GetProject(ctx, "1"); return err }) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if elapsed := time.Since(start); elapsed < 500*time.Millisecond || log.count() != 6 {
		t.Fatalf("6 requests took %v, want at least 500ms at 600 a minute", elapsed)
	}
}
