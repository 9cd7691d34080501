#!/usr/bin/env bash
# make demo: the provider against a local GitLab emulator. Builds the emulator but not the provider (make builds
# bin/ first), needs no network, cleans up after itself and stops at the first step that does not do what it says.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
emulator_pid=""
cleanup() {
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
# Bold steps and a red failure on a terminal; plain text when the output goes to a file or a CI log.
if [ -t 1 ]; then bold=$'\033[1m' bold_end=$'\033[0m'; else bold='' bold_end=''; fi
if [ -t 2 ]; then red=$'\033[31m' red_end=$'\033[0m'; else red='' red_end=''; fi
say() { printf '\n%s==> %s%s\n' "$bold" "$*" "$bold_end"; }
fail() { printf '\n%sdemo failed: %s%s\n' "$red" "$*" "$red_end" >&2; exit 1; }

say "Building and starting the GitLab emulator on a free loopback port"
(cd "$root" && go build -o "$work/gitlab-emulator" ./internal/gitlabtest/cmd/gitlab-emulator)
token="demo-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
"$work/gitlab-emulator" -listen 127.0.0.1:0 -token "$token" >"$work/emulator.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 50); do [ -s "$work/emulator.log" ] && break; sleep 0.1; done
url=$(head -n 1 "$work/emulator.log")
case "$url" in http://127.0.0.1:*) ;; *) fail "the emulator did not print its URL: $(cat "$work/emulator.log")" ;; esac
echo "GitLab emulator at $url, project demo-group/demo-project, release v1.0.0"
api="$url/api/v4/projects/demo-group%2Fdemo-project/releases/v1.0.0/assets/links"
# A second release, v1.1.0, whose links gitlab_release_links manages as a whole.
curl -sf -H "PRIVATE-TOKEN: $token" -H 'Content-Type: application/json' -d '{"tag_name":"v1.1.0","ref":"main"}' \
  "$url/api/v4/projects/demo-group%2Fdemo-project/releases" >/dev/null || fail "creating release v1.1.0 failed"
release_api="$url/api/v4/projects/demo-group%2Fdemo-project/releases/v1.1.0/assets/links"

# Terraform uses the fresh build through dev_overrides, from a CLI configuration of the demo's own.
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "gitlab-release-links/gitlab" = "$root/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1
export TF_VAR_gitlab_url="$url" TF_VAR_gitlab_token="$token"
cp "$root/examples/demo/main.tf" "$work/"
cd "$work"
# tf runs terraform and shows its progress lines; the full output is shown only when something fails.
tf() {
  local rc=0
  terraform "$@" -no-color >"$work/tf.log" 2>&1 || rc=$?
  if [ "$rc" = 0 ]; then
    grep -E 'Creation complete|Modifications complete|Destruction complete|Apply complete|Destroy complete|^Plan:|No changes|Import successful' "$work/tf.log" || true
  else
    cat "$work/tf.log"
  fi
  return "$rc"
}

say "terraform apply: four gitlab_release_link resources on v1.0.0, and one gitlab_release_links with three links on v1.1.0"
tf apply -auto-approve -input=false || fail "apply failed"
count=$(curl -sf -H "PRIVATE-TOKEN: $token" "$api" | jq length)
[ "$count" = 4 ] || fail "GitLab holds $count links after apply, want 4"
echo "GitLab now holds $count links on release v1.0.0; the permanent download URLs:"
terraform output -no-color download_urls
count=$(curl -sf -H "PRIVATE-TOKEN: $token" "$release_api" | jq length)
[ "$count" = 3 ] || fail "GitLab holds $count links on v1.1.0 after apply, want 3"
echo "and $count links on release v1.1.0"

say "terraform plan: nothing to change"
set +e; tf plan -detailed-exitcode -input=false; code=$?; set -e
[ "$code" = 0 ] || fail "the second plan is not empty (exit code $code)"

say "A link created behind Terraform's back, then imported"
id=$(curl -sf -H "PRIVATE-TOKEN: $token" -H 'Content-Type: application/json' \
  -d '{"name":"checksums.txt","url":"https://downloads.example.com/app/v1.0.0/checksums.txt","link_type":"other"}' "$api" | jq .id)
echo "Created link $id (checksums.txt) with curl"
cat >imported.tf <<'TF'
resource "gitlab_release_link" "checksums" {
  project  = var.project
  tag_name = var.tag
  name     = "checksums.txt"
  url      = "https://downloads.example.com/app/v1.0.0/checksums.txt"
}
TF
tf import -input=false gitlab_release_link.checksums "demo-group/demo-project:v1.0.0:$id" || fail "import failed"
set +e; tf plan -detailed-exitcode -input=false; code=$?; set -e
[ "$code" = 0 ] || fail "the plan after import is not empty (exit code $code)"

say "gitlab_release_links holds every link of v1.1.0: a link added behind Terraform's back is deleted"
curl -sf -H "PRIVATE-TOKEN: $token" -H 'Content-Type: application/json' \
  -d '{"name":"stray.txt","url":"https://downloads.example.com/stray.txt"}' "$release_api" >/dev/null
echo "Added link stray.txt to v1.1.0 with curl"
tf apply -auto-approve -input=false || fail "apply after the stray link failed"
names=$(curl -sf -H "PRIVATE-TOKEN: $token" "$release_api" | jq -r '[.[].name] | sort | join(" ")')
[ "$names" = "app.tar.gz app.zip checksums.txt" ] || fail "v1.1.0 holds $names after apply"
echo "v1.1.0 holds $names again"

say "Renaming a link keeps it: one PUT, the same link_id"
before=$(curl -sf -H "PRIVATE-TOKEN: $token" "$release_api" | jq '.[] | select(.name == "checksums.txt") | .id')
export TF_VAR_checksums_name=SHA256SUMS
tf apply -auto-approve -input=false || fail "apply of the rename failed"
after=$(curl -sf -H "PRIVATE-TOKEN: $token" "$release_api" | jq '.[] | select(.name == "SHA256SUMS") | .id')
[ -n "$before" ] && [ "$before" = "$after" ] || fail "the renamed link has ID $after, it had $before"
echo "checksums.txt is now SHA256SUMS, still link $after"

say "Importing a whole release: terraform state rm, then terraform import <project>:<tag_name>"
tf state rm gitlab_release_links.release || fail "state rm failed"
tf import -input=false gitlab_release_links.release "demo-group/demo-project:v1.1.0" || fail "import of the release failed"
set +e; tf plan -detailed-exitcode -input=false; code=$?; set -e
[ "$code" = 0 ] || fail "the plan after importing the release is not empty (exit code $code)"

say "terraform destroy"
tf destroy -auto-approve -input=false || fail "destroy failed"
count=$(curl -sf -H "PRIVATE-TOKEN: $token" "$api" | jq length)
[ "$count" = 0 ] || fail "GitLab still holds $count links after destroy"
count=$(curl -sf -H "PRIVATE-TOKEN: $token" "$release_api" | jq length)
[ "$count" = 0 ] || fail "GitLab still holds $count links on v1.1.0 after destroy"
say "Demo finished: apply, an empty plan, imports, a release kept whole and destroy all did what they said"
