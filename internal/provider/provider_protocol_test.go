package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// protocolProvider is the provider behind the plugin protocol, configured against a GitLab.
type protocolProvider struct {
	server tfprotov6.ProviderServer
	schema *tfprotov6.Schema // gitlab_release_link's
}

func newProtocolProvider(t *testing.T, baseURL, token string) *protocolProvider {
	t.Helper()
	ctx := context.Background()
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	requireNoErrors(t, "GetProviderSchema", schemas.Diagnostics, err)
	p := &protocolProvider{server: server, schema: schemas.ResourceSchemas[releaseLinkType]}
	config := objectWith(t, schemas.Provider.ValueType(), map[string]tftypes.Value{
		"base_url": tftypes.NewValue(tftypes.String, baseURL), "token": tftypes.NewValue(tftypes.String, token)})
	configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.11.4", Config: dynamicValue(t, config)})
	requireNoErrors(t, "ConfigureProvider", configured.Diagnostics, err)
	return p
}

// resourceConfig is the configuration of a gitlab_release_link, validated as Terraform validates it.
func (p *protocolProvider) resourceConfig(t *testing.T, project, tag string, attrs map[string]string) tftypes.Value {
	t.Helper()
	values := map[string]tftypes.Value{
		"project": tftypes.NewValue(tftypes.String, project), "tag_name": tftypes.NewValue(tftypes.String, tag)}
	for k, v := range attrs {
		values[k] = tftypes.NewValue(tftypes.String, v)
	}
	config := objectWith(t, p.schema.ValueType(), values)
	resp, err := p.server.ValidateResourceConfig(context.Background(), &tfprotov6.ValidateResourceConfigRequest{
		TypeName: releaseLinkType, Config: dynamicValue(t, config)})
	requireNoErrors(t, "ValidateResourceConfig", resp.Diagnostics, err)
	return config
}

// upgrade reads a stored state of schema version 0, as UpgradeResourceState does for every stored instance.
func (p *protocolProvider) upgrade(t *testing.T, rawJSON string) *tfprotov6.DynamicValue {
	t.Helper()
	resp, err := p.server.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{
		TypeName: releaseLinkType, Version: 0, RawState: &tfprotov6.RawState{JSON: []byte(rawJSON)}})
	requireNoErrors(t, "UpgradeResourceState", resp.Diagnostics, err)
	return resp.UpgradedState
}

// read refreshes a state against GitLab.
func (p *protocolProvider) read(t *testing.T, state *tfprotov6.DynamicValue, private []byte) (*tfprotov6.DynamicValue, []byte) {
	t.Helper()
	resp, err := p.server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{
		TypeName: releaseLinkType, CurrentState: state, Private: private})
	requireNoErrors(t, "ReadResource", resp.Diagnostics, err)
	if resp.NewState == nil || p.value(t, resp.NewState).IsNull() {
		t.Fatal("ReadResource removed the link from state")
	}
	return resp.NewState, resp.Private
}

// plan plans config against prior, with the proposed new state Terraform would send, and returns the planned
// state, failing when the plan would replace the link.
func (p *protocolProvider) plan(t *testing.T, prior tftypes.Value, private []byte, config tftypes.Value) tftypes.Value {
	t.Helper()
	resp, err := p.server.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: releaseLinkType, PriorState: dynamicValue(t, prior), PriorPrivate: private,
		ProposedNewState: dynamicValue(t, p.proposedNewState(t, prior, config)), Config: dynamicValue(t, config)})
	requireNoErrors(t, "PlanResourceChange", resp.Diagnostics, err)
	if len(resp.RequiresReplace) > 0 {
		t.Errorf("the plan replaces the link because of %v", resp.RequiresReplace)
	}
	return p.value(t, resp.PlannedState)
}

// proposedNewState is what Terraform core proposes for a flat schema: the configured value, or for a computed
// attribute left unset, the prior one.
func (p *protocolProvider) proposedNewState(t *testing.T, prior, config tftypes.Value) tftypes.Value {
	t.Helper()
	proposed := map[string]tftypes.Value{}
	for _, a := range p.schema.Block.Attributes {
		proposed[a.Name] = attribute(t, config, a.Name)
		if proposed[a.Name].IsNull() && a.Computed {
			proposed[a.Name] = attribute(t, prior, a.Name)
		}
	}
	for _, b := range p.schema.Block.BlockTypes {
		proposed[b.TypeName] = attribute(t, config, b.TypeName)
	}
	return tftypes.NewValue(p.schema.ValueType(), proposed)
}

func (p *protocolProvider) value(t *testing.T, dv *tfprotov6.DynamicValue) tftypes.Value {
	t.Helper()
	v, err := dv.Unmarshal(p.schema.ValueType())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// objectWith is an object of type typ holding values, with every other attribute null.
func objectWith(t *testing.T, typ tftypes.Type, values map[string]tftypes.Value) tftypes.Value {
	t.Helper()
	object, ok := typ.(tftypes.Object)
	if !ok {
		t.Fatalf("%s is not an object type", typ)
	}
	attrs := map[string]tftypes.Value{}
	for name, attrType := range object.AttributeTypes {
		attrs[name] = tftypes.NewValue(attrType, nil)
		if v, ok := values[name]; ok {
			attrs[name] = v
		}
	}
	return tftypes.NewValue(typ, attrs)
}

// attribute is one top-level attribute of an object value.
func attribute(t *testing.T, object tftypes.Value, name string) tftypes.Value {
	t.Helper()
	var attrs map[string]tftypes.Value
	if err := object.As(&attrs); err != nil {
		t.Fatal(err)
	}
	v, ok := attrs[name]
	if !ok {
		t.Fatalf("the object has no attribute %q", name)
	}
	return v
}

func dynamicValue(t *testing.T, v tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(v.Type(), v)
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// requireNoErrors fails the test on a protocol error or an error diagnostic; warnings (deprecations) are fine.
func requireNoErrors(t *testing.T, call string, diags []*tfprotov6.Diagnostic, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %s", call, err)
	}
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("%s: %s: %s", call, d.Summary, d.Detail)
		}
	}
}
