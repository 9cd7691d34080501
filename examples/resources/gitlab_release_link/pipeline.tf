# A release pipeline: every platform's binary and its checksum, each with a permanent download path.
variable "release_tag" {
  type    = string
  default = "v1.2.0"
}

locals {
  platforms = ["linux-amd64", "linux-arm64", "darwin-arm64", "windows-amd64"]
  assets = merge(
    { for p in local.platforms : "my-app-${p}" => { type = "package", path = "/bin/my-app-${p}" } },
    { "checksums.txt" = { type = "other", path = "/checksums.txt" } },
  )
}

resource "gitlab_release_link" "asset" {
  for_each = local.assets

  project           = "my-group/my-app"
  tag_name          = var.release_tag
  name              = each.key
  url               = "https://downloads.example.com/my-app/${var.release_tag}/${each.key}"
  link_type         = each.value.type
  direct_asset_path = each.value.path
}

output "downloads" {
  value = { for name, link in gitlab_release_link.asset : name => link.direct_asset_url }
}
