# releases.tfquery.hcl: every release of a project, newest first, each as one gitlab_release_links resource that
# holds all of its links. The provider block stays in a .tf file of the same directory.
list "gitlab_release_links" "releases" {
  provider = gitlab

  config {
    project = "my-group/my-app" # numeric ID or full path, written as given into the results
  }

  # The full resource, so that terraform query -generate-config-out can write resource blocks.
  include_resource = true
  limit            = 1000 # Terraform stops at 100 results unless limit says otherwise
}
