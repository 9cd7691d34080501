package gitlabtest

import (
	"strings"
	"testing"
)

// TestURLBlockedReasonAddressableQuirks pins Addressable behaviours that the API table does not show: URIs
// without a host are accepted as long as they have a path, and encoded newlines only matter outside http(s).
func TestURLBlockedReasonAddressableQuirks(t *testing.T) {
	tests := []struct{ url, want string }{
		{"http:/only-a-path", ""},
		{"http:///x", ""},
		{"http:", "URI is invalid"},
		{"http://user@", "URI is invalid"},
		{"https://example.com/%0A", ""},
		{"ftp://example.com/%0A", "URI is invalid"},
		{"wrong%0Aurl", "URI is invalid"},
		{"https://exa<mple.com", "URI is invalid"},
		{"https://[::1]/", ""},
		{"https://1.2.3.4/", ""},
		{"https://é.example/", ""},
		{"https://.example/", "Hostname or IP address invalid"},
		{"", "Only allowed schemes are http, https, ftp"},
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			if got := urlBlockedReason(tc.url); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseRubyInt(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"7", 7, true}, {"007", 7, true}, {"-1", -1, true}, {"+3", 3, true}, {" 4 ", 4, true}, {"1_000", 1000, true},
		{"1e3", 0, false}, {"abc", 0, false}, {"", 0, false}, {"1.0", 0, false}, {"_1", 0, false}, {"1__0", 0, false},
		{"0x10", 0, false}, {"-", 0, false},
	}
	for _, tc := range tests {
		got, ok := parseRubyInt(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRubyInt(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestValidGitRefName(t *testing.T) {
	valid := []string{"v1", "v1.0.0", "rel/v1", "v1+build", "v1-ünï", "100%", "v1#x"}
	invalid := []string{"", "HEAD", "@", "-v1", "v 1", "v1..2", "v1/", "v1.", "a//b", "a/.b", "v1.lock", "v1@{x", "v1~",
		"v1^", "v1:", "v1?", "v1*", "v1[", `v1\`, "refs/tags/v1", "refs/heads/main"}
	for _, name := range valid {
		if !validGitRefName(name) {
			t.Errorf("%q rejected", name)
		}
	}
	for _, name := range invalid {
		if validGitRefName(name) {
			t.Errorf("%q accepted", name)
		}
	}
}

func TestEscapeSegment(t *testing.T) {
	tests := map[string]string{
		"v1.0": "v1.0", "rel/v1": "rel%2Fv1", "v 1": "v%201", "v1+b": "v1+b", "v1#x": "v1%23x", "100%": "100%25",
		"ü": "%C3%BC", "a?b": "a%3Fb", "~!$&'()*,;=:@": "~!$&'()*,;=:@",
	}
	for in, want := range tests {
		if got := escapeSegment(in); got != want {
			t.Errorf("escapeSegment(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidFilepathLength(t *testing.T) {
	rec := linkRecord{name: ptr("n"), url: ptr("https://x.io"), filepath: ptr("/" + strings.Repeat("é", 128))}
	msgs := validateLink(&rec, nil)
	if len(msgs) != 1 || msgs[0] != "Filepath is too long (maximum is 128 characters)" {
		t.Fatalf("got %v", msgs)
	}
	rec.filepath = ptr("/" + strings.Repeat("a", 127))
	if msgs := validateLink(&rec, nil); len(msgs) != 0 {
		t.Fatalf("128 characters rejected: %v", msgs)
	}
}

func ptr(s string) *string { return &s }
