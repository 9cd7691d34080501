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

// importNotFound explains an import ID that names no link: a release that does not exist, or a link ID that the
// release does not hold, with the links it does hold.
func (p *providerData) importNotFound(ctx context.Context, project, tag string, linkID int64, err error) string {
	links, listErr := p.links.all(ctx, project, tag)
	if gitlab.IsRecordNotFound(err) || listErr != nil {
		if listErr != nil {
			err = listErr
		}
		return p.explain(releaseLinkType, false).releaseRead(project, tag, err) + "\n\nThere is nothing to import."
	}
	wanted := releaseLinkModel{Project: types.StringValue(project), TagName: types.StringValue(tag), LinkID: types.Int64Value(linkID),
		Name: types.StringNull()}
	return linkNotFoundDetail(wanted, links) + fmt.Sprintf(" There is nothing to import: check the link ID, the last part "+
		"of the import ID %q.", releaseLinkID{Project: project, TagName: tag, LinkID: linkID}.String())
}

// resolveSlashID finds the one split of "<project>/<tag_name>/<link_id>" under which GitLab has the link.
// It returns a problem sentence when there is none, more than one, or GitLab refuses to answer.
func (r *releaseLinkResource) resolveSlashID(ctx context.Context, raw string) (releaseLinkID, string) {
	candidates, err := slashImportCandidates(raw)
	if err != nil {
		return releaseLinkID{}, fmt.Sprintf("%s.\n\n%s", err, importIDExamples)
	}
	return resolveSlash(ctx, r.data, releaseLinkType, raw, "release link", importIDExamples, candidates, func(ctx context.Context, c releaseLinkID) error {
		_, err := r.data.client.GetReleaseLink(ctx, c.Project, c.TagName, c.LinkID)
		return err
	})
}

// slashCandidate is one split of a slash import ID: a releaseLinkID or a releaseID.
type slashCandidate interface {
	fmt.Stringer
	release() releaseID // the project and tag it names
	describe() string   // what it names, for an error
}

// resolveSlash finds the one candidate split of the slash import ID raw that GitLab has, by asking lookup about
// each (import has no timeouts block: the lookups get the default operation deadline). It returns a problem
// sentence when there is none, more than one, or GitLab refuses to answer; typeName is the Terraform type
// imported, kind names what the ID imports and examples shows the ID's forms.
func resolveSlash[T slashCandidate](ctx context.Context, p *providerData, typeName, raw, kind, examples string, candidates []T,
	lookup func(context.Context, T) error) (T, string) {
	var none T
	ctx, cancel := context.WithTimeout(ctx, gitlab.DefaultOperationTimeout)
	defer cancel()
	var found []T
	var tried []string
	for _, c := range candidates {
		rel := c.release()
		tried = append(tried, fmt.Sprintf("project %q, tag %q", rel.Project, rel.TagName))
		err := lookup(ctx, c)
		switch {
		case err == nil:
			found = append(found, c)
		case !gitlab.IsNotFound(err):
			return none, p.explain(typeName, false).detail(fmt.Sprintf("Could not look up %s while resolving the import ID %q.",
				c.describe(), raw), rel.Project, rel.TagName, err)
		}
	}
	switch len(found) {
	case 1:
		return found[0], ""
	case 0:
		return none, fmt.Sprintf("No %s matches the import ID %q. Tried: %s.\n\n%s", kind, raw, strings.Join(tried, "; "), examples)
	default:
		var ids []string
		for _, f := range found {
			ids = append(ids, fmt.Sprintf("%q", f.String()))
		}
		return none, fmt.Sprintf("The import ID %q is ambiguous: it names %s. Use the colon form to say which one.",
			raw, strings.Join(ids, " and "))
	}
}
