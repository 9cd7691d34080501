package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// releaseLinkID identifies a release link: the project as configured (numeric ID or full path), the release's tag
// and GitLab's link ID. Its string form is the official provider's import ID, "<project>:<tag_name>:<link_id>".
type releaseLinkID struct {
	Project string
	TagName string
	LinkID  int64
}

// importIDExamples is shown whenever an import ID cannot be understood.
const importIDExamples = "Use <project>:<tag_name>:<link_id> or <project>/<tag_name>/<link_id>, where <project> is a " +
	"numeric project ID or a full path, for example \"42:v1.0.0:7\", \"my-group/my-project:v1.0.0:7\" or " +
	"\"my-group/my-project/release/v1.0/7\"."

// String formats the ID as "<project>:<tag_name>:<link_id>".
func (id releaseLinkID) String() string {
	return fmt.Sprintf("%s:%s:%d", id.Project, id.TagName, id.LinkID)
}

// store writes the ID into the state and identity of an imported gitlab_release_link.
func (id releaseLinkID) store(ctx context.Context, state *tfsdk.State, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	diags := state.SetAttribute(ctx, path.Root("id"), id.String())
	diags.Append(state.SetAttribute(ctx, path.Root("project"), id.Project)...)
	diags.Append(state.SetAttribute(ctx, path.Root("tag_name"), id.TagName)...)
	diags.Append(state.SetAttribute(ctx, path.Root("link_id"), id.LinkID)...)
	diags.Append(setIdentity(ctx, identity, releaseLinkModel{
		Project: types.StringValue(id.Project), TagName: types.StringValue(id.TagName), LinkID: types.Int64Value(id.LinkID),
	})...)
	return diags
}

func (id releaseLinkID) release() releaseID {
	return releaseID{Project: id.Project, TagName: id.TagName}
}

func (id releaseLinkID) describe() string {
	return fmt.Sprintf("link %d of release %q in project %q", id.LinkID, id.TagName, id.Project)
}

// parseReleaseLinkID parses "<project>:<tag_name>:<link_id>". Neither project paths nor git tag names may
// contain ':' (git check-ref-format forbids it), so the first and the last colon are the separators.
func parseReleaseLinkID(s string) (releaseLinkID, error) {
	first, last := strings.Index(s, ":"), strings.LastIndex(s, ":")
	if first < 0 || first == last {
		return releaseLinkID{}, fmt.Errorf("the import ID %q is not of the form <project>:<tag_name>:<link_id>", s)
	}
	id := releaseLinkID{Project: s[:first], TagName: s[first+1 : last]}
	linkID, err := parseLinkID(s[last+1:])
	if err != nil {
		return releaseLinkID{}, err
	}
	id.LinkID = linkID
	if id.Project == "" || id.TagName == "" {
		return releaseLinkID{}, fmt.Errorf("the import ID %q has an empty project or tag name", s)
	}
	return id, nil
}

// slashImportCandidates lists every way "<project>/<tag_name>/<link_id>" can be split. Both full paths and tags
// may contain '/', so only the API can tell which split is real; a project is a numeric ID or contains a '/'.
func slashImportCandidates(s string) ([]releaseLinkID, error) {
	last := strings.LastIndex(s, "/")
	if last < 0 {
		return nil, fmt.Errorf("the import ID %q contains neither ':' nor '/'", s)
	}
	linkID, err := parseLinkID(s[last+1:])
	if err != nil {
		return nil, err
	}
	var candidates []releaseLinkID
	for _, release := range releaseSplits(s[:last]) {
		candidates = append(candidates, releaseLinkID{Project: release.Project, TagName: release.TagName, LinkID: linkID})
	}
	if len(candidates) == 0 {
		return nil, fmt.Errorf("the import ID %q cannot be split into a project, a tag name and a link ID", s)
	}
	return candidates, nil
}

// releaseSplits lists every way "<project>/<tag_name>" can be split: at each '/' that leaves a project that is a
// numeric ID or contains a '/' (a full path always does), and a tag.
func releaseSplits(s string) []releaseID {
	var splits []releaseID
	for i := 0; i < len(s); i++ {
		if s[i] != '/' {
			continue
		}
		project, tag := s[:i], s[i+1:]
		if project == "" || tag == "" {
			continue
		}
		if _, err := strconv.ParseInt(project, 10, 64); err != nil && !strings.Contains(project, "/") {
			continue
		}
		splits = append(splits, releaseID{Project: project, TagName: tag})
	}
	return splits
}

// parseLinkID parses a positive link ID.
func parseLinkID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("the link ID %q is not a positive whole number", s)
	}
	return id, nil
}

// releaseID identifies a release: the project as configured (numeric ID or full path) and the tag. Its string
// form "<project>:<tag_name>" is the ID and the import ID of gitlab_release_links.
type releaseID struct {
	Project string
	TagName string
}

// releaseImportIDExamples is shown whenever an import ID of gitlab_release_links cannot be understood.
const releaseImportIDExamples = "Use <project>:<tag_name> or <project>/<tag_name>, where <project> is a numeric " +
	"project ID or a full path, for example \"42:v1.0.0\", \"my-group/my-project:v1.0.0\" or " +
	"\"my-group/my-project/release/v1.0\"."

// String formats the ID as "<project>:<tag_name>".
func (id releaseID) String() string { return id.Project + ":" + id.TagName }

func (id releaseID) release() releaseID { return id }

// store writes the ID into the state and identity of an imported gitlab_release_links.
func (id releaseID) store(ctx context.Context, state *tfsdk.State, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	diags := state.SetAttribute(ctx, path.Root("id"), id.String())
	diags.Append(state.SetAttribute(ctx, path.Root("project"), id.Project)...)
	diags.Append(state.SetAttribute(ctx, path.Root("tag_name"), id.TagName)...)
	diags.Append(setReleaseIdentity(ctx, identity, types.StringValue(id.Project), types.StringValue(id.TagName))...)
	return diags
}

func (id releaseID) describe() string {
	return fmt.Sprintf("release %q in project %q", id.TagName, id.Project)
}

// parseReleaseID parses "<project>:<tag_name>"; neither part may contain ':'.
func parseReleaseID(s string) (releaseID, error) {
	project, tag, _ := strings.Cut(s, ":")
	switch {
	case strings.Contains(tag, ":"):
		return releaseID{}, fmt.Errorf("the import ID %q has two colons, like the ID of one gitlab_release_link "+
			"(<project>:<tag_name>:<link_id>); gitlab_release_links manages a whole release and is imported by "+
			"<project>:<tag_name>", s)
	case project == "" || tag == "":
		return releaseID{}, fmt.Errorf("the import ID %q has an empty project or tag name", s)
	}
	return releaseID{Project: project, TagName: tag}, nil
}

// slashReleaseCandidates lists every way "<project>/<tag_name>" can be split; only the API can tell which is real.
func slashReleaseCandidates(s string) ([]releaseID, error) {
	candidates := releaseSplits(s)
	if len(candidates) == 0 {
		return nil, fmt.Errorf("the import ID %q cannot be split into a project and a tag name", s)
	}
	return candidates, nil
}
