package main

import (
	"context"
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var _ resource.ResourceWithIdentity = &linksResource{}

// linksResource is gitlab_release_links without GitLab: the real resource's schema, and CRUD that only fills in
// what the plan left unknown, directly on Terraform's values.
type linksResource struct{}

// releaseIdentity is the real resource's identity.
type releaseIdentity struct {
	Project types.String `tfsdk:"project"`
	TagName types.String `tfsdk:"tag_name"`
}

func (r *linksResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_release_links"
	resp.ResourceBehavior.MutableIdentity = true
}

func (r *linksResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = realSchema(ctx, realLinks)
}

func (r *linksResource) IdentitySchema(ctx context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = realIdentity(ctx, realLinks)
}

func (r *linksResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.Diagnostics.Append(r.fill(ctx, req.Plan.Raw, &resp.State, resp.Identity)...)
}

// Read leaves state as it is, adding the identity that Terraform before 1.12 does not keep.
func (r *linksResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if resp.Identity == nil || !resp.Identity.Raw.IsNull() {
		return
	}
	var identity releaseIdentity
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("project"), &identity.Project)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("tag_name"), &identity.TagName)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identity)...)
}

func (r *linksResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.Append(r.fill(ctx, req.Plan.Raw, &resp.State, resp.Identity)...)
}

func (r *linksResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// fill stores the plan as state with what it left unknown filled in: id from project and tag, each link's
// link_id from a new number and its direct_asset_url from its url; and the identity when Terraform passes one.
func (r *linksResource) fill(ctx context.Context, plan tftypes.Value, state *tfsdk.State, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	var diags diag.Diagnostics
	top := map[string]tftypes.Value{}
	links := map[string]tftypes.Value{}
	var project, tag string
	if err := plan.As(&top); err != nil {
		diags.AddError("Floor", err.Error())
		return diags
	}
	if err := top["links"].As(&links); err != nil {
		diags.AddError("Floor", err.Error())
		return diags
	}
	_, _ = top["project"].As(&project), top["tag_name"].As(&tag)
	linksType, ok := top["links"].Type().(tftypes.Map)
	if !ok {
		diags.AddError("Floor", "links is not a map")
		return diags
	}
	for name, link := range links {
		fields := map[string]tftypes.Value{}
		if err := link.As(&fields); err != nil {
			diags.AddError("Floor", err.Error())
			return diags
		}
		if !fields["link_id"].IsKnown() {
			fields["link_id"] = tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(lastLinkID.Add(1)))
		}
		if !fields["direct_asset_url"].IsKnown() {
			fields["direct_asset_url"] = fields["url"]
		}
		links[name] = tftypes.NewValue(linksType.ElementType, fields)
	}
	top["links"] = tftypes.NewValue(linksType, links)
	top["id"] = tftypes.NewValue(tftypes.String, fmt.Sprintf("%s:%s", project, tag))
	state.Raw = tftypes.NewValue(plan.Type(), top)
	if identity != nil {
		diags.Append(identity.Set(ctx, releaseIdentity{Project: types.StringValue(project), TagName: types.StringValue(tag)})...)
	}
	return diags
}
