package provider

import (
	"fmt"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// TestAccProvider_redirectedWrites points the provider at the http:// address of a GitLab that redirects it to
// https:// (GITLAB.md §3f). A write is never turned into a GET that reports success: creates, updates and deletes
// of both resources fail with an error naming both addresses and the base_url to set, GitLab and the state stay
// as they were, and with base_url corrected the same configuration applies and destroys.
func TestAccProvider_redirectedWrites(t *testing.T) {
	httpClientTest(t)
	requireAcc(t)
	env := newParallelTestEnv(t)
	env.requireEmulator(t)
	secure := httptest.NewTLSServer(env.emu.Handler())
	t.Cleanup(secure.Close)
	redirecting := httptest.NewServer(gitlabtest.HTTPSRedirect(secure.URL))
	t.Cleanup(redirecting.Close)

	// A public project: GitLab's redirect to another port rightly drops the token, and its anonymous reads then
	// answer as they would with the token, so that a write turned into a GET would look like a success, as it
	// does behind a redirect from port 80 to 443, which keeps the token.
	project := env.emu.AddProject(env.Project+"-public", true).FullPath
	if err := env.emu.AddMember(project, testUser, gitlabtest.Owner); err != nil {
		t.Fatal(err)
	}
	const singleTag = "v2.0.0" // a release has gitlab_release_links or gitlab_release_link resources, not both
	env.addReleaseIn(t, project, env.Tag)
	env.addReleaseIn(t, project, singleTag)
	tf := newTerraformCLI(t, buildProvider(t, "test"))
	tf.write("versions.tf", requiredProviders)
	config := func(baseURL, version string) string {
		links := env.linksConfig(project, env.Tag, manyLinks(2, version))
		links = strings.Replace(links, fmt.Sprintf("base_url = %q", env.BaseURL), fmt.Sprintf("base_url = %q\n  insecure = true", baseURL), 1)
		return links + fmt.Sprintf("resource \"gitlab_release_link\" \"single\" {\n  project  = %q\n  tag_name = %q\n  name     = \"single\"\n"+
			"  url      = \"https://example.com/%s/single\"\n}\n", project, singleTag, version)
	}
	tf.write("main.tf", config(secure.URL, "v1"))
	if out, code := tf.run("apply", "-auto-approve"); code != 0 {
		t.Fatalf("apply over https failed (%d):\n%s", code, out)
	}
	held := func() string { return fmt.Sprint(env.emu.Links(project, env.Tag), env.emu.Links(project, singleTag)) }
	before := held()

	redirected := func(method string) *regexp.Regexp {
		return wrapped(regexp.QuoteMeta(fmt.Sprintf("GitLab at %s/api/v4 redirects %s requests to %s/api/v4/projects/", redirecting.URL, method, secure.URL)) +
			`.*` + regexp.QuoteMeta("set base_url to "+secure.URL))
	}
	for _, tc := range []struct {
		name, version string
		args          []string
		method        string
	}{
		{name: "update", version: "v2", args: []string{"apply", "-auto-approve"}, method: "PUT"},
		{name: "destroy", version: "v1", args: []string{"destroy", "-auto-approve"}, method: "DELETE"},
	} {
		tf.write("main.tf", config(redirecting.URL, tc.version))
		out, code := tf.run(tc.args...)
		if code == 0 || !redirected(tc.method).MatchString(out) || strings.Contains(out, "complete!") {
			t.Fatalf("%s through the redirect exited %d, want an error naming both addresses and the base_url to set:\n%s", tc.name, code, out)
		}
		if got := held(); got != before {
			t.Fatalf("after the redirected %s GitLab holds %v, want %v as before", tc.name, got, before)
		}
		tf.requireState("gitlab_release_link.single", testLinks)
		if names := tf.stateLinkNames(); len(names) != 2 {
			t.Fatalf("after the redirected %s the state holds links %q, want both", tc.name, names)
		}
	}

	// A create: the state gets nothing it does not have.
	tf.write("main.tf", config(redirecting.URL, "v1")+fmt.Sprintf("resource \"gitlab_release_link\" \"more\" {\n  project  = %q\n"+
		"  tag_name = %q\n  name     = \"more\"\n  url      = \"https://example.com/more\"\n}\n", project, singleTag))
	if out, code := tf.run("apply", "-auto-approve"); code == 0 || !redirected("POST").MatchString(out) {
		t.Fatalf("a create through the redirect exited %d, want an error naming both addresses:\n%s", code, out)
	}
	if got := held(); got != before {
		t.Fatalf("after the redirected create GitLab holds %v, want %v as before", got, before)
	}
	tf.requireState("gitlab_release_link.single", testLinks)

	tf.write("main.tf", config(secure.URL, "v1"))
	if out, code := tf.run("destroy", "-auto-approve"); code != 0 {
		t.Fatalf("destroy over https failed (%d):\n%s", code, out)
	}
	if left := len(env.emu.Links(project, env.Tag)) + len(env.emu.Links(project, singleTag)); left != 0 {
		t.Fatalf("destroy left %d links", left)
	}
}
