package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// What both list resources share: their list block's config, and the walk over a project's releases.

// listModel is the list block's config of both list resources.
type listModel struct {
	Project types.String `tfsdk:"project"`
	TagName types.String `tfsdk:"tag_name"`
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

// list answers a list request of either list resource: it reads the list block, walks the releases it asks for
// and stops once Terraform has the results it asked for (its limit). visit reads one release of project (named is
// true when the list block's tag_name named it) and pushes its results; it returns errListingDone when push
// reports that Terraform wants no more, or an error from GitLab.
func (p *providerData) list(ctx context.Context, typeName string, req list.ListRequest, stream *list.ListResultsStream,
	visit func(ctx context.Context, project, tag string, named bool, push func(list.ListResult) bool) error) {
	var config listModel
	if diags := req.Config.Get(ctx, &config); diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	project, tag := config.Project.ValueString(), config.TagName.ValueString()
	stream.Results = func(yield func(list.ListResult) bool) {
		sent := int64(0)
		push := func(result list.ListResult) bool {
			if !yield(result) {
				return false
			}
			sent++
			return req.Limit <= 0 || sent < req.Limit
		}
		p.listReleases(ctx, typeName, project, tag, yield, func(ctx context.Context, release string) error {
			return visit(ctx, project, release, tag != "", push)
		})
	}
}

// listReleases walks the releases a list block asks for: the one tag_name names, or every release of the project,
// newest first, 100 at a time, calling visit for each. A release deleted while the project's releases are listed
// is skipped; any other error ends the listing as its one error result, given to yield. The whole listing gets
// the deadline of one operation of the resources.
func (p *providerData) listReleases(ctx context.Context, typeName, project, tag string, yield func(list.ListResult) bool,
	visit func(ctx context.Context, tag string) error) {
	ctx, cancel := context.WithTimeout(ctx, gitlab.DefaultOperationTimeout)
	defer cancel()
	e := p.explain(typeName, false)
	fail := func(detail string) {
		yield(list.ListResult{Diagnostics: diag.Diagnostics{diag.NewErrorDiagnostic("Unable to List Release Links", detail)}})
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
