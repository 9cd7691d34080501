package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

var (
	_ datasource.DataSourceWithConfigure        = &releaseLinkDataSource{}
	_ datasource.DataSourceWithConfigValidators = &releaseLinkDataSource{}
)

// NewReleaseLinkDataSource returns the gitlab_release_link data source.
func NewReleaseLinkDataSource() datasource.DataSource { return &releaseLinkDataSource{} }

// releaseLinkDataSource reads one link of a release, by link ID or by name.
type releaseLinkDataSource struct{ data *providerData }

func (d *releaseLinkDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_release_link"
}

func (d *releaseLinkDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := linkDataAttributes()
	attrs["project"] = schema.StringAttribute{
		MarkdownDescription: "The project's numeric ID or full path (`group/subgroup/project`).",
		Required:            true,
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attrs["tag_name"] = schema.StringAttribute{
		MarkdownDescription: "The tag of the release.",
		Required:            true,
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attrs["link_id"] = schema.Int64Attribute{
		MarkdownDescription: "The link's ID. Give either this or `name`.",
		Optional:            true,
		Computed:            true,
	}
	attrs["name"] = schema.StringAttribute{
		MarkdownDescription: "The link's name (the asset name a pipeline knows). Give either this or `link_id`.",
		Optional:            true,
		Computed:            true,
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one link (asset) of a GitLab release, by its ID or by its name. " +
			"[Upstream API](https://docs.gitlab.com/api/releases/links/)",
		Attributes: attrs,
	}
}

func (d *releaseLinkDataSource) ConfigValidators(_ context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("link_id"), path.MatchRoot("name")),
	}
}

func (d *releaseLinkDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *releaseLinkDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	defer d.data.busy()()
	var config releaseLinkModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	links, ok := d.data.releaseLinks(ctx, releaseLinkType, config.Project, config.TagName, "Unable to Read Release Link", &resp.Diagnostics)
	if !ok {
		return
	}
	var link *gitlab.ReleaseLink
	for i := range links {
		if (!config.LinkID.IsNull() && links[i].ID == config.LinkID.ValueInt64()) ||
			(!config.Name.IsNull() && links[i].Name == config.Name.ValueString()) {
			link = &links[i]
		}
	}
	if link == nil {
		resp.Diagnostics.AddError("Release Link Not Found", linkNotFoundDetail(config, links))
		return
	}
	config.setFromListing(link)
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}

// linkNotFoundDetail says which link was asked for and, when the release has few, which ones exist.
func linkNotFoundDetail(config releaseLinkModel, links []gitlab.ReleaseLink) string {
	project, tag := config.Project.ValueString(), config.TagName.ValueString()
	wanted := fmt.Sprintf("no link with ID %d", config.LinkID.ValueInt64())
	if !config.Name.IsNull() {
		wanted = fmt.Sprintf("no link named %q", config.Name.ValueString())
	}
	detail := fmt.Sprintf("Release %q of project %q has %s.", tag, project, wanted)
	switch {
	case len(links) == 0:
		detail += " The release has no links at all."
	case len(links) <= 20:
		var names []string
		for _, l := range links {
			names = append(names, fmt.Sprintf("%q (ID %d)", l.Name, l.ID))
		}
		sort.Strings(names)
		detail += " Its links are: " + strings.Join(names, ", ") + ". Names are case-sensitive."
	default:
		detail += fmt.Sprintf(" It has %d other links; names are case-sensitive.", len(links))
	}
	return detail
}
