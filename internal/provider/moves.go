package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// A move (a change of tag_name or project, of either resource) creates the links on the new release first and
// deletes them from the old one last; the state holds the old release until both are done. A move that does not
// finish (interrupted, or failing part-way) leaves links on the new release that no state holds, and the next plan
// would take them for someone else's. So the move records them in the resource's private state, which Terraform
// keeps with the state: the release it was going to, and the links it made there, by ID, or, for a create whose
// answer was lost, by the values it sent; one record per release, so that a move elsewhere, finished or not, never
// loses the record of an earlier one. With the records
//   - the next apply's move takes those links up (and brings them to the planned values) instead of creating them
//     again, then deletes the old links: it finishes the move;
//   - the plan-time check of this resource does not count them as links in the way (conflicts.go); other
//     resources' checks do, since this resource holds them;
//   - a refresh forgets the links GitLab no longer holds, or another resource now holds (an import took them over),
//     and, when the old link or release is gone, moves the state to the release of the latest move, whose record
//     goes; the others stay;
//   - a destroy deletes those recorded by ID, and names those recorded by values;
//   - a plan that does not move to that release warns about them, naming each one, until they are deleted.
//
// A link recorded by its values is taken for the move's only when the walk is sure that no other resource of the
// configuration holds it, as a lost create's is (findLostCreate), and its ID is never recorded: a link with those
// values may be someone else's, and each walk looks again.
//
// Private state is JSON by the plugin framework's contract; this record is the one place the provider encodes it.

// moveKey is the private-state key of the records.
const moveKey = "unfinished_moves"

// unfinishedMove is the record of a move that did not finish, to one release.
type unfinishedMove struct {
	Project string      `json:"project"`
	TagName string      `json:"tag_name"`
	Links   []movedLink `json:"links"`
}

// movedLink is a link the move made, or may have made (ID 0: its answer was lost).
type movedLink struct {
	ID       int64  `json:"id,omitempty"`
	Name     string `json:"name"`
	URL      string `json:"url"`
	LinkType string `json:"link_type"`
	Path     string `json:"path,omitempty"`
}

// unfinishedMoves are a resource's records, one per release.
type unfinishedMoves []*unfinishedMove

// privateReader and privateWriter are the parts of the framework's private state the records use.
type privateReader interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateWriter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// readMoves returns the records of unfinished moves.
func readMoves(ctx context.Context, private privateReader) (unfinishedMoves, diag.Diagnostics) {
	if private == nil {
		return nil, nil
	}
	raw, diags := private.GetKey(ctx, moveKey)
	if diags.HasError() || len(raw) == 0 {
		return nil, diags
	}
	var ms unfinishedMoves
	if err := json.Unmarshal(raw, &ms); err != nil {
		diags.AddError("Unable to Read Private State", fmt.Sprintf("The record of an unfinished move is not valid (%v). "+
			"Please report this issue.", err))
		return nil, diags
	}
	return ms, diags
}

// saveMoves stores the records that hold links; with none, it removes the key.
func saveMoves(ctx context.Context, private privateWriter, ms unfinishedMoves) diag.Diagnostics {
	if private == nil {
		return nil
	}
	ms = slices.DeleteFunc(slices.Clone(ms), func(m *unfinishedMove) bool { return m == nil || len(m.Links) == 0 })
	if len(ms) == 0 {
		return private.SetKey(ctx, moveKey, nil)
	}
	raw, err := json.Marshal(ms)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Unable to Save Private State", fmt.Sprintf("The record of an unfinished move could not be encoded (%v). "+
			"Please report this issue.", err))
		return diags
	}
	return private.SetKey(ctx, moveKey, raw)
}

// replace returns the records with old (one of them, or nil) replaced by m (nil, or one without links, for none).
func (ms unfinishedMoves) replace(old, m *unfinishedMove) unfinishedMoves {
	out := slices.DeleteFunc(slices.Clone(ms), func(r *unfinishedMove) bool { return r == old })
	if m != nil && len(m.Links) > 0 {
		out = append(out, m)
	}
	return out
}

// moveTo returns the record of a move to the release project and tag name, with project spelled either way (its ID
// or its path), or nil.
func (p *providerData) moveTo(ctx context.Context, ms unfinishedMoves, project, tag string) *unfinishedMove {
	for _, m := range ms {
		if m.TagName != tag {
			continue
		}
		if m.Project == project {
			return m
		}
		if same, err := p.sameProject(ctx, types.StringValue(m.Project), types.StringValue(project)); err == nil && same {
			return m
		}
	}
	return nil
}

// newMove starts the record of a move to a release.
func newMove(project, tag string) *unfinishedMove {
	return &unfinishedMove{Project: project, TagName: tag}
}

// add records a link the move made, or, with id 0, may have made.
func (m *unfinishedMove) add(id int64, f linkFields) {
	m.Links = append(m.Links, movedLink{ID: id, Name: f.name, URL: f.url, LinkType: f.linkType, Path: f.path})
}

// holds reports whether m records link l of its release: by ID, or by exactly the values of a create whose answer
// was lost (values are unique within a release).
func (m *unfinishedMove) holds(l *gitlab.ReleaseLink) bool {
	if m == nil {
		return false
	}
	for _, r := range m.Links {
		if r.ID == l.ID || r.ID == 0 && apiFields(l, m.TagName) == r.fields() {
			return true
		}
	}
	return false
}

// fields are the values the recorded link holds, or was sent with.
func (r movedLink) fields() linkFields {
	return linkFields{name: r.Name, url: r.URL, linkType: r.LinkType, path: r.Path}
}

// path is the direct asset path recorded for link l, which a direct_asset_url GitLab shows unreadably cannot give.
func (m *unfinishedMove) path(l *gitlab.ReleaseLink) string {
	for _, r := range m.Links {
		if r.ID == l.ID || r.ID == 0 && r.Name == l.Name {
			return r.Path
		}
	}
	return ""
}

// recorded returns the links of m's release (links) that m records and that are still the move's: none that
// another resource of the configuration holds now (an import, say, took it over), and one recorded by its values
// only when the walk is sure that no other resource holds it.
func (p *providerData) recorded(ctx context.Context, m *unfinishedMove, links []gitlab.ReleaseLink) []gitlab.ReleaseLink {
	if m == nil {
		return nil
	}
	var mine []gitlab.ReleaseLink
	var ids []int64
	for i := range links {
		if m.holds(&links[i]) {
			mine, ids = append(mine, links[i]), append(ids, links[i].ID)
		}
	}
	held, sure := p.owners.managed(ctx, false, ids...)
	return slices.DeleteFunc(mine, func(l gitlab.ReleaseLink) bool {
		byID := slices.ContainsFunc(m.Links, func(r movedLink) bool { return r.ID == l.ID })
		return held[l.ID] || !sure && !byID
	})
}

// refreshMoves are the records as GitLab holds their links now: only those still there and still the move's
// (recorded). A link recorded by its values stays recorded that way: its ID is never written down, since a link
// with those values may be someone else's, and a later walk must be able to see that. A record whose release is
// gone goes; one whose release cannot be read stays as it was.
func (p *providerData) refreshMoves(ctx context.Context, ms unfinishedMoves) unfinishedMoves {
	var out unfinishedMoves
	for _, m := range ms {
		links, err := p.links.all(ctx, m.Project, m.TagName)
		switch {
		case gitlab.IsRecordNotFound(err):
			continue
		case err != nil:
			out = append(out, m)
			continue
		}
		ours := p.recorded(ctx, m, links)
		fresh := newMove(m.Project, m.TagName)
		for _, r := range m.Links {
			if slices.ContainsFunc(ours, func(l gitlab.ReleaseLink) bool {
				return r.ID == l.ID || r.ID == 0 && apiFields(&l, m.TagName) == r.fields()
			}) {
				fresh.Links = append(fresh.Links, r)
			}
		}
		out = out.replace(nil, fresh)
	}
	return out
}

// leftBehind warns about the records other than current (the record of the release the plan moves to, or nil).
func (ms unfinishedMoves) leftBehind(current *unfinishedMove, diags *diag.Diagnostics) {
	for _, m := range ms {
		if m == current || len(m.Links) == 0 {
			continue
		}
		var names []string
		for _, r := range slices.SortedFunc(slices.Values(m.Links), func(a, b movedLink) int { return strings.Compare(a.Name, b.Name) }) {
			if r.ID == 0 {
				names = append(names, fmt.Sprintf("%q (maybe)", r.Name))
				continue
			}
			names = append(names, fmt.Sprintf("%q (ID %d)", r.Name, r.ID))
		}
		diags.AddWarning("Links Left by an Unfinished Move", fmt.Sprintf("An earlier apply began to move this resource's "+
			"links to release %q of project %q and did not finish: it created %s there, which this plan does not move to. "+
			"They are not managed by Terraform. Delete them in GitLab (the next refresh then forgets them), or set "+
			"tag_name and project to that release again to finish the move; a destroy of this resource deletes those with an "+
			"ID too, and names those marked maybe, whose creates' answers were lost.",
			m.TagName, m.Project, strings.Join(names, ", ")))
	}
}

// deleteMoved deletes, for a destroy, the links that unfinished moves recorded in ms by ID, as the resource's own.
// A link recorded by its values (its create's answer was lost) is not deleted, since one with the same values may
// be another's: a warning names it. It reports false, with an error under summary, when some could not be
// deleted: the resource then stays in the state, with the records.
func (p *providerData) deleteMoved(ctx context.Context, ms unfinishedMoves, typeName, summary string, diags *diag.Diagnostics) bool {
	ok := true
	for _, m := range ms {
		links, err := p.links.all(ctx, m.Project, m.TagName)
		if gitlab.IsRecordNotFound(err) {
			continue // the release is gone, and the links with it
		}
		if err != nil {
			diags.AddError(summary, p.explain(typeName, true).releaseRead(m.Project, m.TagName, err)+"\n\nThe links that an "+
				"unfinished move of this resource made on that release could not be looked for, so the resource stays in the state.")
			ok = false
			continue
		}
		var writes []linkWrite
		var maybe []string
		for _, l := range p.recorded(ctx, m, links) {
			if !slices.ContainsFunc(m.Links, func(r movedLink) bool { return r.ID == l.ID }) {
				maybe = append(maybe, fmt.Sprintf("%q (ID %d)", l.Name, l.ID))
				continue
			}
			writes = append(writes, linkWrite{kind: writeDelete, linkID: l.ID, from: apiFields(&l, m.TagName)})
		}
		if len(maybe) > 0 {
			diags.AddWarning("Release Links Not Deleted", fmt.Sprintf("An unfinished move of this resource may have made "+
				"%s on release %q of project %q: its creates' answers were lost. Links with the same values may be "+
				"someone else's, so the destroy leaves them. Delete them in GitLab if nothing else uses them.",
				strings.Join(maybe, ", "), m.TagName, m.Project))
		}
		results := p.runWrites(ctx, m.Project, m.TagName, writes, p.parallelism, diags)
		if f := failedWrites(writes, results); f.count > 0 {
			what := fmt.Sprintf("Could not delete %d of the %d links that an unfinished move of this resource made on release %q "+
				"of project %q, so the resource stays in the state:\n\n%s", f.count, len(writes), m.TagName, m.Project, f.list)
			diags.AddError(summary, p.explain(typeName, true).detail(what, m.Project, m.TagName, f.first))
			ok = false
		}
	}
	return ok
}

// forgetMoves cleans, in the plan of a destroy, the records the destroy will get: links another resource of the
// plan holds now (an import took them over) are not this resource's to delete. Some Terraform versions give the
// destroy of a resource removed from the configuration the private state from before the refresh, which cleaned
// the records already; the plan's own private state is what the destroy gets.
func (p *providerData) forgetMoves(ctx context.Context, private privateReader, planned privateWriter, diags *diag.Diagnostics) {
	priors, d := readMoves(ctx, private)
	diags.Append(d...)
	if len(priors) == 0 || d.HasError() {
		return
	}
	diags.Append(saveMoves(ctx, planned, p.refreshMoves(ctx, priors))...)
}

// movedOnRead says that a refresh moved the state of gitlab_release_links to the release of record, one an
// unfinished move was going to, since the old release is gone; links are the new release's, and any that the move
// did not make are named, since the next plan deletes them.
func (p *providerData) movedOnRead(ctx context.Context, record *unfinishedMove, links []gitlab.ReleaseLink) string {
	ours := p.recorded(ctx, record, links)
	var others []string
	for _, l := range links {
		if !slices.ContainsFunc(ours, func(o gitlab.ReleaseLink) bool { return o.ID == l.ID }) {
			others = append(others, fmt.Sprintf("%q (ID %d)", l.Name, l.ID))
		}
	}
	slices.Sort(others)
	msg := fmt.Sprintf("The release the state held this resource's links on no longer exists, and an earlier move had "+
		"begun to move them to release %q of project %q: the state now holds that release, and the next plan shows "+
		"what is left to do there.", record.TagName, record.Project)
	if len(others) > 0 {
		msg += fmt.Sprintf(" It also holds links the move did not make: %s. gitlab_release_links manages every link of "+
			"its release, so the next plan shows them to be deleted unless the configuration adds them to links.", strings.Join(others, ", "))
	}
	return msg
}

// latest is the record of the most recent unfinished move, the one a refresh that finds the old release or link
// gone moves the state to; the others stay recorded.
func (ms unfinishedMoves) latest() *unfinishedMove {
	if len(ms) == 0 {
		return nil
	}
	return ms[len(ms)-1]
}
