# By name: what a pipeline knows about an asset.
data "gitlab_release_link" "linux" {
  project  = "my-group/my-app"
  tag_name = "v1.2.0"
  name     = "my-app-linux-amd64"
}

# By GitLab's link ID, with the project given by its numeric ID.
data "gitlab_release_link" "runbook" {
  project  = "42"
  tag_name = "v1.2.0"
  link_id  = 18
}

output "linux_download" {
  value = data.gitlab_release_link.linux.direct_asset_url
}
