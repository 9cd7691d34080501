package provider

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// stateLinkNames returns the names of the links gitlab_release_links.test holds in the working directory's state.
func (c *terraformCLI) stateLinkNames() []string {
	c.t.Helper()
	out, code := c.run("show", "-json")
	if code != 0 {
		c.t.Fatalf("terraform show failed (%d):\n%s", code, out)
	}
	var show struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string `json:"address"`
					Values  struct {
						Links map[string]json.RawMessage `json:"links"`
					} `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	c.decode([]byte(out), &show)
	for _, r := range show.Values.RootModule.Resources {
		if r.Address == testLinks {
			return slices.Sorted(maps.Keys(r.Values.Links))
		}
	}
	return nil
}

// TestAccReleaseLinks_destroy covers what a destroy meets besides success: a link deleted outside Terraform counts
// as deleted; a DELETE that fails keeps that link, and only that one, in state; and GitLab's project 404, which
// a token that lost access gets too, keeps every link in state. Once GitLab answers, destroy deletes the rest.
func TestAccReleaseLinks_destroy(t *testing.T) {
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
	// One write at a time, so the links are made in name order and deleted in ID order: the DELETE that fails
	// below is then asset-0's, not that of asset-3, which is gone by then.
	config := strings.Replace(env.linksConfig(env.Project, env.Tag, manyLinks(4, "v1")),
		"provider \"gitlab\" {\n", "provider \"gitlab\" {\n  release_links_parallelism = 1\n", 1)
	tf.write("main.tf", config)
	tf.write("versions.tf", requiredProviders)
	if out, code := tf.run("apply", "-auto-approve"); code != 0 {
		t.Fatalf("apply failed (%d):\n%s", code, out)
	}

	// The token's user cannot see the project: GitLab answers 404 Project Not Found to every DELETE.
	tf.write("main.tf", strings.Replace(config, env.Token, "stranger-token", 1))
	out, code := tf.run("destroy", "-auto-approve", "-refresh=false")
	if code == 0 || !wrapped(`Unable to Delete Release Links.*Could not delete 4 of the 4 links.*so they stay in the state.*`+
		`404 Project Not Found.*or the token cannot see it.*removed {.*from = gitlab_release_links.<name>`).MatchString(out) {
		t.Fatalf("destroy without access exited %d, want an error keeping the links:\n%s", code, out)
	}
	if got := tf.stateLinkNames(); len(got) != 4 {
		t.Fatalf("after a destroy without access the state holds %q, want all 4 links", got)
	}

	// One link is already gone, and one DELETE fails with GitLab's 500.
	tf.write("main.tf", config)
	gone := env.linkNamed(t, env.Tag, "asset-3")
	if err := env.emu.DeleteLink(env.Project, env.Tag, gone.ID); err != nil {
		t.Fatal(err)
	}
	env.emu.AddFaults(faultOn("DELETE", gitlabtest.FaultInternalError))
	out, code = tf.run("destroy", "-auto-approve", "-refresh=false")
	if code == 0 || !wrapped(`Could not delete 1 of the 4 links.*500 Internal Server Error`).MatchString(out) {
		t.Fatalf("destroy with a failing DELETE exited %d, want an error for one link:\n%s", code, out)
	}
	left := tf.stateLinkNames()
	if len(left) != 1 || len(env.links(t, env.Tag)) != 1 || env.links(t, env.Tag)[0].Name != left[0] {
		t.Fatalf("after a partly failed destroy the state holds %q and GitLab %v, want the one link that failed", left, env.links(t, env.Tag))
	}
	if out, code := tf.run("destroy", "-auto-approve"); code != 0 {
		t.Fatalf("destroy failed (%d):\n%s", code, out)
	}
	tf.requireState()
	if err := env.checkNoLinks(env.Tag)(nil); err != nil {
		t.Fatal(err)
	}
}

// TestAccReleaseLinks_releaseDeletedWarns: the refresh that finds the release gone says so in a warning.
func TestAccReleaseLinks_releaseDeletedWarns(t *testing.T) {
	requireAcc(t)
	env := newTestEnv(t)
	tf := newTerraformCLI(t, buildProvider(t, "test"))
	tf.write("main.tf", env.linksConfig(env.Project, env.Tag, manyLinks(2, "v1")))
	tf.write("versions.tf", requiredProviders)
	if out, code := tf.run("apply", "-auto-approve"); code != 0 {
		t.Fatalf("apply failed (%d):\n%s", code, out)
	}
	env.deleteRelease(t, env.Tag)
	out, code := tf.run("plan")
	if code != 0 || !wrapped(`gitlab_release_links.test will be created`).MatchString(out) ||
		!wrapped(`Warning: Release Deleted Outside Terraform.*Release "`+env.Tag+`" of project .* no longer exists`).MatchString(out) {
		t.Fatalf("plan after the release was deleted exited %d, want a warning and a plan to create the links:\n%s", code, out)
	}
	if out, code := tf.run("apply", "-auto-approve", "-refresh-only"); code != 0 {
		t.Fatalf("apply -refresh-only failed (%d):\n%s", code, out)
	}
	tf.requireState()
}
