package gitlab

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
)

// maxRedirects is how many redirects one attempt follows.
const maxRedirects = 10

// errTooManyRedirects stops a redirect loop; it is not retried.
var errTooManyRedirects = fmt.Errorf("stopped after %d redirects", maxRedirects)

// authHeaders are the headers that carry a token. net/http strips only
// Authorization on a cross-domain redirect, and keeps it across ports of the
// same host; GitLab's PRIVATE-TOKEN and JOB-TOKEN are custom headers it
// copies everywhere.
var authHeaders = []string{"PRIVATE-TOKEN", "JOB-TOKEN", "Authorization"}

// newHTTPClient builds the one pooled transport a Client uses, with the TLS
// settings from cfg, behind an attemptTransport. There is no client-wide
// timeout: the caller's context governs every request, including waits, and
// each attempt has its own answer deadline.
func newHTTPClient(cfg Config, baseURL string, headers map[string]string, traffic *controller, answer time.Duration) (*http.Client, error) {
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.CACertFile != "" {
		pem, err := os.ReadFile(cfg.CACertFile)
		if err != nil {
			return nil, fmt.Errorf("CA certificate file %q cannot be read: %w", cfg.CACertFile, unwrapPathError(err))
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA certificate file %q contains no PEM-encoded certificate", cfg.CACertFile)
		}
		tlsCfg.RootCAs = pool
	}
	if cfg.Insecure {
		tlsCfg.InsecureSkipVerify = true // #nosec G402 -- explicitly requested by the user
	}
	switch {
	case cfg.ClientCert != "" && cfg.ClientKey != "":
		pair, err := tls.LoadX509KeyPair(cfg.ClientCert, cfg.ClientKey)
		if err != nil {
			return nil, fmt.Errorf("client certificate %q and key %q cannot be loaded: %w",
				cfg.ClientCert, cfg.ClientKey, unwrapPathError(err))
		}
		tlsCfg.Certificates = []tls.Certificate{pair}
	case cfg.ClientCert != "":
		return nil, fmt.Errorf("client certificate %q is set without a client key; set both or neither", cfg.ClientCert)
	case cfg.ClientKey != "":
		return nil, fmt.Errorf("client key %q is set without a client certificate; set both or neither", cfg.ClientKey)
	}

	pooled := cleanhttp.DefaultPooledTransport()
	pooled.TLSClientConfig = tlsCfg
	private := append([]string(nil), authHeaders...)
	for name := range headers {
		private = append(private, name)
	}
	return &http.Client{
		Transport:     &attemptTransport{base: pooled, traffic: traffic, answer: answer, baseURL: baseURL},
		CheckRedirect: func(req *http.Request, via []*http.Request) error { return checkRedirect(baseURL, req, via, private) },
	}, nil
}

// attemptTransport sends one attempt: it waits for the controller's permission, bounds the attempt by the
// answer timeout, reads the whole answer within that time, and reports the outcome to the controller.
//
// It deliberately has no CloseIdleConnections method. retryablehttp calls http.Client.CloseIdleConnections
// whenever a request gives up, and the pool is shared by every request of the Client: one exhausted request
// must not tear down the connections of all the others.
type attemptTransport struct {
	base    http.RoundTripper
	traffic *controller
	answer  time.Duration
	baseURL string
}

// errTooLarge stops an answer bigger than any the API gives; it is not retried.
var errTooLarge = fmt.Errorf("the answer is larger than %d MiB", maxResponseBody>>20)

func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	probe, err := t.traffic.acquire(ctx)
	if err != nil {
		return nil, err
	}
	rc, _ := ctx.Value(callKey{}).(*call)
	if rc != nil && req.Response == nil {
		rc.startAttempt() // a redirect's next hop belongs to the same attempt
	}
	attemptCtx, cancel := context.WithTimeout(ctx, t.answer)
	if rc != nil && rc.write {
		// A write that has reached GitLab is let finish, within the answer timeout, when the caller is cancelled
		// (Ctrl-C makes Terraform cancel every operation in flight): GitLab carries it out all the same, and its
		// answer is the only way to record what it did. Abandoned, a create leaves a link that no state knows. A
		// deadline, such as the resource's timeouts, still ends it: the user asked for that bound.
		attemptCtx, cancel = context.WithTimeout(context.WithoutCancel(ctx), t.answer)
		stop := context.AfterFunc(ctx, func() {
			if !rc.wrote.Load() || errors.Is(ctx.Err(), context.DeadlineExceeded) {
				cancel()
			}
		})
		defer stop()
	}
	defer cancel()
	resp, err := t.base.RoundTrip(req.WithContext(attemptCtx))
	if header := (tls.RecordHeaderError{}); errors.As(err, &header) && string(header.RecordHeader[:]) == "HTTP/" {
		err = &SchemeError{BaseURL: t.baseURL, Speaks: "http"} // the "TLS record" is the start of an HTTP answer
	}
	if err == nil {
		var body []byte
		body, err = io.ReadAll(io.LimitReader(resp.Body, maxResponseBody+1))
		_ = resp.Body.Close()
		switch {
		case err != nil:
			resp = nil
		case len(body) > maxResponseBody:
			resp, err = nil, errTooLarge
		case resp.StatusCode == http.StatusBadRequest && plainHTTPToTLSPort(body):
			resp, err = nil, &SchemeError{BaseURL: t.baseURL, Speaks: "https"}
		default:
			resp.Body = io.NopCloser(bytes.NewReader(body))
		}
	}
	if err != nil && errors.Is(attemptCtx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
		err = &NoAnswerError{BaseURL: t.baseURL, After: t.answer}
	}
	status, header := 0, http.Header(nil)
	if resp != nil {
		status, header = resp.StatusCode, resp.Header
	}
	what := req.Method + " " + strings.TrimPrefix(req.URL.EscapedPath(), apiPathOf(t.baseURL))
	t.traffic.done(ctx, probe, ctx.Err() != nil, what, status, header, err)
	return resp, err
}

// apiPathOf is the path part of the API root, which every request path starts with.
func apiPathOf(baseURL string) string {
	if u, err := url.Parse(baseURL); err == nil {
		return u.EscapedPath()
	}
	return ""
}

// unwrapPathError drops the *fs.PathError wrapper, whose text repeats the
// file name the caller's message already quotes.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// checkRedirect follows at most maxRedirects redirects and removes every
// private header (the auth headers and the configured extra headers, which
// often carry a proxy's secret) once any hop leaves the original origin, so
// that they are never handed to another host, another port or plain HTTP.
//
// A write follows a redirect only when it stays what it is: a 307 or 308
// within the origin (or its upgrade to https), which keeps the method, the
// body and the token. A 301, 302 or 303 would turn it into a GET (net/http
// does so, as browsers do), whose 200 says nothing about the write; that is
// how GitLab behind redirect_http_to_https answers an http:// base URL
// (GITLAB.md §3f). Such a redirect fails the write with a *RedirectError.
func checkRedirect(baseURL string, req *http.Request, via []*http.Request, private []string) error {
	if len(via) > maxRedirects {
		return errTooManyRedirects
	}
	first := via[0].URL
	trusted := tokenMayFollow(first, req.URL)
	for _, hop := range via[1:] {
		trusted = trusted && tokenMayFollow(first, hop.URL)
	}
	if method := via[0].Method; method != http.MethodGet && method != http.MethodHead && (req.Method != method || !trusted) {
		status := 0
		if req.Response != nil {
			status = req.Response.StatusCode
		}
		return &RedirectError{BaseURL: baseURL, Method: method, Status: status, From: via[len(via)-1].URL, To: req.URL,
			ChangesMethod: req.Method != method, APIPath: strings.TrimPrefix(first.EscapedPath(), apiPathOf(baseURL))}
	}
	if !trusted {
		for _, h := range private {
			req.Header.Del(h)
		}
	}
	return nil
}

// tokenMayFollow reports whether a redirect from "from" to "to" may keep the token: the same origin, or the
// upgrade of the same host from http on the default port to https on the default port.
func tokenMayFollow(from, to *url.URL) bool {
	if origin(from) == origin(to) {
		return true
	}
	return from.Scheme == "http" && to.Scheme == "https" && strings.EqualFold(from.Hostname(), to.Hostname()) &&
		effectivePort(from) == "80" && effectivePort(to) == "443"
}

// RedirectError reports a redirect that a write does not follow: one that would turn it into a GET (301, 302,
// 303), or a 307 or 308 to another origin, where the token does not go. Nothing reached GitLab's API, so
// nothing was changed.
type RedirectError struct {
	// BaseURL is the configured API root.
	BaseURL string
	// Method is the write's method, Status the redirect's status.
	Method string
	Status int
	// From is the URL that answered with the redirect, To where it pointed.
	From, To *url.URL
	// ChangesMethod is true when following would have sent a GET instead of the write.
	ChangesMethod bool
	// APIPath is the request's path after the API root, from which the root the redirect points to is found.
	APIPath string
}

func (e *RedirectError) Error() string {
	why := fmt.Sprintf("which would turn the %s into a GET that changes nothing", e.Method)
	if !e.ChangesMethod {
		why = "another host, port or scheme, where the token is not sent"
	}
	return fmt.Sprintf("GitLab at %s redirects %s requests to %s (%d %s), %s: set base_url to %s",
		e.BaseURL, e.Method, e.To.Redacted(), e.Status, http.StatusText(e.Status), why, e.SuggestedBaseURL())
}

// SuggestedBaseURL is the GitLab address the redirect points to: its target without the request's own path, or
// its origin when the paths do not line up.
func (e *RedirectError) SuggestedBaseURL() string {
	root := e.To.Scheme + "://" + e.To.Host
	if p := e.To.EscapedPath(); e.APIPath != "" && strings.HasSuffix(p, e.APIPath) {
		root += strings.TrimSuffix(strings.TrimSuffix(p, e.APIPath), "/api/v4")
	}
	return root
}

func effectivePort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "https" {
		return "443"
	}
	return "80"
}

// SchemeError reports a base URL whose scheme the server does not speak on that port: https:// to a server that
// answers in plain HTTP, or http:// to one that expects TLS. Nothing reached GitLab's API. It is not retried: it
// fails the same way every time.
type SchemeError struct {
	BaseURL string
	Speaks  string // "http" or "https": what the server at that address speaks
}

func (e *SchemeError) Error() string {
	u, _ := url.Parse(e.BaseURL)
	fixed := *u
	fixed.Scheme, fixed.Path, fixed.RawPath = e.Speaks, strings.TrimSuffix(u.Path, "/api/v4"), ""
	if e.Speaks == "http" {
		return fmt.Sprintf("the server at %s answers in plain HTTP, not HTTPS: set base_url to %s if that is GitLab "+
			"(the token then travels unencrypted), or to the address of its HTTPS port", u.Host, fixed.String())
	}
	return fmt.Sprintf("the server at %s expects HTTPS, and answered the plain HTTP request with 400 Bad Request: set base_url to %s",
		u.Host, fixed.String())
}

// plainHTTPToTLSPort reports whether a 400 is a TLS server's answer to plain HTTP: NGINX's "The plain HTTP request
// was sent to HTTPS port" page, or Go's "Client sent an HTTP request to an HTTPS server".
func plainHTTPToTLSPort(body []byte) bool {
	return bytes.Contains(body, []byte("plain HTTP request was sent to HTTPS port")) ||
		bytes.Contains(body, []byte("Client sent an HTTP request to an HTTPS server"))
}

// isDialError reports whether err is a failure to open a connection at all: refused, unreachable, or a host name
// that does not resolve.
func isDialError(err error) bool {
	var (
		opErr  *net.OpError
		dnsErr *net.DNSError
	)
	return errors.As(err, &dnsErr) || errors.As(err, &opErr) && opErr.Op == "dial"
}

// retryableTransportError reports whether an error without a response is
// worth retrying. Dial failures, resets and EOFs are; TLS verification
// failures, TLS alerts from the server (such as a required client
// certificate) and redirect loops fail the same way every time.
func retryableTransportError(err error) bool {
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalid          x509.CertificateInvalidError
		verify           *tls.CertificateVerificationError
		recordHeader     tls.RecordHeaderError
		opErr            *net.OpError
	)
	switch {
	case errors.Is(err, errTooManyRedirects), errors.Is(err, errTooLarge), errors.As(err, new(*RedirectError)),
		errors.As(err, new(*SchemeError)),
		errors.As(err, &unknownAuthority),
		errors.As(err, &hostname),
		errors.As(err, &invalid),
		errors.As(err, &verify),
		errors.As(err, &recordHeader):
		return false
	case errors.As(err, &opErr) && opErr.Op == "remote error":
		return false
	}
	return true
}
