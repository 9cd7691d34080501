// Package gitlabtest is an in-process emulator of the parts of the GitLab REST API that the provider and its test
// harness use: release links, releases, projects, the current user and the current CI job.
//
// It is the stand-in for GitLab that the acceptance tests trust, so it follows GITLAB.md, the repository's own
// reference of GitLab's behaviour at its root, case by case: status codes, the three error body shapes
// ({"message": string}, {"message": [...]}, {"error": string}), Grape parameter validation, model validation,
// authentication, permissions, pagination and rate limiting. Section references in comments (§1.4, §6) are to
// GITLAB.md, whose §9 lists what the emulator leaves out. It deliberately has its own wire structs and never
// imports internal/gitlab, so a wrong JSON tag in the client is caught rather than mirrored.
//
// Tests seed it out of band (AddUser, AddToken, AddProject, AddRelease, AddLink, ...) and talk to it over real
// HTTP at URL()+"/api/v4". They can add latency (SetLatency), throttle like GitLab's Rack::Attack (SetRateLimit),
// inject faults (AddFaults, SetRandomFaults: 429s, 502s, dropped, reset and hung connections, commits whose answer
// is lost) and outages (SetOutage), and observe what arrived: RequestCounts, TokenHeaders, HeaderSeen,
// UserAgents, ThrottledRequests and FaultsInjected.
package gitlabtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// maxBodyBytes bounds how much of a request body the emulator reads; real bodies here are tiny.
const maxBodyBytes = 1 << 20

// Server is a running GitLab emulator. All methods are safe for concurrent use.
type Server struct {
	mu      sync.Mutex
	st      *state
	counts  map[string]int
	latency time.Duration
	faults  faultState

	rate      rateLimiter      // ratelimit.go
	throttled int              // 429s from rate, for ThrottledRequests
	clock     func() time.Time // the throttle's clock, guarded by mu; nil is time.Now (tests in the package set it)

	userAgents   []string       // distinct, in arrival order (useragent.go)
	tokenHeaders map[string]int // by way of presenting a token (headers.go)
	headerSeen   map[string]int // by canonical header name, never values (headers.go)

	outageUntil time.Time     // requests arriving before it are dropped (SetOutage)
	outageNext  time.Duration // an outage this long starts with the next request (SetOutageFromNextRequest)
	connections atomic.Int64  // TCP connections accepted (Connections)
	closed      chan struct{} // closed by Close, releases FaultHang handlers
	closeOnce   sync.Once

	baseURL  string
	listener net.Listener
	httpSrv  *http.Server
}

// NewServer starts an empty emulator on 127.0.0.1 with a random port, like httptest.NewServer. It panics if it
// cannot listen. Call Close when done.
func NewServer() *Server {
	s, err := NewServerOn("127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("gitlabtest: %v", err))
	}
	return s
}

// NewServerOn starts an empty emulator listening on addr, for example "127.0.0.1:8080" or "127.0.0.1:0".
func NewServerOn(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	s := newUnstartedServer()
	s.listener = ln
	s.baseURL = "http://" + ln.Addr().String()
	s.httpSrv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ConnState: func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.connections.Add(1)
		}
	}}
	go func() { _ = s.httpSrv.Serve(ln) }()
	return s, nil
}

func newUnstartedServer() *Server {
	s := &Server{st: newState(), closed: make(chan struct{})}
	s.resetCountsLocked()
	return s
}

// URL returns the GitLab root URL, for example "http://127.0.0.1:34567". The REST API is at URL()+"/api/v4".
func (s *Server) URL() string { return s.baseURL }

// Connections returns how many TCP connections the emulator has accepted, so that tests can see whether clients
// reuse their idle connections. It is the test harness's view, not GitLab behaviour.
func (s *Server) Connections() int64 { return s.connections.Load() }

// Close stops the server and closes all of its connections. It returns promptly even while FaultHang holds
// requests: those handlers are released and drop their connections.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closed) })
	if s.httpSrv != nil {
		_ = s.httpSrv.Close()
	}
}

// Handler returns the emulator as an http.Handler. URLs that GitLab builds from its own host name (pagination
// links, direct_asset_url) still use URL().
func (s *Server) Handler() http.Handler { return s }

// SetLatency adds d to the handling time of every request. The delay is spent without holding any lock.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// RequestCount returns how many requests matched method and route, where route is a template as in GITLAB.md §1
// without the /api/v4 prefix (see the Route constants), or RouteUnmatched.
func (s *Server) RequestCount(method, route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[method+" "+route]
}

// RequestCounts returns a copy of all request counters, keyed "METHOD /route/template" ("METHOD *" for requests
// that matched no route). Faulted, throttled and outage-dropped requests are counted too.
func (s *Server) RequestCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

// ResetRequestCounts sets all request counters to zero: RequestCounts, TokenHeaders and HeaderSeen.
func (s *Server) ResetRequestCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resetCountsLocked()
}

func (s *Server) resetCountsLocked() {
	s.counts = map[string]int{}
	s.tokenHeaders = map[string]int{}
	s.headerSeen = map[string]int{}
	s.throttled = 0
}

// response is a fully computed answer. Handlers build it under the lock; it is written to the network after the
// lock is released, which also lets a "commit then fail" fault throw it away.
type response struct {
	status int
	header http.Header
	body   []byte
}

// ServeHTTP implements http.Handler: count, drop during an outage, delay, maybe inject a fault, otherwise answer
// like GitLab.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt := resolveRoute(r.Method, r.URL.EscapedPath())
	body := readBody(r)
	params, paramErr := parseParams(r, body)

	s.mu.Lock()
	s.counts[rt.countKey()]++
	s.recordUserAgentLocked(r.UserAgent())
	s.recordHeadersLocked(r, params)
	latency := s.latency
	if s.outageNext > 0 {
		s.outageUntil, s.outageNext = time.Now().Add(s.outageNext), 0
	}
	down := time.Now().Before(s.outageUntil)
	var fault Fault
	var faulted bool
	if !down {
		fault, faulted = s.pickFaultLocked(rt)
	}
	s.mu.Unlock()

	if down {
		dropConnection(w, false)
		return
	}
	if latency > 0 && !sleep(r.Context(), latency) {
		return
	}
	if faulted && !fault.Kind.commits() {
		s.injectFault(w, r, fault)
		return
	}

	resp := s.answer(r, rt, params, paramErr)
	if faulted {
		s.injectFault(w, r, fault)
		return
	}
	resp.write(w)
}

// readBody reads the request body up to maxBodyBytes, outside any lock.
func readBody(r *http.Request) []byte {
	if r.Body == nil {
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	return body
}

// answer is GitLab behind its proxy: Rack::Attack counts the request and may refuse it, otherwise the API
// processes it.
func (s *Server) answer(r *http.Request, rt route, params map[string]any, paramErr *response) *response {
	verdict := s.throttle(r, params)
	if verdict.throttled {
		return verdict.refusal()
	}
	resp := s.process(r, rt, params, paramErr)
	verdict.decorate(resp)
	return resp
}

// process computes the answer under the lock.
func (s *Server) process(r *http.Request, rt route, params map[string]any, paramErr *response) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &call{s: s, st: s.st, r: r, rt: rt, params: params}
	return c.dispatch(paramErr)
}

func (resp *response) write(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body)
}

// sleep waits for d or until ctx is done; it reports whether the full delay elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// ValidationError is returned by AddLink and UpdateLink when GitLab's model validation would reject the link.
// Messages are the Rails full messages the API would return in {"message": [...]}.
type ValidationError struct {
	Messages []string
}

func (e *ValidationError) Error() string {
	return "gitlabtest: validation failed: " + strings.Join(e.Messages, ", ")
}

// ErrNotFound is wrapped by the harness methods when a project, release or link does not exist.
var ErrNotFound = errors.New("gitlabtest: not found")
