package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// Creating links on a release that holds none: a create of gitlab_release_links, and a move, which creates every
// link on the new release before deleting any from the old one. A create that fails part-way is undone, except
// what cannot be, which the state records.

// undone is what undoCreate did: how many links it deleted, those it could not delete, and why.
type undone struct {
	deleted  int
	left     map[string]linkElement
	failures string
	// unchecked are the creates that may have been made (their answers were lost) and that undoCreate could not
	// look for, with why: they are recorded in the state without a link ID, for the next refresh to find.
	unchecked   []linkFields
	uncheckedBy error
	// interrupted is true when nothing was undone because the apply was interrupted: no new write starts then.
	interrupted bool
}

// undoCreate deletes again the links of a create that failed part-way, since they did not exist before. That
// includes the links its lost writes made, recognised as takenLink recognises them: a write whose answer was
// lost, and a link with exactly its values that no other resource of the walk created or adopted. What it cannot
// delete, or cannot look for, it returns, for the state to record.
//
// An interrupted create (Ctrl-C) undoes nothing, since no new write starts after an interrupt: it returns every
// link made, and every lost write, for the state.
func (r *releaseLinksResource) undoCreate(ctx context.Context, project, tag string, writes []linkWrite, results []writeResult, timeout time.Duration, diags *diag.Diagnostics) undone {
	made := map[int64]*gitlab.ReleaseLink{}
	sentPath := map[int64]string{} // the path each create sent, which GitLab may show in a form not read back
	var lost []linkFields
	for i, res := range results {
		switch {
		case res.done:
			made[res.link.ID], sentPath[res.link.ID] = res.link, writes[i].to.path
		case maybeMade(res.err):
			lost = append(lost, writes[i].to)
		}
	}
	u := undone{left: map[string]linkElement{}}
	if errors.Is(ctx.Err(), context.Canceled) {
		for id, link := range made {
			u.left[link.Name] = elementFromAPI(link, tag, sentPath[id])
		}
		u.unchecked, u.uncheckedBy, u.interrupted = lost, ctx.Err(), true
		return u
	}
	// The create may have stopped because its deadline passed; undoing gets a deadline of its own.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	if len(lost) > 0 {
		links, err := r.data.client.ListReleaseLinks(ctx, project, tag)
		if err != nil {
			u.unchecked, u.uncheckedBy = lost, err
		}
		for i := 0; err == nil && i < len(links); i++ {
			if slices.Contains(lost, apiFields(&links[i], tag)) && r.data.links.claim(links[i].ID) {
				made[links[i].ID] = &links[i]
			}
		}
	}
	undo := linkChanges{current: map[int64]linkFields{}}
	for id, link := range made {
		undo.current[id] = apiFields(link, tag)
		undo.deletes = append(undo.deletes, id)
	}
	deletes := orderWrites(undo)
	results = r.data.runWrites(ctx, project, tag, deletes, r.data.parallelism, diags)
	for i, res := range results {
		if !res.done {
			link := made[deletes[i].linkID]
			u.left[link.Name] = elementFromAPI(link, tag, deletes[i].from.path)
		}
	}
	u.deleted = len(deletes) - len(u.left)
	u.failures = failedWrites(deletes, results).list
	return u
}

// createOn creates the planned links on a release that must have none, as a create of gitlab_release_links does and
// a move does on the release it moves to; none but the links that prior, the record of an unfinished move of this
// resource to that release (moves.go), holds, which it takes up and brings to the plan. It reports whether it failed
// (under summary, after intro, which a move sets and a create leaves empty; kept says what becomes of links left on
// the release), and returns what the release holds of the links afterwards: all of them, or, after a failure, what
// could not be deleted again and the creates that may have been made and could not be looked for. A failure after
// taking links up deletes nothing again.
func (r *releaseLinksResource) createOn(ctx context.Context, project, tag string, planned map[string]linkElement, prior *unfinishedMove,
	timeout time.Duration, summary, intro, kept string, diags *diag.Diagnostics) (map[string]linkElement, bool) {
	existing, err := r.data.links.all(ctx, project, tag)
	if err != nil {
		diags.AddError(summary, intro+r.data.explain(releaseLinksType, false).releaseRead(project, tag, err))
		return nil, true
	}
	held := map[string]linkElement{}
	ours := map[int64]bool{}
	for _, l := range r.data.recorded(ctx, prior, existing) {
		if r.data.links.claim(l.ID) {
			held[l.Name], ours[l.ID] = elementFromAPI(&l, tag, prior.path(&l)), true
		}
	}
	others := slices.DeleteFunc(slices.Clone(existing), func(l gitlab.ReleaseLink) bool { return ours[l.ID] })
	if len(others) > 0 {
		// Taking a release over means deleting what is there, which must show in a plan first: an import does that.
		// (intro is set for a move only.)
		diags.AddError(summary, intro+nonEmptyReleaseDetail(project, tag, others, intro != ""))
		return nil, true
	}
	var writes []linkWrite
	if len(held) > 0 {
		planComputed(planned, held) // which planned link takes up which held one, as a plan of an update decides
		writes = orderWrites(changesFor(planned, held))
	} else {
		for _, name := range slices.Sorted(maps.Keys(planned)) {
			writes = append(writes, linkWrite{kind: writeCreate, to: planned[name].fields(name)})
		}
	}
	results := r.data.runWrites(ctx, project, tag, writes, r.data.parallelism, diags)
	made := applyResults(held, tag, writes, results)
	f := failedWrites(writes, results)
	switch {
	case f.count == 0:
		return made, false
	case len(held) > 0:
		for i, res := range results {
			if writes[i].kind == writeCreate && !res.done && maybeMade(res.err) {
				made[writes[i].to.name] = lostElement(writes[i].to)
			}
		}
		what := fmt.Sprintf("Could not make %d of the %d changes to the links of release %q in project %q:\n\n%s\n\n%s",
			f.count, len(writes), tag, project, f.list, kept)
		diags.AddError(summary, intro+r.data.writesErrorDetail(false, what, project, tag, f.first))
		return made, true
	}
	u := r.undoCreate(ctx, project, tag, writes, results, timeout, diags)
	diags.AddError(summary, intro+r.data.createFailureDetail(project, tag, writes, results, u, kept))
	for _, f := range u.unchecked {
		u.left[f.name] = lostElement(f)
	}
	return u.left, true
}

// lostElement is a create whose answer was lost, as the state records it: the values it sent, without a link ID.
func lostElement(f linkFields) linkElement {
	return linkElement{url: types.StringValue(f.url), linkType: types.StringValue(f.linkType),
		path: types.StringPointerValue(optionalPath(f.path)), linkID: types.Int64Null(), directAssetURL: types.StringNull()}
}

// move moves the links to the release the plan names, another tag or another project. It creates every link there
// first, as a create does, and only once the new release holds them all deletes them from the old one. A release
// that does not exist, or holds links already, or a create that fails costs the old release nothing: its links and
// the state stay as they were. (Deleting first, as a replacement would, strands the links when the creates then
// fail: both releases end without them.) Until the move is done the state holds the old release, and the links made
// on the new one are recorded with it (moves.go), for the next apply to take up and finish the move.
func (r *releaseLinksResource) move(ctx context.Context, plan, state *releaseLinksResourceModel, priors unfinishedMoves,
	timeout time.Duration, resp *resource.UpdateResponse) {
	project, tag := plan.Project.ValueString(), plan.TagName.ValueString()
	fromProject, fromTag := state.Project.ValueString(), state.TagName.ValueString()
	intro := fmt.Sprintf("The links stay on release %q of project %q, as they were: moving them to release %q of project %q "+
		"creates every one there before deleting any here.\n\n", fromTag, fromProject, tag, project)
	kept := fmt.Sprintf("The links this move made on release %q, or may have made, are recorded with this resource, whose "+
		"state still holds release %q: the next apply takes them up and finishes the move, and a destroy deletes those it made "+
		"(and names those it may have made).", tag, fromTag)
	prior := r.data.moveTo(ctx, priors, project, tag)
	made, failed := r.createOn(ctx, project, tag, elements(plan.Links), prior, timeout, "Unable to Move Release Links", intro, kept, &resp.Diagnostics)
	record := prior // nothing written (made nil): the record stays as it was
	if made != nil {
		record = newMove(project, tag)
		for _, name := range slices.Sorted(maps.Keys(made)) {
			record.add(made[name].linkID.ValueInt64(), made[name].fields(name))
		}
	}
	stay := func() {
		resp.Diagnostics.Append(state.save(ctx, &resp.State, resp.Identity)...)
		resp.Diagnostics.Append(saveMoves(ctx, resp.Private, priors.replace(prior, record))...)
	}
	if failed {
		stay()
		return
	}

	held := elements(state.Links)
	writes := orderWrites(changesFor(nil, held))
	results := r.data.runWrites(ctx, fromProject, fromTag, writes, r.data.parallelism, &resp.Diagnostics)
	if f := failedWrites(writes, results); f.count > 0 {
		state.Links = linksValue(applyResults(held, fromTag, writes, results))
		stay()
		what := fmt.Sprintf("The links now exist on release %q of project %q, recorded with this resource, but %d of the %d "+
			"links of release %q could not be deleted from it. The state still holds release %q with those links: the next "+
			"apply deletes them and finishes the move, and a destroy deletes the links of both releases:\n\n%s",
			tag, project, f.count, len(writes), fromTag, fromTag, f.list)
		resp.Diagnostics.AddError("Unable to Move Release Links", r.data.writesErrorDetail(true, what, fromProject, fromTag, f.first))
		return
	}
	plan.ID = types.StringValue(releaseID{Project: project, TagName: tag}.String())
	plan.Links = linksValue(made)
	resp.Diagnostics.Append(plan.save(ctx, &resp.State, resp.Identity)...)
	// Finished; the records of moves to other releases stay, and the plans keep warning about them.
	resp.Diagnostics.Append(saveMoves(ctx, resp.Private, priors.replace(prior, nil))...)
}
