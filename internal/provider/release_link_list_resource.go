package provider

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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

// releaseLinkListModel is the list block's config.
type releaseLinkListModel struct {
	Project types.String `tfsdk:"project"`
	TagName types.String `tfsdk:"tag_name"`
}

func (r *releaseLinkListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_release_link"
}

func (r *releaseLinkListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = releaseListConfigSchema("Finds the links (assets) of a GitLab release, or of every release of a project",
		"The tag of the release whose links to list. Without it, the links of every release of the project, newest release first.")
}

// releaseListConfigSchema is the config of both list resources, project and an optional tag_name: what says what a
// list block finds, tag what tag_name selects.
func releaseListConfigSchema(what, tag string) schema.Schema {
	return schema.Schema{
		MarkdownDescription: what + ", for `terraform query`. [Upstream API](https://docs.gitlab.com/api/releases/links/)",
		Attributes: map[string]schema.Attribute{
			"project": schema.StringAttribute{
				MarkdownDescription: "The project's numeric ID or full path (`group/subgroup/project`), written as given into " +
					"each result's identity and resource.",
				Required:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"tag_name": schema.StringAttribute{
				MarkdownDescription: tag,
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
		},
	}
}

func (r *releaseLinkListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// List streams one result per link, in the order of the releases (newest first) and by link ID within a release.
// A release's links are read as the resource reads them, one request per 100 links, and nothing more is requested
// once Terraform's limit is reached.
func (r *releaseLinkListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config releaseLinkListModel
	if diags := req.Config.Get(ctx, &config); diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	project := config.Project.ValueString()
	stream.Results = func(push func(list.ListResult) bool) {
		sent := int64(0)
		r.data.listReleases(ctx, releaseLinkType, project, config.TagName.ValueString(), push, func(ctx context.Context, tag string) error {
			links, err := r.data.client.ListReleaseLinks(ctx, project, tag)
			if err != nil {
				return err
			}
			slices.SortFunc(links, func(a, b gitlab.ReleaseLink) int { return cmp.Compare(a.ID, b.ID) })
			for i := range links {
				if !push(r.result(ctx, req, project, tag, &links[i])) {
					return errListingDone
				}
				if sent++; req.Limit > 0 && sent >= req.Limit {
					return errListingDone
				}
			}
			return nil
		})
	}
}

// listReleases walks the releases a list block asks for: the one tag_name names, or every release of the project,
// newest first, 100 at a time. visit reads what it needs of one release and pushes its results; it returns
// errListingDone once Terraform wants no more, or an error from GitLab. A release deleted while the project's
// releases are listed is skipped; any other error ends the listing as its one error result. The whole listing
// gets the deadline of one operation of the resources.
func (p *providerData) listReleases(ctx context.Context, typeName, project, tag string, push func(list.ListResult) bool,
	visit func(ctx context.Context, tag string) error) {
	ctx, cancel := context.WithTimeout(ctx, gitlab.DefaultOperationTimeout)
	defer cancel()
	e := p.explain(typeName, false)
	fail := func(detail string) {
		push(list.ListResult{Diagnostics: diag.Diagnostics{diag.NewErrorDiagnostic("Unable to List Release Links", detail)}})
	}
	if tag != "" {
		if err := visit(ctx, tag); err != nil && !errors.Is(err, errListingDone) {
			fail(e.listingFailure(ctx, project, tag, err))
		}
		return
	}
	// GitLab pages by offset, newest release first by released_at, which users may set and which ties leave in no
	// fixed order (GITLAB.md §7b): a release may come on two pages, and is listed once.
	seen := map[string]bool{}
	visitPage := func(page []gitlab.Release) error {
		for _, release := range page {
			if release.TagName == "" {
				fail(fmt.Sprintf("GitLab listed the releases of project %q without their tag names, which it hides from "+
					"users who may not read the project's code. Use a token whose user has at least the Reporter role "+
					"in the project, or set tag_name to list one release.", project))
				return errListingDone
			}
			if seen[release.TagName] {
				continue
			}
			seen[release.TagName] = true
			err := visit(ctx, release.TagName)
			switch {
			case gitlab.IsRecordNotFound(err): // deleted since the releases were listed
			case errors.Is(err, errListingDone):
				return err
			case err != nil:
				fail(e.listingFailure(ctx, project, release.TagName, err))
				return errListingDone
			}
		}
		return nil
	}
	var err error
	for page, pageErr := range p.client.Releases(ctx, project) {
		if err = pageErr; err == nil {
			err = visitPage(page)
		}
		if err != nil {
			break
		}
	}
	switch {
	case err == nil, errors.Is(err, errListingDone):
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		fail(e.listingFailure(ctx, project, "", err))
	case gitlab.IsProjectNotFound(err):
		fail(e.releaseRead(project, "", err))
	default:
		fail(e.detail(fmt.Sprintf("Could not list the releases of project %q.", project), project, "", err))
	}
}

// listingFailure says why reading a release's links (tag) or the project's releases (tag "") failed: the listing's
// own deadline, which a list block cannot change, or what GitLab answered.
func (e explainer) listingFailure(ctx context.Context, project, tag string, err error) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Sprintf("The listing of project %q did not finish within %s, the most a listing may take; the results "+
			"before this error are complete. Set tag_name to list one release at a time, or a lower limit.", project, gitlab.DefaultOperationTimeout)
	}
	return e.releaseRead(project, tag, err)
}

// errListingDone stops the releases listing once Terraform wants no more results or a result reported an error.
var errListingDone = errors.New("listing done")

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
