package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// A move (a change of tag_name or project, of either resource) creates the links on the new release first and
// deletes them from the old one last; the state holds the old release until both are done. A move that does not
// finish (interrupted, or failing part-way) leaves links on the new release that no state holds, and the next plan
// would take them for someone else's. So the move records them in the resource's private state, which Terraform
// keeps with the state: the release it was going to, and the links it made there, by ID, or, for a create whose
// answer was lost, by the values it sent. With that record
//   - the next apply's move takes those links up (and brings them to the planned values) instead of creating them
//     again, then deletes the old links: it finishes the move;
//   - the plan-time check does not count them as links in the way (conflicts.go);
//   - a refresh forgets the links GitLab no longer holds, and, when the old link or release is gone, moves the state
//     to the new release;
//   - a destroy deletes them too;
//   - a plan that no longer moves to that release warns about them, naming each one, until they are deleted.
//
// Private state is JSON by the plugin framework's contract; this record is the one place the provider encodes it.

// moveKey is the private-state key of the record.
const moveKey = "unfinished_move"

// unfinishedMove is the record of a move that did not finish.
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

// privateReader and privateWriter are the parts of the framework's private state the record uses.
type privateReader interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateWriter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// readMove returns the record of an unfinished move, or nil.
func readMove(ctx context.Context, private privateReader) (*unfinishedMove, diag.Diagnostics) {
	if private == nil {
		return nil, nil
	}
	raw, diags := private.GetKey(ctx, moveKey)
	if diags.HasError() || len(raw) == 0 {
		return nil, diags
	}
	var m unfinishedMove
	if err := json.Unmarshal(raw, &m); err != nil {
		diags.AddError("Unable to Read Private State", fmt.Sprintf("The record of an unfinished move is not valid (%v). "+
			"Please report this issue.", err))
		return nil, diags
	}
	return &m, diags
}

// saveMove stores the record; one with no links (or nil) removes it.
func saveMove(ctx context.Context, private privateWriter, m *unfinishedMove) diag.Diagnostics {
	if private == nil {
		return nil
	}
	if m == nil || len(m.Links) == 0 {
		return private.SetKey(ctx, moveKey, nil)
	}
	raw, err := json.Marshal(m)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Unable to Save Private State", fmt.Sprintf("The record of an unfinished move could not be encoded (%v). "+
			"Please report this issue.", err))
		return diags
	}
	return private.SetKey(ctx, moveKey, raw)
}

// newMove starts the record of a move to a release.
func newMove(project, tag string) *unfinishedMove {
	return &unfinishedMove{Project: project, TagName: tag}
}

// add records a link the move made, or, with id 0, may have made.
func (m *unfinishedMove) add(id int64, f linkFields) {
	m.Links = append(m.Links, movedLink{ID: id, Name: f.name, URL: f.url, LinkType: f.linkType, Path: f.path})
}

// to reports whether m records a move to that release.
func (m *unfinishedMove) to(project, tag string) bool {
	return m != nil && m.Project == project && m.TagName == tag
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

// on returns the recorded links among links, the links GitLab holds on m's release.
func (m *unfinishedMove) on(links []gitlab.ReleaseLink) []gitlab.ReleaseLink {
	var out []gitlab.ReleaseLink
	for i := range links {
		if m.holds(&links[i]) {
			out = append(out, links[i])
		}
	}
	return out
}

// refreshMove is the record as GitLab holds its links now: only those still there, each by ID. It returns nil when none
// is left or the release is gone, and m unchanged when the release cannot be read.
func (p *providerData) refreshMove(ctx context.Context, m *unfinishedMove) *unfinishedMove {
	if m == nil {
		return nil
	}
	links, err := p.links.all(ctx, m.Project, m.TagName)
	if gitlab.IsRecordNotFound(err) {
		return nil
	}
	if err != nil {
		return m
	}
	fresh := newMove(m.Project, m.TagName)
	for _, l := range m.on(links) {
		fresh.add(l.ID, apiFields(&l, m.TagName))
		p.owners.held(true, l.ID)
	}
	return fresh
}

// leftBehind warns that a plan no longer moves to the release where an unfinished move left links.
func (m *unfinishedMove) leftBehind(diags *diag.Diagnostics) {
	if m == nil || len(m.Links) == 0 {
		return
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
		"links to release %q of project %q and did not finish: it created %s there, which this plan no longer moves to. "+
		"They are not managed by Terraform. Delete them in GitLab (the next refresh then forgets them), or set "+
		"tag_name and project to that release again to finish the move; a destroy of this resource deletes them too.", m.TagName, m.Project,
		strings.Join(names, ", ")))
}

// deleteMoved deletes, for a destroy, the links an unfinished move recorded in m, as the resource's own. It reports
// false, with an error under summary, when some could not be deleted: the resource then stays in the state, with
// the record.
func (p *providerData) deleteMoved(ctx context.Context, m *unfinishedMove, typeName, summary string, diags *diag.Diagnostics) bool {
	if m == nil || len(m.Links) == 0 {
		return true
	}
	links, err := p.links.all(ctx, m.Project, m.TagName)
	if gitlab.IsRecordNotFound(err) {
		return true // the release is gone, and the links with it
	}
	if err != nil {
		diags.AddError(summary, p.explain(typeName, true).releaseRead(m.Project, m.TagName, err)+"\n\nThe links that an "+
			"unfinished move of this resource made on that release could not be looked for, so the resource stays in the state.")
		return false
	}
	var writes []linkWrite
	for _, l := range m.on(links) {
		writes = append(writes, linkWrite{kind: writeDelete, linkID: l.ID, from: apiFields(&l, m.TagName)})
	}
	results := p.runWrites(ctx, m.Project, m.TagName, writes, p.parallelism, diags)
	if f := failedWrites(writes, results); f.count > 0 {
		what := fmt.Sprintf("Could not delete %d of the %d links that an unfinished move of this resource made on release %q "+
			"of project %q, so the resource stays in the state:\n\n%s", f.count, len(writes), m.TagName, m.Project, f.list)
		diags.AddError(summary, p.explain(typeName, true).detail(what, m.Project, m.TagName, f.first))
		return false
	}
	return true
}
