package gitlab

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Retry policy, with the defaults New applies for zero or negative Config values.
//
// A new attempt is made only after:
//
//   - 429 Too Many Requests (Rack::Attack or the application rate limiter, GITLAB.md §6), for as long as the
//     caller's deadline allows: the wait is the controller's (traffic.go), shared by every request of the Client;
//   - 502, 503 or 504 from GitLab or a proxy in front of it;
//   - a connection error with no answer (dial failure, reset, EOF), or an attempt GitLab did not answer within
//     Config.AnswerTimeout. TLS verification failures, TLS alerts from the server and redirect loops are not
//     retried because they fail identically every time.
//
// Failures of the last two kinds are bounded twice by Retries: a request gives up after Retries+1 failed
// attempts of its own, and the controller opens its circuit after Retries+1 failed rounds of the whole Client,
// after which every request fails at once with an *UnavailableError. Between rounds the controller waits
// RetryWaitMin·2ⁿ capped at RetryWaitMax, jittered uniformly in [d/2, d]; with the defaults the rounds span 15 to
// 31 seconds, which rides out a restart of GitLab or a network blip of that length.
//
// Nothing else is retried (400, 401, 403, 404, 409, 422, 500, …), and nothing is retried once the context is
// done; a context that ends during a wait ends the wait at once. A request whose next attempt could not start
// before its deadline fails at once with a *WaitError instead of waiting in vain.
//
// POST is retried too. Release link names and URLs are unique per release (GITLAB.md §2b), so a re-sent create
// cannot make a second link; at worst it gets 400 "has already been taken". A write that saw a 502/503/504 or a
// connection error or timeout after its request was written (or whose context ended while it awaited the
// answer) may have been applied already, so the *Error of any later failure carries MaybeCommitted and the
// caller can recognise its own first attempt. 429 never sets it: a throttled request is rejected before it
// reaches the application.
//
// When a request gives up, the result is an *Error with Attempts set: the last attempt's status and GitLab's
// message, or StatusCode 0 and the transport error, the *UnavailableError or the *WaitError.
const (
	// DefaultRetries is used when Config.Retries is negative.
	DefaultRetries = 5
	// DefaultRetryWaitMin is used when Config.RetryWaitMin is 0.
	DefaultRetryWaitMin = time.Second
	// DefaultRetryWaitMax is used when Config.RetryWaitMax is 0.
	DefaultRetryWaitMax = 60 * time.Second
	// DefaultAnswerTimeout is used when Config.AnswerTimeout is 0. GitLab itself ends a request after 60 seconds
	// (its Rack::Timeout), and these endpoints answer in well under a second, so an attempt that has had no
	// answer for half of that is treated as a dropped connection.
	DefaultAnswerTimeout = 30 * time.Second
	// DefaultOperationTimeout is the deadline of a request whose context has none, and the provider's for an
	// operation its timeouts block does not bound: room for several rate-limit waits.
	DefaultOperationTimeout = 10 * time.Minute
)

// call tracks one logical request across its attempts. Apart from wrote, which the transport sets from its
// writer goroutine, it is only touched from the goroutine running retryablehttp.Client.Do, which also runs the
// attempts (http.Client calls RoundTrip on the caller's goroutine).
type call struct {
	ctx            context.Context // the caller's, for Log
	log            func(ctx context.Context, msg string, fields map[string]any)
	retries        int
	traffic        *controller
	method         string
	path           string
	write          bool
	attempts       int // attempts that went out
	failures       int // of them, those that failed to connect, got no answer or got 502/503/504
	attemptStart   time.Time
	wrote          atomic.Bool // this attempt's request was fully written
	maybeCommitted bool
}

// callKey carries the *call in the request's context, for the transport.
type callKey struct{}

func (c *Client) newCall(ctx context.Context, method, path string) *call {
	return &call{
		ctx:     ctx,
		log:     c.log,
		retries: c.retries,
		traffic: c.traffic,
		method:  method,
		path:    path,
		write:   method != http.MethodGet && method != http.MethodHead,
	}
}

// traced returns ctx carrying the call, with an httptrace hook that records whether the current attempt's
// request reached the wire, which is what distinguishes "may have been applied" from "never sent" after a
// connection error.
func (rc *call) traced(ctx context.Context) context.Context {
	ctx = context.WithValue(ctx, callKey{}, rc)
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				rc.wrote.Store(true)
			}
		},
	})
}

// startAttempt is called by the transport when an attempt is allowed to go out.
func (rc *call) startAttempt() {
	rc.attempts++
	rc.attemptStart = time.Now()
	rc.wrote.Store(false)
}

// retryClient returns a retryablehttp.Client for this call only, sharing the Client's http.Client, so that the
// policy hook can see the call's state. The number of attempts is bounded by checkRetry and the controller, not
// by RetryMax, and the waits are the controller's, so Backoff is zero. retryablehttp's own logging stays off: its
// messages contain URLs, and Config.Log gets structured fields instead.
func (rc *call) retryClient(c *Client) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:   c.httpClient,
		RetryMax:     math.MaxInt32,
		CheckRetry:   rc.checkRetry,
		Backoff:      func(time.Duration, time.Duration, int, *http.Response) time.Duration { return 0 },
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
}

// checkRetry implements the policy above for one finished attempt and logs it.
func (rc *call) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	var (
		unavailable *UnavailableError
		tooLong     *WaitError
	)
	if errors.As(err, &unavailable) || errors.As(err, &tooLong) {
		return false, nil // the attempt never went out
	}
	fields := rc.fields()
	fields["duration_ms"] = time.Since(rc.attemptStart).Milliseconds()
	if err != nil {
		fields["error"] = unwrapURLError(err).Error()
	} else {
		fields["status"] = resp.StatusCode
	}
	rc.logf("GitLab API attempt finished", fields)

	var retry, failure bool
	if err != nil {
		retry = retryableTransportError(err)
		failure = retry
		// A request that was written and then lost its connection or its answer (or was abandoned by a
		// cancelled context) may have been applied.
		if rc.write && rc.wrote.Load() && (retry || ctx.Err() != nil) {
			rc.maybeCommitted = true
		}
	} else {
		switch resp.StatusCode {
		case http.StatusTooManyRequests:
			retry = true
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			// The proxy gave up waiting, or GitLab failed mid-request: the write may have been committed all
			// the same.
			retry, failure = true, true
			if rc.write {
				rc.maybeCommitted = true
			}
		}
	}
	if failure {
		rc.failures++
		if open := rc.traffic.openError(); open != nil {
			// This attempt's failure (or another request's) spent the last round: the request ends with the
			// outage it met, like every other request of the Client.
			return false, open
		}
		retry = rc.failures <= rc.retries
	}
	// A done context stops retries only; an answer that has already arrived is returned as is.
	if retry && ctx.Err() != nil {
		return false, ctx.Err()
	}
	return retry, nil
}

// newError builds the *Error for the call's final outcome.
func (rc *call) newError(status int, msgs []string, err error) *Error {
	return &Error{
		Method:         rc.method,
		Path:           rc.path,
		StatusCode:     status,
		Messages:       msgs,
		Attempts:       rc.attempts,
		MaybeCommitted: rc.maybeCommitted,
		Err:            err,
	}
}

// fields holds only what is safe to log: no header values, no bodies, no query (it carries nothing secret
// today, but need not be logged either).
func (rc *call) fields() map[string]any {
	return map[string]any{"method": rc.method, "path": rc.path, "attempt": rc.attempts}
}

func (rc *call) logf(msg string, fields map[string]any) {
	if rc.log != nil {
		rc.log(rc.ctx, msg, fields)
	}
}

// serverWait reads how long a 429 asks the client to wait. Rack::Attack sends
// both Retry-After (seconds) and RateLimit-Reset (epoch seconds); the
// application rate limiter sends neither (GITLAB.md §6).
func serverWait(h http.Header, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 {
			return secondsDuration(secs), true
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	if v := strings.TrimSpace(h.Get("RateLimit-Reset")); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
			// GitLab sends an epoch; the IETF RateLimit draft that some
			// proxies follow sends delta-seconds. No epoch is this small.
			if n < 1_000_000_000 {
				return secondsDuration(n), true
			}
			return max(time.Unix(n, 0).Sub(now), 0), true
		}
	}
	return 0, false
}

func secondsDuration(secs int64) time.Duration {
	if secs > int64(math.MaxInt64/time.Second) {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(secs) * time.Second
}

// jitteredBackoff returns a wait drawn uniformly from [d/2, d], where
// d = lo·2^attempt capped at hi.
func jitteredBackoff(lo, hi time.Duration, attempt int) time.Duration {
	d := lo
	for i := 0; i < attempt && d < hi; i++ {
		if d > math.MaxInt64/2 {
			d = hi
			break
		}
		d *= 2
	}
	d = min(d, hi)
	if d <= 0 {
		return 0
	}
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(d-half)+1))
}
