package gitlab

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// testToken is distinctive so tests can search logs and headers for it.
const testToken = "glpat-SECRET-test-token-1234"

// seenRequest is what a test server saw of one request.
type seenRequest struct {
	Method     string
	RequestURI string // exactly as sent on the wire
	Path       string // r.URL.EscapedPath()
	Query      string
	Header     http.Header
	Body       string
}

// requestLog collects the requests a test server received.
type requestLog struct {
	mu   sync.Mutex
	reqs []seenRequest
}

func (l *requestLog) add(r *http.Request) int {
	body, _ := io.ReadAll(r.Body)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = append(l.reqs, seenRequest{
		Method:     r.Method,
		RequestURI: r.RequestURI,
		Path:       r.URL.EscapedPath(),
		Query:      r.URL.RawQuery,
		Header:     r.Header.Clone(),
		Body:       string(body),
	})
	return len(l.reqs)
}

func (l *requestLog) all() []seenRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]seenRequest(nil), l.reqs...)
}

func (l *requestLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.reqs)
}

// last returns the last request, failing the test when there was none.
func (l *requestLog) last(t *testing.T) seenRequest {
	t.Helper()
	reqs := l.all()
	if len(reqs) == 0 {
		t.Fatal("the server received no request")
	}
	return reqs[len(reqs)-1]
}

// serve starts a test server. The handler gets the 1-based number of the
// request, after its body has been recorded.
func serve(t *testing.T, h func(w http.ResponseWriter, r *http.Request, n int)) (*httptest.Server, *requestLog) {
	t.Helper()
	log := &requestLog{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(w, r, log.add(r))
	}))
	t.Cleanup(srv.Close)
	return srv, log
}

// reply writes a JSON (or other) body with a status.
func reply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = fmt.Fprint(w, body)
}

// fastConfig is a Config for baseURL with millisecond retry waits.
func fastConfig(baseURL string) Config {
	return Config{
		BaseURL:      baseURL,
		Token:        testToken,
		Retries:      2,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
		UserAgent:    "terraform-provider-gitlab/test",
	}
}

func mustNew(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// asError fails the test unless err is an *Error.
func asError(t *testing.T, err error) *Error {
	t.Helper()
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	return e
}

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}
