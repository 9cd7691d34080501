# <project>:<tag_name>, where <project> is the numeric ID or the full path.
terraform import gitlab_release_links.app my-group/my-app:v1.2.0
terraform import gitlab_release_links.app 42:v1.2.0

# <project>/<tag_name> also works; the provider asks GitLab which split of the slashes is meant.
terraform import gitlab_release_links.app my-group/my-app/v1.2.0
