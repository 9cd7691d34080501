package gitlabtest

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RateLimitMode says which headers the throttle of SetRateLimit sends. GitLab's own throttle sends them on 429s
// only; GitLab.com behind its CDN, proxies and GitLab 18.6+ with the rate_limiting_headers_for_unthrottled_requests
// flag differ (GITLAB.md §6).
type RateLimitMode int

const (
	// RateLimitHeadersOn429 is GitLab's default: a 429 carries Retry-After and RateLimit-Name, -Limit, -Observed,
	// -Remaining, -Reset and -ResetTime; other answers carry none of them.
	RateLimitHeadersOn429 RateLimitMode = iota
	// RateLimitBare429 is a 429 text/plain "Retry later\n" with no Retry-After and no RateLimit-* headers, as
	// reported from GitLab.com and as a proxy in front of GitLab may answer.
	RateLimitBare429
	// RateLimitHeadersAlways sends RateLimit-Name, -Limit, -Observed, -Remaining and -Reset on every answer that
	// reached the throttle; 429s also get Retry-After and RateLimit-ResetTime.
	RateLimitHeadersAlways
)

// retryLater is Gitlab::Throttle's default rate_limiting_response_text, with the newline GitLab appends.
const retryLater = "Retry later\n"

// rateLimiter is Rack::Attack's fixed-window throttle. Every field is guarded by Server.mu.
type rateLimiter struct {
	limit   int // requests per period; 0 is off
	period  time.Duration
	mode    RateLimitMode
	windows map[string]rateWindow // by discriminator: "user:<id>" or "ip:<address>"
}

type rateWindow struct {
	index int64 // floor(now / period) since the Unix epoch
	count int
}

// SetRateLimit throttles each user (each client IP when unauthenticated) to limit requests per window; limit 0
// turns it off. It starts from empty windows. The window may be shorter than a second for fast tests; headers
// stay in whole seconds as GitLab's do, so below a second Retry-After is 1 and RateLimit-Reset is rounded up.
//
// It follows Rack::Attack as GitLab configures it (GITLAB.md §6): windows are fixed and aligned to multiples of
// the window since the Unix epoch; every request to /api/ that reaches GitLab increments its window's counter,
// throttled ones included; a request is refused, unprocessed, while the count exceeds limit. Authenticated
// requests are counted per user as throttle_authenticated_api, the others per IP as
// throttle_unauthenticated_api, both against the same limit (GitLab configures the two separately).
//
// Faults act in front of GitLab: a request dropped by SetOutage or answered by a fault that does not commit
// (FaultRateLimit, FaultBadGateway, FaultDropConnection, FaultReset, FaultHang) never reaches the throttle and
// is not counted. A commit-then-fail fault lets the request through the throttle and then replaces whatever
// GitLab answered, the throttle's 429 included. Throttled requests still count in RequestCounts.
func (s *Server) SetRateLimit(limit int, window time.Duration, mode RateLimitMode) {
	if limit > 0 && window <= 0 {
		panic("gitlabtest: SetRateLimit needs a positive window")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rate = rateLimiter{limit: max(limit, 0), period: window, mode: mode, windows: map[string]rateWindow{}}
}

// ThrottledRequests returns how many requests the throttle answered with 429 since the server started or the last
// ResetRequestCounts. One-shot FaultRateLimit answers are faults, not throttled requests.
func (s *Server) ThrottledRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.throttled
}

// throttleVerdict is Rack::Attack's match data for one request.
type throttleVerdict struct {
	counted   bool // the throttle is on and saw the request
	throttled bool
	mode      RateLimitMode
	name      string
	limit     int
	count     int
	period    time.Duration
	now, end  time.Time // end of the request's window
}

// throttle counts the request in its user's or IP's window, as Rack::Attack does before GitLab routes it.
func (s *Server) throttle(r *http.Request, params map[string]any) throttleVerdict {
	s.mu.Lock()
	defer s.mu.Unlock()
	rl := &s.rate
	if rl.limit == 0 || !strings.HasPrefix(r.URL.Path, "/api/") {
		return throttleVerdict{}
	}
	now := time.Now()
	if s.clock != nil {
		now = s.clock()
	}
	name, key := "throttle_unauthenticated_api", "ip:"+clientIP(r)
	if u := s.st.requester(r, params); u != nil {
		name, key = "throttle_authenticated_api", "user:"+strconv.FormatInt(u.id, 10)
	}
	index := now.UnixNano() / int64(rl.period)
	w := rl.windows[key]
	if w.index != index {
		w = rateWindow{index: index}
	}
	w.count++
	rl.windows[key] = w
	v := throttleVerdict{
		counted: true, throttled: w.count > rl.limit, mode: rl.mode, name: name, limit: rl.limit, count: w.count,
		period: rl.period, now: now, end: time.Unix(0, (index+1)*int64(rl.period)),
	}
	if v.throttled {
		s.throttled++
	}
	return v
}

// refusal is GitLab's throttled_responder: 429, text/plain "Retry later\n", with the mode's headers.
func (v throttleVerdict) refusal() *response {
	resp := &response{status: http.StatusTooManyRequests, header: http.Header{}, body: []byte(retryLater)}
	resp.header.Set("Content-Type", "text/plain")
	if v.mode != RateLimitBare429 {
		v.headers().throttled(resp.header)
	}
	return resp
}

// decorate adds the common RateLimit-* headers to an answer that passed the throttle, in RateLimitHeadersAlways.
func (v throttleVerdict) decorate(resp *response) {
	if v.counted && v.mode == RateLimitHeadersAlways {
		v.headers().common(resp.header)
	}
}

func (v throttleVerdict) headers() rateHeaders {
	const second = int64(time.Second)
	endNanos := v.end.UnixNano()
	return rateHeaders{
		name: v.name,
		// GitLab reports a per-minute figure, ceil(limit * 60 s / period), for clients that assume 60 s windows.
		limitPerMinute: (int64(v.limit)*int64(time.Minute) + int64(v.period) - 1) / int64(v.period),
		observed:       v.count,
		remaining:      max(v.limit-v.count, 0),
		reset:          (endNanos + second - 1) / second,
		retryAfter:     max((endNanos-v.now.UnixNano()+second-1)/second, 1),
	}
}

// rateHeaders are the values of Gitlab::RackAttack::RequestThrottleData, in whole seconds.
type rateHeaders struct {
	name           string
	limitPerMinute int64
	observed       int
	remaining      int
	reset          int64 // Unix seconds
	retryAfter     int64 // seconds
}

// common sets the headers GitLab sends on every answer when it sends them on unthrottled ones. Raw keys keep
// GitLab's spelling on the wire; HTTP header names are case-insensitive anyway.
func (rh rateHeaders) common(h http.Header) {
	h["RateLimit-Name"] = []string{rh.name}
	h["RateLimit-Limit"] = []string{strconv.FormatInt(rh.limitPerMinute, 10)}
	h["RateLimit-Observed"] = []string{strconv.Itoa(rh.observed)}
	h["RateLimit-Remaining"] = []string{strconv.Itoa(rh.remaining)}
	h["RateLimit-Reset"] = []string{strconv.FormatInt(rh.reset, 10)}
}

// throttled sets the headers of a 429: the common ones plus Retry-After and RateLimit-ResetTime.
func (rh rateHeaders) throttled(h http.Header) {
	rh.common(h)
	h.Set("Retry-After", strconv.FormatInt(rh.retryAfter, 10))
	h["RateLimit-ResetTime"] = []string{time.Unix(rh.reset, 0).UTC().Format(http.TimeFormat)}
}

// requester is the user Rack::Attack attributes a request to: the owner of the first token presented, in the
// order the API looks at them, if that token is valid. An unknown, expired or revoked token leaves the request
// unauthenticated. Job tokens count for their user, since GitLab allows them on every API request here.
func (st *state) requester(r *http.Request, params map[string]any) *user {
	str := func(name string) string { v, _ := params[name].(string); return v }
	v := firstNonEmpty(r.Header.Get("PRIVATE-TOKEN"), str("private_token"), bearerToken(r), str("access_token"),
		r.Header.Get("JOB-TOKEN"), str("job_token"))
	tok := st.tokens[v]
	if v == "" || tok == nil || tok.expired || tok.revoked {
		return nil
	}
	return tok.user
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
