package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// releaseIdentityModel is the identity of gitlab_release_links (Terraform 1.12+): the two parts of its import ID.
type releaseIdentityModel struct {
	Project types.String `tfsdk:"project"`
	TagName types.String `tfsdk:"tag_name"`
}

func (r *releaseLinksResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: releaseIdentityAttributes()}
}

// releaseIdentityAttributes are the identity attributes that name a release, which both resources' identities
// start with.
func releaseIdentityAttributes() map[string]identityschema.Attribute {
	return map[string]identityschema.Attribute{
		"project":  identityschema.StringAttribute{RequiredForImport: true, Description: "The project's numeric ID or full path."},
		"tag_name": identityschema.StringAttribute{RequiredForImport: true, Description: "The tag of the release."},
	}
}

// ImportState accepts "<project>:<tag_name>", "<project>/<tag_name>" (resolved against the API, since paths and
// tags may contain '/'), or a resource identity. The Read that follows fills in every link of the release.
func (r *releaseLinksResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importState(ctx, r.data, releaseImport, req, resp)
}

// releaseImport is how the ID of a gitlab_release_links is written and found.
var releaseImport = importSyntax[releaseID]{
	typeName: releaseLinksType, kind: "release", examples: releaseImportIDExamples, summary: "Unable to Import Release Links",
	fromIdentity: func(ctx context.Context, identity *tfsdk.ResourceIdentity) (releaseID, diag.Diagnostics) {
		var m releaseIdentityModel
		diags := identity.Get(ctx, &m)
		return releaseID{Project: m.Project.ValueString(), TagName: m.TagName.ValueString()}, diags
	},
	parse: parseReleaseID,
	split: slashReleaseCandidates,
	lookup: func(ctx context.Context, client *gitlab.Client, id releaseID) error {
		_, err := client.GetRelease(ctx, id.Project, id.TagName)
		return err
	},
}

// setReleaseIdentity stores the resource identity when Terraform supports it (1.12+); older versions pass none.
func setReleaseIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, project, tag types.String) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.Set(ctx, releaseIdentityModel{Project: project, TagName: tag})
}
