package gitlab

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// callByMethod runs one release-link call with the given method.
func callByMethod(ctx context.Context, c *Client, method string) error {
	switch method {
	case http.MethodPost:
		_, err := c.CreateReleaseLink(ctx, "grp/proj", "v1", CreateReleaseLinkOptions{Name: "a", URL: "https://x/a"})
		return err
	case http.MethodPut:
		_, err := c.UpdateReleaseLink(ctx, "grp/proj", "v1", 7, UpdateReleaseLinkOptions{Name: "a", URL: "https://x/a", LinkType: "other"})
		return err
	case http.MethodDelete:
		return c.DeleteReleaseLink(ctx, "grp/proj", "v1", 7)
	default:
		_, err := c.GetReleaseLink(ctx, "grp/proj", "v1", 7)
		return err
	}
}

func TestRetryStatuses(t *testing.T) {
	tests := []struct {
		status       int
		wantAttempts int // with Retries: 2
	}{
		{429, 3}, {502, 3}, {503, 3}, {504, 3},
		{400, 1}, {401, 1}, {403, 1}, {404, 1}, {409, 1}, {422, 1}, {500, 1}, {501, 1},
	}
	for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
		for _, tc := range tests {
			t.Run(method+" "+strconv.Itoa(tc.status), func(t *testing.T) {
				srv, log := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
					reply(w, tc.status, `{"message":"boom"}`)
				})
				err := callByMethod(testContext(t), mustNew(t, fastConfig(srv.URL)), method)
				e := asError(t, err)
				if log.count() != tc.wantAttempts || e.Attempts != tc.wantAttempts {
					t.Fatalf("server saw %d requests, Attempts = %d; want %d", log.count(), e.Attempts, tc.wantAttempts)
				}
				if e.StatusCode != tc.status || !HasMessage(err, "boom") {
					t.Fatalf("got %+v, want the last status and GitLab's message", e)
				}
				if tc.wantAttempts > 1 && !strings.HasSuffix(e.Error(), "(after 3 attempts)") {
					t.Fatalf("Error() = %q", e.Error())
				}
			})
		}
	}
}

func TestRetriesCount(t *testing.T) {
	tests := []struct{ retries, want int }{{0, 1}, {1, 2}, {4, 5}, {-1, DefaultRetries + 1}}
	for _, tc := range tests {
		t.Run(strconv.Itoa(tc.retries), func(t *testing.T) {
			srv, log := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				reply(w, http.StatusServiceUnavailable, "")
			})
			cfg := fastConfig(srv.URL)
			cfg.Retries = tc.retries
			cfg.RetryWaitMax = time.Millisecond
			_, err := mustNew(t, cfg).GetProject(testContext(t), "1")
			if e := asError(t, err); e.Attempts != tc.want || log.count() != tc.want {
				t.Fatalf("Attempts = %d, server saw %d; want %d", e.Attempts, log.count(), tc.want)
			}
		})
	}
}

func TestRetryThenSuccess(t *testing.T) {
	srv, log := serve(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n < 3 {
			reply(w, http.StatusTooManyRequests, "Retry later\n")
			return
		}
		reply(w, http.StatusOK, `{"id":1,"path_with_namespace":"grp/proj"}`)
	})
	p, err := mustNew(t, fastConfig(srv.URL)).GetProject(testContext(t), "grp/proj")
	if err != nil || p.PathWithNamespace != "grp/proj" || log.count() != 3 {
		t.Fatalf("got %+v, %v after %d requests", p, err, log.count())
	}
}

func TestServerWait(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name    string
		header  map[string]string
		want    time.Duration
		wantSet bool
	}{
		{name: "retry-after seconds", header: map[string]string{"Retry-After": "7"}, want: 7 * time.Second, wantSet: true},
		{name: "retry-after zero", header: map[string]string{"Retry-After": "0"}, want: 0, wantSet: true},
		{name: "retry-after date", header: map[string]string{"Retry-After": now.Add(90 * time.Second).Format(http.TimeFormat)},
			want: 90 * time.Second, wantSet: true},
		{name: "retry-after past date", header: map[string]string{"Retry-After": now.Add(-time.Hour).Format(http.TimeFormat)},
			want: 0, wantSet: true},
		{name: "ratelimit-reset epoch", header: map[string]string{"RateLimit-Reset": strconv.FormatInt(now.Add(42*time.Second).Unix(), 10)},
			want: 42 * time.Second, wantSet: true},
		{name: "ratelimit-reset past", header: map[string]string{"RateLimit-Reset": strconv.FormatInt(now.Add(-time.Minute).Unix(), 10)},
			want: 0, wantSet: true},
		{name: "ratelimit-reset delta", header: map[string]string{"RateLimit-Reset": "12"}, want: 12 * time.Second, wantSet: true},
		{name: "retry-after preferred", header: map[string]string{"Retry-After": "3", "RateLimit-Reset": strconv.FormatInt(now.Add(time.Hour).Unix(), 10)},
			want: 3 * time.Second, wantSet: true},
		{name: "bad retry-after falls back", header: map[string]string{"Retry-After": "soon", "RateLimit-Reset": strconv.FormatInt(now.Add(5*time.Second).Unix(), 10)},
			want: 5 * time.Second, wantSet: true},
		{name: "negative", header: map[string]string{"Retry-After": "-3"}},
		{name: "none", header: map[string]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tc.header {
				h.Set(k, v)
			}
			got, ok := serverWait(h, now)
			if got != tc.want || ok != tc.wantSet {
				t.Fatalf("serverWait = %v, %v; want %v, %v", got, ok, tc.want, tc.wantSet)
			}
		})
	}
}

func TestRetryWaitCapsAndStatuses(t *testing.T) {
	resp := func(status int, retryAfter string) *http.Response {
		r := &http.Response{StatusCode: status, Header: http.Header{}}
		if retryAfter != "" {
			r.Header.Set("Retry-After", retryAfter)
		}
		return r
	}
	now := time.Now()
	if got := retryWait(time.Second, time.Minute, 0, resp(429, "3600"), now); got != time.Minute {
		t.Errorf("429 Retry-After 3600 with a 1m cap waited %v", got)
	}
	if got := retryWait(time.Second, time.Minute, 0, resp(429, "2"), now); got != 2*time.Second {
		t.Errorf("429 Retry-After 2 waited %v", got)
	}
	// Retry-After is honoured on 429 only; 503 uses the backoff.
	if got := retryWait(time.Second, time.Minute, 0, resp(503, "30"), now); got < 500*time.Millisecond || got > time.Second {
		t.Errorf("503 waited %v, want backoff in [0.5s, 1s]", got)
	}
	if got := retryWait(time.Second, time.Minute, 1, nil, now); got < time.Second || got > 2*time.Second {
		t.Errorf("connection error retry 1 waited %v, want backoff in [1s, 2s]", got)
	}
}

func TestJitteredBackoffBounds(t *testing.T) {
	lo, hi := 100*time.Millisecond, 2*time.Second
	tests := []struct {
		attempt int
		d       time.Duration
	}{
		{0, 100 * time.Millisecond}, {1, 200 * time.Millisecond}, {2, 400 * time.Millisecond},
		{4, 1600 * time.Millisecond}, {5, 2 * time.Second}, {40, 2 * time.Second}, {1000, 2 * time.Second},
	}
	for _, tc := range tests {
		t.Run(strconv.Itoa(tc.attempt), func(t *testing.T) {
			seen := map[time.Duration]bool{}
			for range 200 {
				got := jitteredBackoff(lo, hi, tc.attempt)
				if got < tc.d/2 || got > tc.d {
					t.Fatalf("jitteredBackoff = %v, want within [%v, %v]", got, tc.d/2, tc.d)
				}
				seen[got] = true
			}
			if len(seen) < 2 {
				t.Fatal("no jitter")
			}
		})
	}
}

// TestRetryWaitFromHeaders drives real 429s and reads the wait from the log:
// with a 1ms backoff and a 30ms cap, a wait of 30ms can only come from the
// headers.
func TestRetryWaitFromHeaders(t *testing.T) {
	future := time.Now().Add(time.Hour)
	tests := []struct {
		name   string
		header map[string]string
		status int
		want   int64 // wait_ms
	}{
		{name: "retry-after seconds", status: 429, header: map[string]string{"Retry-After": "60"}, want: 30},
		{name: "retry-after date", status: 429, header: map[string]string{"Retry-After": future.UTC().Format(http.TimeFormat)}, want: 30},
		{name: "ratelimit-reset", status: 429, header: map[string]string{"RateLimit-Reset": strconv.FormatInt(future.Unix(), 10)}, want: 30},
		{name: "retry-after zero", status: 429, header: map[string]string{"Retry-After": "0"}, want: 0},
		{name: "503 ignores retry-after", status: 503, header: map[string]string{"Retry-After": "60"}, want: 1},
		{name: "429 without headers", status: 429, header: map[string]string{}, want: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := serve(t, func(w http.ResponseWriter, _ *http.Request, n int) {
				if n == 1 {
					for k, v := range tc.header {
						w.Header().Set(k, v)
					}
					reply(w, tc.status, "")
					return
				}
				reply(w, http.StatusOK, `{}`)
			})
			var mu sync.Mutex
			var waits []int64
			cfg := fastConfig(srv.URL)
			cfg.RetryWaitMax = 30 * time.Millisecond
			cfg.Log = func(_ context.Context, _ string, fields map[string]any) {
				if w, ok := fields["wait_ms"].(int64); ok {
					mu.Lock()
					waits = append(waits, w)
					mu.Unlock()
				}
			}
			if _, err := mustNew(t, cfg).GetProject(testContext(t), "1"); err != nil {
				t.Fatal(err)
			}
			if len(waits) != 1 || waits[0] > tc.want || (tc.want == 30 && waits[0] != 30) {
				t.Fatalf("waits %v ms, want one of at most %d ms", waits, tc.want)
			}
		})
	}
}
