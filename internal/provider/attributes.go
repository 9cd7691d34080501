package provider

import (
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	resourceschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// linkTypes are the values GitLab accepts for link_type.
var linkTypes = []string{"other", "runbook", "image", "package"}

// The attributes both resources have come from one place; each resource adds what is its own.

// projectAttribute is project; what a change of project moves is what ("the link", "the links").
func projectAttribute(what string) resourceschema.StringAttribute {
	return resourceschema.StringAttribute{
		MarkdownDescription: "The project's numeric ID or full path (`group/subgroup/project`). Changing it to another " +
			"project moves " + what + ", as a change of `tag_name` does; switching between the ID and the path of the same " +
			"project changes nothing.",
		Required:   true,
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
}

// tagNameAttribute is tag_name, with each resource's description of a change.
func tagNameAttribute(description string) resourceschema.StringAttribute {
	return resourceschema.StringAttribute{MarkdownDescription: description, Required: true,
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)}}
}

// linkURLAttribute is url, an http, https or ftp URL checked at plan time by GitLab's rules.
func linkURLAttribute(description string, required bool) resourceschema.StringAttribute {
	return resourceschema.StringAttribute{MarkdownDescription: description, Required: required, Optional: !required,
		Validators: []validator.String{linkURL}}
}

// linkTypeAttribute is link_type, one of linkTypes, "other" when left out as GitLab makes it.
func linkTypeAttribute() resourceschema.StringAttribute {
	return resourceschema.StringAttribute{
		MarkdownDescription: "The kind of asset: `other` (the default), `runbook`, `image` or `package`.",
		Optional:            true,
		Computed:            true,
		Default:             stringdefault.StaticString("other"),
		Validators:          []validator.String{stringvalidator.OneOf(linkTypes...)},
	}
}

// directAssetPathAttribute is direct_asset_path, checked at plan time by GitLab's filepath rules and by more; more
// of the description follows the common part.
func directAssetPathAttribute(description string, computed bool, more ...validator.String) resourceschema.StringAttribute {
	return resourceschema.StringAttribute{
		MarkdownDescription: "The permanent download path, served at `/<project>/-/releases/<tag_name>/downloads<path>`, " +
			"e.g. `/bin/app-linux-amd64`. Remove it to clear the path." + description,
		Optional:   true,
		Computed:   computed,
		Validators: slices.Concat(assetPathValidators, more),
	}
}

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
