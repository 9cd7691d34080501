// Command terraform-provider-http serves the httpprovidertest stand-in for hashicorp/http, which tests reach
// through a dev_overrides entry for hashicorp/http (see internal/provider/guide_link_check_test.go).
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/httpprovidertest"
)

func main() {
	err := providerserver.Serve(context.Background(), httpprovidertest.New, providerserver.ServeOpts{
		Address: "registry.terraform.io/hashicorp/http",
	})
	if err != nil {
		log.Fatal(err)
	}
}
