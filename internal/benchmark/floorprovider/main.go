// Command floorprovider is the benchmark's framework floor: a provider built on the same terraform-plugin-framework
// whose resources have the real resources' schemas, taken from them (schema.go), and do nothing. It makes no HTTP request; Create copies the
// plan into state and invents the computed values, Read leaves state as it is (adding the identity that Terraform
// before 1.12 does not keep), Update copies the plan, Delete returns. What Terraform's phases cost it is what any
// framework provider of this schema costs: decoding and encoding every value, the framework's plan and state
// handling, its TRACE logging and gRPC. The benchmark builds it at bench time; the shipped provider neither
// imports it nor is built from it.
//
// Validators, plan modifiers and ModifyPlan are left out on purpose: they are the real provider's own work, so
// they show in the difference between the two.
package main

import (
	"context"
	"fmt"
	"log"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	providerschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/profiling"
)

func main() {
	stopProfiles := profiling.Start("floorprovider")
	err := providerserver.Serve(context.Background(), func() provider.Provider { return floorProvider{} }, providerserver.ServeOpts{
		Address: "registry.terraform.io/gitlab-release-links/gitlab",
	})
	stopProfiles()
	if err != nil {
		log.Fatal(err.Error())
	}
}

// floorProvider accepts the benchmark's provider block and serves the two resource types (links.go has the other).
type floorProvider struct{}

func (floorProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "gitlab"
}

func (floorProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = providerschema.Schema{Attributes: map[string]providerschema.Attribute{
		"base_url": providerschema.StringAttribute{Optional: true},
		"token":    providerschema.StringAttribute{Optional: true, Sensitive: true},
	}}
}

func (floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (floorProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return &linkResource{} },
		func() resource.Resource { return &linksResource{} },
	}
}

func (floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

var _ resource.ResourceWithIdentity = &linkResource{}

// linkResource is gitlab_release_link without GitLab.
type linkResource struct{}

// lastLinkID numbers the links this process invents.
var lastLinkID atomic.Int64

// linkIdentity is the real resource's identity.
type linkIdentity struct {
	Project types.String `tfsdk:"project"`
	TagName types.String `tfsdk:"tag_name"`
	LinkID  types.Int64  `tfsdk:"link_id"`
}

func (r *linkResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_release_link"
	resp.ResourceBehavior.MutableIdentity = true
}

func (r *linkResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = realSchema(ctx, realLink)
}

func (r *linkResource) IdentitySchema(ctx context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = realIdentity(ctx, realLink)
}

func (r *linkResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State.Raw = req.Plan.Raw.Copy()
	resp.Diagnostics.Append(r.fillComputed(ctx, req.Plan.GetAttribute, lastLinkID.Add(1), &resp.State, resp.Identity)...)
}

// Read leaves state as it is. Terraform before 1.12 keeps no identity, and the framework then wants one back from
// every Read, as the real resource sets it.
func (r *linkResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if resp.Identity == nil || !resp.Identity.Raw.IsNull() {
		return
	}
	var identity linkIdentity
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("project"), &identity.Project)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("tag_name"), &identity.TagName)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("link_id"), &identity.LinkID)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identity)...)
}

func (r *linkResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var linkID int64
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("link_id"), &linkID)...)
	resp.State.Raw = req.Plan.Raw.Copy()
	resp.Diagnostics.Append(r.fillComputed(ctx, req.Plan.GetAttribute, linkID, &resp.State, resp.Identity)...)
}

func (r *linkResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// fillComputed sets what the plan left unknown: id and link_id from the given link ID, direct_asset_url from url,
// external null as on GitLab 16.0 and later, a path left unknown null; and the identity when Terraform passes one.
func (r *linkResource) fillComputed(ctx context.Context, get func(context.Context, path.Path, any) diag.Diagnostics,
	linkID int64, state *tfsdk.State, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	var project, tag, url string
	diags := get(ctx, path.Root("project"), &project)
	diags.Append(get(ctx, path.Root("tag_name"), &tag)...)
	diags.Append(get(ctx, path.Root("url"), &url)...)
	if diags.HasError() {
		return diags
	}
	diags.Append(state.SetAttribute(ctx, path.Root("id"), fmt.Sprintf("%s:%s:%d", project, tag, linkID))...)
	diags.Append(state.SetAttribute(ctx, path.Root("link_id"), linkID)...)
	diags.Append(state.SetAttribute(ctx, path.Root("direct_asset_url"), url)...)
	diags.Append(state.SetAttribute(ctx, path.Root("external"), types.BoolNull())...)
	// The real resource plans the path under both its names (ModifyPlan); without a path both stay unknown here.
	for _, name := range []string{"direct_asset_path", "filepath"} {
		var v types.String
		diags.Append(get(ctx, path.Root(name), &v)...)
		if v.IsUnknown() {
			diags.Append(state.SetAttribute(ctx, path.Root(name), types.StringNull())...)
		}
	}
	if identity != nil {
		diags.Append(identity.Set(ctx, linkIdentity{
			Project: types.StringValue(project), TagName: types.StringValue(tag), LinkID: types.Int64Value(linkID),
		})...)
	}
	return diags
}
