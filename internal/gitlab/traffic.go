package gitlab

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// controller is the one view a Client has of GitLab's rate limit and health. Every attempt of every request
// asks it for permission before it goes out (acquire) and reports how it went (done), so that what one request
// learns governs all of them: a 429 that asks to wait makes every request wait, and an outage is probed by one
// request at a time instead of by each request on its own.
//
// Rate limits (GITLAB.md §6). GitLab throttles per user in fixed windows and counts every request, throttled
// ones too, so a retry during the window only spends quota:
//   - a 429 with Retry-After or RateLimit-Reset holds every request until that time (plus a little jitter, so
//     that processes sharing a token do not all return at the same instant). When the 429 names the limit
//     (RateLimit-Limit, a per-minute figure), later requests are paced at 90% of it, so that the next windows
//     fill without another 429;
//   - a bare 429 (a proxy, or GitLab.com at times) says nothing: one request at a time probes, after a jittered
//     wait that doubles from waitMin (1 s) up to a minute (GitLab.com's window), and at most cappedInflight are in
//     flight for the rest of the Client's life, so that hitting the limit again wastes few requests;
//   - when successful answers carry RateLimit-Remaining and RateLimit-Reset, requests stop before the window's
//     quota is spent and resume when it resets, so no 429 is needed at all.
//
// Health. A connection failure, an attempt GitLab did not answer in time, or a 502/503/504 puts the controller
// into a failing state: every request waits, and after a jittered backoff (waitMin doubling up to waitMax) one
// request probes. Any answer ends the failing state. After retries+1 failed rounds the circuit opens: every
// waiting and later request fails at once with the same *UnavailableError. A new Client (the provider builds one
// for every Terraform walk) starts closed.
type controller struct {
	baseURL          string
	retries          int
	waitMin, waitMax time.Duration
	configured       time.Duration // spacing from Config.MaxRequestsPerMinute, 0 when off
	progress         func(ctx context.Context, msg string, fields map[string]any)

	mu   sync.Mutex
	wake chan struct{} // closed and replaced whenever the state changes

	notBefore  time.Time // no attempt starts before this
	waitReason string    // why, for a deadline that comes first

	bare        int           // consecutive bare 429s: while > 0, one probe at a time
	capped      bool          // a 429 without a usable limit was seen: few attempts in flight
	interval    time.Duration // least time between two attempt starts
	nextStart   time.Time
	budget      int       // attempts the current window still allows, from RateLimit-Remaining
	budgetReset time.Time // when that window ends; zero when no budget is known

	failing  bool // a round of attempts failed and no answer has come since
	streak   int  // failed rounds in a row
	since    time.Time
	open     *UnavailableError
	answered bool // an answer, any answer, has come from the base URL

	probing  bool // the one probe of a failing or bare-throttled state is in flight
	inflight int
}

// neverAnsweredRounds is how many rounds of attempts a GitLab gets that refuses connections (or whose name does
// not resolve) and has never answered: with the default one-second first wait, it fails in one to two seconds.
const neverAnsweredRounds = 2

// cappedInflight bounds concurrent attempts after a 429 that did not say how much GitLab allows: with a fixed
// window, the requests in flight when the quota runs out are all refused.
const cappedInflight = 2

// pacedShare is the share of a learned per-minute limit that requests are paced at.
const pacedShare = 0.9

func newController(cfg Config, baseURL string, retries int, waitMin, waitMax time.Duration) *controller {
	c := &controller{
		baseURL: baseURL, retries: retries, waitMin: waitMin, waitMax: waitMax,
		progress: cfg.Progress, wake: make(chan struct{}),
	}
	if cfg.MaxRequestsPerMinute > 0 {
		c.configured = time.Minute / time.Duration(cfg.MaxRequestsPerMinute)
		c.interval = c.configured
	}
	return c
}

// acquire waits until an attempt may go out and reports whether it is the probe of a failing or throttled
// state. It fails at once when ctx is done or the circuit is open, and without waiting when the wait would
// outlast ctx.
func (c *controller) acquire(ctx context.Context) (bool, error) {
	c.mu.Lock()
	for {
		if err := ctx.Err(); err != nil {
			// Cancelled (Ctrl-C) or out of time before the attempt went out: it is not sent at all.
			c.mu.Unlock()
			return false, err
		}
		if c.open != nil {
			c.mu.Unlock()
			return false, c.open
		}
		now := time.Now()
		if !c.budgetReset.IsZero() && !now.Before(c.budgetReset) {
			c.budgetReset = time.Time{} // the window the budget was for has ended
		}
		if !c.budgetReset.IsZero() && c.budget <= 0 && !now.Before(c.notBefore) {
			c.startWait(ctx, now, c.budgetReset.Add(jitter(c.budgetReset.Sub(now))),
				"the rate-limit window has no requests left (RateLimit-Remaining: 0)")
		}
		var until time.Time // zero: wait for a state change
		switch {
		case now.Before(c.notBefore):
			until = c.notBefore
		case (c.failing || c.bare > 0) && c.probing:
		case c.capped && c.inflight >= cappedInflight:
		case c.interval > 0 && now.Before(c.nextStart):
			until = c.nextStart
		default:
			probe := c.failing || c.bare > 0
			c.probing = c.probing || probe
			c.inflight++
			if c.interval > 0 {
				c.nextStart = later(now, c.nextStart).Add(c.interval)
			}
			if !c.budgetReset.IsZero() {
				c.budget--
			}
			c.mu.Unlock()
			return probe, nil
		}
		if deadline, ok := ctx.Deadline(); ok && !until.IsZero() && until.After(deadline) {
			reason := c.waitReason
			if !until.Equal(c.notBefore) {
				reason = "requests are paced to stay under the rate limit"
			}
			c.mu.Unlock()
			return false, &WaitError{Until: until, Reason: reason, Left: time.Until(deadline).Round(time.Second)}
		}
		wake := c.wake
		c.mu.Unlock()
		if err := waitUntil(ctx, until, wake); err != nil {
			return false, err
		}
		c.mu.Lock()
	}
}

// openError returns the outage that opened the circuit, or nil while it is closed.
func (c *controller) openError() *UnavailableError {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.open
}

// done records how an attempt went: err is the transport error (nil when an answer came), status and header
// the answer's. callerGone means the caller's context ended, which says nothing about GitLab.
func (c *controller) done(ctx context.Context, probe, callerGone bool, what string, status int, header http.Header, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inflight--
	if probe {
		c.probing = false
	}
	defer c.broadcast()
	if c.open != nil {
		return
	}
	now := time.Now()
	if err == nil {
		c.answered = true
	}
	switch {
	case err != nil && (callerGone || !retryableTransportError(err)):
	case err != nil, status == http.StatusBadGateway, status == http.StatusServiceUnavailable, status == http.StatusGatewayTimeout:
		c.failed(ctx, probe, now, what, status, err)
	case status == http.StatusTooManyRequests:
		c.failing, c.streak = false, 0
		c.throttled(ctx, probe, now, what, header)
	default:
		c.failing, c.streak, c.bare = false, 0, 0
		c.learnBudget(now, header)
	}
}

// failed counts a failed round and opens the circuit when the rounds are spent. Failures of attempts that went
// out before the failing state began do not count: the probe decides.
func (c *controller) failed(ctx context.Context, probe bool, now time.Time, what string, status int, err error) {
	if c.failing && !probe {
		return
	}
	if !c.failing {
		c.failing, c.streak, c.since = true, 0, now
	}
	c.streak++
	cause := describeFailure(status, err)
	// A GitLab that refuses connections, or whose name does not resolve, before it has answered once is most likely
	// a wrong base_url or a network that does not reach it, not a restart: it gets one quick second round only.
	rounds, waitMax := c.retries+1, c.waitMax
	neverAnswered := !c.answered && isDialError(err)
	if neverAnswered {
		rounds, waitMax = min(rounds, neverAnsweredRounds), min(waitMax, c.waitMin)
	}
	if c.streak >= rounds {
		c.open = &UnavailableError{BaseURL: c.baseURL, Attempts: c.streak, Duration: now.Sub(c.since), LastRequest: what,
			LastError: cause, NeverAnswered: neverAnswered}
		return
	}
	wait := jitteredBackoff(c.waitMin, waitMax, c.streak-1)
	c.notBefore = later(c.notBefore, now.Add(wait))
	c.waitReason = "GitLab is failing (" + cause + ") and the next attempt is due"
	c.log(ctx, "GitLab is unreachable or failing; waiting before the next attempt", map[string]any{
		"base_url": c.baseURL, "request": what, "error": cause, "wait_ms": wait.Milliseconds(),
		"round": c.streak, "rounds": c.retries + 1,
	})
}

// throttled handles a 429.
func (c *controller) throttled(ctx context.Context, probe bool, now time.Time, what string, header http.Header) {
	if wait, ok := serverWait(header, now); ok {
		c.bare = 0
		c.startWait(ctx, now, now.Add(wait+jitter(wait)), "GitLab answered 429 Too Many Requests to "+what+
			" and asked to wait "+wait.Round(time.Second).String())
		limit, err := strconv.Atoi(strings.TrimSpace(header.Get("RateLimit-Limit")))
		switch {
		case !c.budgetReset.IsZero():
			// Successful answers carry the quota left: that is exact, nothing more to learn.
		case err == nil && limit > 0:
			if learned := time.Duration(float64(time.Minute) / (pacedShare * float64(limit))); learned > c.interval {
				c.interval = learned
				c.log(ctx, "pacing requests below GitLab's rate limit", map[string]any{
					"base_url": c.baseURL, "limit_per_minute": limit, "interval_ms": learned.Milliseconds()})
			}
		default:
			c.capped = true
		}
		return
	}
	if c.bare > 0 && !probe {
		return // went out before this throttle began: the probe decides
	}
	c.bare++
	c.capped = true
	wait := jitteredBackoff(c.waitMin, time.Minute, c.bare-1)
	c.startWait(ctx, now, now.Add(wait), "GitLab answered 429 Too Many Requests to "+what+
		" without saying how long to wait; one request probes after "+wait.Round(100*time.Millisecond).String())
}

// learnBudget reads the quota left in the current window from a successful answer, when GitLab sends it.
// Attempts still in flight may spend some of it, so they are subtracted.
func (c *controller) learnBudget(now time.Time, header http.Header) {
	remaining, err := strconv.Atoi(strings.TrimSpace(header.Get("RateLimit-Remaining")))
	if err != nil {
		return
	}
	var reset time.Time
	if v := strings.TrimSpace(header.Get("RateLimit-Reset")); v != "" {
		if d, ok := serverWait(http.Header{"Ratelimit-Reset": {v}}, now); ok {
			reset = now.Add(d)
		}
	}
	if reset.IsZero() || !reset.After(now) || reset.Before(c.budgetReset) {
		return
	}
	if c.interval != c.configured {
		c.interval = c.configured // the budget is exact; pacing from a 429 is no longer needed
	}
	left := remaining - c.inflight
	if reset.Sub(c.budgetReset).Abs() < time.Second {
		left = min(left, c.budget) // the same window: the lowest count is the newest
	}
	c.budget, c.budgetReset = left, reset
}

// startWait holds every request until until, and logs once per wait, at INFO, why.
func (c *controller) startWait(ctx context.Context, now, until time.Time, reason string) {
	if !until.After(c.notBefore) {
		return
	}
	fresh := !c.notBefore.After(now) || until.Sub(c.notBefore) > time.Second
	c.notBefore, c.waitReason = until, reason
	if fresh {
		c.log(ctx, "waiting for GitLab's rate limit", map[string]any{
			"base_url": c.baseURL, "wait_ms": until.Sub(now).Milliseconds(), "until": until.UTC().Format(time.RFC3339), "reason": reason})
	}
}

func (c *controller) broadcast() {
	close(c.wake)
	c.wake = make(chan struct{})
}

func (c *controller) log(ctx context.Context, msg string, fields map[string]any) {
	if c.progress != nil {
		c.progress(ctx, msg, fields)
	}
}

// waitUntil waits for until (or, when until is zero, only for wake), for wake, or for ctx to end.
func waitUntil(ctx context.Context, until time.Time, wake <-chan struct{}) error {
	var timeout <-chan time.Time
	if !until.IsZero() {
		t := time.NewTimer(time.Until(until))
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-wake:
	case <-timeout:
	}
	return nil
}

// jitter spreads the end of a wait by up to a tenth of it, at most one second.
func jitter(wait time.Duration) time.Duration {
	spread := min(wait/10, time.Second)
	if spread <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(spread)))
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// describeFailure says in a few words what a failed attempt got.
func describeFailure(status int, err error) string {
	if err != nil {
		return unwrapURLError(err).Error()
	}
	return strconv.Itoa(status) + " " + http.StatusText(status)
}

// UnavailableError reports that GitLab could not be reached or kept failing for a whole retry budget: every
// round of attempts failed to connect, got no answer in time, or got 502, 503 or 504. Once it happened, every
// request of the Client fails with the same *UnavailableError.
type UnavailableError struct {
	// BaseURL is the API root that was tried.
	BaseURL string
	// Attempts is how many rounds failed in a row, and Duration how long they took from the first failure.
	Attempts int
	Duration time.Duration
	// LastRequest is the last failed attempt's method and path, and LastError what it got.
	LastRequest, LastError string
	// NeverAnswered is true when GitLab refused every connection (or its name did not resolve) and had not answered
	// once before: a wrong base_url or a network that does not reach it more often than an outage.
	NeverAnswered bool

	reported atomic.Bool
}

// FirstReport returns true exactly once per outage: to the one caller that should explain it in full. Every
// request that met the outage fails with the same *UnavailableError, and one long explanation followed by short
// pointers to it reads better than a hundred copies.
func (e *UnavailableError) FirstReport() bool { return e.reported.CompareAndSwap(false, true) }

func (e *UnavailableError) Error() string {
	attempts := fmt.Sprintf("%d attempts over %s", e.Attempts, e.Duration.Round(100*time.Millisecond))
	if e.Attempts == 1 {
		attempts = "1 attempt"
	}
	if e.NeverAnswered {
		return fmt.Sprintf("GitLab at %s cannot be reached and has not answered once in this run: %s failed, the last one (%s) with %s",
			e.BaseURL, attempts, e.LastRequest, e.LastError)
	}
	return fmt.Sprintf("GitLab at %s is unreachable or failing: %s failed, the last one (%s) with %s",
		e.BaseURL, attempts, e.LastRequest, e.LastError)
}

// WaitError reports that an attempt would have to wait past the caller's deadline: for a rate limit to reset,
// or for the next attempt against a failing GitLab.
type WaitError struct {
	Until  time.Time
	Reason string
	Left   time.Duration
}

func (e *WaitError) Error() string {
	return fmt.Sprintf("the next attempt cannot start before %s (%s), which is past the deadline of this operation (%s left)",
		e.Until.UTC().Format(time.RFC3339), e.Reason, e.Left)
}

// NoAnswerError reports an attempt that GitLab did not answer within the answer timeout.
type NoAnswerError struct {
	BaseURL string
	After   time.Duration
}

func (e *NoAnswerError) Error() string {
	return fmt.Sprintf("GitLab at %s did not answer within %s", e.BaseURL, e.After)
}
