package provider

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = &releaseLinksDataSource{}

// NewReleaseLinksDataSource returns the gitlab_release_links data source.
func NewReleaseLinksDataSource() datasource.DataSource { return &releaseLinksDataSource{} }

// releaseLinksDataSource reads every link of a release.
type releaseLinksDataSource struct{ data *providerData }

// releaseLinksModel is the data source's state.
type releaseLinksModel struct {
	ID           types.String `tfsdk:"id"`
	Project      types.String `tfsdk:"project"`
	TagName      types.String `tfsdk:"tag_name"`
	LinkType     types.String `tfsdk:"link_type"`
	ReleaseLinks types.List   `tfsdk:"release_links"`
	LinksByName  types.Map    `tfsdk:"links_by_name"`
}

func (d *releaseLinksDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_release_links"
}

func (d *releaseLinksDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	link := schema.NestedAttributeObject{Attributes: linkDataAttributes()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads every link (asset) of a GitLab release, following GitLab's pagination. " +
			"[Upstream API](https://docs.gitlab.com/api/releases/links/)",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<project>:<tag_name>`.",
				Computed:            true,
			},
			"project": schema.StringAttribute{
				MarkdownDescription: "The project's numeric ID or full path (`group/subgroup/project`).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"tag_name": schema.StringAttribute{
				MarkdownDescription: "The tag of the release. A release that does not exist is an error, not an empty list.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"link_type": schema.StringAttribute{
				MarkdownDescription: "Only return links of this type: `other`, `runbook`, `image` or `package`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(linkTypes...)},
			},
			"release_links": schema.ListNestedAttribute{
				MarkdownDescription: "The release's links, ordered by `link_id` (oldest first).",
				Computed:            true,
				NestedObject:        link,
			},
			"links_by_name": schema.MapNestedAttribute{
				MarkdownDescription: "The same links keyed by name, e.g. `links_by_name[\"app.tar.gz\"].url`.",
				Computed:            true,
				NestedObject:        link,
			},
		},
	}
}

func (d *releaseLinksDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *releaseLinksDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	defer d.data.busy()()
	var config releaseLinksModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	links, ok := d.data.releaseLinks(ctx, releaseLinksType, config.Project, config.TagName, "Unable to Read Release Links", &resp.Diagnostics)
	if !ok {
		return
	}
	// GitLab orders by creation time, newest first, with no tiebreak (GITLAB.md §1.1): sort by ID instead,
	// so the list stays put between reads.
	var models []releaseLinkModel
	for i := range links {
		if !config.LinkType.IsNull() && links[i].LinkType != config.LinkType.ValueString() {
			continue
		}
		m := releaseLinkModel{Project: config.Project, TagName: config.TagName}
		m.setFromListing(&links[i])
		models = append(models, m)
	}
	slices.SortFunc(models, func(a, b releaseLinkModel) int { return cmp.Compare(a.LinkID.ValueInt64(), b.LinkID.ValueInt64()) })

	elemType := schema.NestedAttributeObject{Attributes: linkDataAttributes()}.Type()
	list, diags := types.ListValueFrom(ctx, elemType, orEmpty(models))
	resp.Diagnostics.Append(diags...)
	byName := make(map[string]releaseLinkModel, len(models))
	for _, m := range models {
		byName[m.Name.ValueString()] = m
	}
	byNameValue, diags := types.MapValueFrom(ctx, elemType, byName)
	resp.Diagnostics.Append(diags...)
	config.ID = types.StringValue(fmt.Sprintf("%s:%s", config.Project.ValueString(), config.TagName.ValueString()))
	config.ReleaseLinks, config.LinksByName = list, byNameValue
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}

// orEmpty turns a nil slice into an empty one, so an empty release reads as [] rather than null.
func orEmpty(models []releaseLinkModel) []releaseLinkModel {
	if models == nil {
		return []releaseLinkModel{}
	}
	return models
}
