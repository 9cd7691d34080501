package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// providerData is what Configure hands to every resource and data source.
type providerData struct {
	client *gitlab.Client
	links  *linkCache
	owners *owners
	// noToken says why no token is sent, when none is; errors then explain GitLab's answers to anonymous requests.
	noToken string
	// parallelism is how many requests one gitlab_release_links resource has in flight at most.
	parallelism int
}

// configuredData is the Configure step shared by every resource and data source.
func configuredData(providerDataValue any, diags interface{ AddError(string, string) }) *providerData {
	if providerDataValue == nil {
		return nil
	}
	data, ok := providerDataValue.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data", fmt.Sprintf("Expected *providerData, got %T. Please report this issue.", providerDataValue))
	}
	return data
}

// releaseLinks reads every link of a release from the walk's listing for a data source of typeName, reporting a
// failure under summary.
func (p *providerData) releaseLinks(ctx context.Context, typeName string, project, tag types.String, summary string, diags *diag.Diagnostics) ([]gitlab.ReleaseLink, bool) {
	links, err := p.links.all(ctx, project.ValueString(), tag.ValueString())
	if err != nil {
		diags.AddError(summary, p.explain(typeName, false).releaseRead(project.ValueString(), tag.ValueString(), err))
		return nil, false
	}
	return links, true
}

// busy records a call of a resource or data source in progress, for the plan-time checks' view of the walk
// (owners.go); call the function it returns when the call ends. Before the provider is configured it does nothing.
func (p *providerData) busy() func() {
	if p == nil {
		return func() {}
	}
	return p.owners.busy()
}

// planned tells the walk which links a resource's plan has in its prior state (owners.go).
func (p *providerData) planned(ids ...int64) {
	if p != nil {
		p.owners.held(false, ids...)
	}
}

// refreshed reports whether this walk has refreshed a resource's state: a plan that refreshes, not an apply.
func (p *providerData) refreshed() bool {
	return p != nil && p.owners.hasRefreshed()
}

// moving reports whether a resource whose state is at fromProject and fromTag moves to toProject and toTag:
// another tag, or another project rather than another spelling of the same one. A value unknown at plan may
// move it. When GitLab cannot say whether two spellings name one project, it reports that on the project
// attribute, for the resource e is for, and returns ok false.
func (p *providerData) moving(ctx context.Context, e explainer, fromProject, fromTag, toProject, toTag types.String,
	diags *diag.Diagnostics) (moving, ok bool) {
	if !toTag.Equal(fromTag) || toProject.IsUnknown() {
		return true, true
	}
	if toProject.Equal(fromProject) {
		return false, true
	}
	same, err := p.sameProject(ctx, fromProject, toProject)
	if err != nil {
		diags.AddAttributeError(path.Root("project"), "Unable to Compare Projects", e.detail(fmt.Sprintf("project changed "+
			"from %q to %q, and GitLab could not say whether both name the same project (then nothing moves) or two "+
			"different ones (then the links move).", fromProject.ValueString(), toProject.ValueString()),
			toProject.ValueString(), toTag.ValueString(), err))
		return false, false
	}
	return !same, true
}

// sameProject reports whether two spellings of a project (its numeric ID and its full path) name the same
// project, by resolving both through the API, which costs no link request. A project that no longer exists is
// not the same; any other failure is returned, since guessing wrong would either replace a resource for nothing
// or keep its links in the wrong project.
func (p *providerData) sameProject(ctx context.Context, a, b types.String) (bool, error) {
	if p == nil || a.IsUnknown() || b.IsUnknown() {
		return false, nil
	}
	// Planning has no timeouts block; the lookups get the default operation deadline.
	ctx, cancel := context.WithTimeout(ctx, gitlab.DefaultOperationTimeout)
	defer cancel()
	before, err := p.client.GetProject(ctx, a.ValueString())
	if gitlab.IsProjectNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	after, err := p.client.GetProject(ctx, b.ValueString())
	if gitlab.IsProjectNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return before.ID == after.ID, nil
}
