package provider

import (
	"testing"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

func TestPathFromDirectAssetURL(t *testing.T) {
	for _, tc := range []struct {
		name, tag, url, directAssetURL, want string
		ok                                   bool
	}{
		{"no path", "v1", "https://example.com/app", "https://example.com/app", "", false},
		{"path", "v1", "https://example.com/app", "https://gitlab.example.com/g/p/-/releases/v1/downloads/bin/app", "/bin/app", true},
		{"sub-path install", "v1", "https://x/app", "https://example.com/gitlab/g/p/-/releases/v1/downloads/bin/app", "/bin/app", true},
		{"escaped tag", "release/v1.0", "https://x/app", "http://h/g/p/-/releases/release%2Fv1.0/downloads/app.bin", "/app.bin", true},
		{"unescaped slash in the tag", "release/v1.0", "https://x/app", "http://h/g/p/-/releases/release/v1.0/downloads/bin/app", "/bin/app", true},
		{"plus in the tag", "v1.0.0+build.5", "https://x/app", "http://h/g/p/-/releases/v1.0.0+build.5/downloads/app", "/app", true},
		{"unicode tag", "версия", "https://x/app", "http://h/g/p/-/releases/%D0%B2%D0%B5%D1%80%D1%81%D0%B8%D1%8F/downloads/a/b", "/a/b", true},
		{"path that looks like a release", "v1", "https://x/app", "http://h/g/p/-/releases/v1/downloads/-/releases/v1/downloads/x", "/-/releases/v1/downloads/x", true},
		{"url with downloads", "v1", "https://example.com/g/p/-/releases/v1/downloads/app", "https://example.com/g/p/-/releases/v1/downloads/app", "", false},
		{"another tag", "v2", "https://x/app", "http://h/g/p/-/releases/v1/downloads/app", "", false},
		{"not a download URL", "v1", "https://x/app", "https://other.example.com/app", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := pathFromDirectAssetURL(&gitlab.ReleaseLink{URL: tc.url, DirectAssetURL: tc.directAssetURL}, tc.tag)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("pathFromDirectAssetURL = %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}
