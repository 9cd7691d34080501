# Every link of every release of a project, newest release first. Terraform stops at 100 results unless
# limit says otherwise.
list "gitlab_release_link" "all" {
  provider = gitlab

  config {
    project = "my-group/my-app"
  }

  include_resource = true
  limit            = 1000
}
