package gitlab

import (
	"context"
	"net/http"
	"net/url"
)

// Project is the subset of GitLab's project JSON the provider and its test
// harness use.
type Project struct {
	ID                int64  `json:"id"`
	Name              string `json:"name"`
	Path              string `json:"path"`
	PathWithNamespace string `json:"path_with_namespace"`
	WebURL            string `json:"web_url"`
	// DefaultBranch is empty for a project with an empty repository.
	DefaultBranch string `json:"default_branch"`
	Visibility    string `json:"visibility"`
}

// CreateProjectOptions is the body of a project create call; empty fields
// are omitted so that GitLab's defaults apply (GITLAB.md §7c).
type CreateProjectOptions struct {
	Name string `json:"name,omitempty"`
	Path string `json:"path,omitempty"`
	// NamespaceID is the group or user namespace; 0 means the token's user.
	NamespaceID int64 `json:"namespace_id,omitempty"`
	// InitializeWithReadme creates a first commit, which a release needs to
	// have something to tag.
	InitializeWithReadme bool   `json:"initialize_with_readme,omitempty"`
	Visibility           string `json:"visibility,omitempty"`
	DefaultBranch        string `json:"default_branch,omitempty"`
}

// GetProject returns a project by numeric ID or full path. An unknown or
// invisible project is a 404 that IsProjectNotFound recognises.
func (c *Client) GetProject(ctx context.Context, project string) (*Project, error) {
	if err := requireSegment("project", project); err != nil {
		return nil, err
	}
	var p Project
	if _, err := c.do(ctx, http.MethodGet, projectPath(project), nil, nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// CreateProject creates a project. A taken path is a 400 whose messages
// come from a hash, e.g. "path has already been taken".
func (c *Client) CreateProject(ctx context.Context, opts CreateProjectOptions) (*Project, error) {
	var p Project
	if _, err := c.do(ctx, http.MethodPost, "/projects", nil, opts, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// DeleteProject asks GitLab to delete a project. GitLab answers 202 and
// deletes asynchronously; depending on version and tier the project may stay
// readable, marked for deletion, for a while (GITLAB.md §7c).
func (c *Client) DeleteProject(ctx context.Context, project string) error {
	if err := requireSegment("project", project); err != nil {
		return err
	}
	_, err := c.do(ctx, http.MethodDelete, projectPath(project), nil, nil, nil)
	return err
}

// ListOwnedProjects returns every project the token's user owns (in their own namespace, or with the Owner role)
// whose name, path or description contains search, ignoring case, newest first (GITLAB.md §7c). GitLab matches
// loosely, so callers check the names themselves.
func (c *Client) ListOwnedProjects(ctx context.Context, search string) ([]Project, error) {
	return collect(pages[Project](ctx, c, "/projects", url.Values{"owned": {"true"}, "search": {search}}))
}
