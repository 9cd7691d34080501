package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The resource reads and writes its whole model on every plan, refresh and apply of every link. The framework's
// Get and Set do that by reflection and compile a regular expression for every struct field on every call
// (terraform-plugin-framework#725), which made them the largest part of the provider's own CPU at 1,000 links.
// fromRaw and toRaw convert between the model and Terraform's values directly instead, attribute by attribute;
// TestReleaseLinkRawMatchesFramework holds them to the framework's Get and Set.

// attributes lists the model's attributes by name, as pointers, for fromRaw and toRaw.
func (m *releaseLinkResourceModel) attributes() map[string]any {
	return map[string]any{
		"id": &m.ID, "project": &m.Project, "tag_name": &m.TagName, "link_id": &m.LinkID, "name": &m.Name,
		"url": &m.URL, "link_type": &m.LinkType, "direct_asset_path": &m.DirectAssetPath, "filepath": &m.Filepath,
		"direct_asset_url": &m.DirectAssetURL, "external": &m.External, "timeouts": &m.Timeouts,
	}
}

// fromRaw fills the model from a plan, state or configuration value of the resource.
func (m *releaseLinkResourceModel) fromRaw(ctx context.Context, raw tftypes.Value) diag.Diagnostics {
	var diags diag.Diagnostics
	values := map[string]tftypes.Value{}
	if err := raw.As(&values); err != nil {
		diags.AddError("Unable to Read Terraform Value", fmt.Sprintf("The resource's value cannot be read: %s. Please report this issue.", err))
		return diags
	}
	for name, field := range m.attributes() {
		v, ok := values[name]
		if !ok {
			diags.AddError("Unable to Read Terraform Value", fmt.Sprintf("The resource's value has no attribute %q. Please report this issue.", name))
			continue
		}
		var (
			value attr.Value
			err   error
		)
		switch f := field.(type) {
		case *types.String:
			value, err = types.StringType.ValueFromTerraform(ctx, v)
			if err == nil {
				*f = value.(types.String) //nolint:forcetypeassert // StringType makes only types.String
			}
		case *types.Int64:
			value, err = types.Int64Type.ValueFromTerraform(ctx, v)
			if err == nil {
				*f = value.(types.Int64) //nolint:forcetypeassert // Int64Type makes only types.Int64
			}
		case *types.Bool:
			value, err = types.BoolType.ValueFromTerraform(ctx, v)
			if err == nil {
				*f = value.(types.Bool) //nolint:forcetypeassert // BoolType makes only types.Bool
			}
		case *timeouts.Value:
			value, err = timeoutsType(v.Type()).ValueFromTerraform(ctx, v)
			if err == nil {
				*f = value.(timeouts.Value) //nolint:forcetypeassert // timeouts.Type makes only timeouts.Value
			}
		}
		if err != nil {
			diags.AddAttributeError(path.Root(name), "Unable to Read Terraform Value", fmt.Sprintf("%s. Please report this issue.", err))
		}
	}
	return diags
}

// toRaw is the model as a value of the object type typ, the type of the resource's plan and state.
func (m *releaseLinkResourceModel) toRaw(ctx context.Context, typ tftypes.Type) (tftypes.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	values := make(map[string]tftypes.Value, 12)
	for name, field := range m.attributes() {
		v, err := field.(attr.Value).ToTerraformValue(ctx) //nolint:forcetypeassert // every field is a pointer to an attr.Value
		if err != nil {
			diags.AddAttributeError(path.Root(name), "Unable to Write Terraform Value", fmt.Sprintf("%s. Please report this issue.", err))
		}
		values[name] = v
	}
	return tftypes.NewValue(typ, values), diags
}

// save stores the model as the resource's state, and its identity where Terraform supports one.
func (m *releaseLinkResourceModel) save(ctx context.Context, state *tfsdk.State, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	raw, diags := m.toRaw(ctx, rawType(ctx, state.Raw, state.Schema))
	if diags.HasError() {
		return diags
	}
	state.Raw = raw
	diags.Append(setIdentity(ctx, identity, m.releaseLinkModel)...)
	return diags
}

// setIdentity stores the resource identity when Terraform supports it (1.12+); older versions pass no identity.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, m releaseLinkModel) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	var diags diag.Diagnostics
	values := map[string]tftypes.Value{}
	for name, v := range map[string]attr.Value{"project": m.Project, "tag_name": m.TagName, "link_id": m.LinkID} {
		raw, err := v.ToTerraformValue(ctx)
		if err != nil {
			diags.AddError("Unable to Write Resource Identity", fmt.Sprintf("%s: %s. Please report this issue.", name, err))
		}
		values[name] = raw
	}
	identity.Raw = tftypes.NewValue(rawType(ctx, identity.Raw, identity.Schema), values)
	return diags
}

// rawType is the Terraform type of a plan, state or identity: that of the value the framework passed in, which
// always carries it, or else the schema's.
func rawType(ctx context.Context, raw tftypes.Value, schema interface {
	Type() attr.Type
}) tftypes.Type {
	if typ := raw.Type(); typ != nil {
		return typ
	}
	return schema.Type().TerraformType(ctx)
}

// timeoutsType is the framework type of the timeouts block, whose attributes are all strings, for its value's
// Terraform type.
func timeoutsType(typ tftypes.Type) timeouts.Type {
	attrTypes := map[string]attr.Type{}
	if object, ok := typ.(tftypes.Object); ok {
		for name := range object.AttributeTypes {
			attrTypes[name] = types.StringType
		}
	}
	return timeouts.Type{ObjectType: types.ObjectType{AttrTypes: attrTypes}}
}
