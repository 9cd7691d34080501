package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// createFailureDetail explains a create that failed part-way: which links were not created, and whether the
// ones that were, or may have been, have been deleted again; kept says what becomes of those left on the release.
func (p *providerData) createFailureDetail(project, tag string, writes []linkWrite, results []writeResult, u undone, kept string) string {
	f := failedWrites(writes, results)
	tainted := kept
	var undo string
	switch {
	case u.interrupted:
		undo = fmt.Sprintf("The apply was interrupted, so no link was deleted again: %d links were created and %d more may "+
			"have been, whose answers did not come back. %s", len(u.left), len(u.unchecked), tainted)
	case len(u.unchecked) > 0:
		undo = fmt.Sprintf("%d of these may have been created all the same: the requests reached GitLab, but their answers "+
			"were lost, and the provider could not look for the links they may have made (%s). Those links, and any of the "+
			"other links that could not be deleted again, are not forgotten. %s", len(u.unchecked), u.uncheckedBy, tainted)
	case len(u.left) > 0:
		undo = fmt.Sprintf("Of the links that were created, %d could not be deleted again:\n\n%s\n\n%s", len(u.left), u.failures, tainted)
	default:
		undo = fmt.Sprintf("The %d links that were created have been deleted again, so the release is as it was.", u.deleted)
	}
	what := fmt.Sprintf("Could not create %d of the %d links of release %q in project %q:\n\n%s\n\n%s",
		f.count, len(writes), tag, project, f.list, undo)
	if u.interrupted {
		// The interrupt is the cause: a retry that met its own lost write's "has already been taken" is not.
		return what + "\n\n" + p.explain(releaseLinksType, false).advice(project, tag, context.Canceled)
	}
	return p.writesErrorDetail(false, what, project, tag, f.first)
}

// createKept says what becomes of the links a failed create of gitlab_release_links leaves on the release.
const createKept = "They are recorded in the state, which Terraform marks as tainted: the next apply reads the " +
	"release, deletes what this create left on it, and creates every link anew. To keep them instead, and have the " +
	"next apply create only the rest, run terraform untaint with this resource's address first."

// writesErrorDetail explains failed writes of gitlab_release_links, inState unless they were its create's, and the
// answers that mean the release changed after the plan.
func (p *providerData) writesErrorDetail(inState bool, what, project, tag string, err error) string {
	if gitlab.IsRecordNotFound(err) {
		// GitLab answers the same for a missing link and a missing release.
		return fmt.Sprintf("%s\n\nGitLab said: %s\n\n%s", what, err, goneAfterPlanNote)
	}
	detail := p.explain(releaseLinksType, inState).detail(what, project, tag, err)
	if gitlab.HasMessage(err, "has already been taken") {
		detail += "\n\n" + takenAfterPlanNote
	}
	return detail
}

// goneAfterPlanNote explains GitLab's "404 Not found" to a write of gitlab_release_links.
const goneAfterPlanNote = "A link, or the whole release, was deleted outside Terraform after the plan was made. Run " +
	"terraform apply again: the refresh finds out, and the plan shows what is left to do."

// takenAfterPlanNote explains "has already been taken" on a write of gitlab_release_links, whose plan accounted
// for every link of the release.
const takenAfterPlanNote = "A link added to the release after the plan holds one of these values. Run terraform " +
	"apply again: the refresh finds that link, and the plan shows it to be deleted, since this resource manages " +
	"every link of the release."

// maxListedWrites caps the writes an error lists one by one.
const maxListedWrites = 20

// writeFailures describes the writes that were not made: a list for an error message, the error that explains
// them best (GitLab being down, when it was, since that failed the other writes too, or else the first failure),
// and how many there are.
type writeFailures struct {
	list  string
	first error
	count int
}

// failedWrites describes the writes that were not made.
func failedWrites(writes []linkWrite, results []writeResult) writeFailures {
	var lines []string
	var first error
	failed := 0
	for i, r := range results {
		if r.done {
			continue
		}
		failed++
		var down *gitlab.UnavailableError
		switch {
		case r.skipped:
			lines = append(lines, fmt.Sprintf("  - %s: not sent, since it had to wait for the %s", writes[i].describe(), writes[r.waited].describe()))
		case r.stopped || notSent(r.err):
			lines = append(lines, fmt.Sprintf("  - %s: not sent, %s", writes[i].describe(), stopReason(r.err)))
			if first == nil {
				first = r.err
			}
		case errors.As(r.err, &down) && maybeMade(r.err):
			lines = append(lines, fmt.Sprintf("  - %s: may have been made, its answer was lost; then GitLab became unreachable or "+
				"failing (see below)", writes[i].describe()))
			if !errors.As(first, &down) {
				first = r.err
			}
		case errors.As(r.err, &down):
			lines = append(lines, fmt.Sprintf("  - %s: not made, GitLab is unreachable or failing (see below)", writes[i].describe()))
			if !errors.As(first, &down) {
				first = r.err
			}
		case maybeMade(r.err):
			lines = append(lines, fmt.Sprintf("  - %s: may have been made, its answer was lost: %s", writes[i].describe(), r.err))
			if first == nil {
				first = r.err
			}
		default:
			lines = append(lines, fmt.Sprintf("  - %s: %s", writes[i].describe(), r.err))
			if first == nil {
				first = r.err
			}
		}
	}
	sort.Strings(lines)
	if len(lines) > maxListedWrites {
		lines = append(lines[:maxListedWrites], fmt.Sprintf("  - and %d more", len(lines)-maxListedWrites))
	}
	return writeFailures{list: strings.Join(lines, "\n"), first: first, count: failed}
}

// notSent reports whether err ended a write before any attempt of it reached GitLab: the operation was
// interrupted or ran out of time first.
func notSent(err error) bool {
	var gerr *gitlab.Error
	return (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) &&
		(!errors.As(err, &gerr) || gerr.Attempts == 0)
}

// stopReason says why a write was not sent.
func stopReason(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "since the operation's time ran out first"
	}
	return "since the apply was interrupted first"
}

// describe names a write for an error message.
func (w *linkWrite) describe() string {
	switch {
	case w.kind == writeDelete:
		return fmt.Sprintf("delete of link %d (%q)", w.linkID, w.from.name)
	case w.parking:
		return fmt.Sprintf("move of link %d (%q) to temporary values", w.linkID, w.from.name)
	case w.kind == writeUpdate && w.from.name != w.to.name:
		return fmt.Sprintf("update of link %d (%q, renamed %q)", w.linkID, w.from.name, w.to.name)
	case w.kind == writeUpdate:
		return fmt.Sprintf("update of link %d (%q)", w.linkID, w.to.name)
	default:
		return fmt.Sprintf("create of link %q", w.to.name)
	}
}
