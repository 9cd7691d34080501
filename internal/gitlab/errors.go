package gitlab

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxMessageLen caps one flattened message so that an unexpected body (a
// proxy's text page, a stack trace) never floods a diagnostic.
const maxMessageLen = 300

// Error is a GitLab API call that failed: either GitLab (or a proxy in front
// of it) answered with a non-2xx status, or no response arrived at all.
type Error struct {
	// Method is the HTTP method, such as "GET".
	Method string
	// Path is the API path after /api/v4 as sent, escaped, without the
	// query, e.g. "/projects/grp%2Fproj/releases/v1/assets/links".
	Path string
	// StatusCode is the HTTP status of the last attempt, or 0 when no HTTP
	// response was received (a connection error or a cancelled context).
	StatusCode int
	// Messages holds GitLab's message(s), flattened to one line each.
	Messages []string
	// Attempts is how many times the request was sent.
	Attempts int
	// MaybeCommitted reports that the request is a write and an earlier
	// attempt may have been applied by GitLab before its response was lost
	// (a 502, 503 or 504, or a connection error after the request was
	// written). A "has already been taken" answer to a retried create may
	// then be the client's own first attempt.
	MaybeCommitted bool
	// Err is the underlying transport or context error when StatusCode is 0.
	Err error
}

// Error returns a one-line description such as
// "GET /projects/1/releases/v1/assets/links/7: 404 Not found".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.Path)
	b.WriteString(": ")
	switch {
	case e.StatusCode == 0 && e.Err != nil:
		b.WriteString(e.Err.Error())
	case e.StatusCode == 0:
		b.WriteString("no response from GitLab")
	default:
		code := strconv.Itoa(e.StatusCode)
		status := strings.TrimSpace(code + " " + http.StatusText(e.StatusCode))
		msg := strings.Join(e.Messages, "; ")
		switch {
		case msg == "":
			b.WriteString(status)
		case strings.HasPrefix(msg, code+" "):
			// GitLab's own texts ("404 Project Not Found") already carry the code.
			b.WriteString(msg)
		default:
			b.WriteString(status)
			b.WriteString(": ")
			b.WriteString(msg)
		}
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

// Unwrap returns the underlying transport or context error, if any.
func (e *Error) Unwrap() error { return e.Err }

// IsNotFound reports whether err is an *Error with status 404, whatever the
// body: unknown project, release, link or route all count.
func IsNotFound(err error) bool {
	return HasStatus(err, http.StatusNotFound)
}

// IsRecordNotFound reports whether err is GitLab's 404 for a release or a link that does not exist: the body
// "404 Not found", lowercase f, from a RecordNotFound (GITLAB.md §3a), or a "404 <Record> Not Found" that
// names a record other than the project. Unlike IsNotFound it is false for the route catch-all's
// {"error":"404 Not Found"}, for HTML 404 pages from a proxy or a wrong base URL, and for a missing project: those
// say nothing about whether a link still exists.
func IsRecordNotFound(err error) bool {
	var e *Error
	if !errors.As(err, &e) || e.StatusCode != http.StatusNotFound {
		return false
	}
	for _, m := range e.Messages {
		if m == "404 Not found" {
			return true
		}
		if strings.HasPrefix(m, "404 ") && strings.HasSuffix(m, " Not Found") && m != "404 Not Found" && m != "404 Project Not Found" {
			return true
		}
	}
	return false
}

// IsProjectNotFound reports whether err is GitLab's 404 for a project that
// does not exist or that the token cannot see (GITLAB.md §3a), as opposed
// to a missing release or link, whose 404 says "404 Not found".
func IsProjectNotFound(err error) bool {
	var e *Error
	if !errors.As(err, &e) || e.StatusCode != http.StatusNotFound {
		return false
	}
	for _, m := range e.Messages {
		if m == "404 Project Not Found" {
			return true
		}
	}
	return false
}

// IsServiceFailure reports whether err says that GitLab as a whole could not serve the request: it is
// unreachable, failing (502, 503, 504, no answer in time) or throttling (429, or a rate-limit wait past the
// deadline). Such a failure says nothing about the request itself, so trying the same data another way (one
// GET per link instead of a listing) would only fail again.
func IsServiceFailure(err error) bool {
	var (
		down     *UnavailableError
		wait     *WaitError
		noAnswer *NoAnswerError
		e        *Error
	)
	switch {
	case errors.As(err, &down), errors.As(err, &wait), errors.As(err, &noAnswer):
		return true
	case errors.As(err, &e):
		switch e.StatusCode {
		case 0:
			return e.Err != nil && retryableTransportError(e.Err)
		case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
	}
	return false
}

// HasStatus reports whether err is an *Error with the given HTTP status.
func HasStatus(err error, code int) bool {
	var e *Error
	return errors.As(err, &e) && e.StatusCode == code
}

// HasMessage reports whether err is an *Error one of whose messages contains
// substr, such as "has already been taken".
func HasMessage(err error, substr string) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	for _, m := range e.Messages {
		if strings.Contains(m, substr) {
			return true
		}
	}
	return false
}

// parseErrorBody flattens every error body shape GitLab produces into
// one-line messages. It returns nil for an empty or HTML body, so that the
// status text stands alone.
func parseErrorBody(body []byte) []string {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] == '<' {
		// Proxies in front of GitLab (nginx, load balancers) answer 502/504
		// with HTML pages that say nothing the status does not.
		return nil
	}
	var msgs []string
	if body[0] == '{' {
		var obj map[string]json.RawMessage
		if json.Unmarshal(body, &obj) == nil {
			msgs = messagesFromObject(obj)
		}
	}
	if len(msgs) == 0 {
		// Not a shape we know, or plain text such as Rack::Attack's
		// "Retry later\n" on 429 (GITLAB.md §6).
		msgs = []string{string(body)}
	}
	out := make([]string, 0, len(msgs))
	for _, m := range msgs {
		if m = oneLine(m); m != "" {
			out = append(out, m)
		}
	}
	return out
}

// messagesFromObject reads the two top-level keys GitLab uses. "message" comes
// from render_api_error! and may be a string, an array of full messages
// (link validation, §2b) or a hash of attribute errors (older servers and
// project validation, §1.2, §7c). "error" comes from Grape validation and the
// catch-all route (§2a, §3a), and from OAuth failures, which add
// error_description and scope (§3b).
func messagesFromObject(obj map[string]json.RawMessage) []string {
	var msgs []string
	if raw, ok := obj["message"]; ok {
		msgs = append(msgs, flatten("", decodeAny(raw))...)
	}
	if raw, ok := obj["error"]; ok {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			msgs = append(msgs, flatten("", decodeAny(raw))...)
		} else {
			if desc := decodeString(obj["error_description"]); desc != "" {
				s += ": " + desc
			}
			if scope := decodeString(obj["scope"]); scope != "" {
				s += " (required scope: " + scope + ")"
			}
			msgs = append(msgs, s)
		}
	}
	return msgs
}

// flatten turns a decoded JSON value into messages. Hash keys are sorted and
// prefixed, so {"name":["has already been taken"]} becomes "name has already
// been taken", the way Rails builds full messages. The keys "error" and
// "base" carry a whole sentence and are not prefixed, e.g. the application
// rate limiter's {"error":"This endpoint has been requested too many times…"}.
func flatten(prefix string, v any) []string {
	switch t := v.(type) {
	case nil:
		return nil
	case string:
		return []string{joinPrefix(prefix, t)}
	case []any:
		var out []string
		for _, e := range t {
			out = append(out, flatten(prefix, e)...)
		}
		return out
	case map[string]any:
		var out []string
		for _, k := range slices.Sorted(maps.Keys(t)) {
			p := k
			if k == "error" || k == "base" {
				p = ""
			}
			out = append(out, flatten(joinPrefix(prefix, p), t[k])...)
		}
		return out
	default:
		return []string{joinPrefix(prefix, fmt.Sprint(t))}
	}
}

func joinPrefix(prefix, s string) string {
	switch {
	case prefix == "":
		return s
	case s == "":
		return prefix
	}
	return prefix + " " + s
}

func decodeAny(raw json.RawMessage) any {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil
	}
	return v
}

func decodeString(raw json.RawMessage) string {
	var s string
	if raw == nil || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// oneLine collapses whitespace runs (Grape's multi-line parse errors, text
// bodies) into single spaces and truncates to maxMessageLen bytes on a rune
// boundary, so Error() stays one readable line.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
	if len(s) <= maxMessageLen {
		return s
	}
	cut := maxMessageLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
