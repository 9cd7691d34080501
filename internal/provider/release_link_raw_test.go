package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestReleaseLinkRawMatchesFramework holds the direct conversions of release_link_raw.go to the framework's own
// reflection-based Get and Set, for models with known, null and unknown values and with and without timeouts.
func TestReleaseLinkRawMatchesFramework(t *testing.T) {
	ctx := context.Background()
	var schemaResp resource.SchemaResponse
	(&releaseLinkResource{}).Schema(ctx, resource.SchemaRequest{}, &schemaResp)
	var identityResp resource.IdentitySchemaResponse
	(&releaseLinkResource{}).IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &identityResp)
	timeoutsAttrs := map[string]attr.Type{"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType}
	full := releaseLinkModel{
		ID: types.StringValue("grp/proj:v1:7"), Project: types.StringValue("grp/proj"), TagName: types.StringValue("v1"),
		LinkID: types.Int64Value(7), Name: types.StringValue("app"), URL: types.StringValue("https://x/app"),
		LinkType: types.StringValue("package"), DirectAssetPath: types.StringValue("/bin/app"), Filepath: types.StringValue("/bin/app"),
		DirectAssetURL: types.StringValue("https://gitlab/grp/proj/-/releases/v1/downloads/bin/app"), External: types.BoolValue(false),
	}
	planned := full
	planned.ID, planned.LinkID, planned.DirectAssetURL, planned.External = types.StringUnknown(), types.Int64Unknown(), types.StringUnknown(), types.BoolUnknown()
	bare := releaseLinkModel{
		ID: types.StringNull(), Project: types.StringValue("42"), TagName: types.StringValue("release/v2+b"), LinkID: types.Int64Null(),
		Name: types.StringNull(), URL: types.StringNull(), LinkType: types.StringNull(), DirectAssetPath: types.StringNull(),
		Filepath: types.StringValue(""), DirectAssetURL: types.StringNull(), External: types.BoolNull(),
	}
	someTimeouts := timeouts.Value{Object: types.ObjectValueMust(timeoutsAttrs, map[string]attr.Value{
		"create": types.StringValue("2m"), "read": types.StringNull(), "update": types.StringUnknown(), "delete": types.StringValue("1h"),
	})}
	noTimeouts := timeouts.Value{Object: types.ObjectNull(timeoutsAttrs)}
	tests := map[string]releaseLinkResourceModel{
		"state":            {releaseLinkModel: full, Timeouts: noTimeouts},
		"plan":             {releaseLinkModel: planned, Timeouts: someTimeouts},
		"nulls":            {releaseLinkModel: bare, Timeouts: noTimeouts},
		"import, timeouts": {releaseLinkModel: bare, Timeouts: someTimeouts},
	}
	for name, model := range tests {
		t.Run(name, func(t *testing.T) {
			viaFramework := tfsdk.State{Schema: schemaResp.Schema}
			if diags := viaFramework.Set(ctx, &model); diags.HasError() {
				t.Fatal(diags)
			}
			raw, diags := model.toRaw(ctx, viaFramework.Raw.Type())
			if diags.HasError() || !raw.Equal(viaFramework.Raw) {
				t.Fatalf("toRaw = %v (%v), framework's Set = %v", raw, diags, viaFramework.Raw)
			}
			var back, frameworkBack releaseLinkResourceModel
			if diags := back.fromRaw(ctx, viaFramework.Raw); diags.HasError() {
				t.Fatal(diags)
			}
			if diags := viaFramework.Get(ctx, &frameworkBack); diags.HasError() {
				t.Fatal(diags)
			}
			again, _ := back.toRaw(ctx, viaFramework.Raw.Type())
			frameworkAgain, _ := frameworkBack.toRaw(ctx, viaFramework.Raw.Type())
			if !again.Equal(frameworkAgain) || !back.Timeouts.Equal(frameworkBack.Timeouts) || back.releaseLinkModel != frameworkBack.releaseLinkModel {
				t.Fatalf("fromRaw = %+v, framework's Get = %+v", back, frameworkBack)
			}

			identity := tfsdk.ResourceIdentity{Schema: identityResp.IdentitySchema,
				Raw: tftypes.NewValue(identityResp.IdentitySchema.Type().TerraformType(ctx), nil)}
			frameworkIdentity := identity
			if diags := setIdentity(ctx, &identity, model.releaseLinkModel); diags.HasError() {
				t.Fatal(diags)
			}
			if diags := frameworkIdentity.Set(ctx, releaseLinkIdentityModel{Project: model.Project, TagName: model.TagName, LinkID: model.LinkID}); diags.HasError() {
				t.Fatal(diags)
			}
			if !identity.Raw.Equal(frameworkIdentity.Raw) {
				t.Fatalf("setIdentity = %v, framework's Set = %v", identity.Raw, frameworkIdentity.Raw)
			}
		})
	}

	// A value of another shape is reported, not half-read.
	var m releaseLinkResourceModel
	if diags := m.fromRaw(ctx, tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}},
		map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, "x")})); !diags.HasError() {
		t.Fatal("a value without the resource's attributes was read without an error")
	}
}
