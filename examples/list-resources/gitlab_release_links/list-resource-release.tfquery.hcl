# One release, with every link it has.
list "gitlab_release_links" "v1_2_0" {
  provider = gitlab

  config {
    project  = "my-group/my-app"
    tag_name = "v1.2.0"
  }

  include_resource = true
}
