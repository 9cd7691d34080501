package provider

import (
	"net/url"
	"strings"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// linkFields are the values a client writes to a link, comparable with ==. path is "" for no direct asset path:
// GitLab never stores a blank one, since "" fails its format check.
type linkFields struct{ name, url, linkType, path string }

// apiFields are the values GitLab holds for a link of the release tagged tag.
func apiFields(link *gitlab.ReleaseLink, tag string) linkFields {
	path, _ := pathFromDirectAssetURL(link, tag)
	return linkFields{name: link.Name, url: link.URL, linkType: link.LinkType, path: path}
}

// createOptions is the create call that makes a link holding f.
func (f linkFields) createOptions() gitlab.CreateReleaseLinkOptions {
	return gitlab.CreateReleaseLinkOptions{Name: f.name, URL: f.url, LinkType: f.linkType, DirectAssetPath: optionalPath(f.path)}
}

// updateOptions is the update call that makes a link hold f. GitLab resets an omitted link_type to "other" and
// clears the path only on an explicit null (GITLAB.md §1.4), so every field is always sent.
func (f linkFields) updateOptions() gitlab.UpdateReleaseLinkOptions {
	return gitlab.UpdateReleaseLinkOptions{Name: f.name, URL: f.url, LinkType: f.linkType, DirectAssetPath: optionalPath(f.path)}
}

// optionalPath is a path as the client sends it: nil (JSON null) for none.
func optionalPath(path string) *string {
	if path == "" {
		return nil
	}
	return &path
}

// pathFromDirectAssetURL recovers the link's direct asset path, which GitLab does not return, from direct_asset_url
// (GITLAB.md §1): it equals url when no path is set, and is otherwise
// "<gitlab>/<project path>/-/releases/<escaped tag>/downloads<path>". Only that exact shape counts, so a URL that
// merely contains "downloads" never invents a path.
func pathFromDirectAssetURL(link *gitlab.ReleaseLink, tag string) (string, bool) {
	if link.DirectAssetURL == "" || link.DirectAssetURL == link.URL {
		return "", false
	}
	u, err := url.Parse(link.DirectAssetURL)
	if err != nil {
		return "", false
	}
	p := u.EscapedPath()
	const marker = "/-/releases/"
	i := strings.Index(p, marker)
	if i < 0 {
		return "", false
	}
	rest := p[i+len(marker):]
	// The tag is one escaped path segment on GitLab (release%2Fv1 for release/v1); a raw slash is accepted too.
	for end := 0; end < len(rest); {
		next := strings.Index(rest[end:], "/downloads/")
		if next < 0 {
			return "", false
		}
		end += next
		if segment, err := url.PathUnescape(rest[:end]); err == nil && segment == tag {
			assetPath, err := url.PathUnescape(rest[end+len("/downloads"):])
			return assetPath, err == nil
		}
		end++
	}
	return "", false
}
