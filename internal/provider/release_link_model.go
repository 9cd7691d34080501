package provider

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
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
	prefix := s[:last]
	var candidates []releaseLinkID
	for i := 0; i < len(prefix); i++ {
		if prefix[i] != '/' {
			continue
		}
		project, tag := prefix[:i], prefix[i+1:]
		if project == "" || tag == "" {
			continue
		}
		if _, err := strconv.ParseInt(project, 10, 64); err != nil && !strings.Contains(project, "/") {
			continue
		}
		candidates = append(candidates, releaseLinkID{Project: project, TagName: tag, LinkID: linkID})
	}
	if len(candidates) == 0 {
		return nil, fmt.Errorf("the import ID %q cannot be split into a project, a tag name and a link ID", s)
	}
	return candidates, nil
}

// parseLinkID parses a positive link ID.
func parseLinkID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("the link ID %q is not a positive whole number", s)
	}
	return id, nil
}

// releaseLinkModel holds the attributes shared by the resource and the data sources.
type releaseLinkModel struct {
	ID              types.String `tfsdk:"id"`
	Project         types.String `tfsdk:"project"`
	TagName         types.String `tfsdk:"tag_name"`
	LinkID          types.Int64  `tfsdk:"link_id"`
	Name            types.String `tfsdk:"name"`
	URL             types.String `tfsdk:"url"`
	LinkType        types.String `tfsdk:"link_type"`
	DirectAssetPath types.String `tfsdk:"direct_asset_path"`
	Filepath        types.String `tfsdk:"filepath"`
	DirectAssetURL  types.String `tfsdk:"direct_asset_url"`
	External        types.Bool   `tfsdk:"external"`
}

// setFromAPI copies what GitLab returned into the model. The asset path goes into both direct_asset_path and
// filepath, since an import or a refresh cannot know which name the configuration uses (ModifyPlan, which sees
// the configuration, keeps them apart). A link without a path keeps filepath = "" where the model has it: the
// official SDKv2 provider's way of saying "no path", in its states and in configurations written for it.
func (m *releaseLinkModel) setFromAPI(link *gitlab.ReleaseLink) {
	keepEmpty := m.emptyFilepath()
	m.LinkID = types.Int64Value(link.ID)
	m.ID = types.StringValue(releaseLinkID{Project: m.Project.ValueString(), TagName: m.TagName.ValueString(), LinkID: link.ID}.String())
	m.Name = types.StringValue(link.Name)
	m.URL = types.StringValue(link.URL)
	m.LinkType = types.StringValue(link.LinkType)
	m.DirectAssetURL = types.StringValue(link.DirectAssetURL)
	m.External = types.BoolPointerValue(link.External)
	m.DirectAssetPath, m.Filepath = types.StringNull(), types.StringNull()
	if p, ok := assetPath(link, m.TagName.ValueString()); ok {
		m.DirectAssetPath, m.Filepath = types.StringValue(p), types.StringValue(p)
	} else if keepEmpty {
		m.Filepath = types.StringValue("")
	}
}

// setFromWrite is setFromAPI after a create or update that sent path, for a model holding the plan. When GitLab
// holds the path that was sent, both names keep their planned values; when its direct_asset_url shows that a path
// is set but in a shape assetPath cannot read back, the path sent is the one GitLab holds.
func (m *releaseLinkModel) setFromWrite(link *gitlab.ReleaseLink, path *string) {
	plannedPath, plannedFilepath := m.DirectAssetPath, m.Filepath
	m.setFromAPI(link)
	held, ok := assetPath(link, m.TagName.ValueString())
	if !ok && path != nil && link.DirectAssetURL != link.URL {
		held, ok = *path, true
		m.DirectAssetPath, m.Filepath = types.StringValue(held), types.StringValue(held)
	}
	if ok == (path != nil) && (!ok || held == *path) {
		m.DirectAssetPath, m.Filepath = plannedPath, plannedFilepath
	}
}

// assetPath recovers the link's direct asset path, which GitLab does not return, from direct_asset_url
// (GITLAB.md §1): it equals url when no path is set, and is otherwise
// "<gitlab>/<project path>/-/releases/<escaped tag>/downloads<path>". Only that exact shape counts, so a URL that
// merely contains "downloads" never invents a path.
func assetPath(link *gitlab.ReleaseLink, tag string) (string, bool) {
	if link.DirectAssetURL == "" || link.DirectAssetURL == link.URL {
		return "", false
	}
	u, err := url.Parse(link.DirectAssetURL)
	if err != nil {
		return "", false
	}
	p := u.EscapedPath()
	const marker = "/-/releases/"
	i := strings.Index(p, marker)
	if i < 0 {
		return "", false
	}
	rest := p[i+len(marker):]
	// The tag is one escaped path segment on GitLab (release%2Fv1 for release/v1); a raw slash is accepted too.
	for end := 0; end < len(rest); {
		next := strings.Index(rest[end:], "/downloads/")
		if next < 0 {
			return "", false
		}
		end += next
		if segment, err := url.PathUnescape(rest[:end]); err == nil && segment == tag {
			assetPath, err := url.PathUnescape(rest[end+len("/downloads"):])
			return assetPath, err == nil
		}
		end++
	}
	return "", false
}

// assetPath is the configured asset path under either name, or nil when none is configured. An empty filepath
// is no path, as the official SDKv2 provider treated it.
func (m releaseLinkModel) assetPath() *string {
	for _, v := range []types.String{m.DirectAssetPath, m.Filepath} {
		if !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" {
			s := v.ValueString()
			return &s
		}
	}
	return nil
}

// sameLink reports whether m asks GitLab for nothing that state does not already hold.
func (m releaseLinkModel) sameLink(state releaseLinkModel) bool {
	return m.TagName.Equal(state.TagName) && m.Name.Equal(state.Name) && m.URL.Equal(state.URL) &&
		m.LinkType.Equal(state.LinkType) && samePath(m.assetPath(), state.assetPath())
}

// planComputed predicts the computed attributes: id from the project, tag and link ID, and direct_asset_url,
// which equals url when no path is set and stays as it was while the path, tag and project stay.
func (m *releaseLinkModel) planComputed(state *releaseLinkResourceModel) {
	if state != nil && !state.LinkID.IsNull() && m.TagName.Equal(state.TagName) && !m.Project.IsUnknown() && !m.TagName.IsUnknown() {
		m.LinkID = state.LinkID
		m.ID = types.StringValue(releaseLinkID{Project: m.Project.ValueString(), TagName: m.TagName.ValueString(), LinkID: state.LinkID.ValueInt64()}.String())
		m.External = types.BoolUnknown()
		if m.URL.Equal(state.URL) {
			// GitLab before 16.0 derives external from the URL; later versions do not return it at all.
			m.External = state.External
		}
	}
	pathKnown := !m.DirectAssetPath.IsUnknown() && !m.Filepath.IsUnknown()
	switch {
	case pathKnown && m.assetPath() == nil && !m.URL.IsUnknown():
		m.DirectAssetURL = m.URL
	case pathKnown && state != nil && m.sameLinkPath(state.releaseLinkModel) && !state.DirectAssetURL.IsNull():
		m.DirectAssetURL = state.DirectAssetURL
	default:
		m.DirectAssetURL = types.StringUnknown()
	}
}

// planPaths plans direct_asset_path and filepath from the configuration, which sets at most one of them: that one
// as configured, the other with the same path, so state holds the path under both names as after an import. While
// the path stays as it is, a name the configuration leaves out keeps its value from state, so that no plan shows
// a change GitLab would not see (an SDKv2 state's filepath = "", a state written before the path was mirrored).
func (m *releaseLinkModel) planPaths(config releaseLinkModel, state *releaseLinkResourceModel) {
	m.DirectAssetPath, m.Filepath = config.DirectAssetPath, config.Filepath
	if config.DirectAssetPath.IsUnknown() || config.Filepath.IsUnknown() {
		for _, v := range []*types.String{&m.DirectAssetPath, &m.Filepath} {
			if v.IsNull() {
				*v = types.StringUnknown()
			}
		}
		return
	}
	path := config.assetPath()
	if state != nil && samePath(path, state.assetPath()) {
		if config.DirectAssetPath.IsNull() {
			m.DirectAssetPath = state.DirectAssetPath
		}
		if config.Filepath.IsNull() {
			m.Filepath = state.Filepath
		}
		return
	}
	other := types.StringPointerValue(path)
	if config.DirectAssetPath.IsNull() {
		m.DirectAssetPath = other
	}
	if config.Filepath.IsNull() {
		m.Filepath = other
	}
}

// samePath reports whether two asset paths, nil for none, are the same.
func samePath(a, b *string) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

// sameLinkPath reports whether the release and the asset path are those of state.
func (m releaseLinkModel) sameLinkPath(state releaseLinkModel) bool {
	planPath, statePath := m.assetPath(), state.assetPath()
	return m.TagName.Equal(state.TagName) && planPath != nil && statePath != nil && *planPath == *statePath
}

// emptyFilepath reports whether filepath is "", the official SDKv2 provider's way of saying "no path". A
// configuration may say it, so state keeps it while GitLab holds no path.
func (m releaseLinkModel) emptyFilepath() bool {
	return !m.Filepath.IsNull() && !m.Filepath.IsUnknown() && m.Filepath.ValueString() == ""
}
