package gitlab

import (
	"context"
	"errors"
	"fmt"
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
		unavailable  bool
	}{
		{502, 3, true}, {503, 3, true}, {504, 3, true},
		{400, 1, false}, {401, 1, false}, {403, 1, false}, {404, 1, false}, {409, 1, false}, {422, 1, false},
		{500, 1, false}, {501, 1, false},
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
				var u *UnavailableError
				if got := errors.As(err, &u); got != tc.unavailable {
					t.Fatalf("got %v; unavailable %v, want %v", err, got, tc.unavailable)
				}
				if tc.unavailable {
					want := fmt.Sprintf("GitLab at %s/api/v4 is unreachable or failing: 3 attempts", srv.URL)
					if !strings.Contains(e.Error(), want) || !strings.Contains(e.Error(), strconv.Itoa(tc.status)+" ") {
						t.Fatalf("Error() = %q, want it to contain %q and the status", e.Error(), want)
					}
					return
				}
				if e.StatusCode != tc.status || !HasMessage(err, "boom") {
					t.Fatalf("got %+v, want the last status and GitLab's message", e)
				}
			})
		}
	}
}

// TestRateLimitRetriedUntilAnswered: a 429 is not bounded by Retries, only by the deadline.
func TestRateLimitRetriedUntilAnswered(t *testing.T) {
	srv, log := serve(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n <= 6 {
			reply(w, http.StatusTooManyRequests, "Retry later\n")
			return
		}
		reply(w, http.StatusOK, `{"id":1}`)
	})
	cfg := fastConfig(srv.URL)
	cfg.Retries = 1
	if _, err := mustNew(t, cfg).GetProject(testContext(t), "1"); err != nil || log.count() != 7 {
		t.Fatalf("got %v after %d requests, want success after 7", err, log.count())
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

// TestRetryWaitFromHeaders drives real 429s and reads the wait from the progress log: a 429 waits what
// Retry-After or RateLimit-Reset ask, a bare 429 and a 503 back off from RetryWaitMin (1ms here).
func TestRetryWaitFromHeaders(t *testing.T) {
	soon := time.Now().Add(1500 * time.Millisecond)
	tests := []struct {
		name     string
		header   map[string]string
		status   int
		min, max time.Duration
	}{
		{name: "retry-after seconds", status: 429, header: map[string]string{"Retry-After": "1"}, min: time.Second, max: 1100 * time.Millisecond},
		{name: "retry-after date", status: 429, header: map[string]string{"Retry-After": soon.UTC().Format(http.TimeFormat)}, max: 1600 * time.Millisecond},
		{name: "ratelimit-reset", status: 429, header: map[string]string{"RateLimit-Reset": strconv.FormatInt(soon.Unix(), 10)}, max: 1600 * time.Millisecond},
		{name: "retry-after zero", status: 429, header: map[string]string{"Retry-After": "0"}, max: 0},
		{name: "503 ignores retry-after", status: 503, header: map[string]string{"Retry-After": "60"}, max: time.Millisecond},
		{name: "429 without headers", status: 429, header: map[string]string{}, max: time.Millisecond},
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
			var waits []time.Duration
			cfg := fastConfig(srv.URL)
			cfg.Progress = func(_ context.Context, _ string, fields map[string]any) {
				if w, ok := fields["wait_ms"].(int64); ok {
					mu.Lock()
					waits = append(waits, time.Duration(w)*time.Millisecond)
					mu.Unlock()
				}
			}
			start := time.Now()
			if _, err := mustNew(t, cfg).GetProject(testContext(t), "1"); err != nil {
				t.Fatal(err)
			}
			if elapsed := time.Since(start); elapsed < tc.min {
				t.Fatalf("succeeded after %v, want a wait of at least %v", elapsed, tc.min)
			}
			mu.Lock()
			defer mu.Unlock()
			if tc.max == 0 && len(waits) == 0 {
				return
			}
			if len(waits) != 1 || waits[0] > tc.max {
				t.Fatalf("waits %v, want one of at most %v", waits, tc.max)
			}
		})
	}
}
