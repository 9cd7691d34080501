package gitlab

import (
	"context"
	"iter"
	"net/http"
)

// Release is the subset of GitLab's release JSON the test harness uses.
type Release struct {
	TagName string `json:"tag_name"`
	Name    string `json:"name"`
	// Description is empty when GitLab returns null.
	Description string        `json:"description"`
	Assets      ReleaseAssets `json:"assets"`
}

// ReleaseAssets holds a release's asset links, newest first.
type ReleaseAssets struct {
	Links []ReleaseLink `json:"links"`
}

// CreateReleaseOptions is the body of a release create call. Ref is needed
// only when the tag does not exist yet; empty fields are omitted.
type CreateReleaseOptions struct {
	TagName     string `json:"tag_name"`
	Ref         string `json:"ref,omitempty"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
}

// CreateRelease creates a release, and its tag from Ref when the tag does not
// exist. An existing release for the tag is a 409 (GITLAB.md §7a).
func (c *Client) CreateRelease(ctx context.Context, project string, opts CreateReleaseOptions) (*Release, error) {
	if err := requireSegment("project", project); err != nil {
		return nil, err
	}
	var r Release
	if _, err := c.do(ctx, http.MethodPost, projectPath(project)+"/releases", nil, opts, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// GetRelease returns the release for tag, including its links.
func (c *Client) GetRelease(ctx context.Context, project, tag string) (*Release, error) {
	if err := requireProjectAndTag(project, tag); err != nil {
		return nil, err
	}
	var r Release
	if _, err := c.do(ctx, http.MethodGet, releasePath(project, tag), nil, nil, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// DeleteRelease deletes the release for tag and, with it, all its links; the
// git tag stays. GitLab answers 403, not 404, for a release that does not
// exist (GITLAB.md §7b), so callers cannot tell "already gone" from
// "not allowed" by status alone.
func (c *Client) DeleteRelease(ctx context.Context, project, tag string) error {
	if err := requireProjectAndTag(project, tag); err != nil {
		return err
	}
	_, err := c.do(ctx, http.MethodDelete, releasePath(project, tag), nil, nil, nil)
	return err
}

// Releases reads the project's releases, newest first (GitLab's default order, by released_at), one page of up
// to 100 at a time, as each page arrives (GITLAB.md §7b): an iterator over pages that stops where the caller stops.
// Each release embeds its links, but nothing in GitLab's reference promises that list complete for a release with
// many links: read them with ListReleaseLinks. A reader who may list releases but not read the project's code gets
// no TagName (§7b).
func (c *Client) Releases(ctx context.Context, project string) iter.Seq2[[]Release, error] {
	if err := requireSegment("project", project); err != nil {
		return failed[Release](err)
	}
	return pages[Release](ctx, c, projectPath(project)+"/releases", nil)
}
