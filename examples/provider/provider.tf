terraform {
  required_providers {
    gitlab = {
      source = "gitlab-release-links/gitlab"
    }
  }
}

# The token comes from GITLAB_TOKEN (or, inside GitLab CI, CI_JOB_TOKEN) when not set here.
provider "gitlab" {
  base_url = "https://gitlab.example.com"
}
