// Package gitlab is a small REST client for the parts of the GitLab API v4
// that the provider and its test harness use: release links, releases,
// projects and the current user or job.
//
// It speaks HTTP and JSON only and knows nothing about Terraform. It escapes
// project paths and tags as single path segments, retries rate limits and
// gateway errors (see retry.go), and turns every failure into an *Error that
// carries GitLab's own message. The behaviour it relies on is described in
// the project's GitLab reference, GITLAB.md at the repository's root, cited as
// "GITLAB.md §n" in comments.
package gitlab

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// AuthKind selects the header that carries Config.Token.
type AuthKind int

const (
	// AuthPrivateToken sends the PRIVATE-TOKEN header: personal, project and
	// group access tokens.
	AuthPrivateToken AuthKind = iota
	// AuthOAuth sends "Authorization: Bearer <token>".
	AuthOAuth
	// AuthJobToken sends the JOB-TOKEN header (a CI job token).
	AuthJobToken
	// AuthAuto is for a token of unknown kind: it is sent as PRIVATE-TOKEN, which every personal, project and group
	// access token works with; after a 401 the client sends it as "Authorization: Bearer" from then on, which
	// GitLab accepts for OAuth tokens too (GITLAB.md §3b). The 401 costs one request, once.
	AuthAuto
)

const (
	// maxErrorBody bounds how much of an error response is read.
	maxErrorBody = 64 << 10
	// maxResponseBody bounds a successful response; a page of 100 links or a
	// project is a few kilobytes.
	maxResponseBody = 32 << 20
)

// AuthKindFor picks the header a configured token travels in. Prefixed job tokens go in JOB-TOKEN and prefixed
// personal, project and group access tokens in PRIVATE-TOKEN. Any other token starts in PRIVATE-TOKEN, which works
// for every access token whatever its age, and moves to "Authorization: Bearer" if GitLab answers 401, which is
// how OAuth tokens are accepted (GITLAB.md §3b).
func AuthKindFor(token string) AuthKind {
	switch {
	case strings.HasPrefix(token, "glcbt-"):
		return AuthJobToken
	case strings.HasPrefix(token, "glpat-"):
		return AuthPrivateToken
	default:
		return AuthAuto
	}
}

// Config holds everything New needs to build a Client.
type Config struct {
	// BaseURL is the GitLab address in any form NormalizeBaseURL accepts.
	BaseURL string
	// Token authenticates requests; when empty no auth header is sent.
	Token string
	// AuthKind selects the header that carries Token.
	AuthKind AuthKind
	// Headers are extra headers sent on every request. They cannot
	// override the auth header, Accept, Content-Type or User-Agent.
	Headers map[string]string
	// CACertFile is a PEM file whose certificates are added to the system
	// roots.
	CACertFile string
	// Insecure skips TLS certificate verification.
	Insecure bool
	// ClientCert and ClientKey are PEM files of a TLS client certificate and
	// its key; set both or neither.
	ClientCert string
	ClientKey  string
	// Retries is how many times a request is retried after the first
	// attempt: 0 means none, a negative value means DefaultRetries.
	Retries int
	// RetryWaitMin is the first backoff step; 0 means DefaultRetryWaitMin.
	RetryWaitMin time.Duration
	// RetryWaitMax caps the wait between two rounds of attempts against a
	// failing GitLab; 0 means DefaultRetryWaitMax. A wait GitLab asks for
	// (Retry-After) is bounded only by the caller's deadline.
	RetryWaitMax time.Duration
	// AnswerTimeout bounds each attempt from the moment it goes out until its
	// whole answer has arrived; 0 means DefaultAnswerTimeout. An attempt that
	// runs out is retried like a dropped connection.
	AnswerTimeout time.Duration
	// MaxRequestsPerMinute spaces the starts of attempts evenly so that the
	// Client never sends more than this many a minute; 0 means no cap.
	MaxRequestsPerMinute int
	// UserAgent is sent on every request when not empty.
	UserAgent string
	// Log, when set, receives one debug line per attempt: method, escaped
	// path, status, attempt and duration. It is never given a token, header
	// values or bodies.
	Log func(ctx context.Context, msg string, fields map[string]any)
	// Progress, when set, receives one line per wait that the rate limit or a
	// failing GitLab imposes on every request (how long, and why), meant to be
	// shown at INFO level. Like Log, it never sees secrets.
	Progress func(ctx context.Context, msg string, fields map[string]any)
}

// Client calls the GitLab REST API. It is safe for concurrent use; all
// requests share one pooled transport.
type Client struct {
	baseURL    string
	httpClient *http.Client
	token      string
	authKind   AuthKind
	bearer     atomic.Bool // AuthAuto has switched to Bearer
	headers    map[string]string
	userAgent  string
	retries    int
	traffic    *controller
	log        func(ctx context.Context, msg string, fields map[string]any)
}

// New validates cfg and returns a Client. It fails on a malformed base URL,
// an unreadable or invalid CA file, an incomplete or invalid client
// certificate pair, an unknown AuthKind or an invalid extra header.
func New(cfg Config) (*Client, error) {
	base, err := NormalizeBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	switch cfg.AuthKind {
	case AuthPrivateToken, AuthOAuth, AuthJobToken, AuthAuto:
	default:
		return nil, fmt.Errorf("auth kind %d is not one of AuthPrivateToken, AuthOAuth or AuthJobToken", cfg.AuthKind)
	}
	headers := make(map[string]string, len(cfg.Headers))
	for k, v := range cfg.Headers {
		if err := checkHeader(k, v); err != nil {
			return nil, err
		}
		headers[k] = v
	}
	if cfg.MaxRequestsPerMinute < 0 {
		return nil, fmt.Errorf("the request cap %d per minute is negative", cfg.MaxRequestsPerMinute)
	}
	retries, waitMin, waitMax, answer := cfg.Retries, cfg.RetryWaitMin, cfg.RetryWaitMax, cfg.AnswerTimeout
	if retries < 0 {
		retries = DefaultRetries
	}
	if waitMin <= 0 {
		waitMin = DefaultRetryWaitMin
	}
	if waitMax <= 0 {
		waitMax = DefaultRetryWaitMax
	}
	if answer <= 0 {
		answer = DefaultAnswerTimeout
	}
	traffic := newController(cfg, base, retries, waitMin, waitMax)
	hc, err := newHTTPClient(cfg, base, headers, traffic, answer)
	if err != nil {
		return nil, err
	}
	return &Client{
		baseURL:    base,
		httpClient: hc,
		token:      cfg.Token,
		authKind:   cfg.AuthKind,
		headers:    headers,
		userAgent:  cfg.UserAgent,
		retries:    retries,
		traffic:    traffic,
		log:        cfg.Log,
	}, nil
}

// BaseURL returns the normalized API root, ending in /api/v4.
func (c *Client) BaseURL() string { return c.baseURL }

// checkHeader rejects header names and values that net/http would refuse on
// every request, so the mistake surfaces once, at configuration time. The
// value is never quoted: it may be a secret.
func checkHeader(name, value string) error {
	if name == "" || strings.IndexFunc(name, func(r rune) bool {
		return r <= ' ' || r >= 0x7f || strings.ContainsRune("\"(),/:;<=>?@[\\]{}", r)
	}) >= 0 {
		return fmt.Errorf("extra header name %q is not a valid HTTP header name", name)
	}
	if strings.ContainsAny(value, "\r\n\x00") {
		return fmt.Errorf("the value of extra header %q contains a line break or NUL byte", name)
	}
	return nil
}

// setHeaders applies the extra headers first so that none of them can
// replace the ones the client relies on.
func (c *Client) setHeaders(h http.Header, hasBody bool) {
	for k, v := range c.headers {
		h.Set(k, v)
	}
	h.Set("Accept", "application/json")
	if hasBody {
		h.Set("Content-Type", "application/json")
	}
	if c.userAgent != "" {
		h.Set("User-Agent", c.userAgent)
	}
	if c.token == "" {
		return
	}
	switch c.authKind {
	case AuthOAuth:
		h.Set("Authorization", "Bearer "+c.token)
	case AuthAuto:
		if c.bearer.Load() {
			h.Set("Authorization", "Bearer "+c.token)
		} else {
			h.Set("PRIVATE-TOKEN", c.token)
		}
	case AuthJobToken:
		h.Set("JOB-TOKEN", c.token)
	default:
		h.Set("PRIVATE-TOKEN", c.token)
	}
}

// do sends one API request, with retries, and, for AuthAuto, once more as a Bearer token after a 401 that
// answered PRIVATE-TOKEN. GitLab refuses a bad token before doing anything, so the second send is safe for writes.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, in, out any) (http.Header, error) {
	asPrivate := c.authKind == AuthAuto && c.token != "" && !c.bearer.Load()
	header, err := c.send(ctx, method, path, query, in, out)
	if asPrivate && HasStatus(err, http.StatusUnauthorized) {
		c.bearer.Store(true)
		return c.send(ctx, method, path, query, in, out)
	}
	return header, err
}

// send sends one API request, with retries, and decodes a 2xx JSON answer into
// out (unless out is nil). path is the escaped path after /api/v4. Any other
// status becomes an *Error. The response headers are returned for callers
// that paginate.
func (c *Client) send(ctx context.Context, method, path string, query url.Values, in, out any) (http.Header, error) {
	var body any // stays a nil interface for requests without a body
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("%s %s: encoding the request body: %w", method, path, err)
		}
		body = b
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultOperationTimeout)
		defer cancel()
	}
	target := c.baseURL + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}

	rc := c.newCall(ctx, method, path)
	req, err := retryablehttp.NewRequestWithContext(rc.traced(ctx), method, target, body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: building the request: %w", method, path, unwrapURLError(err))
	}
	c.setHeaders(req.Header, in != nil)

	resp, err := rc.retryClient(c).Do(req)
	if err != nil {
		if resp != nil {
			_ = resp.Body.Close()
		}
		return nil, rc.newError(0, nil, unwrapURLError(err))
	}
	defer func() { _ = resp.Body.Close() }()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return resp.Header, rc.newError(resp.StatusCode, parseErrorBody(data), nil)
	}
	if out == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		return resp.Header, nil
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		return resp.Header, rc.newError(0, nil, fmt.Errorf("reading the %d response: %w", resp.StatusCode, err))
	}
	if err := json.Unmarshal(data, out); err != nil {
		// An HTML page with 200 usually means the base URL points at
		// something other than the GitLab API (a login portal, a proxy).
		return resp.Header, fmt.Errorf("%s %s: the %d response is not the JSON the GitLab API returns (check the base URL): %w",
			method, path, resp.StatusCode, jsonError(data, err))
	}
	return resp.Header, nil
}

// jsonError adds a hint about the body to a decode error without quoting it.
func jsonError(data []byte, err error) error {
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '<' {
		return errors.New("the body looks like HTML")
	}
	return err
}
