package gitlab

import (
	"context"
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

// Retry policy, with the defaults New applies for zero or negative Config
// values.
//
// Every request, whatever its method, is sent up to 1+Retries times. A new
// attempt is made only after:
//
//   - 429 Too Many Requests (Rack::Attack or the application rate limiter,
//     gitlab-api.md §6);
//   - 502, 503 or 504 from GitLab or a proxy in front of it;
//   - a connection error with no response: dial failure, reset, EOF. TLS
//     verification failures, TLS alerts from the server and redirect loops
//     are not retried because they fail identically every time.
//
// Nothing else is retried (400, 401, 403, 404, 409, 422, 500, …), and nothing
// is retried once the context is done; a context cancelled during a wait ends
// the wait at once.
//
// The wait before retry n (n = 0 for the first retry):
//
//   - 429 with Retry-After (delta-seconds or HTTP-date) or, failing that,
//     RateLimit-Reset (Unix epoch seconds): the time the server asks for,
//     capped at RetryWaitMax;
//   - otherwise d = RetryWaitMin·2ⁿ capped at RetryWaitMax, jittered
//     uniformly in [d/2, d] so that parallel Terraform operations spread out.
//
// POST is retried too. Release link names and URLs are unique per release
// (gitlab-api.md §2b), so a re-sent create cannot make a second link; at
// worst it gets 400 "has already been taken". A write that saw a 502/503/504
// or a connection error after its request was written (or whose context
// ended while it awaited the answer) may have been applied already, so the
// *Error of any later failure carries MaybeCommitted and the caller can
// recognise its own first attempt. 429 never sets it: a throttled
// request is rejected before it reaches the application.
//
// When the retries run out, the result is the last attempt's *Error (status
// and GitLab's message, or StatusCode 0 and the transport error) with
// Attempts set.
const (
	// DefaultRetries is used when Config.Retries is negative.
	DefaultRetries = 5
	// DefaultRetryWaitMin is used when Config.RetryWaitMin is 0.
	DefaultRetryWaitMin = time.Second
	// DefaultRetryWaitMax is used when Config.RetryWaitMax is 0.
	DefaultRetryWaitMax = 60 * time.Second
)

// call tracks one logical request across its attempts. Apart from wrote,
// which the transport sets from its writer goroutine, it is only touched
// from the goroutine running retryablehttp.Client.Do.
type call struct {
	ctx            context.Context // the caller's, for Log
	log            func(ctx context.Context, msg string, fields map[string]any)
	method         string
	path           string
	write          bool
	attempts       int
	attemptStart   time.Time
	wrote          atomic.Bool // this attempt's request was fully written
	maybeCommitted bool
}

func (c *Client) newCall(ctx context.Context, method, path string) *call {
	return &call{
		ctx:    ctx,
		log:    c.log,
		method: method,
		path:   path,
		write:  method != http.MethodGet && method != http.MethodHead,
	}
}

// traced returns ctx with an httptrace hook that records whether the
// current attempt's request reached the wire, which is what distinguishes
// "may have been applied" from "never sent" after a connection error.
func (rc *call) traced(ctx context.Context) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				rc.wrote.Store(true)
			}
		},
	})
}

// retryClient returns a retryablehttp.Client for this call only, sharing the
// Client's pooled http.Client, so that the policy hooks can see the call's
// state. retryablehttp's own logging stays off: its messages contain URLs,
// and Config.Log gets structured fields instead.
func (rc *call) retryClient(c *Client) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:     c.httpClient,
		RetryWaitMin:   c.waitMin,
		RetryWaitMax:   c.waitMax,
		RetryMax:       c.retries,
		RequestLogHook: rc.beforeAttempt,
		CheckRetry:     rc.checkRetry,
		Backoff:        rc.backoff,
		ErrorHandler:   retryablehttp.PassthroughErrorHandler,
	}
}

func (rc *call) beforeAttempt(_ retryablehttp.Logger, _ *http.Request, i int) {
	rc.attempts = i + 1
	rc.attemptStart = time.Now()
	rc.wrote.Store(false)
}

// checkRetry implements the policy above for one finished attempt and logs
// it.
func (rc *call) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	fields := rc.fields()
	fields["duration_ms"] = time.Since(rc.attemptStart).Milliseconds()
	if err != nil {
		fields["error"] = unwrapURLError(err).Error()
	} else {
		fields["status"] = resp.StatusCode
	}
	rc.logf("GitLab API attempt finished", fields)

	var retry bool
	if err != nil {
		retry = retryableTransportError(err)
		// A request that was written and then lost its connection (or was
		// abandoned by a cancelled context) may have been applied.
		if rc.write && rc.wrote.Load() && (retry || ctx.Err() != nil) {
			rc.maybeCommitted = true
		}
	} else {
		switch resp.StatusCode {
		case http.StatusTooManyRequests:
			retry = true
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			// The proxy gave up waiting, or GitLab failed mid-request: the
			// write may have been committed all the same.
			retry = true
			if rc.write {
				rc.maybeCommitted = true
			}
		}
	}
	// A done context stops retries only; an answer that has already arrived
	// is returned as is.
	if retry && ctx.Err() != nil {
		return false, ctx.Err()
	}
	return retry, nil
}

// backoff returns the wait before the next attempt and logs it.
func (rc *call) backoff(lo, hi time.Duration, attempt int, resp *http.Response) time.Duration {
	wait := retryWait(lo, hi, attempt, resp, time.Now())
	fields := rc.fields()
	fields["wait_ms"] = wait.Milliseconds()
	if resp != nil {
		fields["status"] = resp.StatusCode
	}
	rc.logf("GitLab API request will be retried", fields)
	return wait
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

// fields holds only what is safe to log: no header values, no bodies, no
// query (it carries nothing secret today, but need not be logged either).
func (rc *call) fields() map[string]any {
	return map[string]any{"method": rc.method, "path": rc.path, "attempt": rc.attempts}
}

func (rc *call) logf(msg string, fields map[string]any) {
	if rc.log != nil {
		rc.log(rc.ctx, msg, fields)
	}
}

// retryWait is the wait before retry number attempt (0-based), following the
// policy in the comment at the top of this file.
func retryWait(lo, hi time.Duration, attempt int, resp *http.Response, now time.Time) time.Duration {
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
		if d, ok := serverWait(resp.Header, now); ok {
			return min(d, hi)
		}
	}
	return jitteredBackoff(lo, hi, attempt)
}

// serverWait reads how long a 429 asks the client to wait. Rack::Attack sends
// both Retry-After (seconds) and RateLimit-Reset (epoch seconds); the
// application rate limiter sends neither (gitlab-api.md §6).
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
