package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
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
		// Characters, not bytes: the second character may be any but '/', and "é" is two bytes.
		{"/é" + strings.Repeat("a", 126), true},
		{"/é" + strings.Repeat("a", 127), false},
	} {
		t.Run(tc.path, func(t *testing.T) {
			problems := validateString(assetPathValidators, tc.path)
			if (len(problems) == 0) != tc.ok {
				t.Errorf("validating %q: %q, want ok=%v", tc.path, problems, tc.ok)
			}
		})
	}
}

// notBlank agrees with GitLab's blank? (Unicode whitespace), which is strings.TrimSpace's definition.
func TestNotBlank(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"app", true}, {" app ", true}, {"", false}, {"   ", false}, {"\t\n\v\f\r", false},
		{"\u00a0", false}, {"\u0085", false}, {"\u2003\u2028\u2029\u3000", false}, {"\u00a0a", true},
		{"\u200b", true}, // a zero-width space is a format character, not a space, to Go and to Ruby
	} {
		t.Run(fmt.Sprintf("%q", tc.name), func(t *testing.T) {
			problems := validateString([]validator.String{notBlank}, tc.name)
			if (len(problems) == 0) != tc.ok || tc.ok != (strings.TrimSpace(tc.name) != "") {
				t.Errorf("notBlank(%q): %q, want ok=%v", tc.name, problems, tc.ok)
			}
		})
	}
}

// validateString runs validators on a configured value as the framework does, and returns the error details.
func validateString(validators []validator.String, value string) []string {
	var problems []string
	for _, v := range validators {
		resp := &validator.StringResponse{}
		v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("x"), ConfigValue: types.StringValue(value)}, resp)
		for _, d := range resp.Diagnostics.Errors() {
			problems = append(problems, d.Detail())
		}
	}
	return problems
}

func TestUniqueLinkValues(t *testing.T) {
	for _, tc := range []struct {
		name  string
		links map[string]linkElement
		want  []string // paths of the errors
	}{
		{"distinct", map[string]linkElement{"a": element("https://x/a", "/bin/a", 0, ""), "b": element("https://x/b", "/bin/b", 0, "")}, nil},
		{"no paths", map[string]linkElement{"a": element("https://x/a", "", 0, ""), "b": element("https://x/b", "", 0, "")}, nil},
		{"same URL", map[string]linkElement{"a": element("https://x/a", "", 0, ""), "b": element("https://x/a", "", 0, "")}, []string{`links["b"].url`}},
		{"same path", map[string]linkElement{"a": element("https://x/a", "/bin/x", 0, ""), "b": element("https://x/b", "/bin/x", 0, "")},
			[]string{`links["b"].direct_asset_path`}},
		{"three with one URL", map[string]linkElement{"a": element("https://x/a", "", 0, ""), "b": element("https://x/a", "", 0, ""),
			"c": element("https://x/a", "", 0, "")}, []string{`links["b"].url`, `links["c"].url`}},
		{"unknown URLs", map[string]linkElement{"a": element("", "", 0, ""), "b": element("", "", 0, "")}, nil},
		{"unknown element", map[string]linkElement{"a": element("https://x/a", "", 0, ""), "b": {unknown: true}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := &validator.MapResponse{}
			uniqueLinkValues.ValidateMap(context.Background(), validator.MapRequest{Path: path.Root("links"), ConfigValue: linksValue(tc.links)}, resp)
			var got []string
			for _, d := range resp.Diagnostics.Errors() {
				if withPath, ok := d.(interface{ Path() path.Path }); ok {
					got = append(got, withPath.Path().String())
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("errors on %q, want %q", got, tc.want)
			}
		})
	}
}
