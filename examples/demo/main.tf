# The configuration `make demo` applies: the assets a release pipeline attaches to a release.
terraform {
  required_providers {
    gitlab = {
      source = "gitlab-release-links/gitlab"
    }
  }
}

variable "gitlab_url" {
  type        = string
  description = "GitLab (or emulator) URL."
}

variable "gitlab_token" {
  type        = string
  sensitive   = true
  description = "Access token with the api scope."
}

variable "project" {
  type    = string
  default = "demo-group/demo-project"
}

variable "tag" {
  type    = string
  default = "v1.0.0"
}

variable "release_tag" {
  type        = string
  default     = "v1.1.0"
  description = "The release whose links gitlab_release_links manages, all of them."
}

variable "checksums_name" {
  type    = string
  default = "checksums.txt"
}

provider "gitlab" {
  base_url = var.gitlab_url
  token    = var.gitlab_token
}

locals {
  binaries = {
    linux   = "app-linux-amd64"
    darwin  = "app-darwin-arm64"
    windows = "app-windows-amd64.exe"
  }
}

# One package link per platform, each with a permanent download path.
resource "gitlab_release_link" "binary" {
  for_each = local.binaries

  project           = var.project
  tag_name          = var.tag
  name              = each.value
  url               = "https://downloads.example.com/app/${var.tag}/${each.value}"
  link_type         = "package"
  direct_asset_path = "/bin/${each.value}"
}

resource "gitlab_release_link" "runbook" {
  project   = var.project
  tag_name  = var.tag
  name      = "Runbook"
  url       = "https://runbooks.example.com/app"
  link_type = "runbook"
}

output "download_urls" {
  description = "Permanent download URLs, stable across releases of the same path."
  value       = { for k, link in gitlab_release_link.binary : k => link.direct_asset_url }
}

# Every link of another release in one resource: a link added to that release outside Terraform is deleted by
# the next apply. One release is managed by one kind of resource only, or the two would undo each other.
resource "gitlab_release_links" "release" {
  project  = var.project
  tag_name = var.release_tag

  links = {
    "app.tar.gz" = {
      url               = "https://downloads.example.com/app/${var.release_tag}/app.tar.gz"
      link_type         = "package"
      direct_asset_path = "/app.tar.gz"
    }
    "app.zip" = {
      url               = "https://downloads.example.com/app/${var.release_tag}/app.zip"
      link_type         = "package"
      direct_asset_path = "/app.zip"
    }
    (var.checksums_name) = {
      url = "https://downloads.example.com/app/${var.release_tag}/checksums.txt"
    }
  }
}

output "release_link_ids" {
  description = "GitLab's ID of each link of the release managed as a whole."
  value       = { for name, link in gitlab_release_links.release.links : name => link.link_id }
}
