# assets.tfquery.hcl: the links of one release. The provider block stays in a .tf file of the same directory.
list "gitlab_release_link" "v1_2_0" {
  provider = gitlab

  config {
    project  = "my-group/my-app" # numeric ID or full path, written as given into the results
    tag_name = "v1.2.0"
  }

  # The full resource, so that terraform query -generate-config-out can write resource blocks.
  include_resource = true
}
