package provider

import (
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

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
	if p, ok := link.Path(m.TagName.ValueString()); ok {
		m.DirectAssetPath, m.Filepath = types.StringValue(p), types.StringValue(p)
	} else if keepEmpty {
		m.Filepath = types.StringValue("")
	}
}

// setFromWrite is setFromAPI after a create or update that sent path, for a model holding the plan. When GitLab
// holds the path that was sent, both names keep their planned values; when its direct_asset_url shows that a path
// is set but in a shape pathFromDirectAssetURL cannot read back, the path sent is the one GitLab holds.
func (m *releaseLinkModel) setFromWrite(link *gitlab.ReleaseLink, path *string) {
	plannedPath, plannedFilepath := m.DirectAssetPath, m.Filepath
	m.setFromAPI(link)
	held, ok := link.Path(m.TagName.ValueString())
	if !ok && path != nil && link.DirectAssetURL != link.URL {
		held, ok = *path, true
		m.DirectAssetPath, m.Filepath = types.StringValue(held), types.StringValue(held)
	}
	if ok == (path != nil) && (!ok || held == *path) {
		m.DirectAssetPath, m.Filepath = plannedPath, plannedFilepath
	}
}

// configuredPath is the configured asset path under either name, or "" when none is configured. An empty
// filepath is no path, as the official SDKv2 provider treated it.
func (m releaseLinkModel) configuredPath() string {
	for _, v := range []types.String{m.DirectAssetPath, m.Filepath} {
		if !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" {
			return v.ValueString()
		}
	}
	return ""
}

// fields are the values the model asks GitLab to hold.
func (m releaseLinkModel) fields() linkFields {
	return linkFields{name: m.Name.ValueString(), url: m.URL.ValueString(), linkType: m.LinkType.ValueString(), path: m.configuredPath()}
}

// planComputed predicts the computed attributes: id from the project, tag and link ID, and direct_asset_url,
// which equals url when no path is set and stays as it was while the path, tag and project stay. A link that moves
// to another release gets a new link ID there.
func (m *releaseLinkModel) planComputed(state *releaseLinkResourceModel, moving bool) {
	if state != nil && moving {
		m.LinkID, m.ID, m.External = types.Int64Unknown(), types.StringUnknown(), types.BoolUnknown()
	}
	if state != nil && !moving && !state.LinkID.IsNull() {
		m.LinkID = state.LinkID
		m.ID = types.StringValue(releaseLinkID{Project: m.Project.ValueString(), TagName: m.TagName.ValueString(), LinkID: state.LinkID.ValueInt64()}.String())
		m.External = types.BoolUnknown()
		if m.URL.Equal(state.URL) {
			// GitLab before 16.0 derives external from the URL; later versions do not return it at all.
			m.External = state.External
		}
	}
	pathKnown := !m.DirectAssetPath.IsUnknown() && !m.Filepath.IsUnknown()
	path := m.configuredPath()
	switch {
	case pathKnown && path == "" && !m.URL.IsUnknown():
		m.DirectAssetURL = m.URL
	case pathKnown && path != "" && state != nil && !moving && path == state.configuredPath() && !state.DirectAssetURL.IsNull():
		m.DirectAssetURL = state.DirectAssetURL
	default:
		m.DirectAssetURL = types.StringUnknown()
	}
}

// newLink is what the plan claims on its release, for the plan-time check (conflicts.go): every known value of a
// link it creates or moves, and the values it gives a link that did not hold them.
func (m releaseLinkModel) newLink(state *releaseLinkResourceModel, moving bool) newLink {
	n := newLink{at: path.Root("name")}
	if !m.Name.IsUnknown() {
		n.name = m.Name.ValueString()
		n.values = append(n.values, linkValue{'n', n.name})
	}
	if !m.URL.IsUnknown() {
		n.values = append(n.values, linkValue{'u', m.URL.ValueString()})
	}
	if p := m.configuredPath(); p != "" && !m.DirectAssetPath.IsUnknown() && !m.Filepath.IsUnknown() {
		n.values = append(n.values, linkValue{'p', p})
	}
	if state != nil && !moving {
		held := state.fields().values()
		n.values = slices.DeleteFunc(n.values, func(v linkValue) bool { return slices.Contains(held, v) })
	}
	return n
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
	path := config.configuredPath()
	if state != nil && path == state.configuredPath() {
		if config.DirectAssetPath.IsNull() {
			m.DirectAssetPath = state.DirectAssetPath
		}
		if config.Filepath.IsNull() {
			m.Filepath = state.Filepath
		}
		return
	}
	other := types.StringPointerValue(optionalPath(path))
	if config.DirectAssetPath.IsNull() {
		m.DirectAssetPath = other
	}
	if config.Filepath.IsNull() {
		m.Filepath = other
	}
}

// emptyFilepath reports whether filepath is "", the official SDKv2 provider's way of saying "no path". A
// configuration may say it, so state keeps it while GitLab holds no path.
func (m releaseLinkModel) emptyFilepath() bool {
	return !m.Filepath.IsNull() && !m.Filepath.IsUnknown() && m.Filepath.ValueString() == ""
}

// setFromListing fills a data source's link from GitLab; filepath, the deprecated name, carries the same path.
func (m *releaseLinkModel) setFromListing(link *gitlab.ReleaseLink) {
	m.Filepath = types.StringNull()
	m.setFromAPI(link)
}
