terraform {
  required_providers {
    gitlab = { source = "gitlab-release-links/gitlab", version = "~> 0.1" }
    http   = { source = "hashicorp/http", version = "~> 3.4" }
  }
}

# Every link of the release, whoever made it: this configuration, a release job or a person.
data "gitlab_release_links" "release" {
  project  = "my-group/my-app"
  tag_name = "v1.2.0"
}

# One check per link, each in a module instance of its own: a dead link is one warning that names it, and a host
# that does not answer at all is a warning too, not an error that stops the plan.
module "link_answers" {
  source   = "./link-answers"
  for_each = { for name, link in data.gitlab_release_links.release.links_by_name : name => link.url }

  name = each.key
  url  = each.value
}
