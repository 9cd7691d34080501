package provider

import (
	"context"
	"fmt"
	"math/big"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// TestReleaseLinkIdentity drives the protocol as Terraform 1.12+ does for an import block with an identity,
// which the Terraform 1.11 on the test machines cannot.
func TestReleaseLinkIdentity(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	path := "/bin/app"
	link := env.createLink(t, env.Tag, gitlab.CreateReleaseLinkOptions{Name: "app", URL: "https://example.com/app", LinkType: "package", DirectAssetPath: &path})

	p := newProtocolProvider(t, env.BaseURL, env.Token)
	server := p.server
	identitySchemas, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	identitySchema := identitySchemas.IdentitySchemas["gitlab_release_link"]
	if identitySchema == nil {
		t.Fatalf("no identity schema for gitlab_release_link: %v", identitySchemas.Diagnostics)
	}
	for _, a := range identitySchema.IdentityAttributes {
		if !a.RequiredForImport {
			t.Errorf("identity attribute %s is not required for import", a.Name)
		}
	}
	identityType := identitySchema.ValueType()
	identity := tftypes.NewValue(identityType, map[string]tftypes.Value{
		"project":  tftypes.NewValue(tftypes.String, env.Project),
		"tag_name": tftypes.NewValue(tftypes.String, env.Tag),
		"link_id":  tftypes.NewValue(tftypes.Number, big.NewFloat(float64(link.ID))),
	})

	imported, err := server.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{
		TypeName: "gitlab_release_link",
		Identity: &tfprotov6.ResourceIdentityData{IdentityData: dynamicValue(t, identity)},
	})
	if err != nil || len(imported.Diagnostics) != 0 || len(imported.ImportedResources) != 1 {
		t.Fatalf("import: %v %v", err, imported.Diagnostics)
	}
	resourceType := p.schema.ValueType()
	read, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{
		TypeName:        "gitlab_release_link",
		CurrentState:    imported.ImportedResources[0].State,
		CurrentIdentity: imported.ImportedResources[0].Identity,
	})
	if err != nil || len(read.Diagnostics) != 0 {
		t.Fatalf("read: %v %v", err, read.Diagnostics)
	}
	state, err := read.NewState.Unmarshal(resourceType)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := state.As(&attrs); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"id": fmt.Sprintf("%s:%s:%d", env.Project, env.Tag, link.ID), "project": env.Project, "tag_name": env.Tag,
		"name": "app", "url": "https://example.com/app", "link_type": "package", "direct_asset_path": "/bin/app",
	}
	for name, value := range want {
		var got string
		if err := attrs[name].As(&got); err != nil || got != value {
			t.Errorf("%s = %q (%v), want %q", name, got, err, value)
		}
	}
	gotIdentity, err := read.NewIdentity.IdentityData.Unmarshal(identityType)
	if err != nil || !gotIdentity.Equal(identity) {
		t.Errorf("identity after read = %v (%v), want %v", gotIdentity, err, identity)
	}
}
