package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// takenLink handles "has already been taken" on create. It lists the release's links once. A link that matches
// the request in every field (name, URL, type and path) is adopted with a warning: it is most often this very
// create, applied by GitLab before its answer was lost (a 502, a dropped connection, or an apply interrupted
// with Ctrl-C or killed), and adopting it is what makes the next apply converge without a duplicate. A link that
// differs in any field is a real conflict, returned with the links in the way named.
func (r *releaseLinkResource) takenLink(ctx context.Context, project, tag string, opts gitlab.CreateReleaseLinkOptions, createErr error, diags *diag.Diagnostics) (*gitlab.ReleaseLink, error) {
	links, err := r.data.client.ListReleaseLinks(ctx, project, tag)
	if err != nil {
		return nil, createErr
	}
	for i := range links {
		if !sameAsRequested(&links[i], tag, opts) || !r.data.links.claim(links[i].ID) {
			continue
		}
		why := "an earlier apply that was interrupted, or someone outside Terraform, created it"
		var gerr *gitlab.Error
		if errors.As(createErr, &gerr) && gerr.MaybeCommitted {
			why = "GitLab created it on an earlier attempt of this request, whose answer was lost on the way back"
		}
		diags.AddWarning("Adopted Existing Release Link",
			fmt.Sprintf("Link %d (%q) on release %q of project %q already existed with exactly the requested values: %s. "+
				"Terraform manages it now instead of creating a duplicate.", links[i].ID, links[i].Name, tag, project, why))
		return &links[i], nil
	}
	return nil, &conflictError{err: createErr, existing: conflictingLinks(links, project, tag, opts)}
}

// conflictError is a "has already been taken" answer together with a description of the links in the way.
type conflictError struct {
	err      error
	existing string
}

func (e *conflictError) Error() string { return e.err.Error() }
func (e *conflictError) Unwrap() error { return e.err }

// sameAsRequested reports whether an existing link has exactly the values a create asked for.
func sameAsRequested(link *gitlab.ReleaseLink, tag string, opts gitlab.CreateReleaseLinkOptions) bool {
	linkType := opts.LinkType
	if linkType == "" {
		linkType = "other"
	}
	path, hasPath := assetPath(link, tag)
	wantPath := opts.DirectAssetPath != nil
	return link.Name == opts.Name && link.URL == opts.URL && link.LinkType == linkType &&
		hasPath == wantPath && (!wantPath || path == *opts.DirectAssetPath)
}

// createErrorDetail explains a failed create. For "has already been taken" it names the existing links that
// hold the name, URL or path, and shows how to import them instead.
func createErrorDetail(project, tag, name string, err error) string {
	what := fmt.Sprintf("Could not create link %q on release %q of project %q.", name, tag, project)
	if !gitlab.HasMessage(err, "has already been taken") {
		return errorDetail(what, project, tag, err)
	}
	var conflict *conflictError
	if errors.As(err, &conflict) && conflict.existing != "" {
		return fmt.Sprintf("%s\n\nGitLab said: %s\n\nLink names, URLs and direct asset paths must be unique within a release. "+
			"Change the value in the configuration, or adopt the existing link by importing it:\n\n%s", what, err, conflict.existing)
	}
	return fmt.Sprintf("%s\n\nGitLab said: %s\n\nLink names, URLs and direct asset paths must be unique within a release. "+
		"Change the value GitLab names, or adopt the existing link by importing it:\n\n"+
		"  terraform import gitlab_release_link.<name> '%s:%s:<link_id>'", what, err, project, tag)
}

// conflictingLinks describes the existing links that share the requested name, URL or path, with import commands.
func conflictingLinks(links []gitlab.ReleaseLink, project, tag string, opts gitlab.CreateReleaseLinkOptions) string {
	var b strings.Builder
	for i := range links {
		l := &links[i]
		path, _ := assetPath(l, tag)
		if l.Name != opts.Name && l.URL != opts.URL && (opts.DirectAssetPath == nil || path != *opts.DirectAssetPath) {
			continue
		}
		id := releaseLinkID{Project: project, TagName: tag, LinkID: l.ID}
		fmt.Fprintf(&b, "Existing link %d: name %q, URL %s.\n  terraform import gitlab_release_link.<name> '%s'\n"+
			"  import {\n    to = gitlab_release_link.<name>\n    id = %q\n  }\n", l.ID, l.Name, l.URL, id, id)
	}
	return b.String()
}

// sameProject reports whether two spellings of a project (its numeric ID and its full path) name the same
// project, by resolving both through the API, which costs no link request. A project that no longer exists is
// not the same; any other failure is returned, since guessing wrong would either replace a link for nothing or
// keep it in the wrong project.
func (r *releaseLinkResource) sameProject(ctx context.Context, a, b types.String) (bool, error) {
	if r.data == nil || a.IsUnknown() || b.IsUnknown() {
		return false, nil
	}
	before, err := r.data.client.GetProject(ctx, a.ValueString())
	if gitlab.IsProjectNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	after, err := r.data.client.GetProject(ctx, b.ValueString())
	if gitlab.IsProjectNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return before.ID == after.ID, nil
}
