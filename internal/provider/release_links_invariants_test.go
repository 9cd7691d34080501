package provider

import (
	"fmt"
	"maps"
	"net/http"
	"slices"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// The invariants of the property test of gitlab_release_links' write path (release_links_property_test.go),
// checked after every case.

// checkProperties returns every invariant the run breaks.
func checkProperties(run *propertyRun) []string {
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	allDone := !slices.ContainsFunc(run.results, func(r writeResult) bool { return !r.done })
	g := run.gate

	// 1. The state is what GitLab holds, link by link, but for the writes that may have been made.
	for _, p := range stateMatchesGitLab(run) {
		fail("1. state and GitLab differ: %s", p)
	}

	// 2. No inconsistent plan: what the first plan knew of link_id and direct_asset_url, the final plan keeps; and
	// after an apply without errors, so does the state.
	for _, p := range inconsistentPlan(run) {
		fail("2. %s", p)
	}
	for name, e := range run.final {
		if s, ok := run.state[name]; allDone && ok && (!e.linkID.IsUnknown() && !e.linkID.Equal(s.linkID) ||
			!e.directAssetURL.IsUnknown() && !e.directAssetURL.Equal(s.directAssetURL)) {
			fail("2. the apply of %q gave link_id %s and direct_asset_url %s; the plan said %s and %s",
				name, s.linkID, s.directAssetURL, e.linkID, e.directAssetURL)
		}
	}

	// 3. Nothing starts after an interrupt. Every worker has at most one attempt admitted by the client and not
	// yet arrived when cancel runs, and none is admitted afterwards: a worker checks the context before it takes
	// another write, and the client before every attempt and every retry. So the writes arriving afterwards are
	// at most the workers that were not inside the handler then: none with release_links_parallelism 1.
	if workers := min(run.pc.parallel, len(run.writes)); g.cancelled && g.afterCancel > workers-g.insideAtCancel {
		fail("3. %d write requests arrived after the interrupt; with %d workers, %d of them inside GitLab then, at most %d may",
			g.afterCancel, workers, g.insideAtCancel, workers-g.insideAtCancel)
	}

	// The results say which writes reached GitLab: one made did, one not sent (after an interrupt, or skipped
	// since what it waited on failed) did not. And none reached GitLab unless what it waited on succeeded.
	for i, r := range run.results {
		w := &run.writes[i]
		arrived := g.seen[w.seenAs()]
		switch {
		case r.done && !arrived:
			fail("3. the %s is done, but never reached GitLab", w.describe())
		case (r.stopped || r.skipped || notSent(r.err)) && arrived:
			fail("3. the %s is reported as not sent (%+v), but reached GitLab", w.describe(), r)
		}
		for _, d := range w.after {
			if arrived && !run.results[d].done {
				fail("3. the %s reached GitLab, though the %s it waits on failed", w.describe(), run.writes[d].describe())
			}
		}
	}

	// 4. Without failures, GitLab holds the configuration exactly; and without faults, interrupt or deadline,
	// nothing fails (a 429 that asks to retry at once is no fault).
	if allDone {
		want := map[string]linkFields{}
		for _, f := range run.pc.desired {
			want[f.name] = f
		}
		got := map[string]linkFields{}
		for _, l := range run.gitlab {
			got[l.Name] = linkFields{name: l.Name, url: l.URL, linkType: l.LinkType, path: l.Filepath}
		}
		if !maps.Equal(got, want) || len(run.state) != len(want) {
			fail("4. every write succeeded, but GitLab holds %v and the state %d links; the configuration is %v", got, len(run.state), want)
		}
	} else if run.faults == 0 && !g.cancelled && !run.pc.deadline {
		fail("4. writes failed without a fault or an interrupt:\n%s", failedWrites(run.writes, run.results).list)
	}

	// 5. The writes are the minimum, plus a parking write only where the updates cannot be ordered otherwise.
	problems = append(problems, checkMinimalWrites(run, allDone)...)
	return problems
}

// inconsistentPlan returns what the first plan knew of link_id and direct_asset_url that the final plan does not
// keep, for every way of leaving the desired links' values unknown at plan, which Terraform would refuse.
func inconsistentPlan(run *propertyRun) []string {
	var problems []string
	unknown := make([]byte, len(run.pc.desired))
	for combination := range pow(len(unknownKinds), len(unknown)) {
		for i, n := 0, combination; i < len(unknown); i, n = i+1, n/len(unknownKinds) {
			unknown[i] = unknownKinds[n%len(unknownKinds)]
		}
		for name, e := range plannedLinks(run.pc.desired, unknown, run.held) {
			f := run.final[name]
			if e.unknown {
				continue // nothing of it is known
			}
			if !e.linkID.IsUnknown() && !e.linkID.Equal(f.linkID) {
				problems = append(problems, fmt.Sprintf("with %q unknown at plan, link_id of %q was %s at plan and is %s at apply",
					unknown, name, e.linkID, f.linkID))
			}
			if !e.directAssetURL.IsUnknown() && !e.directAssetURL.Equal(f.directAssetURL) {
				problems = append(problems, fmt.Sprintf("with %q unknown at plan, direct_asset_url of %q was %s at plan and is %s at apply",
					unknown, name, e.directAssetURL, f.directAssetURL))
			}
		}
		if len(problems) > 0 {
			return problems // one way is enough to explain
		}
	}
	return nil
}

// unknownKinds are the ways a desired link can be unknown at plan (plannedLinks); ' ' is none.
const unknownKinds = " upbe"

func pow(base, exp int) int {
	out := 1
	for range exp {
		out *= base
	}
	return out
}

// stateMatchesGitLab compares the state after the apply with GitLab, link by link. A write that failed as one
// that may have been made (maybeMade) leaves GitLab free to hold its link with the old values or the new ones,
// not to hold a link it deleted, or, for a create, to hold one link more with exactly the create's values.
// Nothing else may differ.
func stateMatchesGitLab(run *propertyRun) []string {
	var problems []string
	mayHold := map[int64][]linkFields{} // updates that may have been made: the values GitLab may hold instead
	mayBeGone := map[int64]bool{}
	var mayBeCreated []linkFields
	for i, r := range run.results {
		w := run.writes[i]
		switch {
		case r.done && w.kind == writeCreate && r.link == nil:
			problems = append(problems, fmt.Sprintf("write %d (%s) is done without a link", i, w.describe()))
		case r.done || !maybeMade(r.err):
		case w.kind == writeDelete:
			mayBeGone[w.linkID] = true
		case w.kind == writeUpdate:
			mayHold[w.linkID] = append(mayHold[w.linkID], w.to)
		default:
			mayBeCreated = append(mayBeCreated, w.to)
		}
	}
	held := map[int64]gitlabtest.Link{}
	for _, l := range run.gitlab {
		held[l.ID] = l
	}
	recorded := map[int64]string{}
	for name, e := range run.state {
		if e.unknown || e.linkID.IsNull() || e.linkID.IsUnknown() {
			problems = append(problems, fmt.Sprintf("%q has no link ID in the state", name))
			continue
		}
		id := e.linkID.ValueInt64()
		if other, twice := recorded[id]; twice {
			problems = append(problems, fmt.Sprintf("link %d is in the state twice, as %q and %q", id, other, name))
		}
		recorded[id] = name
		l, ok := held[id]
		switch {
		case !ok && mayBeGone[id]:
		case !ok:
			problems = append(problems, fmt.Sprintf("the state holds %q (link %d), which GitLab does not", name, id))
		case e.fields(name) == linkFields{name: l.Name, url: l.URL, linkType: l.LinkType, path: l.Filepath}:
			if want := run.directURL(l); e.directAssetURL.ValueString() != want {
				problems = append(problems, fmt.Sprintf("direct_asset_url of %q is %s in the state, %s in GitLab", name, e.directAssetURL, want))
			}
		case slices.Contains(mayHold[id], linkFields{name: l.Name, url: l.URL, linkType: l.LinkType, path: l.Filepath}):
		default:
			problems = append(problems, fmt.Sprintf("link %d is %+v in the state as %q, %+v in GitLab", id, e.fields(name), name, l))
		}
	}
	for _, l := range run.gitlab {
		if _, ok := recorded[l.ID]; ok {
			continue
		}
		f := linkFields{name: l.Name, url: l.URL, linkType: l.LinkType, path: l.Filepath}
		if i := slices.Index(mayBeCreated, f); i >= 0 {
			mayBeCreated = slices.Delete(mayBeCreated, i, i+1) // one extra link per create at most
			continue
		}
		problems = append(problems, fmt.Sprintf("GitLab holds %+v, which the state does not", l))
	}
	return problems
}

// checkMinimalWrites checks invariant 5. The changes are derived again from the final plan and the state without
// changesFor: a planned link whose link_id the state holds keeps that link, which is written only when a value
// differs; every other planned link is created; every held link that no planned link keeps is deleted. Without
// faults or interrupt, GitLab gets exactly those writes, and the parking writes. Parking writes are checked by
// brute force over every order in which GitLab could get the writes: each one must be needed, in that without it
// (the others kept) no order keeps names, URLs and paths unique at every step.
func checkMinimalWrites(run *propertyRun, allDone bool) []string {
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, "5. "+fmt.Sprintf(format, args...)) }
	current := map[int64]linkFields{}
	for name, e := range run.held {
		current[e.linkID.ValueInt64()] = e.fields(name)
	}
	keptBy := map[int64]string{}
	unchanged := map[int64]bool{}
	updates, creates := 0, 0
	for name, e := range run.final {
		id := e.linkID.ValueInt64()
		if _, ok := current[id]; e.linkID.IsUnknown() || !ok {
			creates++
			continue
		}
		if other, twice := keptBy[id]; twice {
			fail("the plan gives link %d to both %q and %q", id, other, name)
		}
		keptBy[id] = name
		if e.fields(name) == current[id] {
			unchanged[id] = true
		} else {
			updates++
		}
	}
	deletes := len(current) - len(keptBy)
	c := run.changes
	if deletes != len(c.deletes) || updates != len(c.updates) || creates != len(c.creates) {
		fail("changesFor has %d deletes, %d updates and %d creates; the plan asks for %d, %d and %d",
			len(c.deletes), len(c.updates), len(c.creates), deletes, updates, creates)
	}

	parked := map[int64]linkFields{}
	for _, w := range run.writes {
		if w.parking {
			if _, twice := parked[w.linkID]; twice {
				fail("link %d is parked twice", w.linkID)
			}
			parked[w.linkID] = w.to
		}
	}
	if !orderExists(c, parked) {
		fail("no order of the writes keeps GitLab's uniqueness rules at every step")
	}
	if len(parked) > 0 && orderExists(c, nil) {
		fail("links are parked, but the writes have an order without any parking")
	}
	// Not checked: at most one parking per two updates. Three links that exchange a name between the first two,
	// a URL between the last two and a path between the first and the last need two.
	for id := range parked {
		others := maps.Clone(parked)
		delete(others, id)
		if orderExists(c, others) {
			fail("link %d is parked for nothing: the writes have an order without it", id)
		}
	}

	g := run.gate
	if run.faults > 0 || g.cancelled || !allDone {
		return problems
	}
	if g.byMethod[http.MethodDelete] != deletes || g.byMethod[http.MethodPut] != updates+len(parked) || g.byMethod[http.MethodPost] != creates {
		fail("GitLab got %v; the plan asks for %d deletes, %d updates and %d creates, and %d links are parked",
			g.byMethod, deletes, updates, creates, len(parked))
	}
	for id := range unchanged {
		if g.touched[id] {
			fail("link %d keeps its values, but was written", id)
		}
	}
	return problems
}

// orderExists reports whether the changes, with the links in parked moved to those values first, can be made
// in some order that GitLab accepts at every step: names, URLs and non-empty paths unique within the release, an
// update compared with the other links only. It tries every order, remembering the sets of writes already
// made that lead nowhere.
func orderExists(c linkChanges, parked map[int64]linkFields) bool {
	type step struct {
		id     int64 // the link written; a create has an ID of its own below 0
		to     linkFields
		delete bool
		after  int // the step that must come first, or -1
	}
	var steps []step
	for _, id := range c.deletes {
		steps = append(steps, step{id: id, delete: true, after: -1})
	}
	for id, to := range c.updates {
		after := -1
		if p, ok := parked[id]; ok {
			steps = append(steps, step{id: id, to: p, after: -1})
			after = len(steps) - 1
		}
		steps = append(steps, step{id: id, to: to, after: after})
	}
	for i, to := range c.creates {
		steps = append(steps, step{id: -int64(i + 1), to: to, after: -1})
	}
	clash := func(a, b linkFields) bool {
		return a.name == b.name || a.url == b.url || a.path != "" && a.path == b.path
	}
	deadEnd := map[uint32]bool{}
	var search func(done uint32) bool
	search = func(done uint32) bool {
		if done == 1<<len(steps)-1 {
			return true
		}
		if deadEnd[done] {
			return false
		}
		links := maps.Clone(c.current)
		for i, s := range steps { // a parking step comes before its update
			switch {
			case done&(1<<i) == 0:
			case s.delete:
				delete(links, s.id)
			default:
				links[s.id] = s.to
			}
		}
	next:
		for i, s := range steps {
			if done&(1<<i) != 0 || s.after >= 0 && done&(1<<s.after) == 0 {
				continue
			}
			for id, f := range links {
				if !s.delete && id != s.id && clash(f, s.to) {
					continue next
				}
			}
			if search(done | 1<<i) {
				return true
			}
		}
		deadEnd[done] = true
		return false
	}
	return search(0)
}
