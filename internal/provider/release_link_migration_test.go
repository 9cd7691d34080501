package provider

import (
	"encoding/base64"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"text/template"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// sdkv2Private is the private data terraform-plugin-sdk/v2 stored with every instance (base64-encoded in the
// state file).
const sdkv2Private = `{"schema_version":"0"}`

// officialLink is a link as the official provider left it: the state fixture it wrote
// (testdata/official_state/<fixture>.json) and the configuration it was applied from, which a migration keeps.
type officialLink struct {
	fixture string
	byID    bool              // the configuration names the project by its numeric ID
	config  map[string]string // attributes besides project and tag_name
}

// officialLinks covers both generations of the official provider: SDKv2 (3.16-17.x) wrote every string, unset
// ones as "", and external as a bool; the plugin-framework rewrite (18.x-19.x) writes unset strings as null and
// may leave external out.
var officialLinks = []officialLink{
	{fixture: "sdkv2_no_path", config: map[string]string{
		"name": "app.tar.gz", "url": "https://downloads.example.com/app/app.tar.gz"}},
	{fixture: "sdkv2_external", byID: true, config: map[string]string{
		"name": "app.deb", "url": "https://downloads.example.com/app/app.deb", "link_type": "package"}},
	{fixture: "sdkv2_filepath", config: map[string]string{
		"name": "app-linux-amd64", "url": "https://downloads.example.com/app/app-linux-amd64", "link_type": "package",
		"filepath": "/bin/app-linux-amd64"}},
	{fixture: "framework_no_path", config: map[string]string{
		"name": "rollback runbook", "url": "https://runbooks.example.com/app/rollback", "link_type": "runbook"}},
	{fixture: "framework_filepath", byID: true, config: map[string]string{
		"name": "app-darwin-arm64", "url": "https://downloads.example.com/app/app-darwin-arm64",
		"filepath": "/bin/app-darwin-arm64"}},
}

// fixtureData fills the placeholders of a state fixture.
type fixtureData struct {
	Project        string
	Tag            string
	LinkID         int64
	DirectAssetURL string
}

// state renders the link's attributes as the official provider wrote them.
func (l officialLink) state(t *testing.T, data fixtureData) string {
	t.Helper()
	tmpl, err := template.New(l.fixture + ".json").Option("missingkey=error").
		ParseFiles(filepath.Join("testdata", "official_state", l.fixture+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := tmpl.Execute(&b, data); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// private is the instance's private data: only SDKv2 stored any.
func (l officialLink) private() string {
	if strings.HasPrefix(l.fixture, "sdkv2_") {
		return sdkv2Private
	}
	return ""
}

// hcl renders the unchanged configuration of the link.
func (l officialLink) hcl(project, tag string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "resource \"gitlab_release_link\" %q {\n  project  = %q\n  tag_name = %q\n", l.fixture, project, tag)
	for _, k := range slices.Sorted(maps.Keys(l.config)) {
		fmt.Fprintf(&b, "  %s = %q\n", k, l.config[k])
	}
	return b.String() + "}\n"
}

// TestReleaseLink_officialStateMigration drives the provider through the plugin protocol the way Terraform does
// after `terraform state replace-provider`: upgrade the official provider's state, refresh it against GitLab,
// plan the unchanged configuration. The plan must change nothing.
func TestReleaseLink_officialStateMigration(t *testing.T) {
	emu := gitlabtest.NewServer()
	t.Cleanup(emu.Close)
	emu.AddToken(testUser, testToken, gitlabtest.TokenOptions{})
	p := emu.AddProject("test-group/migrated", false)
	if err := emu.AddMember(p.FullPath, testUser, gitlabtest.Owner); err != nil {
		t.Fatal(err)
	}
	if err := emu.AddRelease(p.FullPath, testTag); err != nil {
		t.Fatal(err)
	}
	for _, tc := range officialLinks {
		t.Run(tc.fixture, func(t *testing.T) {
			// A provider of its own, as each Terraform run starts one: a release's links are listed once per run.
			proto := newProtocolProvider(t, emu.URL(), testToken)
			link, err := emu.AddLink(p.FullPath, testTag, gitlabtest.Link{Name: tc.config["name"], URL: tc.config["url"],
				LinkType: tc.config["link_type"], Filepath: tc.config["filepath"]})
			if err != nil {
				t.Fatal(err)
			}
			project := p.FullPath
			if tc.byID {
				project = fmt.Sprint(p.ID)
			}
			config := proto.resourceConfig(t, project, testTag, tc.config)
			// GITLAB.md §1 "Response JSON": the link's URL without a path, otherwise its permanent download URL.
			directAssetURL := link.URL
			if link.Filepath != "" {
				directAssetURL = fmt.Sprintf("%s/%s/-/releases/%s/downloads%s", emu.URL(), p.FullPath, testTag, link.Filepath)
			}
			raw := tc.state(t, fixtureData{Project: project, Tag: testTag, LinkID: link.ID, DirectAssetURL: directAssetURL})

			upgraded := proto.upgrade(t, raw)
			refreshed, private := proto.read(t, upgraded, []byte(tc.private()))
			prior := proto.value(t, refreshed)
			planned := proto.plan(t, prior, private, config)
			if diffs, err := prior.Diff(planned); err != nil || len(diffs) > 0 {
				t.Errorf("the plan of the unchanged configuration changes %v (%v)", diffs, err)
			}

			// The refresh brings the official provider's leftovers into this provider's shape: the path under both
			// names, and SDKv2's "" for no path kept, since the plan keeps it too.
			wantFilepath, wantPath := tftypes.NewValue(tftypes.String, nil), tftypes.NewValue(tftypes.String, nil)
			if fp, ok := tc.config["filepath"]; ok {
				wantFilepath, wantPath = tftypes.NewValue(tftypes.String, fp), tftypes.NewValue(tftypes.String, fp)
			} else if strings.HasPrefix(tc.fixture, "sdkv2_") {
				wantFilepath = tftypes.NewValue(tftypes.String, "")
			}
			for attr, want := range map[string]tftypes.Value{
				"id":                tftypes.NewValue(tftypes.String, fmt.Sprintf("%s:%s:%d", project, testTag, link.ID)),
				"link_id":           tftypes.NewValue(tftypes.Number, link.ID),
				"filepath":          wantFilepath,
				"direct_asset_path": wantPath,
				"external":          tftypes.NewValue(tftypes.Bool, nil), // the emulator is GitLab 16 or later
			} {
				if got := attribute(t, prior, attr); !got.Equal(want) {
					t.Errorf("after refresh %s = %s, want %s", attr, got, want)
				}
			}

			// With -refresh=false Terraform plans from the upgraded state as it is, which must change nothing either.
			before := proto.value(t, upgraded)
			diffs, err := before.Diff(proto.plan(t, before, []byte(tc.private()), config))
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range diffs {
				t.Errorf("a plan without refresh changes %s from %s to %s", d.Path, d.Value1, d.Value2)
			}
		})
	}
}

// TestAccReleaseLink_officialStateMigration is the migration as a user runs it: a working directory with the
// official provider's state, `terraform state replace-provider`, then a plan that finds nothing to do.
func TestAccReleaseLink_officialStateMigration(t *testing.T) {
	requireAcc(t)
	env := newTestEnv(t)
	tf := newTerraformCLI(t, buildProvider(t, "0.0.0-migration"))

	type stateResource struct{ Name, Attributes, Private string }
	var resources []stateResource
	config := requiredProviders + env.providerBlock()
	for _, l := range officialLinks {
		opts := gitlab.CreateReleaseLinkOptions{Name: l.config["name"], URL: l.config["url"], LinkType: l.config["link_type"]}
		if fp, ok := l.config["filepath"]; ok {
			opts.DirectAssetPath = &fp
		}
		link := env.createLink(t, env.Tag, opts)
		project := env.Project
		if l.byID {
			project = fmt.Sprint(env.ProjectID)
		}
		attrs := l.state(t, fixtureData{Project: project, Tag: env.Tag, LinkID: link.ID, DirectAssetURL: link.DirectAssetURL})
		private := base64.StdEncoding.EncodeToString([]byte(l.private()))
		resources = append(resources, stateResource{Name: l.fixture, Attributes: attrs, Private: private})
		config += "\n" + l.hcl(project, env.Tag)
	}
	tmpl, err := template.ParseFiles(filepath.Join("testdata", "official_state", "terraform.tfstate.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	var state strings.Builder
	if err := tmpl.Execute(&state, resources); err != nil {
		t.Fatal(err)
	}
	tf.write("terraform.tfstate", state.String())
	tf.write("main.tf", config)

	out, code := tf.run("state", "replace-provider", "-auto-approve",
		"registry.terraform.io/gitlabhq/gitlab", "registry.terraform.io/gitlab-release-links/gitlab")
	if code != 0 || !strings.Contains(out, fmt.Sprintf("Successfully replaced provider for %d resources", len(officialLinks))) {
		t.Fatalf("terraform state replace-provider exited with %d:\n%s", code, out)
	}
	out, code = tf.run("plan", "-detailed-exitcode")
	if code != 0 || !strings.Contains(out, "No changes.") {
		t.Fatalf("terraform plan after the migration exited with %d, want 0 (no changes):\n%s", code, out)
	}

	// The first apply only stores the refreshed state: nothing is sent to GitLab but reads.
	if env.emu != nil {
		env.emu.ResetRequestCounts()
	}
	out, code = tf.run("apply", "-auto-approve")
	if code != 0 || !strings.Contains(out, "Resources: 0 added, 0 changed, 0 destroyed.") {
		t.Fatalf("terraform apply after the migration exited with %d, want no changes:\n%s", code, out)
	}
	if env.emu != nil {
		for key, n := range env.emu.RequestCounts() {
			if !strings.HasPrefix(key, "GET ") {
				t.Errorf("the apply after the migration sent %d request(s) %s", n, key)
			}
		}
	}
}
