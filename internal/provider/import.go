package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// importID is the import ID of one of the two resources: a releaseLinkID or a releaseID (ids.go).
type importID interface {
	slashCandidate
	// store writes the ID into the state of the resource being imported, and into its identity where Terraform
	// keeps one, for the Read that follows to fill in the rest.
	store(ctx context.Context, state *tfsdk.State, identity *tfsdk.ResourceIdentity) diag.Diagnostics
}

// importSyntax is how a resource's import ID is written, read and looked up.
type importSyntax[T importID] struct {
	typeName string // the Terraform type, for the errors' advice
	kind     string // what the ID names, "release link" or "release"
	examples string // the forms of the ID, for an error
	summary  string // of an error, "Unable to Import Release Link" or "Unable to Import Release Links"
	// fromIdentity reads an identity (import blocks by identity, Terraform 1.12+); parse reads the colon form;
	// split lists the ways the slash form can be read, and lookup asks GitLab whether one names something.
	fromIdentity func(ctx context.Context, identity *tfsdk.ResourceIdentity) (T, diag.Diagnostics)
	parse        func(string) (T, error)
	split        func(string) ([]T, error)
	lookup       func(ctx context.Context, client *gitlab.Client, id T) error
}

// importState is the ImportState of both resources: it accepts an identity, the colon form (the official GitLab
// provider's), or the slash form, resolved against the API since paths and tags may contain '/'.
func importState[T importID](ctx context.Context, p *providerData, syntax importSyntax[T], req resource.ImportStateRequest,
	resp *resource.ImportStateResponse) {
	var id T
	switch {
	case req.ID == "" && req.Identity != nil:
		var diags diag.Diagnostics
		id, diags = syntax.fromIdentity(ctx, req.Identity)
		if resp.Diagnostics.Append(diags...); diags.HasError() {
			return
		}
	case strings.Contains(req.ID, ":"):
		parsed, err := syntax.parse(req.ID)
		if err != nil {
			resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("%s: %s.\n\n%s", syntax.summary, err, syntax.examples))
			return
		}
		id = parsed
	default:
		resolved, problem := resolveSlash(ctx, p, syntax, req.ID)
		if problem != "" {
			resp.Diagnostics.AddError(syntax.summary, problem)
			return
		}
		id = resolved
	}
	resp.Diagnostics.Append(id.store(ctx, &resp.State, resp.Identity)...)
}

// slashCandidate is one split of a slash import ID: a releaseLinkID or a releaseID.
type slashCandidate interface {
	fmt.Stringer
	release() releaseID // the project and tag it names
	describe() string   // what it names, for an error
}

// resolveSlash finds the one split of the slash import ID raw that GitLab has, by asking about each (import has no
// timeouts block: the lookups get the default operation deadline). It returns a problem sentence when there is
// none, more than one, or GitLab refuses to answer.
func resolveSlash[T importID](ctx context.Context, p *providerData, syntax importSyntax[T], raw string) (T, string) {
	var none T
	candidates, err := syntax.split(raw)
	if err != nil {
		return none, fmt.Sprintf("%s.\n\n%s", err, syntax.examples)
	}
	ctx, cancel := context.WithTimeout(ctx, gitlab.DefaultOperationTimeout)
	defer cancel()
	var found []T
	var tried []string
	for _, c := range candidates {
		rel := c.release()
		tried = append(tried, fmt.Sprintf("project %q, tag %q", rel.Project, rel.TagName))
		err := syntax.lookup(ctx, p.client, c)
		switch {
		case err == nil:
			found = append(found, c)
		case !gitlab.IsNotFound(err):
			return none, p.explain(syntax.typeName, false).detail(fmt.Sprintf("Could not look up %s while resolving the import ID %q.",
				c.describe(), raw), rel.Project, rel.TagName, err)
		}
	}
	switch len(found) {
	case 1:
		return found[0], ""
	case 0:
		return none, fmt.Sprintf("No %s matches the import ID %q. Tried: %s.\n\n%s", syntax.kind, raw, strings.Join(tried, "; "), syntax.examples)
	default:
		var ids []string
		for _, f := range found {
			ids = append(ids, fmt.Sprintf("%q", f.String()))
		}
		return none, fmt.Sprintf("The import ID %q is ambiguous: it names %s. Use the colon form to say which one.",
			raw, strings.Join(ids, " and "))
	}
}
