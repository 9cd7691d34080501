package gitlabtest_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// messages is the body of a model validation error, {"message": [full messages]} (GITLAB.md §2b).
func messages(msgs ...string) string {
	quoted := make([]string, len(msgs))
	for i, m := range msgs {
		quoted[i] = jsonString(m)
	}
	return `{"message":[` + strings.Join(quoted, ",") + `]}`
}

// TestModelValidation covers every row of GITLAB.md §2b: 400 {"message": [full messages]} in the order url,
// name, filepath.
func TestModelValidation(t *testing.T) {
	f := newFixture(t)
	f.addLink(privatePath, defaultTag, gitlabtest.Link{Name: "taken", URL: "https://taken.example.com", Filepath: "/bin/taken"})
	list := linksPath(privatePath, defaultTag)
	long := "/" + strings.Repeat("a", 128)
	const blocked = "Url is blocked: Only allowed schemes are http, https, ftp"

	tests := []struct {
		name, body string
		want       string
	}{
		{"url blank", `{"name":"n","url":""}`, messages("Url can't be blank", "Url must be a valid URL")},
		{"url whitespace", `{"name":"n","url":"   "}`, messages("Url can't be blank", "Url must be a valid URL")},
		{"url null", `{"name":"n","url":null}`, messages("Url can't be blank", "Url must be a valid URL")},
		{"url blocked", `{"name":"n","url":"wrong_url"}`, messages(blocked)},
		{"url taken", `{"name":"n","url":"https://taken.example.com"}`, messages("Url has already been taken")},
		{"url taken after strip", `{"name":"n","url":"  https://taken.example.com\n"}`, messages("Url has already been taken")},
		{"name blank", `{"name":"","url":"https://n.example.com"}`, messages("Name can't be blank")},
		{"name whitespace", `{"name":" \t","url":"https://n.example.com"}`, messages("Name can't be blank")},
		{"name null", `{"name":null,"url":"https://n.example.com"}`, messages("Name can't be blank")},
		{"name taken", `{"name":"taken","url":"https://n.example.com"}`, messages("Name has already been taken")},
		{"filepath taken", `{"name":"n","url":"https://n.example.com","direct_asset_path":"/bin/taken"}`, messages("Filepath has already been taken")},
		{"filepath taken via filepath", `{"name":"n","url":"https://n.example.com","filepath":"/bin/taken"}`, messages("Filepath has already been taken")},
		{"filepath too long only", `{"name":"n","url":"https://n.example.com","direct_asset_path":"` + long + `//"}`, messages("Filepath is too long (maximum is 128 characters)")},
		{"filepath 128 is fine but invalid", `{"name":"n","url":"https://n.example.com","direct_asset_path":"` + long[:127] + `-"}`, messages("Filepath is in an invalid format")},
		{"filepath invalid", `{"name":"n","url":"https://n.example.com","direct_asset_path":"bin/app"}`, messages("Filepath is in an invalid format")},
		{"filepath empty", `{"name":"n","url":"https://n.example.com","direct_asset_path":""}`, messages("Filepath is in an invalid format")},
		{"exact duplicate", `{"name":"taken","url":"https://taken.example.com","direct_asset_path":"/bin/taken"}`,
			messages("Url has already been taken", "Name has already been taken", "Filepath has already been taken")},
		{"everything wrong", `{"name":"","url":"","direct_asset_path":"x"}`,
			messages("Url can't be blank", "Url must be a valid URL", "Name can't be blank", "Filepath is in an invalid format")},
		{"blocked and taken name", `{"name":"taken","url":"mailto:a@b.c","filepath":"/ab"}`,
			messages(blocked, "Name has already been taken", "Filepath is in an invalid format")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.do("POST", list, devTok, tc.body).expect(t, http.StatusBadRequest, tc.want)
		})
	}

	t.Run("uniqueness is case-sensitive", func(t *testing.T) {
		f.do("POST", list, devTok, `{"name":"TAKEN","url":"https://TAKEN.example.com","direct_asset_path":"/bin/TAKEN"}`).expect(t, 201, "")
	})
	t.Run("uniqueness is per release", func(t *testing.T) {
		body := `{"name":"taken","url":"https://taken.example.com","direct_asset_path":"/bin/taken"}`
		f.do("POST", linksPath(privatePath, otherTag), devTok, body).expect(t, 201, "")
	})
	t.Run("permission before validation", func(t *testing.T) {
		f.do("POST", list, reporterTok, `{"name":"taken","url":"https://taken.example.com"}`).expect(t, 403, forbidden403)
	})
	t.Run("url is stored stripped", func(t *testing.T) {
		got := f.do("POST", list, devTok, `{"name":"strip","url":"  https://strip.example.com/x \n"}`)
		got.expect(t, 201, "")
		// GITLAB.md §2b: the stripped URL is stored; §1: without a path, direct_asset_url is the url.
		if l := got.link(t); l.URL != "https://strip.example.com/x" || l.DirectAssetURL != "https://strip.example.com/x" {
			t.Fatalf("got %+v", l)
		}
	})
	t.Run("AddLink validates too", func(t *testing.T) {
		_, err := f.srv.AddLink(privatePath, defaultTag, gitlabtest.Link{Name: "taken", URL: "ftp://x"})
		var ve *gitlabtest.ValidationError
		if !errors.As(err, &ve) || len(ve.Messages) != 1 || ve.Messages[0] != "Name has already been taken" {
			t.Fatalf("got %v", err)
		}
	})
}

// TestURLRules covers the URL table of §2b: Addressable parsing, case-sensitive schemes, hostnames; no DNS.
func TestURLRules(t *testing.T) {
	f := newFixture(t)
	list := linksPath(privatePath, defaultTag)
	const schemes = "Url is blocked: Only allowed schemes are http, https, ftp"
	const invalid = "Url is blocked: URI is invalid"
	const hostname = "Url is blocked: Hostname or IP address invalid"

	tests := []struct {
		url  string
		want string // "" = accepted
	}{
		{"wrong_url", schemes},
		{"not_a_url", schemes},
		{"badly-formatted-url", schemes},
		{"//example.com", schemes},
		{"mailto:someone@example.com", schemes},
		{"javascript:alert(1)", schemes},
		{"torrent://example.com/file", schemes},
		{"HTTP://example.com", schemes},
		{"Https://example.com", schemes},
		{"example.com:8080/x", schemes},
		{"http://", invalid},
		{"https://exa mple.com", invalid},
		{"https://example.com/a\nb", invalid},
		{"https://example.com:abc/", invalid},
		{"1http://example.com", invalid},
		{"https://-bad.com", hostname},
		{"https://_x.com", hostname},
		{"ftp://x", ""},
		{"http://localhost:3000/x", ""},
		{"https://example.com:99999", ""},
		{"http://127.0.0.1/x", ""},
		{"http://10.0.0.1/x", ""},
		{"https://[::1]:8443/x", ""},
		{"https://user:pass@example.com/x?y=1#z", ""},
		{"https://example.com/path with space", ""},
		{"https://bücher.example/x", ""},
	}
	for i, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			body := string(mustJSON(map[string]string{"name": "url-" + itoa(int64(i)), "url": tc.url}))
			got := f.do("POST", list, devTok, body)
			if tc.want != "" {
				got.expect(t, http.StatusBadRequest, messages(tc.want))
				return
			}
			got.expect(t, http.StatusCreated, "")
			if got.link(t).URL != tc.url {
				t.Fatalf("url echoed as %q", got.link(t).URL)
			}
		})
	}
}

// TestFilepathFormat covers the valid and invalid filepaths listed in §2b.
func TestFilepathFormat(t *testing.T) {
	f := newFixture(t)
	list := linksPath(privatePath, defaultTag)
	tests := []struct {
		path  string
		valid bool
	}{
		{"/binaries/awesome-app.dmg", true},
		{"/binaries/awesome-app-1", true},
		{"/sub_tr__ee.ex..ample-2--1/v99.com", true},
		{"/example.com/path/to/file.exe", true},
		{"/abc", true},
		{"/a/b", true},
		{"/https//www.example.com", false},
		{"//www.example.com", false},
		{"/example.com/?stuff=true", false},
		{"/example:5000", false},
		{"/binaries/app-", false},
		{"/binaries/app.", false},
		{"/binaries/app_", false},
		{"/binaries/", false},
		{"binaries/awesome-app.dmg", false},
		{"/binarïes/âwésome-app.dmg", false},
		{"/a", false},
		{"/ab", false},
		{"", false},
		{" /abc", false},
	}
	for i, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			body := string(mustJSON(map[string]string{
				"name": "fp-" + itoa(int64(i)), "url": "https://fp.example.com/" + itoa(int64(i)), "direct_asset_path": tc.path,
			}))
			got := f.do("POST", list, devTok, body)
			if !tc.valid {
				got.expect(t, http.StatusBadRequest, messages("Filepath is in an invalid format"))
				return
			}
			got.expect(t, http.StatusCreated, "")
			want := f.srv.URL() + "/grp/proj/-/releases/v1/downloads" + tc.path
			if got.link(t).DirectAssetURL != want {
				t.Fatalf("direct_asset_url %q, want %q", got.link(t).DirectAssetURL, want)
			}
		})
	}
}
