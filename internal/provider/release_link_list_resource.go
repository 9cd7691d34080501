package provider

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

var _ list.ListResourceWithConfigure = &releaseLinkListResource{}

// NewReleaseLinkListResource returns the gitlab_release_link list resource, which `terraform query` (Terraform
// 1.14 and later) uses to find existing links and generate their resource and import blocks.
func NewReleaseLinkListResource() list.ListResource { return &releaseLinkListResource{} }

// releaseLinkListResource finds the links of one release, or of every release of a project.
type releaseLinkListResource struct{ data *providerData }

func (r *releaseLinkListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_release_link"
}

func (r *releaseLinkListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = releaseListConfigSchema("Finds the links (assets) of a GitLab release, or of every release of a project",
		"The tag of the release whose links to list. Without it, the links of every release of the project, newest release first.")
}

func (r *releaseLinkListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// List streams one result per link, in the order of the releases (newest first) and by link ID within a release.
// A release's links are read as the resource reads them, one request per 100 links, and nothing more is requested
// once Terraform's limit is reached.
func (r *releaseLinkListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	r.data.list(ctx, releaseLinkType, req, stream, func(ctx context.Context, project, tag string, _ bool, push func(list.ListResult) bool) error {
		links, err := r.data.client.ListReleaseLinks(ctx, project, tag)
		if err != nil {
			return err
		}
		slices.SortFunc(links, func(a, b gitlab.ReleaseLink) int { return cmp.Compare(a.ID, b.ID) })
		for i := range links {
			if !push(r.result(ctx, req, project, tag, &links[i])) {
				return errListingDone
			}
		}
		return nil
	})
}

// result is one link's list result: its identity, a name a person recognises and, when Terraform asks for it,
// the resource as a Read after an import stores it, so that the configuration Terraform generates from it plans
// nothing once imported.
func (r *releaseLinkListResource) result(ctx context.Context, req list.ListRequest, project, tag string, link *gitlab.ReleaseLink) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = tag + "/" + link.Name
	// As Read fills the state an import leaves: filepath = "" first, the official provider's "no path", which
	// setFromAPI keeps for a link without one and overwrites with the path of a link that has one.
	m := releaseLinkModel{Project: types.StringValue(project), TagName: types.StringValue(tag), Filepath: types.StringValue("")}
	m.setFromAPI(link)
	result.Diagnostics.Append(setIdentity(ctx, result.Identity, m)...)
	if req.IncludeResource {
		result.Diagnostics.Append(setResource(ctx, result.Resource, m)...)
	}
	return result
}

// setResource stores a link as the resource's full state, with a null timeouts block as after an import.
func setResource(ctx context.Context, res *tfsdk.Resource, m releaseLinkModel) diag.Diagnostics {
	t, diags := nullTimeouts(ctx, res)
	if diags.HasError() {
		return diags
	}
	return res.Set(ctx, releaseLinkResourceModel{releaseLinkModel: m, Timeouts: t})
}

// nullTimeouts is the null timeouts block of a resource's schema, as an import leaves it.
func nullTimeouts(ctx context.Context, res *tfsdk.Resource) (timeouts.Value, diag.Diagnostics) {
	typ, diags := res.Schema.TypeAtPath(ctx, path.Root("timeouts"))
	if diags.HasError() {
		return timeouts.Value{}, diags
	}
	null, err := typ.ValueFromTerraform(ctx, tftypes.NewValue(typ.TerraformType(ctx), nil))
	t, ok := null.(timeouts.Value)
	if err != nil || !ok {
		diags.AddError("Unable to List Release Links", fmt.Sprintf("The timeouts block has an unexpected type %T (%v). Please report this issue.", null, err))
	}
	return t, diags
}
