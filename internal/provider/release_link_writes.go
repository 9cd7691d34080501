package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// create sends the create of a link holding want, and adopts the link that an earlier attempt of this very create
// made when GitLab answers "has already been taken" (takenLink).
func (r *releaseLinkResource) create(ctx context.Context, project, tag string, want linkFields, diags *diag.Diagnostics) (*gitlab.ReleaseLink, error) {
	defer r.data.links.invalidate(tag)
	link, err := r.data.client.CreateReleaseLink(ctx, project, tag, want.createOptions())
	if err != nil && gitlab.HasMessage(err, "has already been taken") {
		link, err = r.data.takenLink(ctx, project, tag, want, err, diags)
	}
	if err == nil {
		r.data.links.claim(link.ID)
	}
	return link, err
}

// move moves the link to the release the plan names, another tag or another project: it creates the link there
// first, and only once GitLab holds it deletes the old one. A release that does not exist, a value already taken
// there or GitLab failing costs the old release nothing: the error leaves the state, and the old link, as they
// were. (Deleting first, as a replacement would, strands the link when the create then fails.)
func (r *releaseLinkResource) move(ctx context.Context, plan, state *releaseLinkResourceModel, resp *resource.UpdateResponse) {
	project, tag, want := plan.Project.ValueString(), plan.TagName.ValueString(), plan.fields()
	fromProject, fromTag, fromID := state.Project.ValueString(), state.TagName.ValueString(), state.LinkID.ValueInt64()
	link, err := r.create(ctx, project, tag, want, &resp.Diagnostics)
	if err != nil {
		detail := r.data.createErrorDetail(project, tag, want.name, err)
		if maybeMade(err) {
			detail += fmt.Sprintf("\n\nIf GitLab made the link on release %q, the next plan reports it as taken, with the command "+
				"to import it; delete it there instead to have the link moved again.", tag)
		}
		resp.Diagnostics.AddError("Unable to Move Release Link", fmt.Sprintf("Link %d (%q) stays on release %q of project %q, "+
			"as it was: it could not be created on release %q of project %q first.\n\n%s", fromID, state.Name.ValueString(),
			fromTag, fromProject, tag, project, detail))
		return
	}
	plan.setFromWrite(link, optionalPath(want.path))
	resp.Diagnostics.Append(plan.save(ctx, &resp.State, resp.Identity)...)
	defer r.data.links.invalidate(fromTag)
	if err := r.data.client.DeleteReleaseLink(ctx, fromProject, fromTag, fromID); err != nil && !gitlab.IsRecordNotFound(err) {
		resp.Diagnostics.AddError("Unable to Move Release Link", r.data.explain(releaseLinkType, false).detail(fmt.Sprintf(
			"Link %q now exists on release %q of project %q, and the state holds it there, but the old link %d on release %q "+
				"of project %q could not be deleted: it is no longer managed by Terraform. Delete it in GitLab, or import it "+
				"into a resource of its own and destroy that:\n\n  terraform import gitlab_release_link.<name> '%s'",
			want.name, tag, project, fromID, fromTag, fromProject,
			releaseLinkID{Project: fromProject, TagName: fromTag, LinkID: fromID}), fromProject, fromTag, err))
	}
}

// readLostCreate refreshes the state a create left when its answer was lost: the values it sent, without a link
// ID. A link of the release that holds exactly those values, and that no other resource of the configuration
// holds, is the one that create made (names, URLs and paths are unique in a release), and becomes this resource's;
// if there is none, the create was not carried out, and the resource leaves the state for the next plan to create
// it.
func (r *releaseLinkResource) readLostCreate(ctx context.Context, state *releaseLinkResourceModel, resp *resource.ReadResponse) {
	link, err := r.findLostCreate(ctx, state)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Release Link", err.Error())
		return
	}
	if link == nil {
		forget(ctx, resp, setIdentity(ctx, resp.Identity, state.releaseLinkModel), "Release Link Was Not Created",
			fmt.Sprintf("The create of link %q on release %q of project %q, whose answer was lost, was not carried out: "+
				"GitLab holds no such link. It leaves the state, and the next plan creates it.", state.Name.ValueString(),
				state.TagName.ValueString(), state.Project.ValueString()))
		return
	}
	tflog.Info(ctx, "found the link made by a create whose answer was lost", map[string]any{"link_id": link.ID})
	r.data.owners.held(true, link.ID)
	state.setFromAPI(link)
	resp.Diagnostics.Append(state.save(ctx, &resp.State, resp.Identity)...)
}

// findLostCreate looks for the link that a create whose answer was lost made, as readLostCreate describes: the
// link, nil when there is none, or an error that explains why the release could not be read.
func (r *releaseLinkResource) findLostCreate(ctx context.Context, state *releaseLinkResourceModel) (*gitlab.ReleaseLink, error) {
	project, tag := state.Project.ValueString(), state.TagName.ValueString()
	links, err := r.data.links.all(ctx, project, tag)
	if gitlab.IsRecordNotFound(err) {
		return nil, nil // the release is gone, and the link with it
	}
	if err != nil {
		return nil, errors.New(r.data.explain(releaseLinkType, true).detail(fmt.Sprintf("Could not look for link %q of "+
			"release %q in project %q, whose create may have been carried out.", state.Name.ValueString(), tag, project), project, tag, err))
	}
	for i := range links {
		if apiFields(&links[i], tag) != state.fields() {
			continue
		}
		// Values are unique within a release, so no other link can be the create's. One that another resource of
		// this configuration holds, or may hold, is that resource's (two resources were given the same values): the
		// create was not carried out, and the next create meets that link.
		if held, sure := r.data.owners.managed(ctx, links[i].ID); held || !sure || !r.data.links.claim(links[i].ID) {
			return nil, nil
		}
		return &links[i], nil
	}
	return nil, nil
}
