package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
)

// linkTypes are the values GitLab accepts for link_type.
var linkTypes = []string{"other", "runbook", "image", "package"}

// linkDataAttributes are the computed attributes of a link, shared by both data sources.
func linkDataAttributes() map[string]schema.Attribute {
	computed := func(description string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: description, Computed: true}
	}
	return map[string]schema.Attribute{
		"id":                computed("The link's ID, `<project>:<tag_name>:<link_id>`."),
		"project":           computed("The project, as given."),
		"tag_name":          computed("The tag of the release."),
		"link_id":           schema.Int64Attribute{MarkdownDescription: "GitLab's ID of the link.", Computed: true},
		"name":              computed("The link's name."),
		"url":               computed("The URL the link points to."),
		"link_type":         computed("The kind of asset: `other`, `runbook`, `image` or `package`."),
		"direct_asset_path": computed("The permanent download path, or null when the link has none."),
		"filepath": schema.StringAttribute{MarkdownDescription: "Deprecated name of `direct_asset_path`, with the same value.",
			Computed: true, DeprecationMessage: "Use direct_asset_path instead."},
		"direct_asset_url": computed("The permanent download URL when the link has a path, otherwise its `url`."),
		"external": schema.BoolAttribute{MarkdownDescription: "Deprecated: null on GitLab 16.0 and later, which no longer return it.",
			Computed: true, DeprecationMessage: "GitLab 16.0 removed external from its API."},
	}
}
