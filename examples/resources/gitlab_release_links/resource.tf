# Every link of release v1.2.0, and nothing else: a link added to the release outside Terraform shows in the next
# plan as one to delete.
resource "gitlab_release_links" "app" {
  project  = "my-group/my-app"
  tag_name = "v1.2.0"

  links = {
    # Served at https://gitlab.example.com/my-group/my-app/-/releases/v1.2.0/downloads/bin/my-app-linux-amd64
    "my-app-linux-amd64" = {
      url               = "https://downloads.example.com/my-app/v1.2.0/my-app-linux-amd64"
      link_type         = "package"
      direct_asset_path = "/bin/my-app-linux-amd64"
    }
    "Runbook" = {
      url       = "https://runbooks.example.com/my-app"
      link_type = "runbook"
    }
  }
}
