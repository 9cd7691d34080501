package main

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/provider"
)

// The floor's resources have the real resources' schemas, taken from them so that the two cannot drift apart:
// every attribute with its name, type, required, optional, computed, sensitive, default and deprecation, and the
// timeouts block, with the validators and plan modifiers taken out, since those are the real provider's own work.

// realSchema returns the schema of the real resource that newResource makes, without validators or plan modifiers.
func realSchema(ctx context.Context, newResource func() resource.Resource) schema.Schema {
	var resp resource.SchemaResponse
	newResource().Schema(ctx, resource.SchemaRequest{}, &resp)
	s := resp.Schema
	s.Attributes = bare(s.Attributes)
	return s
}

// realIdentity returns the identity schema of the real resource that newResource makes.
func realIdentity(ctx context.Context, newResource func() resource.Resource) identityschema.Schema {
	r, ok := newResource().(resource.ResourceWithIdentity)
	if !ok {
		panic("floor: the real resource has no identity")
	}
	var resp resource.IdentitySchemaResponse
	r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &resp)
	return resp.IdentitySchema
}

// bare returns the attributes without their validators and plan modifiers.
func bare(attributes map[string]schema.Attribute) map[string]schema.Attribute {
	out := make(map[string]schema.Attribute, len(attributes))
	for name, a := range attributes {
		switch a := a.(type) {
		case schema.StringAttribute:
			a.Validators, a.PlanModifiers = nil, nil
			out[name] = a
		case schema.Int64Attribute:
			a.Validators, a.PlanModifiers = nil, nil
			out[name] = a
		case schema.BoolAttribute:
			a.Validators, a.PlanModifiers = nil, nil
			out[name] = a
		case schema.MapNestedAttribute:
			a.Validators, a.PlanModifiers = nil, nil
			a.NestedObject.Validators, a.NestedObject.PlanModifiers = nil, nil
			a.NestedObject.Attributes = bare(a.NestedObject.Attributes)
			out[name] = a
		default:
			panic(fmt.Sprintf("floor: attribute %q is a %T, which bare does not know yet", name, a))
		}
	}
	return out
}

// The real resources, as the floor's schemas come from them.
var (
	realLink  = provider.NewReleaseLinkResource
	realLinks = provider.NewReleaseLinksResource
)
