# link-answers/main.tf: a check that one URL answers with a success or a redirect.
terraform {
  required_providers {
    http = { source = "hashicorp/http" }
  }
}

variable "name" {
  type        = string
  description = "The link's name, for the warning."
}

variable "url" {
  type        = string
  description = "The URL the link points to."
}

check "answers" {
  # A data block inside a check is read on every plan; when it fails (no connection, a timeout, a 5xx), Terraform
  # reports the failure as a warning instead of an error.
  data "http" "link" {
    url                = var.url
    method             = "HEAD" # the status without downloading the asset
    request_timeout_ms = 10000
  }

  assert {
    condition     = data.http.link.status_code < 400
    error_message = "The link ${var.name} (${var.url}) answered ${data.http.link.status_code}."
  }
}
