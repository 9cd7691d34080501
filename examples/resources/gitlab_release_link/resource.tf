# A binary with a permanent download path:
# https://gitlab.example.com/my-group/my-app/-/releases/v1.2.0/downloads/bin/my-app-linux-amd64
resource "gitlab_release_link" "linux" {
  project           = "my-group/my-app"
  tag_name          = "v1.2.0"
  name              = "my-app-linux-amd64"
  url               = "https://downloads.example.com/my-app/v1.2.0/my-app-linux-amd64"
  link_type         = "package"
  direct_asset_path = "/bin/my-app-linux-amd64"
}

# A runbook, on a project given by its numeric ID.
resource "gitlab_release_link" "runbook" {
  project   = "42"
  tag_name  = "v1.2.0"
  name      = "Runbook"
  url       = "https://runbooks.example.com/my-app"
  link_type = "runbook"
}
