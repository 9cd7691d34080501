package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// TestAccReleaseLink_projectDeleted deletes the project under managed links. A plan is an error that names both
// causes of GitLab's answer and the way out; a destroy, even without a refresh, fails the same way and keeps the
// links in state, since GitLab gives that answer to a token that lost access too. The way out, terraform state rm
// or a removed block, leaves an empty state.
func TestAccReleaseLink_projectDeleted(t *testing.T) {
	requireAcc(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	tf := newTerraformCLI(t, buildProvider(t, "test"))
	second := strings.Replace(strings.TrimPrefix(env.linkConfig(env.Project, env.Tag, `  name = "second"
  url  = "https://example.com/second"`), env.providerBlock()), `"test"`, `"second"`, 1)
	config := env.linkConfig(env.Project, env.Tag, linkBody) + second
	tf.write("main.tf", config)
	tf.write("versions.tf", requiredProviders)
	if out, code := tf.run("apply", "-auto-approve"); code != 0 {
		t.Fatalf("apply failed (%d):\n%s", code, out)
	}
	if err := env.client.DeleteProject(t.Context(), env.Project); err != nil {
		t.Fatal(err)
	}
	wayOut := `404 Project Not Found.*does not exist.*or the token cannot see it.*If the project was deleted on purpose.*` +
		`terraform state rm <address>.*removed {.*from = gitlab_release_link.<name>.*destroy = false`
	out, code := tf.run("plan")
	if code == 0 || !wrapped(`Unable to Read Release Link.*`+wayOut).MatchString(out) || strings.Contains(out, "-refresh=false") {
		t.Fatalf("plan after the project was deleted exited %d, want an error with the way out:\n%s", code, out)
	}
	out, code = tf.run("destroy", "-auto-approve", "-refresh=false")
	if code == 0 || !wrapped(`Unable to Delete Release Link.*stays in the state.*`+wayOut).MatchString(out) {
		t.Fatalf("destroy -refresh=false after the project was deleted exited %d, want the same error:\n%s", code, out)
	}
	tf.requireState("gitlab_release_link.second", "gitlab_release_link.test")

	if out, code := tf.run("state", "rm", "gitlab_release_link.test"); code != 0 {
		t.Fatalf("terraform state rm failed (%d):\n%s", code, out)
	}
	tf.write("main.tf", env.providerBlock()+"removed {\n  from = gitlab_release_link.second\n  lifecycle {\n    destroy = false\n  }\n}\n")
	apply := []string{"apply", "-auto-approve"}
	if name, _, _ := tf.terraformVersion(); name == "OpenTofu" {
		// OpenTofu (1.12) refreshes a resource in a removed block, and the refresh meets the same 404.
		apply = append(apply, "-refresh=false")
	}
	if out, code := tf.run(apply...); code != 0 || !strings.Contains(out, "0 destroyed") {
		t.Fatalf("apply with the removed block exited %d, want the link forgotten:\n%s", code, out)
	}
	tf.requireState()
}

// TestAccReleaseLink_destroyWithoutAccess takes the project away from the token's sight: destroy, with or without
// a refresh, fails and forgets nothing, and the link stays on GitLab. With access back, destroy deletes it.
func TestAccReleaseLink_destroyWithoutAccess(t *testing.T) {
	httpClientTest(t)
	requireAcc(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	env.emu.AddUser("stranger")
	env.emu.AddToken("stranger", "stranger-token", gitlabtest.TokenOptions{})
	for _, k := range ciVariables {
		t.Setenv(k, "")
	}
	tf := newTerraformCLI(t, buildProvider(t, "test"))
	config := env.linkConfig(env.Project, env.Tag, linkBody)
	tf.write("main.tf", config)
	tf.write("versions.tf", requiredProviders)
	if out, code := tf.run("apply", "-auto-approve"); code != 0 {
		t.Fatalf("apply failed (%d):\n%s", code, out)
	}
	link := env.linkNamed(t, env.Tag, "app")

	// The token belongs to a user who is not a member, as when the user was removed from the project, and then
	// there is no token at all.
	stranger := strings.Replace(config, env.Token, "stranger-token", 1)
	noToken := strings.Replace(config, fmt.Sprintf("  token    = %q\n", env.Token), "", 1)
	for _, tc := range []struct {
		config string
		args   []string
		want   string
	}{
		{stranger, []string{"destroy", "-auto-approve"}, `Unable to Read Release Link.*404 Project Not Found`},
		{stranger, []string{"destroy", "-auto-approve", "-refresh=false"}, `Unable to Delete Release Link.*stays in the state.*404 Project Not Found`},
		{noToken, []string{"destroy", "-auto-approve", "-refresh=false"},
			`Unable to Delete Release Link.*stays in the state.*404 Project Not Found.*No token is configured`},
	} {
		tf.write("main.tf", tc.config)
		out, code := tf.run(tc.args...)
		if code == 0 || !wrapped(tc.want+`.*or the token cannot see it.*member of the project`).MatchString(out) {
			t.Fatalf("terraform %s without access exited %d, want an error:\n%s", strings.Join(tc.args, " "), code, out)
		}
		tf.requireState("gitlab_release_link.test")
		if env.linkNamed(t, env.Tag, "app").ID != link.ID {
			t.Fatalf("link %d is no longer on GitLab", link.ID)
		}
	}

	tf.write("main.tf", config)
	if out, code := tf.run("destroy", "-auto-approve"); code != 0 {
		t.Fatalf("destroy with access restored failed (%d):\n%s", code, out)
	}
	tf.requireState()
	if err := env.checkNoLinks(env.Tag)(nil); err != nil {
		t.Fatal(err)
	}
}

// TestAccReleaseLink_unparsableTimeout gives a link in state a delete timeout that cannot be parsed, as a
// hand-edited state can: destroy stops with the error before it sends anything, so GitLab and the state still
// agree, and with the state corrected destroy deletes the link.
func TestAccReleaseLink_unparsableTimeout(t *testing.T) {
	httpClientTest(t)
	requireAcc(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	tf := newTerraformCLI(t, buildProvider(t, "test"))
	tf.write("main.tf", env.linkConfig(env.Project, env.Tag, linkBody))
	tf.write("versions.tf", requiredProviders)
	if out, code := tf.run("apply", "-auto-approve"); code != 0 {
		t.Fatalf("apply failed (%d):\n%s", code, out)
	}
	tf.setTimeouts(map[string]any{"create": nil, "read": nil, "update": nil, "delete": "soon"})
	env.emu.ResetRequestCounts()
	out, code := tf.run("destroy", "-auto-approve")
	if code == 0 || !wrapped(`Timeout Cannot Be Parsed.*"delete" cannot be parsed`).MatchString(out) {
		t.Fatalf("destroy with an unparsable delete timeout exited %d, want the parse error:\n%s", code, out)
	}
	if n := env.emu.RequestCount("DELETE", gitlabtest.RouteLink); n != 0 {
		t.Fatalf("destroy with an unparsable delete timeout sent %d DELETE(s)", n)
	}
	tf.requireState("gitlab_release_link.test")
	env.linkNamed(t, env.Tag, "app")

	tf.setTimeouts(nil)
	if out, code := tf.run("destroy", "-auto-approve"); code != 0 {
		t.Fatalf("destroy with the state corrected failed (%d):\n%s", code, out)
	}
	if err := env.checkNoLinks(env.Tag)(nil); err != nil {
		t.Fatal(err)
	}
}

// setTimeouts edits the local state file as a user editing it by hand would: it sets the timeouts of every
// instance and bumps the serial.
func (c *terraformCLI) setTimeouts(timeouts map[string]any) {
	c.t.Helper()
	name := filepath.Join(c.dir, "terraform.tfstate")
	raw, err := os.ReadFile(name)
	if err != nil {
		c.t.Fatal(err)
	}
	var state map[string]json.RawMessage
	var serial int64
	var resources []map[string]json.RawMessage
	c.decode(raw, &state)
	c.decode(state["serial"], &serial)
	c.decode(state["resources"], &resources)
	for _, r := range resources {
		var instances []map[string]json.RawMessage
		c.decode(r["instances"], &instances)
		for _, i := range instances {
			var attributes map[string]json.RawMessage
			c.decode(i["attributes"], &attributes)
			attributes["timeouts"] = c.encode(timeouts)
			i["attributes"] = c.encode(attributes)
		}
		r["instances"] = c.encode(instances)
	}
	state["serial"], state["resources"] = c.encode(serial+1), c.encode(resources)
	writeFile(c.t, name, string(c.encode(state)))
}

func (c *terraformCLI) decode(raw []byte, v any) {
	c.t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		c.t.Fatalf("reading the state file: %s", err)
	}
}

func (c *terraformCLI) encode(v any) json.RawMessage {
	c.t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	return raw
}

// requireState fails the test unless the working directory's state holds exactly these resource addresses.
func (c *terraformCLI) requireState(addresses ...string) {
	c.t.Helper()
	out, code := c.run("state", "list")
	if code != 0 {
		c.t.Fatalf("terraform state list failed (%d):\n%s", code, out)
	}
	if got := strings.Fields(out); !slices.Equal(got, addresses) {
		c.t.Fatalf("the state holds %q, want %q", got, addresses)
	}
}
