# Terraform 1.12 and later.
import {
  to = gitlab_release_links.app
  identity = {
    project  = "my-group/my-app"
    tag_name = "v1.2.0"
  }
}
