package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// singleLink is a configuration block of one gitlab_release_link named address, with extra lines inside it.
func singleLink(address, project, tag, name, url, extra string) string {
	return fmt.Sprintf("resource \"gitlab_release_link\" %q {\n  project  = %q\n  tag_name = %q\n  name     = %q\n  url      = %q\n%s}\n",
		address, project, tag, name, url, extra)
}

// writes counts the link writes GitLab received.
func writes(emu *gitlabtest.Server) int {
	c := countRequests(emu)
	return c.post + c.put + c.del
}

// TestAccPlanChecks_refuse plans configurations that cannot apply: a new link whose name, URL or path a link no
// resource manages holds, a new gitlab_release_links on a release with links, and a token GitLab refuses. Each
// plan exits 1 naming the problem, and neither it nor the apply that tries the same sends a single write.
func TestAccPlanChecks_refuse(t *testing.T) {
	requireAcc(t)
	const path = "/bin/taken"
	for _, tc := range []struct {
		name   string
		config func(env *testEnv) string
		want   string
	}{
		{name: "taken name", want: `Release Link Value Already Taken.*Existing link \d+: name "taken".*terraform import gitlab_release_link`,
			config: func(env *testEnv) string {
				return env.providerBlock() + singleLink("new", env.Project, env.Tag, "taken", "https://example.com/new", "")
			}},
		{name: "taken URL", want: `Release Link Value Already Taken.*Existing link \d+: name "taken", URL https://example.com/taken`,
			config: func(env *testEnv) string {
				return env.providerBlock() + singleLink("new", env.Project, env.Tag, "new", "https://example.com/taken", "")
			}},
		{name: "taken path", want: `Release Link Value Already Taken.*direct asset path /bin/taken`,
			config: func(env *testEnv) string {
				return env.providerBlock() + singleLink("new", env.Project, env.Tag, "new", "https://example.com/new",
					"  direct_asset_path = \""+path+"\"\n")
			}},
		{name: "three taken values", want: `Release Link Value Already Taken.*Existing link \d+: name "taken"`,
			config: func(env *testEnv) string {
				// Three checks that all wait at once, with nothing else to plan: the plan still fails.
				return env.providerBlock() + singleLink("name", env.Project, env.Tag, "taken", "https://example.com/1", "") +
					singleLink("url", env.Project, env.Tag, "new", "https://example.com/taken", "") +
					singleLink("path", env.Project, env.Tag, "new-2", "https://example.com/2", "  direct_asset_path = \""+path+"\"\n")
			}},
		{name: "release with links", want: `Release Already Has Links.*already has 1 links: "taken"`,
			config: func(env *testEnv) string {
				return env.linksConfig(env.Project, env.Tag, manyLinks(2, "v1"))
			}},
		{name: "token refused", want: `Unable to Check Release Links.*401 Unauthorized.*GitLab rejected the token`,
			config: func(env *testEnv) string {
				return strings.Replace(env.providerBlock(), env.Token, "not-a-token", 1) +
					singleLink("new", env.Project, env.Tag, "new", "https://example.com/new", "")
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newParallelTestEnv(t)
			env.requireEmulator(t)
			p := path
			env.createLink(t, env.Tag, gitlab.CreateReleaseLinkOptions{Name: "taken", URL: "https://example.com/taken", DirectAssetPath: &p})
			env.emu.ResetRequestCounts()
			tf := newTerraformCLI(t, buildProvider(t, "test"))
			tf.write("main.tf", requiredProviders+tc.config(env))
			for _, args := range [][]string{{"plan"}, {"apply", "-auto-approve"}} {
				out, code := tf.run(args...)
				if code != 1 || !wrapped(tc.want).MatchString(out) {
					t.Fatalf("terraform %s exited %d, want 1 and an error matching %q:\n%s", args[0], code, tc.want, out)
				}
			}
			if n := writes(env.emu); n != 0 {
				t.Fatalf("the refused plan and apply sent %d writes: %v", n, env.emu.RequestCounts())
			}
		})
	}
}

// TestAccPlanChecks_warn: a project or release that does not exist (or that the token cannot see) may be created
// by another resource of the same apply, so the plan only warns, saying what the apply will meet.
func TestAccPlanChecks_warn(t *testing.T) {
	requireAcc(t)
	env := newParallelTestEnv(t)
	tf := newTerraformCLI(t, buildProvider(t, "test"))
	for _, tc := range []struct{ project, tag, want string }{
		{env.Project, "v9.9.9", `Release "v9.9.9" was not found in project`},
		{"test-group/no-such-project", env.Tag, `Project "test-group/no-such-project" was not found`},
	} {
		tf.write("main.tf", requiredProviders+env.providerBlock()+singleLink("new", tc.project, tc.tag, "new", "https://example.com/new", ""))
		out, code := tf.run("plan", "-detailed-exitcode")
		if code != 2 || !wrapped(`Warning: Release Not Found at Plan Time.*`+tc.want+`.*unless another resource of the same apply creates`).MatchString(out) {
			t.Fatalf("plan on %s:%s exited %d, want 2 (changes) and a warning matching %q:\n%s", tc.project, tc.tag, code, tc.want, out)
		}
	}
}

// TestAccPlanChecks_mustNotFire plans valid configurations that look like conflicts and are not: a link leaving a
// gitlab_release_links while a gitlab_release_link takes it over, the same with -refresh=false, a link moved to
// another address by a moved block, and values unknown at plan, for which nothing is read.
func TestAccPlanChecks_mustNotFire(t *testing.T) {
	requireAcc(t)
	t.Run("takeover", func(t *testing.T) {
		env := newParallelTestEnv(t)
		env.requireEmulator(t)
		tf := newTerraformCLI(t, buildProvider(t, "test"))
		links := manyLinks(3, "v1")
		tf.write("main.tf", requiredProviders+env.linksConfig(env.Project, env.Tag, links))
		if out, code := tf.run("apply", "-auto-approve"); code != 0 {
			t.Fatalf("apply failed (%d):\n%s", code, out)
		}
		// The gitlab_release_links goes, deleting its links, and a gitlab_release_link takes asset-2 over: the
		// plan sees the link in the state of a resource it destroys, and leaves the order to the apply.
		taken := links["asset-2"]
		takeover := env.providerBlock() + singleLink("taken", env.Project, env.Tag, "asset-2", taken.url,
			fmt.Sprintf("  direct_asset_path = %q\n", taken.path))
		tf.write("main.tf", requiredProviders+takeover)
		for _, args := range [][]string{{"plan"}, {"plan", "-refresh=false"}} {
			if out, code := tf.run(args...); code != 0 || strings.Contains(out, "Warning: Release") {
				t.Fatalf("terraform %s exited %d, want 0 and no warning about the release:\n%s", strings.Join(args, " "), code, out)
			}
		}
		// Terraform may create before it destroys: the create then meets the link, and the next apply converges.
		if out, code := tf.run("apply", "-auto-approve"); code != 0 {
			if out, code := tf.run("apply", "-auto-approve"); code != 0 {
				t.Fatalf("the takeover did not converge in two applies (%d):\n%s", code, out)
			}
			t.Logf("the first apply of the takeover failed, as Terraform created before it destroyed:\n%s", out)
		}
		if out, code := tf.run("plan", "-detailed-exitcode"); code != 0 {
			t.Fatalf("the plan after the takeover is not empty (%d):\n%s", code, out)
		}
		if err := env.holdsSpecs(env.Tag, map[string]linkSpec{"asset-2": taken}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("renamed keys, every slot waiting", func(t *testing.T) {
		// for_each keys renamed without a moved block: the new instances claim the values of the old ones, which
		// Terraform plans in no particular order. With two slots, both often hold a waiting check and the walk
		// goes quiet with the old instances still to plan: the plan cannot tell, and warns rather than fails.
		env := newParallelTestEnv(t)
		env.requireEmulator(t)
		tf := newTerraformCLI(t, buildProvider(t, "test"))
		keyed := env.providerBlock() + fmt.Sprintf(`resource "gitlab_release_link" "asset" {
  for_each = toset(["a", "b", "c", "d", "e", "f"])
  project  = %q
  tag_name = %q
  name     = each.value
  url      = "https://example.com/${each.value}"
}
`, env.Project, env.Tag)
		tf.write("main.tf", requiredProviders+keyed)
		if out, code := tf.run("apply", "-auto-approve"); code != 0 {
			t.Fatalf("apply failed (%d):\n%s", code, out)
		}
		tf.write("main.tf", requiredProviders+strings.Replace(keyed, `for_each = toset(["a", "b", "c", "d", "e", "f"])`,
			`for_each = { for v in ["a", "b", "c", "d", "e", "f"] : "new-${v}" => v }`, 1))
		for range 3 {
			if out, code := tf.run("plan", "-parallelism=2"); code != 0 {
				t.Fatalf("plan -parallelism=2 exited %d, want 0 (at most warnings):\n%s", code, out)
			}
		}
	})
	t.Run("moved block", func(t *testing.T) {
		env := newParallelTestEnv(t)
		tf := newTerraformCLI(t, buildProvider(t, "test"))
		tf.write("main.tf", requiredProviders+env.providerBlock()+singleLink("old", env.Project, env.Tag, "app", "https://example.com/app", ""))
		if out, code := tf.run("apply", "-auto-approve"); code != 0 {
			t.Fatalf("apply failed (%d):\n%s", code, out)
		}
		tf.write("main.tf", requiredProviders+env.providerBlock()+singleLink("new", env.Project, env.Tag, "app", "https://example.com/app", "")+
			"moved {\n  from = gitlab_release_link.old\n  to   = gitlab_release_link.new\n}\n")
		if out, code := tf.run("apply", "-auto-approve"); code != 0 || !strings.Contains(out, "0 added, 0 changed, 0 destroyed") {
			t.Fatalf("the moved block's apply exited %d, want a move and nothing else:\n%s", code, out)
		}
	})
	t.Run("unknown release", func(t *testing.T) {
		env := newParallelTestEnv(t)
		env.requireEmulator(t)
		tf := newTerraformCLI(t, buildProvider(t, "test"))
		tf.write("main.tf", requiredProviders+env.providerBlock()+"resource \"terraform_data\" \"tag\" {\n  input = \""+env.Tag+"\"\n}\n"+
			strings.Replace(singleLink("new", env.Project, "TAG", "new", "https://example.com/new", ""), `"TAG"`, "terraform_data.tag.output", 1))
		env.emu.ResetRequestCounts()
		if out, code := tf.run("plan"); code != 0 {
			t.Fatalf("plan failed (%d):\n%s", code, out)
		}
		if counts := env.emu.RequestCounts(); len(counts) != 0 {
			t.Fatalf("the plan read GitLab for a tag unknown at plan: %v", counts)
		}
	})
}

// TestAccPlanChecks_requests holds the plan-time check to its cost: a plan of 100 new links on one release sends one
// request, the listing, and so does a plan of the same 100 links unchanged, whose refresh lists the release anyway.
func TestAccPlanChecks_requests(t *testing.T) {
	requireAcc(t)
	env := newParallelTestEnv(t)
	env.requireEmulator(t)
	tf := newTerraformCLI(t, buildProvider(t, "test"))
	config := strings.Replace(env.manyLinksConfig("", map[string]int{env.Tag: 100}), "  early_auth_check = true\n", "", 1)
	tf.write("main.tf", requiredProviders+config)
	listing := map[string]int{"GET " + gitlabtest.RouteLinks: 1}
	for _, step := range []string{"new", "unchanged"} {
		env.emu.ResetRequestCounts()
		if out, code := tf.run("plan"); code != 0 {
			t.Fatalf("plan of %s links failed (%d):\n%s", step, code, out)
		}
		if got := env.emu.RequestCounts(); fmt.Sprint(got) != fmt.Sprint(listing) {
			t.Errorf("the plan of 100 %s links sent %v, want %v", step, got, listing)
		}
		if step == "new" {
			if out, code := tf.run("apply", "-auto-approve"); code != 0 {
				t.Fatalf("apply failed (%d):\n%s", code, out)
			}
		}
	}
}
