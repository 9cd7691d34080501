// Command terraform-provider-gitlab is a Terraform provider that manages GitLab release links.
package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/provider"
)

// version is set at build time with -ldflags "-X main.version=1.2.3".
var version = "dev"

// onServeReturn runs once Serve has returned. It does nothing, except in a build with -tags pprof, where pprof.go
// sets it to finish the profiles.
var onServeReturn = func() {}

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider with support for debuggers such as delve")
	flag.Parse()
	for name, value := range unreadLogSettings(debug, os.LookupEnv) {
		_ = os.Setenv(name, value) // cannot fail for these names and values
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/gitlab-release-links/gitlab",
		Debug:   debug,
	})
	onServeReturn()
	if err != nil {
		log.Fatal(err.Error())
	}
}
