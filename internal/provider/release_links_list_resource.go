package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

var _ list.ListResourceWithConfigure = &releaseLinksListResource{}

// NewReleaseLinksListResource returns the gitlab_release_links list resource: one result per release, for
// `terraform query` (Terraform 1.14 and later).
func NewReleaseLinksListResource() list.ListResource { return &releaseLinksListResource{} }

// releaseLinksListResource finds the releases of a project, or one release, as gitlab_release_links resources.
type releaseLinksListResource struct{ data *providerData }

func (r *releaseLinksListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_release_links"
}

func (r *releaseLinksListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = releaseListConfigSchema("Finds the releases of a GitLab project, or one release, each with every link (asset) it has",
		"The tag of the one release to list. Without it, every release of the project, newest first.")
}

func (r *releaseLinksListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// List streams one result per release, newest first. A release's links are read only when Terraform asks for the
// resource (include_resource), or to learn that the release named by tag_name exists; one request per 100 links.
func (r *releaseLinksListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	r.data.list(ctx, releaseLinksType, req, stream, func(ctx context.Context, project, tag string, named bool, push func(list.ListResult) bool) error {
		var links []gitlab.ReleaseLink
		if req.IncludeResource || named {
			var err error
			if links, err = r.data.client.ListReleaseLinks(ctx, project, tag); err != nil {
				return err
			}
		}
		if !push(r.result(ctx, req, project, tag, links)) {
			return errListingDone
		}
		return nil
	})
}

// result is one release's list result: its identity, its tag as the display name and, when Terraform asks for it,
// the resource as a Read after an import stores it, so that the configuration Terraform generates from it plans
// nothing once imported.
func (r *releaseLinksListResource) result(ctx context.Context, req list.ListRequest, project, tag string, links []gitlab.ReleaseLink) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = tag
	result.Diagnostics.Append(setReleaseIdentity(ctx, result.Identity, types.StringValue(project), types.StringValue(tag))...)
	if !req.IncludeResource {
		return result
	}
	held := make(map[string]linkElement, len(links))
	for i := range links {
		held[links[i].Name] = elementFromAPI(&links[i], tag, "")
	}
	t, diags := nullTimeouts(ctx, result.Resource)
	result.Diagnostics.Append(diags...)
	if diags.HasError() {
		return result
	}
	result.Diagnostics.Append(result.Resource.Set(ctx, releaseLinksResourceModel{
		ID:       types.StringValue(releaseID{Project: project, TagName: tag}.String()),
		Project:  types.StringValue(project),
		TagName:  types.StringValue(tag),
		Links:    linksValue(held),
		Timeouts: t,
	})...)
	return result
}
