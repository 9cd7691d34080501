package provider

import (
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

func TestReleaseLinkIDRoundTrip(t *testing.T) {
	for _, id := range []releaseLinkID{
		{Project: "42", TagName: "v1.0.0", LinkID: 7},
		{Project: "group/sub/project", TagName: "release/v1.0", LinkID: 1},
		{Project: "g/p", TagName: "v1.0.0+build.5", LinkID: 123456789},
		{Project: "g/p", TagName: "версия-1.0", LinkID: 3},
	} {
		t.Run(id.String(), func(t *testing.T) {
			got, err := parseReleaseLinkID(id.String())
			if err != nil || got != id {
				t.Fatalf("parseReleaseLinkID(%q) = %+v, %v; want %+v", id.String(), got, err, id)
			}
		})
	}
}

func TestParseReleaseLinkIDErrors(t *testing.T) {
	for _, s := range []string{"", "a:b", "g/p:v1:x", "g/p:v1:0", "g/p:v1:-3", ":v1:3", "g/p::3", "g/p:v1:"} {
		t.Run(s, func(t *testing.T) {
			if id, err := parseReleaseLinkID(s); err == nil {
				t.Fatalf("parseReleaseLinkID(%q) = %+v, want an error", s, id)
			}
		})
	}
}

func TestSlashImportCandidates(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []releaseLinkID
	}{
		{"42/v1.0.0/7", []releaseLinkID{{"42", "v1.0.0", 7}}},
		{"g/p/v1/7", []releaseLinkID{{"g/p", "v1", 7}}},
		{"g/p/release/v1/7", []releaseLinkID{{"g/p", "release/v1", 7}, {"g/p/release", "v1", 7}}},
		{"42/release/v1/7", []releaseLinkID{{"42", "release/v1", 7}, {"42/release", "v1", 7}}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := slashImportCandidates(tc.in)
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("slashImportCandidates(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			}
		})
	}
	for _, bad := range []string{"nothing", "g/p/v1/x", "p/7"} {
		if got, err := slashImportCandidates(bad); err == nil {
			t.Errorf("slashImportCandidates(%q) = %+v, want an error", bad, got)
		}
	}
}

func TestAssetPathFromDirectAssetURL(t *testing.T) {
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
			got, ok := assetPath(&gitlab.ReleaseLink{URL: tc.url, DirectAssetURL: tc.directAssetURL}, tc.tag)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("assetPath = %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestPlanPaths(t *testing.T) {
	null, unknown, s := types.StringNull(), types.StringUnknown(), types.StringValue
	paths := func(dap, fp types.String) releaseLinkModel {
		return releaseLinkModel{DirectAssetPath: dap, Filepath: fp}
	}
	for _, tc := range []struct {
		name          string
		config, state releaseLinkModel
		noState       bool
		want          releaseLinkModel
	}{
		{"create with direct_asset_path", paths(s("/a/b"), null), releaseLinkModel{}, true, paths(s("/a/b"), s("/a/b"))},
		{"create with filepath", paths(null, s("/a/b")), releaseLinkModel{}, true, paths(s("/a/b"), s("/a/b"))},
		{"create without a path", paths(null, null), releaseLinkModel{}, true, paths(null, null)},
		{"create with filepath = \"\"", paths(null, s("")), releaseLinkModel{}, true, paths(null, s(""))},
		{"unknown path", paths(unknown, null), releaseLinkModel{}, true, paths(unknown, unknown)},
		{"unchanged, other name", paths(null, s("/a/b")), paths(s("/a/b"), s("/a/b")), false, paths(s("/a/b"), s("/a/b"))},
		{"switch to the new name", paths(s("/a/b"), null), paths(s("/a/b"), s("/a/b")), false, paths(s("/a/b"), s("/a/b"))},
		{"unchanged, state not mirrored", paths(null, s("/a/b")), paths(null, s("/a/b")), false, paths(null, s("/a/b"))},
		{"changed path", paths(null, s("/a/c")), paths(s("/a/b"), s("/a/b")), false, paths(s("/a/c"), s("/a/c"))},
		{"path removed", paths(null, null), paths(s("/a/b"), s("/a/b")), false, paths(null, null)},
		{"path removed by filepath = \"\"", paths(null, s("")), paths(s("/a/b"), s("/a/b")), false, paths(null, s(""))},
		{"SDKv2's \"\" kept", paths(null, null), paths(null, s("")), false, paths(null, s(""))},
		{"path added to SDKv2's \"\"", paths(s("/a/b"), null), paths(null, s("")), false, paths(s("/a/b"), s("/a/b"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var state *releaseLinkResourceModel
			if !tc.noState {
				state = &releaseLinkResourceModel{releaseLinkModel: tc.state}
			}
			var got releaseLinkModel
			got.planPaths(tc.config, state)
			if !got.DirectAssetPath.Equal(tc.want.DirectAssetPath) || !got.Filepath.Equal(tc.want.Filepath) {
				t.Errorf("planned direct_asset_path %s, filepath %s; want %s, %s",
					got.DirectAssetPath, got.Filepath, tc.want.DirectAssetPath, tc.want.Filepath)
			}
		})
	}
}
