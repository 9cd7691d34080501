package gitlabtest

import (
	"math/rand"
	"net"
	"net/http"
	"time"
)

// FaultKind is a way for a request to fail.
type FaultKind int

const (
	// FaultRateLimit answers like a Rack::Attack throttle (§6): 429, text/plain "Retry later\n", Retry-After and
	// the RateLimit-* headers. The request is not processed.
	FaultRateLimit FaultKind = iota
	// FaultBadGateway answers 502 without processing the request, as when GitLab is down behind its proxy.
	FaultBadGateway
	// FaultCommitThenBadGateway processes and commits the request, then answers 502: the change happened but the
	// client cannot know. Retrying a POST then hits "has already been taken".
	FaultCommitThenBadGateway
	// FaultDropConnection closes the connection without any response; the request is not processed.
	FaultDropConnection
	// FaultCommitThenDrop processes and commits the request, then closes the connection without any response.
	FaultCommitThenDrop
	// FaultHang accepts the request and never answers: the handler holds it, unprocessed, until the client goes
	// away or the server is closed, then drops the connection. It is for "nothing hangs" tests of client timeouts.
	FaultHang
	// FaultReset is FaultDropConnection with a TCP reset (RST, SetLinger(0)) instead of an orderly close, when the
	// connection is a *net.TCPConn; otherwise it is a plain close. The request is not processed.
	FaultReset
	// FaultInternalError answers GitLab's 500 for an unhandled exception in the API (GITLAB.md §3e) without
	// processing the request: a failure of this one request, not of GitLab as a whole.
	FaultInternalError
)

// commits reports whether the request is processed before the fault is injected.
func (k FaultKind) commits() bool {
	return k == FaultCommitThenBadGateway || k == FaultCommitThenDrop
}

// Fault is a one-shot fault for AddFaults.
type Fault struct {
	Method string // "" matches any method
	Route  string // a Route constant (template as in RequestCounts), "" matches any request
	Kind   FaultKind
	// RetryAfter is the Retry-After of FaultRateLimit, in seconds; 0 means 1.
	RetryAfter int
}

func (f Fault) matches(rt route) bool {
	return (f.Method == "" || f.Method == rt.method) && (f.Route == "" || f.Route == rt.template)
}

// rateLimitPerMinute is GitLab.com's authenticated API limit, sent as RateLimit-Limit on 429s only. Normal answers
// carry no RateLimit-Limit at all, because go-gitlab throttles itself to limit/60*0.66 req/s after reading it (§6).
const rateLimitPerMinute = 2000

type faultState struct {
	queue    []Fault
	rng      *rand.Rand
	prob     float64
	kinds    []FaultKind
	injected int
}

// AddFaults queues one-shot faults. Each is consumed by the first request it matches, in the order added.
func (s *Server) AddFaults(f ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.queue = append(s.faults.queue, f...)
}

// SetRandomFaults makes every request draw from a math/rand source seeded with seed: with the given probability
// it fails with one of kinds. Without kinds it uses the five original kinds, FaultRateLimit to FaultCommitThenDrop;
// FaultHang, FaultReset and FaultInternalError are used only when listed, so seeded sequences stay as they were.
// A probability of 0 turns random faults off. Queued one-shot faults take precedence.
func (s *Server) SetRandomFaults(seed int64, probability float64, kinds ...FaultKind) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(kinds) == 0 {
		kinds = []FaultKind{FaultRateLimit, FaultBadGateway, FaultCommitThenBadGateway, FaultDropConnection, FaultCommitThenDrop}
	}
	s.faults.rng = rand.New(rand.NewSource(seed))
	s.faults.prob = probability
	s.faults.kinds = append([]FaultKind(nil), kinds...)
}

// SetOutage makes the server act as if GitLab were restarting: every request arriving before until has its
// connection dropped, unanswered and unprocessed. After until, service is normal; a zero or past time ends an
// outage at once. Dropped requests count in RequestCounts, TokenHeaders and HeaderSeen, not in FaultsInjected;
// they take no queued fault, draw nothing from the random fault source and are not seen by the rate limiter.
func (s *Server) SetOutage(until time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outageUntil = until
}

// SetOutageFromNextRequest starts an outage of length d (see SetOutage) when the next request arrives, so that a
// test sets how long GitLab is gone, wherever a loaded machine puts the client's first request.
func (s *Server) SetOutageFromNextRequest(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outageUntil, s.outageNext = time.Time{}, d
}

// FaultsInjected returns how many requests have been faulted so far.
func (s *Server) FaultsInjected() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults.injected
}

// pickFaultLocked chooses the fault for a request, if any. The random source is drawn from on every request
// while random faults are on, so a seed gives the same sequence for the same sequence of requests.
func (s *Server) pickFaultLocked(rt route) (Fault, bool) {
	fs := &s.faults
	var random *Fault
	if fs.prob > 0 && fs.rng != nil {
		hit := fs.rng.Float64() < fs.prob
		kind := fs.kinds[fs.rng.Intn(len(fs.kinds))]
		if hit {
			random = &Fault{Kind: kind}
		}
	}
	for i, f := range fs.queue {
		if f.matches(rt) {
			fs.queue = append(fs.queue[:i:i], fs.queue[i+1:]...)
			fs.injected++
			return f, true
		}
	}
	if random != nil {
		fs.injected++
		return *random, true
	}
	return Fault{}, false
}

// injectFault writes (or withholds) the faulty answer.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request, f Fault) {
	switch f.Kind {
	case FaultRateLimit:
		retry := int64(max(f.RetryAfter, 1))
		h := w.Header()
		h.Set("Content-Type", "text/plain")
		rateHeaders{
			name: "throttle_authenticated_api", limitPerMinute: rateLimitPerMinute, observed: rateLimitPerMinute + 1,
			reset: time.Now().Unix() + retry, retryAfter: retry,
		}.throttled(h)
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(retryLater))
	case FaultBadGateway, FaultCommitThenBadGateway:
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("502 Bad Gateway\n"))
	case FaultDropConnection, FaultCommitThenDrop:
		dropConnection(w, false)
	case FaultReset:
		dropConnection(w, true)
	case FaultInternalError:
		messageResponse(http.StatusInternalServerError, "500 Internal Server Error").write(w)
	case FaultHang:
		select {
		case <-r.Context().Done(): // the client went away, or http.Server.Close closed the connection
		case <-s.closed:
		}
		dropConnection(w, false)
	}
}

// dropConnection closes the connection without an answer; with reset, a TCP connection is reset (SetLinger(0))
// rather than closed in order.
func dropConnection(w http.ResponseWriter, reset bool) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			if tcp, isTCP := conn.(*net.TCPConn); reset && isTCP {
				_ = tcp.SetLinger(0)
			}
			_ = conn.Close()
			return
		}
	}
	// Not hijackable (HTTP/2, a recorder): abort the handler, which resets the stream or connection.
	panic(http.ErrAbortHandler)
}
