package provider

import (
	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// linkFields are the values a client writes to a link, comparable with ==. path is "" for no direct asset path:
// GitLab never stores a blank one, since "" fails its format check.
type linkFields struct{ name, url, linkType, path string }

// apiFields are the values GitLab holds for a link of the release tagged tag.
func apiFields(link *gitlab.ReleaseLink, tag string) linkFields {
	path, _ := link.Path(tag)
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
