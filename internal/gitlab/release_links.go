package gitlab

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// ReleaseLink is a release asset link as GitLab returns it (GITLAB.md
// §1 "Response JSON for a link"). GitLab does not return the link's
// direct_asset_path; it is folded into DirectAssetURL.
type ReleaseLink struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	URL            string `json:"url"`
	DirectAssetURL string `json:"direct_asset_url"`
	LinkType       string `json:"link_type"`
	// External is returned only by GitLab before 16.0.
	External *bool `json:"external,omitempty"`
}

// CreateReleaseLinkOptions is what a create call sends. An empty LinkType is
// omitted (GitLab then uses "other"), and so is a nil DirectAssetPath.
type CreateReleaseLinkOptions struct {
	Name, URL, LinkType string
	DirectAssetPath     *string
}

// UpdateReleaseLinkOptions is what an update call sends. Every field is
// always sent: GitLab resets an omitted link_type to "other" (GITLAB.md
// §1.4 Subtlety 1), and JSON null is the only way to clear a direct asset path
// ("" is rejected as an invalid format), so a nil DirectAssetPath is sent as
// null.
type UpdateReleaseLinkOptions struct {
	Name, URL, LinkType string
	DirectAssetPath     *string
}

// The path is sent under both of its names: GitLab 12.9 to 15.8 only know filepath and ignore
// direct_asset_path, so the link would be made without its path there; newer GitLab takes direct_asset_path
// when both are present (GITLAB.md §1.2), and JSON null under both names still clears it.
type (
	createBody struct {
		Name     string  `json:"name"`
		URL      string  `json:"url"`
		LinkType string  `json:"link_type,omitempty"`
		Path     *string `json:"direct_asset_path,omitempty"`
		Filepath *string `json:"filepath,omitempty"`
	}
	updateBody struct {
		Name     string  `json:"name"`
		URL      string  `json:"url"`
		LinkType string  `json:"link_type"`
		Path     *string `json:"direct_asset_path"`
		Filepath *string `json:"filepath"`
	}
)

// MarshalJSON is the create body.
func (o CreateReleaseLinkOptions) MarshalJSON() ([]byte, error) {
	return json.Marshal(createBody{Name: o.Name, URL: o.URL, LinkType: o.LinkType, Path: o.DirectAssetPath, Filepath: o.DirectAssetPath})
}

// MarshalJSON is the update body.
func (o UpdateReleaseLinkOptions) MarshalJSON() ([]byte, error) {
	return json.Marshal(updateBody{Name: o.Name, URL: o.URL, LinkType: o.LinkType, Path: o.DirectAssetPath, Filepath: o.DirectAssetPath})
}

// ListReleaseLinks returns every link of the release for tag, following X-Next-Page across pages of 100
// (GITLAB.md §4).
func (c *Client) ListReleaseLinks(ctx context.Context, project, tag string) ([]ReleaseLink, error) {
	if err := requireProjectAndTag(project, tag); err != nil {
		return nil, err
	}
	return collect(pages[ReleaseLink](ctx, c, releaseLinksPath(project, tag), nil))
}

// nextPage returns the page after page, or 0 when page was the last. GitLab sends X-Next-Page on every page,
// empty on the last one (GITLAB.md §4). A proxy that strips it must not cut the listing short, since a link
// missing from it would read as deleted: without the header, Link's rel="next" decides, and without that too, a
// full page is followed by a look at the next one.
func nextPage(header http.Header, page, got int) (int, error) {
	if values, ok := header["X-Next-Page"]; ok {
		next := strings.TrimSpace(strings.Join(values, ""))
		if next == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(next)
		if err != nil || n <= page {
			return 0, fmt.Errorf("page %d announced the invalid next page %q", page, next)
		}
		return n, nil
	}
	if link := header.Get("Link"); link != "" {
		for _, part := range strings.Split(link, ",") {
			target, params, found := strings.Cut(part, ";")
			if !found || !strings.Contains(params, `rel="next"`) {
				continue
			}
			u, err := url.Parse(strings.Trim(strings.TrimSpace(target), "<>"))
			if err != nil {
				continue
			}
			if n, err := strconv.Atoi(u.Query().Get("page")); err == nil && n > page {
				return n, nil
			}
		}
		return 0, nil
	}
	if got >= 100 {
		return page + 1, nil
	}
	return 0, nil
}

// GetReleaseLink returns one link. A link that belongs to another release
// is a 404, like a missing one (GITLAB.md §1 "Lookup order").
func (c *Client) GetReleaseLink(ctx context.Context, project, tag string, id int64) (*ReleaseLink, error) {
	if err := requireProjectAndTag(project, tag); err != nil {
		return nil, err
	}
	var link ReleaseLink
	if _, err := c.do(ctx, http.MethodGet, releaseLinkPath(project, tag, id), nil, nil, &link); err != nil {
		return nil, err
	}
	return &link, nil
}

// CreateReleaseLink adds a link to the release for tag. A duplicate name,
// URL or direct asset path is a 400 whose messages contain "has already been
// taken"; check Error.MaybeCommitted before treating it as someone else's
// link.
func (c *Client) CreateReleaseLink(ctx context.Context, project, tag string, opts CreateReleaseLinkOptions) (*ReleaseLink, error) {
	if err := requireProjectAndTag(project, tag); err != nil {
		return nil, err
	}
	var link ReleaseLink
	if _, err := c.do(ctx, http.MethodPost, releaseLinksPath(project, tag), nil, opts, &link); err != nil {
		return nil, err
	}
	return &link, nil
}

// UpdateReleaseLink replaces a link's name, URL, type and direct asset path.
func (c *Client) UpdateReleaseLink(ctx context.Context, project, tag string, id int64, opts UpdateReleaseLinkOptions) (*ReleaseLink, error) {
	if err := requireProjectAndTag(project, tag); err != nil {
		return nil, err
	}
	var link ReleaseLink
	if _, err := c.do(ctx, http.MethodPut, releaseLinkPath(project, tag, id), nil, opts, &link); err != nil {
		return nil, err
	}
	return &link, nil
}

// DeleteReleaseLink deletes a link. GitLab answers 200 with the deleted link,
// which is discarded; a link that is already gone is a 404.
func (c *Client) DeleteReleaseLink(ctx context.Context, project, tag string, id int64) error {
	if err := requireProjectAndTag(project, tag); err != nil {
		return err
	}
	_, err := c.do(ctx, http.MethodDelete, releaseLinkPath(project, tag, id), nil, nil, nil)
	return err
}

func requireProjectAndTag(project, tag string) error {
	if err := requireSegment("project", project); err != nil {
		return err
	}
	return requireSegment("tag name", tag)
}

// Path recovers the link's direct asset path, which GitLab does not return, from direct_asset_url (GITLAB.md §1)
// of a link of the release tagged tag: it equals url when no path is set, and is otherwise
// "<gitlab>/<project path>/-/releases/<escaped tag>/downloads<path>". Only that exact shape counts, so a URL that
// merely contains "downloads" never invents a path. It reports false when the link has no path it can read.
func (l *ReleaseLink) Path(tag string) (string, bool) {
	if l.DirectAssetURL == "" || l.DirectAssetURL == l.URL {
		return "", false
	}
	u, err := url.Parse(l.DirectAssetURL)
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
