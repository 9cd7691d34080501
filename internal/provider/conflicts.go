package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// takenLink handles "has already been taken" on create. Only one such link is adopted: the create's own, when
// the client reports that an earlier attempt of this very call may have been applied before its answer was lost
// (a 502, 503 or 504, or a connection lost after the request was written). Any other existing link, even one
// with identical values, belongs to someone else as far as the provider can tell: another resource of this
// configuration, the old instance of a create_before_destroy replacement, or an apply killed before it saved its
// state. Adopting it would let two resources share one link, and deleting either would take it from the other,
// so that is an error naming the link and how to import it. Within one walk a link is adopted at most once.
func (p *providerData) takenLink(ctx context.Context, project, tag string, want linkFields, createErr error, diags *diag.Diagnostics) (*gitlab.ReleaseLink, error) {
	links, err := p.client.ListReleaseLinks(ctx, project, tag)
	if err != nil {
		return nil, createErr
	}
	var gerr *gitlab.Error
	if errors.As(createErr, &gerr) && gerr.MaybeCommitted {
		for i := range links {
			if apiFields(&links[i], tag) != want || !p.links.claim(links[i].ID) {
				continue
			}
			diags.AddWarning("Adopted Release Link Created by a Lost Request",
				fmt.Sprintf("Link %d (%q) on release %q of project %q was created by an earlier attempt of this create, "+
					"whose answer was lost on the way back (%s). Terraform manages it now instead of creating a duplicate.",
					links[i].ID, links[i].Name, tag, project, createErr))
			return &links[i], nil
		}
	}
	return nil, &conflictError{err: createErr, existing: conflictingLinks(links, project, tag, want)}
}

// conflictError is a "has already been taken" answer together with a description of the links in the way.
type conflictError struct {
	err      error
	existing string
}

func (e *conflictError) Error() string { return e.err.Error() }
func (e *conflictError) Unwrap() error { return e.err }

// takenAdvice follows the list of existing links in a "has already been taken" error.
const takenAdvice = "Link names, URLs and direct asset paths are unique within a release.\n\n" +
	"If the existing link is this resource's own, being replaced with create_before_destroy (for example by " +
	"terraform apply -replace or replace_triggered_by), the replacement cannot be created while the old link exists: " +
	"remove create_before_destroy from this resource, or change both the name and the URL.\n\n" +
	"If this configuration should manage the existing link (for example, an apply was stopped after GitLab created " +
	"it and before Terraform saved it), import it with the command or the import block above, with this resource's " +
	"address in place of gitlab_release_link.<name>. Otherwise change the name, URL or path in the configuration."

// lostCreateNote follows a failed create whose request reached GitLab, which may have created the link anyway.
const lostCreateNote = "GitLab may have created the link all the same: the request reached it, but its answer did " +
	"not come back. The state records this create, without a link ID, and Terraform marks it tainted: the next " +
	"apply looks for the link, replaces it if GitLab made it and creates it if not. Nothing needs importing."

// createErrorDetail explains a failed create. For "has already been taken" it names the existing links that
// hold the name, URL or path, and shows how to import them.
func (p *providerData) createErrorDetail(project, tag, name string, err error) string {
	what := fmt.Sprintf("Could not create link %q on release %q of project %q.", name, tag, project)
	if !gitlab.HasMessage(err, "has already been taken") {
		e := p.explain(releaseLinkType, false)
		var gerr *gitlab.Error
		if errors.As(err, &gerr) && gerr.MaybeCommitted {
			return e.detail(what, project, tag, err) + "\n\n" + lostCreateNote
		}
		return e.detail(what, project, tag, err)
	}
	existing := fmt.Sprintf("  terraform import gitlab_release_link.<name> '%s:%s:<link_id>'\n", project, tag)
	var conflict *conflictError
	if errors.As(err, &conflict) && conflict.existing != "" {
		existing = conflict.existing
	}
	return fmt.Sprintf("%s\n\nGitLab said: %s\n\nThe release already holds:\n\n%s\n%s", what, err, existing, takenAdvice)
}

// conflictingLinks describes the existing links that share the requested name, URL or path, each with its import
// command and import block.
func conflictingLinks(links []gitlab.ReleaseLink, project, tag string, want linkFields) string {
	var b strings.Builder
	for i := range links {
		l := &links[i]
		path, _ := pathFromDirectAssetURL(l, tag)
		if l.Name != want.name && l.URL != want.url && (want.path == "" || path != want.path) {
			continue
		}
		pathText := "no direct asset path"
		if path != "" {
			pathText = "direct asset path " + path
		}
		id := releaseLinkID{Project: project, TagName: tag, LinkID: l.ID}
		fmt.Fprintf(&b, "  Existing link %d: name %q, URL %s, %s.\n  terraform import gitlab_release_link.<name> '%s'\n"+
			"  import {\n    to = gitlab_release_link.<name>\n    id = %q\n  }\n", l.ID, l.Name, l.URL, pathText, id, id)
	}
	return b.String()
}
