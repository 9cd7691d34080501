package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// takenLink handles "has already been taken" on create. Only one such link is adopted: the create's own, when
// the client reports that an earlier attempt of this very call may have been applied before its answer was lost
// (a 502, 503 or 504, or a connection lost after the request was written). Any other existing link, even one
// with identical values, belongs to someone else as far as the provider can tell: another resource of this
// configuration, the old instance of a create_before_destroy replacement, or an apply killed before it saved its
// state. Adopting it would let two resources share one link, and deleting either would take it from the other,
// so that is an error naming the link and how to import it. Within one walk a link is adopted at most once.
func (p *providerData) takenLink(ctx context.Context, project, tag string, want linkFields, createErr error, diags *diag.Diagnostics) (*gitlab.ReleaseLink, error) {
	links, err := p.client.ListReleaseLinks(ctx, project, tag)
	if err != nil {
		return nil, createErr
	}
	var gerr *gitlab.Error
	if errors.As(createErr, &gerr) && gerr.MaybeCommitted {
		for i := range links {
			if apiFields(&links[i], tag) != want || !p.links.claim(links[i].ID) {
				continue
			}
			diags.AddWarning("Adopted Release Link Created by a Lost Request",
				fmt.Sprintf("Link %d (%q) on release %q of project %q was created by an earlier attempt of this create, "+
					"whose answer was lost on the way back (%s). Terraform manages it now instead of creating a duplicate.",
					links[i].ID, links[i].Name, tag, project, createErr))
			return &links[i], nil
		}
	}
	return nil, &conflictError{err: createErr, existing: conflictingLinks(links, project, tag, want)}
}

// conflictError is a "has already been taken" answer together with a description of the links in the way.
type conflictError struct {
	err      error
	existing string
}

func (e *conflictError) Error() string { return e.err.Error() }
func (e *conflictError) Unwrap() error { return e.err }

// takenAdvice follows the list of existing links in a "has already been taken" error.
const takenAdvice = "Link names, URLs and direct asset paths are unique within a release.\n\n" +
	"If the existing link is this resource's own, being replaced with create_before_destroy (for example by " +
	"terraform apply -replace or replace_triggered_by), the replacement cannot be created while the old link exists: " +
	"remove create_before_destroy from this resource, or change both the name and the URL.\n\n" +
	"If this configuration should manage the existing link (for example, an apply was stopped after GitLab created " +
	"it and before Terraform saved it), import it with the command or the import block above, with this resource's " +
	"address in place of gitlab_release_link.<name>. Otherwise change the name, URL or path in the configuration."

// lostCreateNote follows a failed create whose request reached GitLab, which may have created the link anyway.
const lostCreateNote = "GitLab may have created the link all the same: the request reached it, but its answer did " +
	"not come back. The state records this create, without a link ID, and Terraform marks it tainted: the next " +
	"apply looks for the link, replaces it if GitLab made it and creates it if not. Nothing needs importing."

// createErrorDetail explains a failed create. For "has already been taken" it names the existing links that
// hold the name, URL or path, and shows how to import them.
func (p *providerData) createErrorDetail(project, tag, name string, err error) string {
	what := fmt.Sprintf("Could not create link %q on release %q of project %q.", name, tag, project)
	if !gitlab.HasMessage(err, "has already been taken") {
		e := p.explain(releaseLinkType, false)
		var gerr *gitlab.Error
		if errors.As(err, &gerr) && gerr.MaybeCommitted {
			return e.detail(what, project, tag, err) + "\n\n" + lostCreateNote
		}
		return e.detail(what, project, tag, err)
	}
	existing := fmt.Sprintf("  terraform import gitlab_release_link.<name> '%s:%s:<link_id>'\n", project, tag)
	var conflict *conflictError
	if errors.As(err, &conflict) && conflict.existing != "" {
		existing = conflict.existing
	}
	return fmt.Sprintf("%s\n\nGitLab said: %s\n\nThe release already holds:\n\n%s\n%s", what, err, existing, takenAdvice)
}

// conflictingLinks describes the existing links that share the requested name, URL or path, each with its import
// command and import block.
func conflictingLinks(links []gitlab.ReleaseLink, project, tag string, want linkFields) string {
	var b strings.Builder
	for i := range links {
		l := &links[i]
		path, _ := l.Path(tag)
		if l.Name != want.name && l.URL != want.url && (want.path == "" || path != want.path) {
			continue
		}
		b.WriteString(existingLink(l, project, tag))
	}
	return b.String()
}

// existingLink describes a link of a release with its import command and import block.
func existingLink(l *gitlab.ReleaseLink, project, tag string) string {
	path, _ := l.Path(tag)
	pathText := "no direct asset path"
	if path != "" {
		pathText = "direct asset path " + path
	}
	id := releaseLinkID{Project: project, TagName: tag, LinkID: l.ID}
	return fmt.Sprintf("  Existing link %d: name %q, URL %s, %s.\n  terraform import gitlab_release_link.<name> '%s'\n"+
		"  import {\n    to = gitlab_release_link.<name>\n    id = %q\n  }\n", l.ID, l.Name, l.URL, pathText, id, id)
}

// newLink is a link that a plan creates, or the values that a plan gives a link on a release it did not hold
// them on, as far as they are known at plan time: values unknown until apply are left out, and cannot conflict.
type newLink struct {
	name   string      // for messages; "" when unknown
	values []linkValue // the known values it claims
	at     path.Path   // where a conflict is reported
}

// checkLinks is the plan-time check of the links a plan creates (or moves, or gives new values) on a release, at
// the cost of one listing of the release per walk, shared with the refreshes (cache.go). With project and tag
// known, it reads the release and reports, on the resource e is for:
//   - a value a new link claims that a link of the release holds, which no resource of this plan manages: an error
//     naming that link, with how to import it;
//   - with whole (a new or moved gitlab_release_links), every link of the release that no resource of this plan
//     manages: an error, as the create would refuse the release;
//   - a token GitLab refuses, or a failure to read: an error;
//   - a project or release that does not exist or that the token cannot see: a warning, since another resource of
//     the same apply may create it.
//
// A link that a resource of this plan manages is not a conflict: the plan may delete, move or rename it in the same
// apply (owners.go), and the apply decides. Nor is one that mine, the record of this resource's unfinished move
// to that release (moves.go), holds. With -refresh=false the plan does not see the links of the resources
// it replaces, and what would be errors are warnings. Once the walk has written to the release, it is an apply,
// whose creates meet any conflict themselves, and nothing is read again.
func (p *providerData) checkLinks(ctx context.Context, e explainer, project, tag types.String, links []newLink, whole bool,
	mine *unfinishedMove, diags *diag.Diagnostics) {
	links = slices.DeleteFunc(links, func(n newLink) bool { return len(n.values) == 0 })
	if p == nil || project.IsUnknown() || tag.IsUnknown() || (len(links) == 0 && !whole) || p.links.written(tag.ValueString()) {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, gitlab.DefaultOperationTimeout) // a plan has no timeouts block
	defer cancel()
	held, err := p.links.all(ctx, project.ValueString(), tag.ValueString())
	if err != nil {
		p.checkFailed(e, project.ValueString(), tag.ValueString(), err, diags)
		return
	}
	// The links in the way, but those that mine records, which this resource takes up.
	ours := map[int64]bool{}
	for _, l := range p.recorded(ctx, mine, held) {
		ours[l.ID] = true
	}
	type inTheWay struct {
		link   *gitlab.ReleaseLink
		claims []newLink
	}
	var candidates []inTheWay
	var ids []int64
	for i := range held {
		l := &held[i]
		var claims []newLink
		for _, n := range links {
			if slices.ContainsFunc(apiFields(l, tag.ValueString()).values(), func(v linkValue) bool { return slices.Contains(n.values, v) }) {
				claims = append(claims, n)
			}
		}
		if !ours[l.ID] && (len(claims) > 0 || whole) {
			candidates, ids = append(candidates, inTheWay{l, claims}), append(ids, l.ID)
		}
	}
	owned, sure := p.owners.managed(ctx, true, ids...)
	var others []gitlab.ReleaseLink // links of the release that no resource of this plan manages
	unsure := false                 // whether some of them may be managed all the same (owners.managed)
	for _, c := range candidates {
		l, claims := c.link, c.claims
		if owned[l.ID] || p.links.written(tag.ValueString()) {
			// A link that a resource of this plan holds may be deleted, moved or renamed in the same apply, before
			// or after this create: the apply decides. So it does once a write to the release has come while the
			// check waited, which makes the walk an apply.
			continue
		}
		others = append(others, *l)
		unsure = unsure || !sure
		doubt := ""
		switch {
		case p.owners.refreshSkipped():
			doubt = "A plan that reads no state (with -refresh=false, or the second plan an apply makes) cannot tell whether a " +
				"resource of this configuration that it replaces holds that link."
		case !sure:
			doubt = unsureOwner
		}
		for _, n := range claims {
			switch {
			case doubt != "":
				diags.AddAttributeWarning(n.at, "Release Link Value May Be Taken", takenDetail(project.ValueString(), tag.ValueString(), n.name, l)+"\n\n"+doubt)
			case sameValues(n, l, tag.ValueString()) && !p.owners.hasRefreshed():
				// A link with exactly these values, in a walk that read no state: the plan of a new configuration,
				// or the apply's second plan, in which this may be the resource's own old link, replaced with
				// create_before_destroy. An error here would leave Terraform's replacement half-done; the create
				// meets the link, if it is still there, with the same advice.
				diags.AddAttributeWarning(n.at, "Release Link May Already Exist", takenDetail(project.ValueString(), tag.ValueString(), n.name, l))
			default:
				diags.AddAttributeError(n.at, "Release Link Value Already Taken", takenDetail(project.ValueString(), tag.ValueString(), n.name, l))
			}
		}
	}
	if whole && len(others) > 0 {
		switch {
		case p.owners.refreshSkipped():
			diags.AddWarning("Release May Have Links", nonEmptyReleaseDetail(project.ValueString(), tag.ValueString(), others, e.inState)+
				"\n\nA plan that reads no state (with -refresh=false, or the second plan an apply makes) cannot tell whether a "+
				"resource of this configuration that it replaces holds them.")
			return
		case unsure:
			diags.AddWarning("Release May Have Links", nonEmptyReleaseDetail(project.ValueString(), tag.ValueString(), others, e.inState)+"\n\n"+unsureOwner)
			return
		}
		diags.AddError("Release Already Has Links", nonEmptyReleaseDetail(project.ValueString(), tag.ValueString(), others, e.inState))
	}
}

// unsureOwner says why a link in the way is a warning rather than an error: the plan could not tell.
const unsureOwner = "The plan could not tell whether a resource of this configuration holds that link and gives it " +
	"up in this apply: every resource Terraform was planning at that moment was waiting for the same answer. If one " +
	"does, make this resource depend on it (depends_on), or use a moved block for a renamed resource; otherwise the " +
	"create fails with \"has already been taken\"."

// sameValues reports whether a new link claims exactly the name, URL and path that link l holds.
func sameValues(n newLink, l *gitlab.ReleaseLink, tag string) bool {
	held := apiFields(l, tag).values()
	return len(held) == len(n.values) && !slices.ContainsFunc(held, func(v linkValue) bool { return !slices.Contains(n.values, v) })
}

// checkFailed reports a release that could not be read at plan time.
func (p *providerData) checkFailed(e explainer, project, tag string, err error, diags *diag.Diagnostics) {
	switch {
	case gitlab.IsProjectNotFound(err), gitlab.IsRecordNotFound(err):
		diags.AddWarning("Release Not Found at Plan Time", e.releaseRead(project, tag, err)+"\n\nThe apply will meet the same "+
			"answer unless another resource of the same apply creates the project or the release first (a gitlab_project or "+
			"a gitlab_release of the official GitLab provider): make this resource depend on it, with a reference or "+
			"depends_on, so that Terraform creates it first. Otherwise check project and tag_name.")
	default:
		diags.AddError("Unable to Check Release Links", e.releaseRead(project, tag, err))
	}
}

// takenDetail explains a value a new link claims that link l, which no resource of this plan manages, holds.
func takenDetail(project, tag, name string, l *gitlab.ReleaseLink) string {
	what := fmt.Sprintf("Release %q of project %q already has a link with the name, URL or direct asset path of link %q, "+
		"which no resource of this plan manages, so creating it would fail.", tag, project, name)
	if name == "" {
		what = fmt.Sprintf("Release %q of project %q already has a link with a name, URL or direct asset path this plan "+
			"gives a new link, which no resource of this plan manages, so creating it would fail.", tag, project)
	}
	return fmt.Sprintf("%s The release holds:\n\n%s\n%s\n\nIf a resource of this configuration gives that link up in this "+
		"same apply, make this resource depend on it (depends_on), so that Terraform plans and applies it first. The "+
		"plan sees only the resources of this provider configuration: if a resource of another one (an alias, or the "+
		"official GitLab provider) gives the link up, apply that change first (terraform apply -target=<its address>).",
		what, existingLink(l, project, tag), takenAdvice)
}

// nonEmptyReleaseDetail explains why a create, or a move (moving), refuses a release that already has links, and
// what to do: import it, or, for a move, whose resource is in the state already, make room.
func nonEmptyReleaseDetail(project, tag string, links []gitlab.ReleaseLink, moving bool) string {
	var names []string
	for _, l := range links {
		names = append(names, fmt.Sprintf("%q (ID %d)", l.Name, l.ID))
	}
	sort.Strings(names)
	if len(names) > maxListedWrites {
		names = append(names[:maxListedWrites], fmt.Sprintf("and %d more", len(names)-maxListedWrites))
	}
	id := releaseID{Project: project, TagName: tag}
	if moving {
		return fmt.Sprintf("Release %q of project %q already has %d links: %s. Nothing was changed.\n\n"+
			"gitlab_release_links manages every link of a release, so moving there would delete links that no plan has "+
			"shown. Delete them in GitLab if nothing needs them, then apply again; to keep them, leave this resource "+
			"where it is and manage that release with another gitlab_release_links resource, imported with ID %q.",
			tag, project, len(links), strings.Join(names, ", "), id)
	}
	return fmt.Sprintf("Release %q of project %q already has %d links: %s. Nothing was changed.\n\n"+
		"gitlab_release_links manages every link of a release, so creating it would delete links that no plan has "+
		"shown. To manage this release, import it, with this resource's address in place of "+
		"gitlab_release_links.<name>; the next plan then shows each link to be deleted, added or changed:\n\n"+
		"  terraform import gitlab_release_links.<name> '%s'\n\n"+
		"  import {\n    to = gitlab_release_links.<name>\n    id = %q\n  }\n\n"+
		"If the links belong to gitlab_release_link resources, manage the release with one kind of resource only: "+
		"each would delete the links of the other.", tag, project, len(links), strings.Join(names, ", "), id, id)
}
