package gitlab

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// apiPrefix is the path every REST call lives under.
const apiPrefix = "/api/v4"

// NormalizeBaseURL turns the forms users write for a GitLab instance into the
// API root the client sends requests under: "https://gitlab.example.com",
// the same with a trailing slash, with "/api/v4" or "/api/v4/" already
// appended, or with a relative-URL subpath ("https://host/gitlab") all become
// "https://host[/subpath]/api/v4". It returns an error for a URL that is not
// absolute, has a scheme other than http or https, has no host, carries
// credentials, a query or a fragment, or cannot be parsed.
func NormalizeBaseURL(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", fmt.Errorf("base URL is empty; set it to the address of the GitLab instance, such as https://gitlab.com")
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("base URL %q cannot be parsed: %w", raw, unwrapURLError(err))
	}
	switch {
	case u.Scheme == "":
		return "", fmt.Errorf("base URL %q is not absolute; it must start with https:// or http://", raw)
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("base URL %q has the scheme %q; only http and https are supported", raw, u.Scheme)
	case u.Opaque != "" || u.Host == "":
		return "", fmt.Errorf("base URL %q has no host name", raw)
	case u.User != nil:
		return "", fmt.Errorf("base URL %q contains credentials; pass the token separately instead", u.Redacted())
	case u.RawQuery != "" || u.ForceQuery:
		return "", fmt.Errorf("base URL %q contains a query string, which the GitLab API root cannot have", raw)
	case u.Fragment != "" || strings.Contains(s, "#"):
		return "", fmt.Errorf("base URL %q contains a fragment (#…), which the GitLab API root cannot have", raw)
	}
	path := strings.TrimRight(u.EscapedPath(), "/")
	path = strings.TrimSuffix(path, apiPrefix)
	path = strings.TrimRight(path, "/")
	return u.Scheme + "://" + u.Host + path + apiPrefix, nil
}

// unwrapURLError drops the *url.Error wrapper, whose text repeats the URL
// that the caller's message already quotes.
func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// escapeSegment percent-encodes s as a single path segment. Only unreserved
// ASCII letters, digits, '-', '_' and '~' stay literal.
//
// GitLab routes :id and :tag_name with [^/]+ and decodes escapes inside a
// segment, so a raw '/' in a project path or tag falls through to the
// catch-all 404 (GITLAB.md §1 "Route shape", §3d). '.' is encoded as %2E
// like go-gitlab does, which also keeps a tag named "." or ".." from being
// normalised away as a dot segment by proxies or by Go itself.
func escapeSegment(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) * 3)
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if isUnreserved(ch) {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&0x0F])
	}
	return b.String()
}

func isUnreserved(ch byte) bool {
	return 'a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9' ||
		ch == '-' || ch == '_' || ch == '~'
}

// requireSegment rejects an empty project or tag before anything is sent:
// the path would contain "//", which GitLab answers with its catch-all 404
// (GITLAB.md §3a) and which would then read as "not found".
func requireSegment(what, value string) error {
	if value == "" {
		return fmt.Errorf("the %s must not be empty", what)
	}
	return nil
}

// projectPath returns the escaped API path of a project, given its numeric
// ID or its full path ("group/sub/project").
func projectPath(project string) string {
	return "/projects/" + escapeSegment(project)
}

// releasePath returns the escaped API path of the release for tag.
func releasePath(project, tag string) string {
	return projectPath(project) + "/releases/" + escapeSegment(tag)
}

// releaseLinksPath returns the escaped API path of a release's link list.
func releaseLinksPath(project, tag string) string {
	return releasePath(project, tag) + "/assets/links"
}

// releaseLinkPath returns the escaped API path of one release link.
func releaseLinkPath(project, tag string, id int64) string {
	return releaseLinksPath(project, tag) + "/" + strconv.FormatInt(id, 10)
}

// SameOrigin reports whether two GitLab addresses, in any form NormalizeBaseURL accepts, have the same origin:
// scheme, host (in any case) and port, the port defaulting to the scheme's. An address that is not a valid base URL
// matches nothing.
func SameOrigin(a, b string) bool {
	originOf := func(raw string) (string, bool) {
		normalized, err := NormalizeBaseURL(raw)
		if err != nil {
			return "", false
		}
		u, err := url.Parse(normalized)
		return origin(u), err == nil
	}
	x, okA := originOf(a)
	y, okB := originOf(b)
	return okA && okB && x == y
}

// origin is a URL's scheme, host and port, in one form for comparison.
func origin(u *url.URL) string {
	return u.Scheme + "://" + strings.ToLower(u.Hostname()) + ":" + effectivePort(u)
}
