package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// releaseIdentityModel is the identity of gitlab_release_links (Terraform 1.12+): the two parts of its import ID.
type releaseIdentityModel struct {
	Project types.String `tfsdk:"project"`
	TagName types.String `tfsdk:"tag_name"`
}

func (r *releaseLinksResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
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
		},
	}
}

// ImportState accepts "<project>:<tag_name>", "<project>/<tag_name>" (resolved against the API, since paths and
// tags may contain '/'), or a resource identity. The Read that follows fills in every link of the release.
func (r *releaseLinksResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var id releaseID
	switch {
	case req.ID == "" && req.Identity != nil:
		var identity releaseIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &identity)...)
		if resp.Diagnostics.HasError() {
			return
		}
		id = releaseID{Project: identity.Project.ValueString(), TagName: identity.TagName.ValueString()}
	case strings.Contains(req.ID, ":"):
		parsed, err := parseReleaseID(req.ID)
		if err != nil {
			resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("Unable to import the links of a release: %s.\n\n%s", err, releaseImportIDExamples))
			return
		}
		id = parsed
	default:
		resolved, problem := r.resolveSlashID(ctx, req.ID)
		if problem != "" {
			resp.Diagnostics.AddError("Unable to Import Release Links", problem)
			return
		}
		id = resolved
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id.String())...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("project"), id.Project)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("tag_name"), id.TagName)...)
	resp.Diagnostics.Append(setReleaseIdentity(ctx, resp.Identity, types.StringValue(id.Project), types.StringValue(id.TagName))...)
}

// resolveSlashID finds the one split of "<project>/<tag_name>" for which GitLab has a release. It returns a
// problem sentence when there is none, more than one, or GitLab refuses to answer.
func (r *releaseLinksResource) resolveSlashID(ctx context.Context, raw string) (releaseID, string) {
	candidates, err := slashReleaseCandidates(raw)
	if err != nil {
		return releaseID{}, fmt.Sprintf("%s.\n\n%s", err, releaseImportIDExamples)
	}
	return resolveSlash(ctx, r.data, releaseLinksType, raw, "release", releaseImportIDExamples, candidates, func(ctx context.Context, c releaseID) error {
		_, err := r.data.client.GetRelease(ctx, c.Project, c.TagName)
		return err
	})
}

// save stores the model as the resource's state, and its identity where Terraform supports one.
func (m *releaseLinksResourceModel) save(ctx context.Context, state *tfsdk.State, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	diags := state.Set(ctx, m)
	diags.Append(setReleaseIdentity(ctx, identity, m.Project, m.TagName)...)
	return diags
}

// setReleaseIdentity stores the resource identity when Terraform supports it (1.12+); older versions pass none.
func setReleaseIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, project, tag types.String) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.Set(ctx, releaseIdentityModel{Project: project, TagName: tag})
}
