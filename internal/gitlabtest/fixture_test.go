package gitlabtest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// Tokens seeded by newFixture, one per kind of caller.
const (
	ownerTok     = "tok-owner"
	maintTok     = "tok-maintainer"
	devTok       = "tok-developer"
	reporterTok  = "tok-reporter"
	guestTok     = "tok-guest"
	outsiderTok  = "tok-outsider"
	readAPITok   = "tok-read-api"
	expiredTok   = "tok-expired"
	revokedTok   = "tok-revoked"
	oauthTok     = "tok-oauth"
	jobTok       = "tok-job"
	doneJobTok   = "tok-job-done"
	outsiderJob  = "tok-job-outsider"
	privatePath  = "grp/proj"
	publicPath   = "grp/public"
	defaultTag   = "v1"
	otherTag     = "v2"
	exampleURL   = "https://example.com/app.dmg"
	jsonType     = "application/json"
	notFoundMsg  = `{"message":"404 Not found"}`
	projectNF    = `{"message":"404 Project Not Found"}`
	catchAllBody = `{"error":"404 Not Found"}`
	forbidden403 = `{"message":"403 Forbidden"}`
	unauth401    = `{"message":"401 Unauthorized"}`
)

// fixture is an emulator with a private project grp/proj and a public project grp/public, each with releases
// v1 and v2, and users of every role on both.
type fixture struct {
	t   *testing.T
	srv *gitlabtest.Server
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	srv := gitlabtest.NewServer()
	t.Cleanup(srv.Close)
	roles := map[string]gitlabtest.Role{
		"owner": gitlabtest.Owner, "maintainer": gitlabtest.Maintainer, "developer": gitlabtest.Developer,
		"reporter": gitlabtest.Reporter, "guest": gitlabtest.Guest,
	}
	tokens := map[string]string{
		ownerTok: "owner", maintTok: "maintainer", devTok: "developer", reporterTok: "reporter", guestTok: "guest",
		outsiderTok: "outsider",
	}
	for tok, user := range tokens {
		srv.AddToken(user, tok, gitlabtest.TokenOptions{})
	}
	srv.AddToken("developer", readAPITok, gitlabtest.TokenOptions{Scopes: []string{"read_api"}})
	srv.AddToken("developer", expiredTok, gitlabtest.TokenOptions{Expired: true})
	srv.AddToken("developer", revokedTok, gitlabtest.TokenOptions{Revoked: true})
	srv.AddToken("developer", oauthTok, gitlabtest.TokenOptions{Kind: gitlabtest.OAuthToken})
	srv.AddToken("developer", jobTok, gitlabtest.TokenOptions{Kind: gitlabtest.JobToken})
	srv.AddToken("developer", doneJobTok, gitlabtest.TokenOptions{Kind: gitlabtest.JobToken, Expired: true})
	srv.AddToken("outsider", outsiderJob, gitlabtest.TokenOptions{Kind: gitlabtest.JobToken})
	for _, path := range []string{privatePath, publicPath} {
		srv.AddProject(path, path == publicPath)
		for user, role := range roles {
			must(t, srv.AddMember(path, user, role))
		}
		must(t, srv.AddRelease(path, defaultTag))
		must(t, srv.AddRelease(path, otherTag))
	}
	return &fixture{t: t, srv: srv}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// esc is go-gitlab's PathEscape: url.PathEscape plus '.' as %2E.
func esc(s string) string { return strings.ReplaceAll(url.PathEscape(s), ".", "%2E") }

func linksPath(project, tag string) string {
	return "/projects/" + esc(project) + "/releases/" + esc(tag) + "/assets/links"
}

func linkPath(project, tag string, id int64) string {
	return linksPath(project, tag) + "/" + itoa(id)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

type result struct {
	status int
	header http.Header
	body   string
}

// request sends method to URL()+"/api/v4"+path (path is sent exactly as given) with an optional body.
type request struct {
	method, path, token, body, contentType string
	header                                 map[string]string
}

func (f *fixture) send(rq request) result {
	f.t.Helper()
	var body io.Reader
	if rq.body != "" {
		body = strings.NewReader(rq.body)
	}
	// Transport errors become status -1, so that expect fails the (sub)test that made the request.
	req, err := http.NewRequest(rq.method, f.srv.URL()+"/api/v4"+rq.path, body)
	if err != nil {
		return result{status: -1, body: err.Error()}
	}
	if rq.body != "" {
		ct := rq.contentType
		if ct == "" {
			ct = jsonType
		}
		req.Header.Set("Content-Type", ct)
	}
	if rq.token != "" {
		req.Header.Set("PRIVATE-TOKEN", rq.token)
	}
	for k, v := range rq.header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return result{status: -1, body: err.Error()}
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return result{status: -1, body: err.Error()}
	}
	return result{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func (f *fixture) do(method, path, token, body string) result {
	f.t.Helper()
	return f.send(request{method: method, path: path, token: token, body: body})
}

// expect checks status and exact body ("" skips the body check).
func (r result) expect(t *testing.T, status int, body string) {
	t.Helper()
	if r.status != status || (body != "" && r.body != body) {
		t.Fatalf("got %d %s\nwant %d %s", r.status, r.body, status, body)
	}
}

// link decodes a link object.
type linkBody struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	URL            string `json:"url"`
	DirectAssetURL string `json:"direct_asset_url"`
	LinkType       string `json:"link_type"`
}

func (r result) link(t *testing.T) linkBody {
	t.Helper()
	var l linkBody
	if err := json.Unmarshal([]byte(r.body), &l); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
	return l
}

func (r result) links(t *testing.T) []linkBody {
	t.Helper()
	var ls []linkBody
	if err := json.Unmarshal([]byte(r.body), &ls); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
	return ls
}

// addLink creates a link out of band and fails the test on error.
func (f *fixture) addLink(project, tag string, l gitlabtest.Link) gitlabtest.Link {
	f.t.Helper()
	out, err := f.srv.AddLink(project, tag, l)
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

// linkJSON is the exact wire form of a link as GITLAB.md §1 gives it: five keys in this order, written out
// literally rather than by the encoder the emulator itself uses.
func linkJSON(id int64, name, url, direct, linkType string) string {
	return `{"id":` + itoa(id) + `,"name":` + jsonString(name) + `,"url":` + jsonString(url) +
		`,"direct_asset_url":` + jsonString(direct) + `,"link_type":` + jsonString(linkType) + `}`
}

// jsonString quotes s for an expected body. It accepts only characters that JSON and GitLab leave unescaped, so
// the expectation never depends on an encoder's escaping choices.
func jsonString(s string) string {
	for _, c := range s {
		if c < 0x20 || c > 0x7e || strings.ContainsRune(`"\<>&`, c) {
			panic("jsonString: " + strconv.Quote(s) + " needs escaping; write the expected JSON by hand")
		}
	}
	return `"` + s + `"`
}
