package provider

import (
	"strings"
	"testing"
)

func TestCheckLinkURL(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"https://example.com/app.tar.gz", true},
		{"http://localhost:3000/x", true},
		{"ftp://x", true},
		{"https://example.com:99999", true},
		{"https://example.com/-/releases/v1/downloads/app", true},
		{"http://127.0.0.1/a?b=c#d", true},
		{"HTTP://example.com", false},
		{"Https://example.com", false},
		{"wrong_url", false},
		{"//example.com", false},
		{"mailto:someone@example.com", false},
		{"javascript:alert(1)", false},
		{"torrent://example.com", false},
		{"http://", false},
		{"https://exa mple.com", false},
		{"https://example.com/\nx", false},
		{" https://example.com", false},
		{"https://example.com ", false},
		{"https://-bad.com", false},
		{"https://_x.com", false},
		{"", false},
	} {
		t.Run(tc.url, func(t *testing.T) {
			problem := checkLinkURL(tc.url)
			if (problem == "") != tc.ok {
				t.Errorf("checkLinkURL(%q) = %q, want ok=%v", tc.url, problem, tc.ok)
			}
		})
	}
}

func TestAssetPathFormat(t *testing.T) {
	for _, tc := range []struct {
		path string
		ok   bool
	}{
		// Valid and invalid examples from GitLab's own tests (GITLAB.md §2b).
		{"/binaries/awesome-app.dmg", true},
		{"/binaries/awesome-app-1", true},
		{"/sub_tr__ee.ex..ample-2--1/v99.com", true},
		{"/example.com/path/to/file.exe", true},
		{"/abc", true},
		{"/" + strings.Repeat("a", 127), true},
		{"/https//www.example.com", false},
		{"//www.example.com", false},
		{"/example.com/?stuff=true", false},
		{"/example:5000", false},
		{"/binaries/app-", false},
		{"/binaries/app.", false},
		{"/binaries/app_", false},
		{"binaries/awesome-app.dmg", false},
		{"/binarïes/âwésome-app.dmg", false},
		{"", false},
		{"/a", false},
		{"/ab", false},
		{"/" + strings.Repeat("a", 128), false},
	} {
		t.Run(tc.path, func(t *testing.T) {
			problem := assetPathFormat.check(tc.path)
			if (problem == "") != tc.ok {
				t.Errorf("check(%q) = %q, want ok=%v", tc.path, problem, tc.ok)
			}
		})
	}
}

func TestNotBlank(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{{"app", true}, {" app ", true}, {"", false}, {"   ", false}, {"\t\n", false}} {
		if got := notBlank.check(tc.name) == ""; got != tc.ok {
			t.Errorf("notBlank(%q) ok = %v, want %v", tc.name, got, tc.ok)
		}
	}
}
