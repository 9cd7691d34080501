import {
  to = gitlab_release_links.app
  id = "my-group/my-app:v1.2.0"
}
