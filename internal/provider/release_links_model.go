package provider

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// releaseLinksResourceModel is the state of the gitlab_release_links resource.
type releaseLinksResourceModel struct {
	ID       types.String   `tfsdk:"id"`
	Project  types.String   `tfsdk:"project"`
	TagName  types.String   `tfsdk:"tag_name"`
	Links    types.Map      `tfsdk:"links"`
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

// linkElement is one element of links. Elements are converted by hand rather than by the framework's reflection:
// a release of 1,000 links converts 1,000 of them in every plan and apply.
type linkElement struct {
	url, linkType, path types.String // path is null for no direct asset path
	linkID              types.Int64
	directAssetURL      types.String
	unknown             bool // the whole element is unknown until apply, as the configuration says
}

// linkElementType is the object type of an element, from the schema.
var linkElementType = releaseLinksObject().Type().(types.ObjectType) //nolint:forcetypeassert // a NestedAttributeObject's type is an ObjectType

// elements returns the links by name; a null or unknown map has none.
func elements(links types.Map) map[string]linkElement {
	values := links.Elements() // a copy of the map
	out := make(map[string]linkElement, len(values))
	for name, v := range values {
		obj, ok := v.(types.Object)
		if !ok || obj.IsUnknown() {
			out[name] = linkElement{unknown: true}
			continue
		}
		// Every attribute is there with its type: the framework built the value from the schema.
		attrs := obj.Attributes()
		str := func(name string) types.String { s, _ := attrs[name].(types.String); return s }
		linkID, _ := attrs["link_id"].(types.Int64)
		out[name] = linkElement{url: str("url"), linkType: str("link_type"), path: str("direct_asset_path"), linkID: linkID,
			directAssetURL: str("direct_asset_url")}
	}
	return out
}

// linksValue is the links attribute holding elems.
func linksValue(elems map[string]linkElement) types.Map {
	values := make(map[string]attr.Value, len(elems))
	for name, e := range elems {
		if e.unknown {
			values[name] = types.ObjectUnknown(linkElementType.AttrTypes)
			continue
		}
		values[name] = types.ObjectValueMust(linkElementType.AttrTypes, map[string]attr.Value{
			"url": e.url, "link_type": e.linkType, "direct_asset_path": e.path, "link_id": e.linkID,
			"direct_asset_url": e.directAssetURL,
		})
	}
	return types.MapValueMust(linkElementType, values)
}

// fields are the values the element named name asks GitLab to hold.
func (e linkElement) fields(name string) linkFields {
	return linkFields{name: name, url: e.url.ValueString(), linkType: e.linkType.ValueString(), path: e.path.ValueString()}
}

// elementFromAPI is a link as GitLab holds it. GitLab does not return the direct asset path; it is read back from
// direct_asset_url, and where that has a shape the parser does not know, path is the one the provider knows the
// link holds: the one it wrote, or the one in state.
func elementFromAPI(link *gitlab.ReleaseLink, tag, path string) linkElement {
	if parsed, ok := link.Path(tag); ok || link.DirectAssetURL == link.URL {
		path = parsed
	}
	return linkElement{
		url: types.StringValue(link.URL), linkType: types.StringValue(link.LinkType),
		path: types.StringPointerValue(optionalPath(path)), linkID: types.Int64Value(link.ID),
		directAssetURL: types.StringValue(link.DirectAssetURL),
	}
}

// planComputed predicts link_id and direct_asset_url of the planned links from state, so that a plan shows
// "known after apply" only for what GitLab has yet to decide. A name kept keeps its link. A new name takes the
// link of a name that goes away when the URL is the same, or else the direct asset path: Update then renames that
// link with one PUT instead of deleting it and creating another.
//
// Terraform plans again at apply, with the values that were unknown now known, and refuses a final plan that
// contradicts a known value of the first. So a plan promises a link_id only where the match cannot change: a
// new name whose URL, path or whole entry is still unknown may match any link that goes away, and since names
// are matched in order, it may also take the link of every new name after it.
func planComputed(plan, state map[string]linkElement) {
	byURL, byPath := map[string]string{}, map[string]string{}
	for name, s := range state {
		if _, kept := plan[name]; !kept {
			byURL[s.url.ValueString()] = name
			if !s.path.IsNull() {
				byPath[s.path.ValueString()] = name
			}
		}
	}
	prefix := downloadPrefix(state)
	names := slices.Sorted(maps.Keys(plan)) // the same plan for the same configuration, whatever the map order
	taken := map[string]bool{}
	undecided := false // a new name before this one may take any link that goes away
	for _, name := range names {
		e := plan[name]
		_, kept := state[name]
		if !kept && (e.unknown || e.url.IsUnknown() || e.path.IsUnknown()) {
			undecided = true
		}
		if e.unknown {
			continue
		}
		from, found := name, kept
		if !kept && !undecided {
			if old, ok := byURL[e.url.ValueString()]; ok && !taken[old] {
				from, found = old, true
			} else if old, ok := byPath[e.path.ValueString()]; ok && !e.path.IsNull() && !taken[old] {
				from, found = old, true
			}
		}
		taken[from] = found
		e.linkID, e.directAssetURL = types.Int64Unknown(), types.StringUnknown()
		if found {
			e.linkID = state[from].linkID
		}
		switch {
		case e.path.IsNull():
			e.directAssetURL = e.url
		case e.path.IsUnknown():
		case found && e.path.Equal(state[from].path):
			e.directAssetURL = state[from].directAssetURL
		case prefix != "" && plainPath(e.path.ValueString()):
			e.directAssetURL = types.StringValue(prefix + e.path.ValueString())
		}
		plan[name] = e
	}
}

// downloadPrefix is the part of direct_asset_url before the path, "<gitlab>/<project path>/-/releases/<tag>/
// downloads", as GitLab wrote it for a link of the release in state, or "" when no link there has a plain path.
func downloadPrefix(state map[string]linkElement) string {
	for _, s := range state {
		path, url := s.path.ValueString(), s.directAssetURL.ValueString()
		if !s.path.IsNull() && plainPath(path) && strings.HasSuffix(url, "/downloads"+path) {
			return strings.TrimSuffix(url, path)
		}
	}
	return ""
}

// plainPath reports whether a path holds only characters that GitLab's URL helpers never escape, so that it
// appears in direct_asset_url exactly as it is.
func plainPath(path string) bool {
	for i := 0; i < len(path); i++ {
		switch c := path[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte("-._/", c) >= 0:
		default:
			return false
		}
	}
	return path != ""
}

// changesFor compares the planned links with the links held: a planned link whose link_id is held updates that
// link if anything differs, any other planned link is created, and every held link the plan does not keep is
// deleted.
func changesFor(planned, held map[string]linkElement) linkChanges {
	c := linkChanges{current: make(map[int64]linkFields, len(held)), updates: map[int64]linkFields{}}
	for name, e := range held {
		c.current[e.linkID.ValueInt64()] = e.fields(name)
	}
	kept := map[int64]bool{}
	for _, name := range slices.Sorted(maps.Keys(planned)) {
		e := planned[name]
		id := e.linkID.ValueInt64()
		if cur, ok := c.current[id]; ok && !e.linkID.IsUnknown() && !kept[id] {
			kept[id] = true
			if f := e.fields(name); f != cur {
				c.updates[id] = f
			}
			continue
		}
		c.creates = append(c.creates, e.fields(name))
	}
	for id := range c.current {
		if !kept[id] {
			c.deletes = append(c.deletes, id)
		}
	}
	return c
}

// releaseLinksObject is one element of links.
//
// url is required in every element, but declared optional and checked by the element's validator: the framework
// (v1.19) reads the attributes of an element that is unknown as a whole (links = { x = module.m.link }) as null,
// and would refuse such a configuration for a missing required url (terraform-plugin-framework#186).
func releaseLinksObject() schema.NestedAttributeObject {
	return schema.NestedAttributeObject{
		Attributes: map[string]schema.Attribute{
			"url":               linkURLAttribute("Required. The URL the link points to: `http`, `https` or `ftp`.", false),
			"link_type":         linkTypeAttribute(),
			"direct_asset_path": directAssetPathAttribute("", false),
			"link_id": schema.Int64Attribute{
				MarkdownDescription: "GitLab's ID of the link. A renamed link keeps it when its `url` (or else its " +
					"`direct_asset_path`) stays the same.",
				Computed: true,
			},
			"direct_asset_url": schema.StringAttribute{
				MarkdownDescription: "The link's permanent download URL when `direct_asset_path` is set, otherwise its `url`.",
				Computed:            true,
			},
		},
		Validators: []validator.Object{urlRequired{}},
	}
}

// save stores the model as the resource's state, and its identity where Terraform supports one.
func (m *releaseLinksResourceModel) save(ctx context.Context, state *tfsdk.State, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	diags := state.Set(ctx, m)
	diags.Append(setReleaseIdentity(ctx, identity, m.Project, m.TagName)...)
	return diags
}
