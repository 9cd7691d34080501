package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
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
	attributes := releaseIdentityAttributes()
	attributes["link_id"] = identityschema.Int64Attribute{RequiredForImport: true, Description: "GitLab's ID of the link."}
	resp.IdentitySchema = identityschema.Schema{Attributes: attributes}
}

// ImportState accepts "<project>:<tag_name>:<link_id>" (the official provider's form), "<project>/<tag_name>/<link_id>"
// (resolved against the API, since paths and tags may contain '/'), or a resource identity.
func (r *releaseLinkResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importState(ctx, r.data, releaseLinkImport, req, resp)
}

// releaseLinkImport is how the ID of a gitlab_release_link is written and found.
var releaseLinkImport = importSyntax[releaseLinkID]{
	typeName: releaseLinkType, kind: "release link", examples: importIDExamples, summary: "Unable to Import Release Link",
	fromIdentity: func(ctx context.Context, identity *tfsdk.ResourceIdentity) (releaseLinkID, diag.Diagnostics) {
		var m releaseLinkIdentityModel
		diags := identity.Get(ctx, &m)
		return releaseLinkID{Project: m.Project.ValueString(), TagName: m.TagName.ValueString(), LinkID: m.LinkID.ValueInt64()}, diags
	},
	parse: parseReleaseLinkID,
	split: slashImportCandidates,
	lookup: func(ctx context.Context, client *gitlab.Client, id releaseLinkID) error {
		_, err := client.GetReleaseLink(ctx, id.Project, id.TagName, id.LinkID)
		return err
	},
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
