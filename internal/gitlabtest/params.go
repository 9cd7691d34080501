package gitlabtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// call is one request being handled under the server lock.
type call struct {
	s      *Server
	st     *state
	r      *http.Request
	rt     route
	params map[string]any // query merged with the body (body wins), values as Grape sees them before coercion
}

// invalidBodyMessage is Grape's InvalidMessageBody text; GitLab passes it through as {"error": ...} (GITLAB.md §1,
// exact text UNCONFIRMED for GitLab's Grape version).
const invalidBodyMessage = "\nProblem:\n  message body does not match declared format\nResolution:\n  " +
	"when specifying application/json as content-type, you must pass valid application/json in the request's 'body' "

// parseParams merges query and JSON body parameters like Rack and Grape do: the last of repeated query keys wins,
// body keys win over query keys, and malformed JSON is a 400 (the answer returned with the params).
//
// Real GitLab also reads application/x-www-form-urlencoded and multipart/form-data bodies (GITLAB.md §1 "Request
// bodies"). The emulator does not model them: no client of ours sends them, so such a body is ignored and only
// the query string counts. Other media types are ignored as well; Grape would answer 415 for types without a
// parser, and which types GitLab registers is UNCONFIRMED.
func parseParams(r *http.Request, body []byte) (map[string]any, *response) {
	params := map[string]any{}
	query, _ := url.ParseQuery(r.URL.RawQuery)
	mergeValues(params, query)

	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		return params, nil
	}
	if len(body) == 0 {
		return params, nil
	}
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	// Without a Content-Type, Grape falls back to the API's default format, which is JSON in GitLab.
	if mediaType != "application/json" && mediaType != "" {
		return params, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return params, errorResponse(http.StatusBadRequest, invalidBodyMessage)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return params, errorResponse(http.StatusBadRequest, invalidBodyMessage)
	}
	if m, ok := v.(map[string]any); ok {
		for k, val := range m {
			params[k] = val
		}
	} else {
		params["_json"] = v // Grape keeps a non-object JSON body under _json
	}
	return params, nil
}

func mergeValues(dst map[string]any, src url.Values) {
	for k, vs := range src {
		if len(vs) > 0 {
			dst[k] = vs[len(vs)-1]
		}
	}
}

// grapeErrors collects Grape validation errors. Grape groups messages by parameter list in the order validators
// first failed, prefixes each with the parameter names, removes duplicates and joins them with ", " (§2a).
type grapeErrors struct {
	order []string
	msgs  map[string][]string
}

func (g *grapeErrors) add(attrs, msg string) {
	if g.msgs == nil {
		g.msgs = map[string][]string{}
	}
	if _, ok := g.msgs[attrs]; !ok {
		g.order = append(g.order, attrs)
	}
	g.msgs[attrs] = append(g.msgs[attrs], msg)
}

// response returns the 400 {"error": ...} answer, or nil when there were no errors.
func (g *grapeErrors) response() *response {
	if len(g.order) == 0 {
		return nil
	}
	var full []string
	seen := map[string]bool{}
	for _, attrs := range g.order {
		for _, m := range g.msgs[attrs] {
			if s := attrs + " " + m; !seen[s] {
				seen[s] = true
				full = append(full, s)
			}
		}
	}
	return errorResponse(http.StatusBadRequest, strings.Join(full, ", "))
}

// optString is a declared String parameter after Grape coercion.
type optString struct {
	present bool // the key was sent (even as JSON null)
	null    bool // the value was JSON null
	invalid bool // coercion failed
	val     string
}

// ptr returns nil for an absent, null or invalid value.
func (o optString) ptr() *string {
	if !o.present || o.null || o.invalid {
		return nil
	}
	v := o.val
	return &v
}

// stringParam applies Grape's `requires`/`optional ..., type: String`: presence only checks that the key exists
// (so "" and null pass, §1.2), numbers and booleans become strings, arrays and hashes are invalid.
func (c *call) stringParam(g *grapeErrors, name string, required bool) optString {
	return stringFrom(g, c.params, name, name, required)
}

// stringFrom is stringParam for a nested hash; label is the name Grape prints, e.g. "assets[links][0][name]".
func stringFrom(g *grapeErrors, m map[string]any, name, label string, required bool) optString {
	v, ok := m[name]
	if !ok {
		if required {
			g.add(label, "is missing")
		}
		return optString{}
	}
	s, null, valid := coerceString(v)
	if !valid {
		g.add(label, "is invalid")
	}
	return optString{present: true, null: null, invalid: !valid, val: s}
}

func coerceString(v any) (s string, null, ok bool) {
	switch x := v.(type) {
	case nil:
		return "", true, true
	case string:
		return x, false, true
	case json.Number:
		return x.String(), false, true
	case bool:
		return strconv.FormatBool(x), false, true
	}
	return "", false, false
}

// valuesParam applies `values:` and `default:` after stringParam: absent or null takes the default; otherwise the
// value (or every element of an array) must be one of allowed, case-sensitively.
func (c *call) valuesParam(g *grapeErrors, name string, o optString, allowed []string, def string) string {
	if !o.present || o.null {
		return def
	}
	candidates := []any{c.params[name]}
	if arr, ok := c.params[name].([]any); ok {
		candidates = arr
	} else if !o.invalid {
		candidates = []any{o.val}
	}
	for _, cand := range candidates {
		s, isStr := cand.(string)
		if !isStr || !contains(allowed, s) {
			g.add(name, "does not have a valid value")
			break
		}
	}
	return o.val
}

// intParam applies `type: Integer` with an optional default. It returns the value and whether the caller sent one.
func (c *call) intParam(g *grapeErrors, name string, def int64) (int64, bool) {
	v, ok := c.params[name]
	if !ok || v == nil || v == "" { // Grape treats "" as nil for non-String types
		return def, false
	}
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = x.String()
	default:
		g.add(name, "is invalid")
		return def, false
	}
	n, valid := parseRubyInt(s)
	if !valid {
		g.add(name, "is invalid")
		return def, false
	}
	return n, true
}

// parseRubyInt mirrors Ruby's Integer(s, 10), which Grape's Integer coercion uses: surrounding whitespace, a sign,
// leading zeros ("007" is 7) and single underscores between digits are accepted; "1e3" and "abc" are not.
// Values beyond int64 saturate, which for ids and page numbers behaves the same as the real huge number.
func parseRubyInt(s string) (int64, bool) {
	s = strings.Trim(s, " \t\n\v\f\r")
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return 0, false
	}
	digits := strings.ReplaceAll(s, "_", "")
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		n = math.MaxInt64
	}
	if neg {
		n = -n
	}
	return n, true
}

// boolParam applies `type: Boolean` (dry-types Params::Bool); absent, null and "" are false.
func (c *call) boolParam(g *grapeErrors, name string) bool {
	v, ok := c.params[name]
	if !ok || v == nil || v == "" {
		return false
	}
	switch x := v.(type) {
	case bool:
		return x
	case string:
		switch strings.ToLower(x) {
		case "1", "on", "t", "true", "y", "yes":
			return true
		case "0", "off", "f", "false", "n", "no":
			return false
		}
	case json.Number:
		switch x.String() {
		case "1":
			return true
		case "0":
			return false
		}
	}
	g.add(name, "is invalid")
	return false
}

// paramString returns a plain string parameter (used for tokens), or "".
func (c *call) paramString(name string) string {
	s, _ := c.params[name].(string)
	return s
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
