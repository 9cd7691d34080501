package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// releaseLinkIdentityModel is the resource identity (Terraform 1.12+): the same three parts as the import ID.
type releaseLinkIdentityModel struct {
	Project types.String `tfsdk:"project"`
	TagName types.String `tfsdk:"tag_name"`
	LinkID  types.Int64  `tfsdk:"link_id"`
}

func (r *releaseLinkResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"project": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "The project's numeric ID or full path.",
			},
			"tag_name": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "The tag of the release.",
			},
			"link_id": identityschema.Int64Attribute{
				RequiredForImport: true,
				Description:       "GitLab's ID of the link.",
			},
		},
	}
}

// ImportState accepts "<project>:<tag_name>:<link_id>" (the official provider's form), "<project>/<tag_name>/<link_id>"
// (resolved against the API, since paths and tags may contain '/'), or a resource identity.
func (r *releaseLinkResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var id releaseLinkID
	switch {
	case req.ID == "" && req.Identity != nil:
		var identity releaseLinkIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &identity)...)
		if resp.Diagnostics.HasError() {
			return
		}
		id = releaseLinkID{Project: identity.Project.ValueString(), TagName: identity.TagName.ValueString(), LinkID: identity.LinkID.ValueInt64()}
	case strings.Contains(req.ID, ":"):
		parsed, err := parseReleaseLinkID(req.ID)
		if err != nil {
			resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("Unable to import a release link: %s.\n\n%s", err, importIDExamples))
			return
		}
		id = parsed
	default:
		resolved, problem := r.resolveSlashID(ctx, req.ID)
		if problem != "" {
			resp.Diagnostics.AddError("Unable to Import Release Link", problem)
			return
		}
		id = resolved
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id.String())...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("project"), id.Project)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("tag_name"), id.TagName)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("link_id"), id.LinkID)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, releaseLinkModel{
		Project: types.StringValue(id.Project), TagName: types.StringValue(id.TagName), LinkID: types.Int64Value(id.LinkID),
	})...)
}

// resolveSlashID finds the one split of "<project>/<tag_name>/<link_id>" under which GitLab has the link.
// It returns a problem sentence when there is none, more than one, or GitLab refuses to answer.
func (r *releaseLinkResource) resolveSlashID(ctx context.Context, raw string) (releaseLinkID, string) {
	candidates, err := slashImportCandidates(raw)
	if err != nil {
		return releaseLinkID{}, fmt.Sprintf("%s.\n\n%s", err, importIDExamples)
	}
	// Import has no timeouts block; the lookups get the default operation deadline.
	ctx, cancel := context.WithTimeout(ctx, defaultTimeout)
	defer cancel()
	var found []releaseLinkID
	var tried []string
	for _, c := range candidates {
		tried = append(tried, fmt.Sprintf("project %q, tag %q", c.Project, c.TagName))
		_, err := r.data.client.GetReleaseLink(ctx, c.Project, c.TagName, c.LinkID)
		switch {
		case err == nil:
			found = append(found, c)
		case !gitlab.IsNotFound(err):
			return releaseLinkID{}, r.data.errorDetail(fmt.Sprintf("Could not look up link %d of release %q in project %q while resolving the import ID %q.",
				c.LinkID, c.TagName, c.Project, raw), c.Project, c.TagName, err)
		}
	}
	switch len(found) {
	case 1:
		return found[0], ""
	case 0:
		return releaseLinkID{}, fmt.Sprintf("No release link matches the import ID %q. Tried: %s.\n\n%s",
			raw, strings.Join(tried, "; "), importIDExamples)
	default:
		var ids []string
		for _, f := range found {
			ids = append(ids, fmt.Sprintf("%q", f.String()))
		}
		return releaseLinkID{}, fmt.Sprintf("The import ID %q is ambiguous: it names %s. Use the colon form to say which one.",
			raw, strings.Join(ids, " and "))
	}
}
