package provider

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// nonEmptyReleaseDetail explains why a create refuses a release that already has links, and how to import it.
func nonEmptyReleaseDetail(project, tag string, links []gitlab.ReleaseLink) string {
	var names []string
	for _, l := range links {
		names = append(names, fmt.Sprintf("%q (ID %d)", l.Name, l.ID))
	}
	sort.Strings(names)
	if len(names) > maxListedWrites {
		names = append(names[:maxListedWrites], fmt.Sprintf("and %d more", len(names)-maxListedWrites))
	}
	id := releaseID{Project: project, TagName: tag}
	return fmt.Sprintf("Release %q of project %q already has %d links: %s. Nothing was changed.\n\n"+
		"gitlab_release_links manages every link of a release, so creating it would delete links that no plan has "+
		"shown. To manage this release, import it, with this resource's address in place of "+
		"gitlab_release_links.<name>; the next plan then shows each link to be deleted, added or changed:\n\n"+
		"  terraform import gitlab_release_links.<name> '%s'\n\n"+
		"  import {\n    to = gitlab_release_links.<name>\n    id = %q\n  }\n\n"+
		"If the links belong to gitlab_release_link resources, manage the release with one kind of resource only: "+
		"each would delete the links of the other.", tag, project, len(links), strings.Join(names, ", "), id, id)
}

// createFailureDetail explains a create that failed part-way: which links were not created, and whether the
// ones that were have been deleted again.
func (p *providerData) createFailureDetail(project, tag string, writes []linkWrite, results []writeResult, u undone) string {
	f := failedWrites(writes, results)
	undo := fmt.Sprintf("The %d links that were created have been deleted again, so the release is as it was.", u.deleted)
	if len(u.left) > 0 {
		undo = fmt.Sprintf("Of the links that were created, %d could not be deleted again:\n\n%s\n\nThey are in the "+
			"state, which Terraform marks as tainted: the next apply deletes them and creates every link anew.", len(u.left), u.failures)
	}
	what := fmt.Sprintf("Could not create %d of the %d links of release %q in project %q:\n\n%s\n\n%s",
		f.count, len(writes), tag, project, f.list, undo)
	return p.writesErrorDetail(what, project, tag, f.first)
}

// writesErrorDetail is errorDetail for the writes of gitlab_release_links: its advice names this resource.
func (p *providerData) writesErrorDetail(what, project, tag string, err error) string {
	detail := strings.ReplaceAll(p.errorDetail(what, project, tag, err), "gitlab_release_link.<name>", "gitlab_release_links.<name>")
	if gitlab.HasMessage(err, "has already been taken") {
		detail += "\n\n" + takenAfterPlanNote
	}
	return detail
}
