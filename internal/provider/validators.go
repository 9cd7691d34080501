package provider

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-validators/helpers/validatordiag"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// stringCheck adapts a function that says what is wrong with a value (or returns "") into a validator, so that
// GitLab's rules are checked at plan time and reported on the attribute, in the validators library's words
// ("Attribute url <problem>, got: <value>"). Unknown and null values pass.
type stringCheck struct {
	description string
	check       func(string) string
}

var _ validator.String = stringCheck{}

func (v stringCheck) Description(_ context.Context) string         { return v.description }
func (v stringCheck) MarkdownDescription(_ context.Context) string { return v.description }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := v.check(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.Append(validatordiag.InvalidAttributeValueDiagnostic(req.Path, problem, fmt.Sprintf("%q", req.ConfigValue.ValueString())))
	}
}

// notBlank rejects names GitLab would answer with "Name can't be blank": empty or only whitespace, by Unicode's
// definition as ActiveSupport's blank? has it. The class is exactly unicode.IsSpace: ASCII spaces, U+0085 and
// category Z.
var notBlank = stringvalidator.RegexMatches(regexp.MustCompile(`[^\t\n\v\f\r\x{85}\p{Z}]`),
	"must not be empty or only whitespace (GitLab rejects blank names)")

// linkURL applies GitLab's AddressableUrlValidator rules for link URLs (GITLAB.md §2b "URL rules").
var linkURL = stringCheck{
	description: "must be an http, https or ftp URL with a host",
	check:       checkLinkURL,
}

func checkLinkURL(s string) string {
	if s != strings.TrimSpace(s) {
		// GitLab strips the value before storing it, which would show as a change on every plan.
		return "must not start or end with whitespace"
	}
	if strings.IndexFunc(s, unicode.IsSpace) >= 0 || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return "must not contain spaces or control characters (GitLab: \"URI is invalid\")"
	}
	scheme, _, found := strings.Cut(s, "://")
	if !found || (scheme != "http" && scheme != "https" && scheme != "ftp") {
		// The scheme check is case-sensitive on GitLab: HTTP:// is refused.
		return "must start with http://, https:// or ftp:// in lowercase"
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "is not a valid URL with a host"
	}
	host := u.Hostname()
	if host == "" || strings.HasPrefix(host, "-") || strings.HasPrefix(host, "_") {
		return fmt.Sprintf("has an invalid host name %q (GitLab: \"Hostname or IP address invalid\")", host)
	}
	return ""
}

// positiveDuration accepts a Go duration greater than zero, such as "45s" or "2m".
var positiveDuration = stringCheck{
	description: "must be a duration greater than zero, such as \"45s\" or \"2m\"",
	check: func(s string) string {
		if d, err := time.ParseDuration(s); err != nil || d <= 0 {
			return "must be a duration greater than zero, such as \"45s\" or \"2m\""
		}
		return ""
	},
}

// assetPathMaxLength is Releases::Link::FILEPATH_MAX_LENGTH, in characters.
const assetPathMaxLength = 128

// assetPathValidators apply GitLab's filepath rules (GITLAB.md §2b "Filepath format"): at most 128 characters,
// then the regex \A\/[^\/](?!.*\/\/.*)[\-\.\w\/]+[\da-zA-Z]+\z.
var assetPathValidators = []validator.String{stringvalidator.UTF8LengthAtMost(assetPathMaxLength), assetPathFormat}

// legacyAssetPathValidators are assetPathValidators for the deprecated filepath, which also accepts "" for "no
// path" as the official SDKv2 provider did, so that configurations written for it keep working.
var legacyAssetPathValidators = []validator.String{stringvalidator.UTF8LengthAtMost(assetPathMaxLength), legacyAssetPathFormat}

// assetPathFormat is GitLab's filepath regex. Like GitLab, which checks the length first and returns early, it
// leaves a path that is too long to the length validator.
var assetPathFormat = stringCheck{
	description: "must start with /, use only letters, digits, '-', '.', '_' and '/', have no '//', end with a letter or digit, and be at least 4 characters long",
	check: func(s string) string {
		if s == "" {
			// The official SDKv2 provider treated "" as unset; here null means no path.
			return "is empty: to have no direct asset path, remove the attribute or set it to null"
		}
		if utf8.RuneCountInString(s) > assetPathMaxLength {
			return ""
		}
		if !validAssetPath(s) {
			return "must start with /, use only letters, digits, '-', '.', '_' and '/', have no '//', end with a letter " +
				"or digit, and be at least 4 characters long, for example /bin/app-linux-amd64"
		}
		return ""
	},
}

// legacyAssetPathFormat is assetPathFormat that also accepts "".
var legacyAssetPathFormat = stringCheck{
	description: assetPathFormat.description + ", or empty for no path",
	check: func(s string) string {
		if s == "" {
			return ""
		}
		return assetPathFormat.check(s)
	},
}

// validAssetPath is GitLab's FILEPATH_REGEX without the lookahead Go's regexp lacks. Ruby's \w is ASCII here,
// while the second character may be anything but '/', exactly as the regex says.
func validAssetPath(s string) bool {
	if !strings.HasPrefix(s, "/") {
		return false
	}
	second, size := utf8.DecodeRuneInString(s[1:])
	if size == 0 || second == '/' {
		return false
	}
	rest := s[1+size:]
	if len(rest) < 2 || strings.Contains(rest, "//") {
		return false
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if i == len(rest)-1 {
			return alnum
		}
		if !alnum && c != '-' && c != '.' && c != '_' && c != '/' {
			return false
		}
	}
	return false
}

// uniqueLinkValues rejects two links of gitlab_release_links with the same url or the same direct_asset_path,
// which GitLab would refuse for the second one (names are unique as map keys). The error is on the later name.
var uniqueLinkValues validator.Map = uniqueLinkValuesValidator{}

type uniqueLinkValuesValidator struct{}

func (v uniqueLinkValuesValidator) Description(_ context.Context) string {
	return "no two links may have the same url or the same direct_asset_path"
}

func (v uniqueLinkValuesValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v uniqueLinkValuesValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elems := elements(req.ConfigValue)
	seen := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(elems)) {
		e := elems[name]
		for _, a := range []struct {
			name  string
			value types.String
		}{{"url", e.url}, {"direct_asset_path", e.path}} {
			attr, value := a.name, a.value
			if e.unknown || value.IsNull() || value.IsUnknown() {
				continue
			}
			key := attr + "\x00" + value.ValueString()
			if first, taken := seen[key]; taken {
				resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(name).AtName(attr), "Duplicate Release Link Value",
					fmt.Sprintf("links[%q].%s is %q, like links[%q].%s: GitLab keeps each %s unique within a release.",
						name, attr, value.ValueString(), first, attr, strings.ReplaceAll(attr, "_", " ")))
				continue
			}
			seen[key] = name
		}
	}
}

// urlRequired requires url in a links entry of gitlab_release_links that is known. The attribute itself is
// optional, since the framework reads the attributes of an entry unknown as a whole as null (an entry from a
// module's output), and a required url would then fail; such an entry is checked once it is known, at apply.
// objectvalidator.AlsoRequires says the same, but matches its path expression against the whole configuration for
// each entry: quadratic, 9 of the 10.6 s of CPU a plan of 1,000 links took.
type urlRequired struct{}

func (urlRequired) Description(_ context.Context) string {
	return "url must be set in every links entry"
}

func (v urlRequired) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (urlRequired) ValidateObject(_ context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if url, ok := req.ConfigValue.Attributes()["url"]; ok && url.IsNull() {
		resp.Diagnostics.Append(validatordiag.InvalidAttributeCombinationDiagnostic(req.Path,
			fmt.Sprintf("Attribute %q must be specified when %q is specified", req.Path.AtName("url"), req.Path)))
	}
}
