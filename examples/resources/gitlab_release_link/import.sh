# <project>:<tag_name>:<link_id>, where <project> is the numeric ID or the full path (the official provider's form).
terraform import gitlab_release_link.linux my-group/my-app:v1.2.0:17
terraform import gitlab_release_link.runbook 42:v1.2.0:18

# <project>/<tag_name>/<link_id> also works; the provider asks GitLab which split of the slashes is meant.
terraform import gitlab_release_link.linux my-group/my-app/v1.2.0/17
