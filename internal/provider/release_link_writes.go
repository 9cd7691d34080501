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
// were. (Deleting first, as a replacement would, strands the link when the create then fails.) Until the old link
// is deleted the state holds it, and the link made on the new release is recorded with it (moves.go): the next
// apply takes that one up, rather than creating another, and finishes the move.
func (r *releaseLinkResource) move(ctx context.Context, plan, state *releaseLinkResourceModel, priors unfinishedMoves, resp *resource.UpdateResponse) {
	project, tag, want := plan.Project.ValueString(), plan.TagName.ValueString(), plan.fields()
	fromProject, fromTag, fromID := state.Project.ValueString(), state.TagName.ValueString(), state.LinkID.ValueInt64()
	prior := r.data.moveTo(ctx, priors, project, tag)
	record := newMove(project, tag) // what this move leaves on the release it goes to, should it not finish
	stay := func(record *unfinishedMove) {
		resp.Diagnostics.Append(state.save(ctx, &resp.State, resp.Identity)...)
		resp.Diagnostics.Append(saveMoves(ctx, resp.Private, priors.replace(prior, record))...)
	}
	link, err := r.takeUp(ctx, prior, project, tag, want)
	if err != nil {
		stay(prior) // nothing was written: the record stays as it was
		resp.Diagnostics.AddError("Unable to Move Release Link", fmt.Sprintf("Link %d (%q) stays on release %q of project %q, "+
			"as it was: the link an earlier move made on release %q of project %q could not be taken up.\n\n%s", fromID,
			state.Name.ValueString(), fromTag, fromProject, tag, project, r.data.explain(releaseLinkType, true).detail(
				fmt.Sprintf("Could not read or update the links of release %q.", tag), project, tag, err)))
		return
	}
	if link == nil {
		link, err = r.create(ctx, project, tag, want, &resp.Diagnostics)
	}
	if err != nil {
		detail := r.data.createErrorDetail(project, tag, want.name, err)
		if maybeMade(err) {
			record.add(0, want)
			detail += fmt.Sprintf("\n\nIf GitLab made the link on release %q, the next apply takes it up and finishes the move.", tag)
		}
		stay(record)
		resp.Diagnostics.AddError("Unable to Move Release Link", fmt.Sprintf("Link %d (%q) stays on release %q of project %q, "+
			"as it was: it could not be created on release %q of project %q first.\n\n%s", fromID, state.Name.ValueString(),
			fromTag, fromProject, tag, project, detail))
		return
	}
	record.add(link.ID, want)
	defer r.data.links.invalidate(fromTag)
	if err := r.data.client.DeleteReleaseLink(ctx, fromProject, fromTag, fromID); err != nil && !gitlab.IsRecordNotFound(err) {
		stay(record)
		resp.Diagnostics.AddError("Unable to Move Release Link", r.data.explain(releaseLinkType, true).detail(fmt.Sprintf(
			"Link %q now exists on release %q of project %q (link %d), but the old link %d on release %q of project %q "+
				"could not be deleted. The state still holds the old link, and records the new one with it: the next apply "+
				"deletes the old link and finishes the move, and a destroy deletes both.",
			want.name, tag, project, link.ID, fromID, fromTag, fromProject), fromProject, fromTag, err))
		return
	}
	plan.setFromWrite(link, optionalPath(want.path))
	resp.Diagnostics.Append(plan.save(ctx, &resp.State, resp.Identity)...)
	// Finished; the records of moves to other releases stay, and the plans keep warning about them.
	resp.Diagnostics.Append(saveMoves(ctx, resp.Private, priors.replace(prior, nil))...)
}

// takeUp finds the link that an unfinished move to this release made (prior), and brings it to want: the link, or
// nil when there is none to take up.
func (r *releaseLinkResource) takeUp(ctx context.Context, prior *unfinishedMove, project, tag string, want linkFields) (*gitlab.ReleaseLink, error) {
	if prior == nil {
		return nil, nil
	}
	links, err := r.data.links.all(ctx, project, tag)
	if err != nil {
		return nil, err
	}
	for _, l := range r.data.recorded(ctx, prior, links) {
		if !r.data.links.claim(l.ID) {
			continue
		}
		tflog.Info(ctx, "taking up the link an unfinished move made", map[string]any{"link_id": l.ID})
		if apiFields(&l, tag) == want {
			return &l, nil
		}
		defer r.data.links.invalidate(tag)
		return r.data.client.UpdateReleaseLink(ctx, project, tag, l.ID, want.updateOptions())
	}
	return nil, nil
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
		if held, sure := r.data.owners.managed(ctx, false, links[i].ID); held[links[i].ID] || !sure || !r.data.links.claim(links[i].ID) {
			return nil, nil
		}
		return &links[i], nil
	}
	return nil, nil
}
