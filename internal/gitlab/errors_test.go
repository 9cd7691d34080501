package gitlab

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseErrorBody(t *testing.T) {
	long := strings.Repeat("x", 5000)
	tests := []struct {
		name string
		body string
		want []string
	}{
		{name: "message string", body: `{"message":"404 Project Not Found"}`, want: []string{"404 Project Not Found"}},
		{name: "message array", body: `{"message":["Url has already been taken","Name has already been taken"]}`,
			want: []string{"Url has already been taken", "Name has already been taken"}},
		{name: "message hash sorted", body: `{"message":{"url":["is blocked"],"name":["has already been taken","is bad"]}}`,
			want: []string{"name has already been taken", "name is bad", "url is blocked"}},
		{name: "message hash empty list", body: `{"message":{"limit_reached":[],"path":["has already been taken"]}}`,
			want: []string{"path has already been taken"}},
		{name: "rate limiter hash", body: `{"message":{"error":"This endpoint has been requested too many times. Try again later."}}`,
			want: []string{"This endpoint has been requested too many times. Try again later."}},
		{name: "error string", body: `{"error":"name is missing, url is missing"}`, want: []string{"name is missing, url is missing"}},
		{name: "catch-all route", body: `{"error":"404 Not Found"}`, want: []string{"404 Not Found"}},
		{name: "invalid token", body: `{"error":"invalid_token","error_description":"Token is expired. You can either do re-authorization or token refresh."}`,
			want: []string{"invalid_token: Token is expired. You can either do re-authorization or token refresh."}},
		{name: "insufficient scope", body: `{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api"}`,
			want: []string{"insufficient_scope: The request requires higher privileges than provided by the access token. (required scope: api)"}},
		{name: "plain text 429", body: "Retry later\n", want: []string{"Retry later"}},
		{name: "multi-line grape", body: `{"error":"message body does not match declared format\nline two"}`,
			want: []string{"message body does not match declared format line two"}},
		{name: "empty", body: "", want: nil},
		{name: "whitespace", body: " \n", want: nil},
		{name: "html", body: "<html><body><h1>502 Bad Gateway</h1>" + long + "</body></html>", want: nil},
		{name: "unknown json", body: `{"foo":"bar"}`, want: []string{`{"foo":"bar"}`}},
		{name: "json array", body: `["a"]`, want: []string{`["a"]`}},
		{name: "huge text", body: long, want: []string{strings.Repeat("x", maxMessageLen) + "…"}},
		{name: "numbers", body: `{"message":{"count":[3]}}`, want: []string{"count 3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := parseErrorBody([]byte(tc.body))
			if len(got) == 0 && len(tc.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("parseErrorBody(%.60q) = %q, want %q", tc.body, got, tc.want)
			}
		})
	}
}

func TestOneLineKeepsRunes(t *testing.T) {
	got := oneLine(strings.Repeat("é", maxMessageLen))
	if !strings.HasSuffix(got, "…") || !strings.HasPrefix(got, "é") || len(got) > maxMessageLen+len("…") {
		t.Fatalf("truncated to %q", got)
	}
	if strings.ContainsRune(strings.TrimSuffix(got, "…"), '\uFFFD') {
		t.Fatal("truncation split a rune")
	}
}

func TestErrorString(t *testing.T) {
	path := "/projects/grp%2Fproj/releases/v1/assets/links/7"
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{name: "gitlab text with code", err: &Error{Method: "GET", Path: path, StatusCode: 404, Messages: []string{"404 Not found"}, Attempts: 1},
			want: "GET " + path + ": 404 Not found"},
		{name: "validation", err: &Error{Method: "POST", Path: path, StatusCode: 400, Messages: []string{"Url has already been taken", "Name has already been taken"}},
			want: "POST " + path + ": 400 Bad Request: Url has already been taken; Name has already been taken"},
		{name: "no message", err: &Error{Method: "GET", Path: path, StatusCode: 502, Attempts: 6},
			want: "GET " + path + ": 502 Bad Gateway (after 6 attempts)"},
		{name: "text 429", err: &Error{Method: "GET", Path: path, StatusCode: 429, Messages: []string{"Retry later"}, Attempts: 3},
			want: "GET " + path + ": 429 Too Many Requests: Retry later (after 3 attempts)"},
		{name: "transport", err: &Error{Method: "GET", Path: path, Err: errors.New("dial tcp: connection refused"), Attempts: 2},
			want: "GET " + path + ": dial tcp: connection refused (after 2 attempts)"},
		{name: "unknown status", err: &Error{Method: "GET", Path: path, StatusCode: 599},
			want: "GET " + path + ": 599"},
		{name: "nothing", err: &Error{Method: "GET", Path: path},
			want: "GET " + path + ": no response from GitLab"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Fatalf("Error() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestErrorPredicates(t *testing.T) {
	projectNotFound := &Error{StatusCode: 404, Messages: []string{"404 Project Not Found"}}
	linkNotFound := &Error{StatusCode: 404, Messages: []string{"404 Not found"}}
	taken := &Error{StatusCode: 400, Messages: []string{"Url has already been taken", "Name has already been taken"}}
	plain := errors.New("404 Project Not Found")
	tests := []struct {
		name                                  string
		err                                   error
		notFound, projectNotFound, is400, has bool
	}{
		{name: "project not found", err: projectNotFound, notFound: true, projectNotFound: true},
		{name: "link not found", err: linkNotFound, notFound: true},
		{name: "wrapped", err: fmt.Errorf("reading: %w", projectNotFound), notFound: true, projectNotFound: true},
		{name: "taken", err: taken, is400: true, has: true},
		{name: "plain error", err: plain},
		{name: "nil", err: nil},
		{name: "route 404", err: &Error{StatusCode: 404, Messages: []string{"404 Not Found"}}, notFound: true},
		{name: "403 with project text", err: &Error{StatusCode: 403, Messages: []string{"404 Project Not Found"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsNotFound(tc.err); got != tc.notFound {
				t.Errorf("IsNotFound = %v", got)
			}
			if got := IsProjectNotFound(tc.err); got != tc.projectNotFound {
				t.Errorf("IsProjectNotFound = %v", got)
			}
			if got := HasStatus(tc.err, 400); got != tc.is400 {
				t.Errorf("HasStatus(400) = %v", got)
			}
			if got := HasMessage(tc.err, "has already been taken"); got != tc.has {
				t.Errorf("HasMessage = %v", got)
			}
		})
	}
}

func TestIsServiceFailure(t *testing.T) {
	down := &UnavailableError{BaseURL: "https://gitlab.example.com/api/v4", Attempts: 6}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{name: "outage", err: &Error{Err: down}, want: true},
		{name: "wait past deadline", err: &Error{Err: &WaitError{Reason: "429"}}, want: true},
		{name: "no answer", err: &Error{Err: &NoAnswerError{After: time.Second}}, want: true},
		{name: "connection reset", err: &Error{Err: io.ErrUnexpectedEOF}, want: true},
		{name: "429", err: &Error{StatusCode: 429}, want: true},
		{name: "502", err: &Error{StatusCode: 502}, want: true},
		{name: "503", err: &Error{StatusCode: 503}, want: true},
		{name: "504", err: &Error{StatusCode: 504}, want: true},
		// A failure of this request in particular: another way of asking may work.
		{name: "500", err: &Error{StatusCode: 500}},
		{name: "413 from a proxy", err: &Error{StatusCode: 413}},
		{name: "400", err: &Error{StatusCode: 400}},
		{name: "record 404", err: &Error{StatusCode: 404, Messages: []string{"404 Not found"}}},
		{name: "too large", err: &Error{Err: errTooLarge}},
		{name: "redirect loop", err: &Error{Err: errTooManyRedirects}},
		{name: "not JSON", err: errors.New("GET /x: the 200 response is not the JSON the GitLab API returns")},
		{name: "nil"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsServiceFailure(tc.err); got != tc.want {
				t.Fatalf("IsServiceFailure(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
	if !down.FirstReport() || down.FirstReport() {
		t.Fatal("FirstReport must be true exactly once")
	}
}

func TestErrorUnwrap(t *testing.T) {
	inner := io.ErrUnexpectedEOF
	err := error(&Error{Method: "GET", Path: "/user", Err: inner})
	if !errors.Is(err, inner) {
		t.Fatal("errors.Is does not reach the transport error")
	}
}

// TestErrorFromServer checks that a real response becomes an *Error with
// the method, escaped path, status and flattened messages.
func TestErrorFromServer(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		wantMsgs []string
		wantText string
	}{
		{name: "project not found", status: 404, body: `{"message":"404 Project Not Found"}`,
			wantMsgs: []string{"404 Project Not Found"}, wantText: ": 404 Project Not Found"},
		{name: "validation array", status: 400, body: `{"message":["Name has already been taken"]}`,
			wantMsgs: []string{"Name has already been taken"}, wantText: ": 400 Bad Request: Name has already been taken"},
		{name: "huge html 500", status: 500, body: "<html>" + strings.Repeat("<p>oops</p>", 20000) + "</html>",
			wantMsgs: nil, wantText: ": 500 Internal Server Error"},
		{name: "empty 401", status: 401, body: "", wantMsgs: nil, wantText: ": 401 Unauthorized"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) { reply(w, tc.status, tc.body) })
			c := mustNew(t, fastConfig(srv.URL))
			_, err := c.GetReleaseLink(testContext(t), "grp/proj", "v1.0", 7)
			e := asError(t, err)
			wantPath := "/projects/grp%2Fproj/releases/v1%2E0/assets/links/7"
			if e.Method != "GET" || e.Path != wantPath || e.StatusCode != tc.status || e.Attempts != 1 {
				t.Fatalf("got %+v", e)
			}
			if len(e.Messages) != 0 || len(tc.wantMsgs) != 0 {
				if !reflect.DeepEqual(e.Messages, tc.wantMsgs) {
					t.Fatalf("messages %q, want %q", e.Messages, tc.wantMsgs)
				}
			}
			if want := "GET " + wantPath + tc.wantText; e.Error() != want {
				t.Fatalf("Error() = %q, want %q", e.Error(), want)
			}
		})
	}
}

func TestIsRecordNotFound(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"missing release or link", &Error{StatusCode: 404, Messages: []string{"404 Not found"}}, true},
		{"named record", &Error{StatusCode: 404, Messages: []string{"404 Release Not Found"}}, true},
		{"route catch-all", &Error{StatusCode: 404, Messages: []string{"404 Not Found"}}, false},
		{"project", &Error{StatusCode: 404, Messages: []string{"404 Project Not Found"}}, false},
		{"HTML page", &Error{StatusCode: 404}, false},
		{"not a 404", &Error{StatusCode: 400, Messages: []string{"404 Not found"}}, false},
		{"not an Error", errors.New("404 Not found"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsRecordNotFound(tc.err); got != tc.want {
				t.Fatalf("IsRecordNotFound = %v, want %v", got, tc.want)
			}
		})
	}
}
