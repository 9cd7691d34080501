data "gitlab_release_links" "v1" {
  project  = "my-group/my-app"
  tag_name = "v1.2.0"
}

# Only the packages.
data "gitlab_release_links" "packages" {
  project   = "my-group/my-app"
  tag_name  = "v1.2.0"
  link_type = "package"
}

output "tarball_url" {
  value = data.gitlab_release_links.v1.links_by_name["my-app.tar.gz"].url
}

output "package_names" {
  value = [for link in data.gitlab_release_links.packages.release_links : link.name]
}
