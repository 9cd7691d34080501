package gitlabtest

import (
	"net"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// linkTypes are the values of the link_type enum, as Grape's `values:` lists them.
var linkTypes = []string{"other", "runbook", "image", "package"}

// filepathMaxLength is Releases::Link::FILEPATH_MAX_LENGTH.
const filepathMaxLength = 128

// linkRecord holds a link's attributes while Releases::Link validations run; nil means SQL NULL.
type linkRecord struct {
	name     *string
	url      *string
	filepath *string
	linkType string
}

// validateLink runs the Releases::Link model validations (§2b) against the other links of the same release and
// returns Rails full messages in declaration order: url validators, then name, then filepath. It strips rec.url
// in place, because AddressableUrlValidator stores the stripped value.
func validateLink(rec *linkRecord, others []*link) []string {
	var msgs []string

	// validates :url, presence: true, addressable_url: { schemes: %w[http https ftp] }, uniqueness: { scope: :release }
	if rec.url == nil || isBlank(*rec.url) {
		msgs = append(msgs, "Url can't be blank", "Url must be a valid URL")
	} else {
		stripped := rubyStrip(*rec.url)
		rec.url = &stripped
		if reason := urlBlockedReason(stripped); reason != "" {
			msgs = append(msgs, "Url is blocked: "+reason)
		}
		if anyLink(others, func(l *link) bool { return l.url == stripped }) {
			msgs = append(msgs, "Url has already been taken")
		}
	}

	// validates :name, presence: true, uniqueness: { scope: :release }
	if rec.name == nil || isBlank(*rec.name) {
		msgs = append(msgs, "Name can't be blank")
	} else if name := *rec.name; anyLink(others, func(l *link) bool { return l.name == name }) {
		msgs = append(msgs, "Name has already been taken")
	}

	// validates :filepath, uniqueness: { scope: :release }, allow_blank: true; validate :filepath_format_valid?
	if rec.filepath != nil {
		fp := *rec.filepath
		if !isBlank(fp) && anyLink(others, func(l *link) bool { return l.filepath == fp }) {
			msgs = append(msgs, "Filepath has already been taken")
		}
		// The length check returns early so that the regex never runs on long input (gitlab#273771).
		if utf8.RuneCountInString(fp) > filepathMaxLength {
			msgs = append(msgs, "Filepath is too long (maximum is 128 characters)")
		} else if !validFilepath(fp) {
			msgs = append(msgs, "Filepath is in an invalid format")
		}
	}
	return msgs
}

func anyLink(links []*link, pred func(*link) bool) bool {
	for _, l := range links {
		if pred(l) {
			return true
		}
	}
	return false
}

// isBlank is ActiveSupport's String#blank?: empty or only Unicode whitespace.
func isBlank(s string) bool { return strings.TrimFunc(s, unicode.IsSpace) == "" }

// rubyStrip is Ruby's String#strip: ASCII whitespace and NUL only, not Unicode spaces.
func rubyStrip(s string) string { return strings.Trim(s, " \t\n\v\f\r\x00") }

// validFilepath implements FILEPATH_REGEX = \A\/[^\/](?!.*\/\/.*)[\-\.\w\/]+[\da-zA-Z]+\z without lookahead:
// a leading '/', a second character that is anything but '/', no "//" anywhere, then at least two characters
// from [-._A-Za-z0-9/] of which the last is an ASCII letter or digit. Ruby's \w is ASCII-only. So the minimum
// length is 4 and "/ab" is invalid (§2b "Filepath format").
func validFilepath(fp string) bool {
	if !strings.HasPrefix(fp, "/") {
		return false
	}
	second, size := utf8.DecodeRuneInString(fp[1:])
	if size == 0 || second == '/' {
		return false
	}
	rest := fp[1+size:]
	if len(rest) < 2 || strings.Contains(rest, "//") {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if !isWordByte(rest[i]) && rest[i] != '-' && rest[i] != '.' && rest[i] != '/' {
			return false
		}
	}
	last := rest[len(rest)-1]
	return isAlnumByte(last)
}

func isAlnumByte(b byte) bool {
	return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
}

func isWordByte(b byte) bool { return isAlnumByte(b) || b == '_' }

// allowedSchemes is the link model's `addressable_url: { schemes: %w[http https ftp] }`.
var allowedSchemes = []string{"http", "https", "ftp"}

var (
	// uriRegex is Addressable's RFC 3986 appendix B regex; newlines are rejected before it runs.
	uriRegex    = regexp.MustCompile(`^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?$`)
	schemeRegex = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9.+\-]*$`)
	userinfoRe  = regexp.MustCompile(`^([^\[\]]*)@`)
	portRegex   = regexp.MustCompile(`:([^:@\[\]]*?)$`)
	digitsRegex = regexp.MustCompile(`^[0-9]+$`)
	// hostBadChar is Addressable's "Invalid character in host" check ([[:space:]] handled separately).
	hostBadChars = `<>{}/\?#@"`
	bracketInner = regexp.MustCompile(`^[a-zA-Z0-9\-._~!$&'()*+,;=:]*$`)
)

// ipBasedSchemes are Addressable's port_mapping keys: URIs with these schemes need a host or a path.
var ipBasedSchemes = []string{
	"http", "https", "ftp", "tftp", "sftp", "ssh", "svn+ssh", "telnet", "nntp", "gopher", "wais", "ldap", "prospero",
}

// urlBlockedReason transcribes Gitlab::HTTP_V2::UrlBlocker.validate! with the options the link model uses
// (§2b "URL rules"): parse with Addressable ("URI is invalid"), then the scheme, compared case-sensitively, then
// the hostname. There is no DNS lookup and local addresses are allowed, so nothing else is checked. It returns
// "" for an accepted URL.
func urlBlockedReason(u string) string {
	const invalid = "URI is invalid"
	if strings.ContainsAny(u, "\n\r") {
		return invalid
	}
	m := uriRegex.FindStringSubmatch(u)
	if m == nil {
		return invalid
	}
	scheme, hasAuthority, authority, path := m[2], m[3] != "", m[4], m[5]
	if m[1] != "" && !schemeRegex.MatchString(scheme) {
		return invalid
	}
	var host string
	if hasAuthority {
		host = userinfoRe.ReplaceAllString(authority, "")
		if pm := portRegex.FindStringSubmatch(authority); pm != nil {
			host = portRegex.ReplaceAllString(host, "")
			if pm[1] != "" && !digitsRegex.MatchString(pm[1]) {
				return invalid
			}
		}
		if strings.ContainsAny(host, hostBadChars) || strings.IndexFunc(host, unicode.IsSpace) >= 0 {
			return invalid
		}
		if inner, ok := bracketed(host); ok && !bracketInner.MatchString(inner) {
			return invalid
		}
	}
	if scheme != "" && contains(ipBasedSchemes, strings.ToLower(scheme)) && host == "" && path == "" {
		return invalid // "Absolute URI missing hierarchical segment", e.g. "http://"
	}
	lower := strings.ToLower(scheme)
	if lower != "http" && lower != "https" && strings.ContainsAny(cgiUnescape(u), "\n\r") {
		return invalid // multiline_blocked?: encoded newlines outside http(s)
	}
	if scheme == "" || !contains(allowedSchemes, scheme) {
		return "Only allowed schemes are http, https, ftp"
	}
	hostname := host
	if inner, ok := bracketed(host); ok {
		hostname = inner
	}
	if hostname != "" && net.ParseIP(hostname) == nil {
		if r, _ := utf8.DecodeRuneInString(hostname); !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return "Hostname or IP address invalid"
		}
	}
	return ""
}

func bracketed(host string) (string, bool) {
	if len(host) >= 2 && host[0] == '[' && host[len(host)-1] == ']' {
		return host[1 : len(host)-1], true
	}
	return "", false
}

// cgiUnescape is Ruby's CGI.unescape: '+' is a space and valid %XX sequences are decoded; others are kept.
func cgiUnescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '+':
			b.WriteByte(' ')
		case s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}
