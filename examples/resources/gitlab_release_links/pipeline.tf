# A release pipeline: the job that publishes a release runs `terraform apply -var release_tag=$CI_COMMIT_TAG`, and the
# release holds exactly every platform's binary and the checksum file, each with a permanent download path.
variable "release_tag" {
  type = string
}

locals {
  platforms = ["linux-amd64", "linux-arm64", "darwin-arm64", "windows-amd64"]
  base_url  = "https://downloads.example.com/my-app/${var.release_tag}"
}

resource "gitlab_release_links" "release" {
  project  = "my-group/my-app"
  tag_name = var.release_tag

  links = merge(
    {
      for p in local.platforms : "my-app-${p}" => {
        url               = "${local.base_url}/my-app-${p}"
        link_type         = "package"
        direct_asset_path = "/bin/my-app-${p}"
      }
    },
    {
      "checksums.txt" = {
        url               = "${local.base_url}/checksums.txt"
        direct_asset_path = "/checksums.txt"
      }
    },
  )
}

output "downloads" {
  value = { for name, link in gitlab_release_links.release.links : name => link.direct_asset_url }
}
