package gitlabtest

import (
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// TestThrottleWindowsAndHeaders drives the throttle with a fake clock and checks its windows and header values
// against GITLAB.md §6: windows aligned to multiples of the period since the epoch, Retry-After = period - now %
// period in whole seconds (at least 1), RateLimit-Reset = window end in epoch seconds (rounded up below a
// second), RateLimit-Limit = ceil(limit * 60 s / period), Observed = count, Remaining = max(limit - count, 0).
// "-" means the header must be absent.
func TestThrottleWindowsAndHeaders(t *testing.T) {
	type step struct {
		sec, ms int64 // the fake clock: Unix seconds and milliseconds
		status  int
		headers map[string]string
	}
	absent := map[string]string{"Retry-After": "-", "RateLimit-Name": "-", "RateLimit-Limit": "-", "RateLimit-ResetTime": "-"}
	tests := []struct {
		name   string
		limit  int
		window time.Duration
		mode   RateLimitMode
		steps  []step
	}{
		{"headers on 429, 2 per minute", 2, time.Minute, RateLimitHeadersOn429, []step{
			{1700000010, 500, 200, absent},
			{1700000011, 0, 200, absent},
			{1700000012, 250, 429, map[string]string{
				"Retry-After": "28", "RateLimit-Name": "throttle_authenticated_api", "RateLimit-Limit": "2",
				"RateLimit-Observed": "3", "RateLimit-Remaining": "0", "RateLimit-Reset": "1700000040",
				"RateLimit-ResetTime": "Tue, 14 Nov 2023 22:14:00 GMT", "Content-Type": "text/plain",
			}},
			{1700000039, 999, 429, map[string]string{"Retry-After": "1", "RateLimit-Observed": "4", "RateLimit-Reset": "1700000040"}},
			{1700000040, 0, 200, absent}, // a new window
		}},
		{"headers always, 5 per 20 s", 5, 20 * time.Second, RateLimitHeadersAlways, []step{
			{1700000010, 500, 200, map[string]string{
				"RateLimit-Name": "throttle_authenticated_api", "RateLimit-Limit": "15", "RateLimit-Observed": "1",
				"RateLimit-Remaining": "4", "RateLimit-Reset": "1700000020", "Retry-After": "-", "RateLimit-ResetTime": "-",
			}},
		}},
		{"per-minute limit rounds up, 7 per 90 s", 7, 90 * time.Second, RateLimitHeadersAlways, []step{
			{1700000010, 0, 200, map[string]string{"RateLimit-Limit": "5", "RateLimit-Reset": "1700000100"}}, // 1700000010 = 90 * 18888889
		}},
		{"sub-second window, 1 per 100 ms", 1, 100 * time.Millisecond, RateLimitHeadersAlways, []step{
			{1700000000, 950, 200, map[string]string{"RateLimit-Limit": "600", "RateLimit-Observed": "1", "RateLimit-Remaining": "0", "RateLimit-Reset": "1700000001"}},
			{1700000000, 970, 429, map[string]string{
				"Retry-After": "1", "RateLimit-Observed": "2", "RateLimit-Reset": "1700000001",
				"RateLimit-ResetTime": "Tue, 14 Nov 2023 22:13:21 GMT",
			}},
			{1700000001, 30, 200, map[string]string{"RateLimit-Observed": "1", "RateLimit-Reset": "1700000002"}},
		}},
		{"bare 429", 1, time.Minute, RateLimitBare429, []step{
			{1700000010, 0, 200, absent},
			{1700000011, 0, 429, map[string]string{
				"Retry-After": "-", "RateLimit-Name": "-", "RateLimit-Observed": "-", "RateLimit-Reset": "-",
				"Content-Type": "text/plain",
			}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewServer()
			defer s.Close()
			s.AddToken("alice", "tok", TokenOptions{})
			var clock atomic.Int64
			s.mu.Lock()
			s.clock = func() time.Time { return time.Unix(0, clock.Load()) }
			s.mu.Unlock()
			s.SetRateLimit(tc.limit, tc.window, tc.mode)

			for i, st := range tc.steps {
				clock.Store(time.Unix(st.sec, st.ms*int64(time.Millisecond)).UnixNano())
				req, _ := http.NewRequest("GET", s.URL()+"/api/v4/user", nil)
				req.Header.Set("PRIVATE-TOKEN", "tok")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				body, _ := io.ReadAll(resp.Body)
				_ = resp.Body.Close()
				if resp.StatusCode != st.status {
					t.Fatalf("step %d: status %d, want %d", i, resp.StatusCode, st.status)
				}
				if st.status == 429 && string(body) != "Retry later\n" {
					t.Errorf("step %d: body %q", i, body)
				}
				for name, want := range st.headers {
					values, ok := resp.Header[http.CanonicalHeaderKey(name)]
					switch {
					case want == "-" && ok:
						t.Errorf("step %d: %s = %q, want absent", i, name, values)
					case want != "-" && (len(values) != 1 || values[0] != want):
						t.Errorf("step %d: %s = %q, want %q", i, name, values, want)
					}
				}
			}
		})
	}
}
