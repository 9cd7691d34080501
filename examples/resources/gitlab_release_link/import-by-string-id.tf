import {
  to = gitlab_release_link.linux
  id = "my-group/my-app:v1.2.0:17"
}
