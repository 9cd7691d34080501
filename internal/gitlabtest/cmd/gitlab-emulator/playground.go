package main

import (
	"fmt"
	"io"
	neturl "net/url"
	"os"
	"path/filepath"
)

// providerAddress is the provider's registry address without a host: Terraform reads it as
// registry.terraform.io/..., OpenTofu as registry.opentofu.org/..., so one CLI configuration serves both.
const providerAddress = "gitlab-release-links/gitlab"

// writeCLIConfig writes a Terraform CLI configuration whose dev_overrides send the provider to the build in binDir
// (an absolute path: Terraform does not resolve a relative one against the configuration file) to a new temporary
// file, and returns its path.
func writeCLIConfig(binDir string) (string, error) {
	f, err := os.CreateTemp("", "gitlab-emulator-*.tfrc")
	if err != nil {
		return "", err
	}
	_, werr := io.WriteString(f, cliConfig(binDir))
	if err := f.Close(); werr == nil {
		werr = err
	}
	if werr != nil {
		_ = os.Remove(f.Name())
		return "", werr
	}
	return f.Name(), nil
}

func cliConfig(binDir string) string {
	return fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", providerAddress, binDir)
}

// printPlayground prints, after the emulator's key=value lines, what a user copies to try the provider against it:
// a configuration with its URL and token, the command that points Terraform at the local build, and a curl command
// that adds a release to put links on.
func printPlayground(w io.Writer, url, token, binDir, rcPath string) {
	built := "make build"
	if _, err := os.Stat(filepath.Join(binDir, "terraform-provider-gitlab")); err != nil {
		built = "not built yet: run make build"
	}
	fmt.Fprintf(w, `
# Try the provider against this emulator. In another shell, in an empty directory, save this as main.tf:
terraform {
  required_providers {
    gitlab = { source = %q }
  }
}

provider "gitlab" {
  base_url = %q
  token    = %q
}

data "gitlab_release_links" "demo" {
  project  = %q
  tag_name = %q
}

# Then run these, for Terraform to use the build in %s (%s), with no terraform init,
# through a CLI configuration that this emulator wrote and removes when it stops:
export TF_CLI_CONFIG_FILE=%s
terraform plan

# A second release, to put links on (as examples/demo/demo.sh makes one):
curl -sf -H "PRIVATE-TOKEN: %s" -H 'Content-Type: application/json' -d '{"tag_name":"v1.1.0","ref":"main"}' %s/api/v4/projects/%s/releases
`, providerAddress, url, token, demoProject, demoTag, binDir, built, rcPath, token, url, neturl.PathEscape(demoProject))
}
