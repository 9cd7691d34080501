package provider

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// interruptedMove is a move of a configuration to release "v2.0.0", interrupted (Ctrl-C) while GitLab holds its
// answer to the create number creates on the new release. config gives the configuration for a tag and the base
// URL to reach GitLab at. It returns the IDs of the links GitLab made on the new release.
func interruptedMove(t *testing.T, env *testEnv, tf *terraformCLI, config func(tag, baseURL string) string, creates int) []int64 {
	t.Helper()
	env.addRelease(t, "v2.0.0")
	proxy := newHoldingProxy(t, env.BaseURL, http.MethodPost)
	tf.write("versions.tf", requiredProviders)
	tf.write("main.tf", config(env.Tag, env.BaseURL))
	if out, code := tf.run("apply", "-auto-approve"); code != 0 {
		t.Fatalf("apply failed (%d):\n%s", code, out)
	}
	tf.write("main.tf", config("v2.0.0", proxy.URL))
	env.emu.ResetRequestCounts()
	posts := func() int { return env.emu.RequestCount(http.MethodPost, gitlabtest.RouteLinks) }
	stopped := tf.watchStopProvider()
	run := tf.start("apply", "-auto-approve")
	for range creates - 1 {
		proxy.releaseOne()
	}
	run.waitFor("GitLab to get the creates", func() bool { return posts() >= creates })
	run.signal(syscall.SIGINT)
	run.waitFor("Terraform to stop the provider", stopped)
	proxy.releaseAll()
	out, code := run.wait()
	proxy.inFlight.Wait()
	if code == 0 || posts() != creates {
		t.Fatalf("the interrupted move exited %d after GitLab got %d creates, want an error after %d:\n%s", code, posts(), creates, out)
	}
	if !wrapped(`recorded with this resource.*the next apply takes them up and finishes the move|records the new one with it: the next apply`).MatchString(out) {
		t.Fatalf("the error does not say that the links made are recorded and what the next apply does:\n%s", out)
	}
	made := linkIDs(env.emu.Links(env.Project, "v2.0.0"))
	if len(made) != creates {
		t.Fatalf("release v2.0.0 holds %d links after the interrupted move, want %d", len(made), creates)
	}
	return made
}

// TestAccReleaseLinks_interruptedMove interrupts a move of 12 links, one write at a time, after two creates on the
// new release. The state keeps the old release; the two links are recorded with it. Either the next apply finishes
// the move, taking the two up (10 creates, not 12, and no "Release Already Has Links"), or the configuration goes
// back to the old release: the plan then warns about the two, by name, and a destroy deletes them with the rest.
// The record survives a failed move to a third release in between, and the move finishes with the project spelled
// by its ID rather than its path.
func TestAccReleaseLinks_interruptedMove(t *testing.T) {
	requireAcc(t)
	providerDir := buildProvider(t, "test")
	const n = 12
	links := manyLinks(n, "v1")
	for _, mode := range []string{"finish", "finish after a failed move elsewhere", "finish with the project's ID", "give up"} {
		t.Run(mode, func(t *testing.T) {
			env := newParallelTestEnv(t)
			env.requireEmulator(t)
			tf := newTerraformCLI(t, providerDir)
			project := env.Project
			config := func(tag, baseURL string) string {
				c := withProviderSetting(env.linksConfig(project, tag, links), "release_links_parallelism = 1")
				return strings.Replace(c, env.BaseURL, baseURL, 1)
			}
			made := interruptedMove(t, env, tf, config, 2)
			if got := len(env.emu.Links(env.Project, env.Tag)); got != n {
				t.Fatalf("the old release holds %d links after the interrupted move, want %d", got, n)
			}
			switch mode {
			case "finish after a failed move elsewhere":
				// Release v3.0.0 does not exist: the move there fails before writing, and the record of v2.0.0 stays.
				tf.write("main.tf", config("v3.0.0", env.BaseURL))
				if out, code := tf.run("apply", "-auto-approve"); code == 0 || !wrapped(`Unable to Move Release Links`).MatchString(out) {
					t.Fatalf("the move to a release that does not exist exited %d, want an error:\n%s", code, out)
				}
			case "finish with the project's ID":
				project = strconv.FormatInt(env.ProjectID, 10)
			}
			env.emu.ResetRequestCounts()
			if mode == "give up" {
				tf.write("main.tf", config(env.Tag, env.BaseURL))
				out, code := tf.run("plan", "-detailed-exitcode")
				if code != 0 || !wrapped(`Warning: Links Left by an Unfinished Move.*release "v2.0.0".*"asset-0" \(ID \d+\), "asset-1"`).MatchString(out) {
					t.Fatalf("the plan back on the old release exited %d, want 0 and a warning naming the two links:\n%s", code, out)
				}
				if out, code := tf.run("destroy", "-auto-approve"); code != 0 {
					t.Fatalf("destroy failed (%d):\n%s", code, out)
				}
				for _, tag := range []string{env.Tag, "v2.0.0"} {
					if got := len(env.emu.Links(env.Project, tag)); got != 0 {
						t.Fatalf("release %q holds %d links after the destroy, want none", tag, got)
					}
				}
				return
			}
			tf.write("main.tf", config("v2.0.0", env.BaseURL))
			if out, code := tf.run("plan", "-detailed-exitcode"); code != 2 || strings.Contains(out, "Error") || strings.Contains(out, "Unfinished Move") || strings.Contains(out, "May Have Links") {
				t.Fatalf("the plan after the interrupted move exited %d, want 2 (the move), no error and no warning:\n%s", code, out)
			}
			if out, code := tf.run("apply", "-auto-approve"); code != 0 {
				t.Fatalf("the apply after the interrupted move failed (%d):\n%s", code, out)
			}
			if posts, deletes := env.emu.RequestCount(http.MethodPost, gitlabtest.RouteLinks), env.emu.RequestCount(http.MethodDelete, gitlabtest.RouteLink); posts != n-2 || deletes != n {
				t.Fatalf("the plan and apply that finish the move sent %d creates and %d deletes, want %d and %d: %v", posts, deletes, n-2, n, env.emu.RequestCounts())
			}
			if err := env.holdsSpecs("v2.0.0", links); err != nil {
				t.Fatal(err)
			}
			if ids := linkIDs(env.emu.Links(env.Project, "v2.0.0")); !slices.Contains(ids, made[0]) || !slices.Contains(ids, made[1]) {
				t.Fatalf("release v2.0.0 holds links %v, want the ones the interrupted move made (%v) among them", ids, made)
			}
			if got := len(env.emu.Links(env.Project, env.Tag)); got != 0 {
				t.Fatalf("the old release holds %d links after the move, want none", got)
			}
			if out, code := tf.run("plan", "-detailed-exitcode"); code != 0 {
				t.Fatalf("the plan after the move is not empty (%d):\n%s", code, out)
			}
		})
	}
}

// TestAccReleaseLink_interruptedMove interrupts a move of a gitlab_release_link while GitLab holds the answer to
// its create on the new release: the create finishes, the old link's delete is not sent, and the state keeps the old
// link with the new one recorded. Either the next apply takes the new link up (no create) and deletes the old one,
// or, with the configuration back on the old release, the plan warns about the new link and a destroy deletes both.
// The record is this resource's alone: another resource that wants the new link's name on the new release meets it
// at plan time, as it would any link it does not manage.
func TestAccReleaseLink_interruptedMove(t *testing.T) {
	requireAcc(t)
	providerDir := buildProvider(t, "test")
	for _, mode := range []string{"finish", "give up", "give up, and another wants the name"} {
		finish := mode == "finish"
		t.Run(mode, func(t *testing.T) {
			env := newParallelTestEnv(t)
			env.requireEmulator(t)
			tf := newTerraformCLI(t, providerDir)
			config := func(tag, baseURL string) string {
				return strings.Replace(env.linkConfig(env.Project, tag, "  name = \"app\"\n  url  = \"https://example.com/app\""), env.BaseURL, baseURL, 1)
			}
			made := interruptedMove(t, env, tf, config, 1)
			if got := len(env.emu.Links(env.Project, env.Tag)); got != 1 {
				t.Fatalf("the old release holds %d links after the interrupted move, want 1", got)
			}
			env.emu.ResetRequestCounts()
			if mode == "give up, and another wants the name" {
				other := fmt.Sprintf("resource \"gitlab_release_link\" \"other\" {\n  project  = %q\n  tag_name = \"v2.0.0\"\n"+
					"  name     = \"app\"\n  url      = \"https://example.com/other\"\n}\n", env.Project)
				tf.write("main.tf", config(env.Tag, env.BaseURL)+other)
				out, code := tf.run("plan", "-detailed-exitcode")
				if code != 1 || !wrapped(`Error: Release Link Value Already Taken.*with gitlab_release_link.other`).MatchString(out) {
					t.Fatalf("the plan of another resource that wants the recorded link's name exited %d, want 1 and an error on it:\n%s", code, out)
				}
				if got := len(env.emu.Links(env.Project, "v2.0.0")); got != 1 {
					t.Fatalf("release v2.0.0 holds %d links after the plan, want 1", got)
				}
				return
			}
			if !finish {
				tf.write("main.tf", config(env.Tag, env.BaseURL))
				out, code := tf.run("plan", "-detailed-exitcode")
				if code != 0 || !wrapped(`Warning: Links Left by an Unfinished Move.*release "v2.0.0".*"app" \(ID \d+\)`).MatchString(out) {
					t.Fatalf("the plan back on the old release exited %d, want 0 and a warning naming the new link:\n%s", code, out)
				}
				if out, code := tf.run("destroy", "-auto-approve"); code != 0 {
					t.Fatalf("destroy failed (%d):\n%s", code, out)
				}
				for _, tag := range []string{env.Tag, "v2.0.0"} {
					if got := len(env.emu.Links(env.Project, tag)); got != 0 {
						t.Fatalf("release %q holds %d links after the destroy, want none", tag, got)
					}
				}
				return
			}
			if out, code := tf.run("apply", "-auto-approve"); code != 0 {
				t.Fatalf("the apply after the interrupted move failed (%d):\n%s", code, out)
			}
			if posts, deletes := env.emu.RequestCount(http.MethodPost, gitlabtest.RouteLinks), env.emu.RequestCount(http.MethodDelete, gitlabtest.RouteLink); posts != 0 || deletes != 1 {
				t.Fatalf("the apply that finishes the move sent %d creates and %d deletes, want 0 and 1: %v", posts, deletes, env.emu.RequestCounts())
			}
			if ids := linkIDs(env.emu.Links(env.Project, "v2.0.0")); !slices.Equal(ids, made) {
				t.Fatalf("release v2.0.0 holds links %v, want the one the interrupted move made, %v", ids, made)
			}
			if got := len(env.emu.Links(env.Project, env.Tag)); got != 0 {
				t.Fatalf("the old release holds %d links after the move, want none", got)
			}
			if out, code := tf.run("plan", "-detailed-exitcode"); code != 0 {
				t.Fatalf("the plan after the move is not empty (%d):\n%s", code, out)
			}
		})
	}
}

// TestAccReleaseLink_moveRecordsNeverTakeAnothersLink: the record of an unfinished move never costs another
// resource its link. A link recorded by its values (the move's create failed, and may have been made) that another
// resource then creates is that resource's; a link recorded by ID that another resource imports is that
// resource's. Removing the resource with the record from the configuration (Terraform 1.11 gives the destroy the
// private state from before the refresh) leaves the other's link, and the record holder's plans stop warning about it.
func TestAccReleaseLink_moveRecordsNeverTakeAnothersLink(t *testing.T) {
	requireAcc(t)
	providerDir := buildProvider(t, "test")
	for _, byID := range []bool{false, true} {
		t.Run(map[bool]string{false: "recorded by values, then created by another", true: "recorded by ID, then imported by another"}[byID], func(t *testing.T) {
			env := newParallelTestEnv(t)
			env.requireEmulator(t)
			env.addRelease(t, "v2.0.0")
			tf := newTerraformCLI(t, providerDir)
			tf.write("versions.tf", requiredProviders)
			const attrs = "  name = \"app\"\n  url  = \"https://example.com/app\""
			a := func(tag string) string {
				return withProviderSetting(env.linkConfig(env.Project, tag, attrs), "retries = 0")
			}
			other := fmt.Sprintf("resource \"gitlab_release_link\" \"other\" {\n  project  = %q\n  tag_name = \"v2.0.0\"\n%s\n}\n", env.Project, attrs)
			tf.write("main.tf", a(env.Tag))
			if out, code := tf.run("apply", "-auto-approve"); code != 0 {
				t.Fatalf("apply failed (%d):\n%s", code, out)
			}
			// The move: byID, its create succeeds and the old link's delete fails; else its create fails, unmade.
			fault := gitlabtest.Fault{Method: http.MethodPost, Route: gitlabtest.RouteLinks, Kind: gitlabtest.FaultBadGateway}
			if byID {
				fault = gitlabtest.Fault{Method: http.MethodDelete, Route: gitlabtest.RouteLink, Kind: gitlabtest.FaultBadGateway}
			}
			env.emu.AddFaults(fault)
			tf.write("main.tf", a("v2.0.0"))
			if out, code := tf.run("apply", "-auto-approve"); code == 0 {
				t.Fatalf("the move with a failing write succeeded:\n%s", out)
			}
			// Back on the old release; another resource takes the link on the new one.
			tf.write("main.tf", a(env.Tag)+other)
			if byID {
				l := env.linkNamed(t, "v2.0.0", "app")
				tf.write("import.tf", fmt.Sprintf("import {\n  to = gitlab_release_link.other\n  id = \"%s:v2.0.0:%d\"\n}\n", env.Project, l.ID))
			}
			// Without a refresh, the record outlives this apply, which gives its link to the other resource.
			if out, code := tf.run("apply", "-auto-approve", "-refresh=false"); code != 0 {
				t.Fatalf("the apply that gives the link to another resource failed (%d):\n%s", code, out)
			}
			held := env.linkNamed(t, "v2.0.0", "app").ID
			if out, code := tf.run("plan", "-detailed-exitcode"); code != 0 || strings.Contains(out, "Unfinished Move") {
				t.Fatalf("the plan exited %d, want 0 and no warning about the other resource's link:\n%s", code, out)
			}
			tf.write("main.tf", withProviderSetting(env.providerBlock(), "retries = 0")+other)
			if out, code := tf.run("apply", "-auto-approve"); code != 0 {
				t.Fatalf("the apply that removes the resource with the record failed (%d):\n%s", code, out)
			}
			if l := env.linkNamed(t, "v2.0.0", "app"); l.ID != held {
				t.Fatalf("release v2.0.0 holds link %d, want the other resource's link %d", l.ID, held)
			}
			if got := len(env.emu.Links(env.Project, env.Tag)); got != 0 {
				t.Fatalf("the old release holds %d links after the destroy, want none", got)
			}
			if out, code := tf.run("plan", "-detailed-exitcode"); code != 0 {
				t.Fatalf("the plan after the destroy is not empty (%d):\n%s", code, out)
			}
		})
	}
}

// TestAccReleaseLinks_twoUnfinishedMoves: two moves in a row whose deletes from the old release fail leave links on
// two new releases, each recorded. When the old release (or link) is then deleted outside Terraform, the refresh
// moves the state to the release of the latest move, says so, and keeps the other record: the plan warns about its
// links, and a destroy deletes them all.
func TestAccReleaseLinks_twoUnfinishedMoves(t *testing.T) {
	requireAcc(t)
	providerDir := buildProvider(t, "test")
	for _, plural := range []bool{true, false} {
		t.Run(map[bool]string{true: "gitlab_release_links", false: "gitlab_release_link"}[plural], func(t *testing.T) {
			env := newParallelTestEnv(t)
			env.requireEmulator(t)
			tf := newTerraformCLI(t, providerDir)
			tf.write("versions.tf", requiredProviders)
			config := func(tag string) string {
				c := env.linkConfig(env.Project, tag, "  name = \"app\"\n  url  = \"https://example.com/app\"")
				if plural {
					c = env.linksConfig(env.Project, tag, manyLinks(3, "v1"))
				}
				return withProviderSetting(c, "retries = 0")
			}
			tf.write("main.tf", config(env.Tag))
			if out, code := tf.run("apply", "-auto-approve"); code != 0 {
				t.Fatalf("apply failed (%d):\n%s", code, out)
			}
			for _, tag := range []string{"v2.0.0", "v3.0.0"} {
				env.addRelease(t, tag)
				env.emu.AddFaults(gitlabtest.Fault{Method: http.MethodDelete, Route: gitlabtest.RouteLink, Kind: gitlabtest.FaultBadGateway})
				tf.write("main.tf", config(tag))
				if out, code := tf.run("apply", "-auto-approve"); code == 0 || !strings.Contains(out, "Unable to Move Release Link") {
					t.Fatalf("the move to %s with a failing delete exited %d, want an error:\n%s", tag, code, out)
				}
			}
			if err := env.emu.DeleteRelease(env.Project, env.Tag); err != nil {
				t.Fatal(err)
			}
			out, code := tf.run("plan", "-detailed-exitcode")
			if code != 0 || !wrapped(`Warning: Release Links? Moved.*release "v3.0.0"`).MatchString(out) ||
				!wrapped(`Warning: Links Left by an Unfinished Move.*release "v2.0.0"`).MatchString(out) {
				t.Fatalf("the plan after the old release was deleted exited %d, want 0, the state on v3.0.0 and a warning about v2.0.0:\n%s", code, out)
			}
			if out, code := tf.run("destroy", "-auto-approve"); code != 0 {
				t.Fatalf("destroy failed (%d):\n%s", code, out)
			}
			for _, tag := range []string{"v2.0.0", "v3.0.0"} {
				if got := len(env.emu.Links(env.Project, tag)); got != 0 {
					t.Fatalf("release %q holds %d links after the destroy, want none", tag, got)
				}
			}
		})
	}
}

// TestAccReleaseLink_destroyNamesLinkRecordedByValues: a move whose create GitLab carried out but whose answer was
// lost records the link by the values it sent, since a link with those values may be someone else's. A destroy
// then deletes the resource's own link and names that one, leaving it, rather than deleting on a guess.
func TestAccReleaseLink_destroyNamesLinkRecordedByValues(t *testing.T) {
	requireAcc(t)
	env := newParallelTestEnv(t)
	env.requireEmulator(t)
	env.addRelease(t, "v2.0.0")
	tf := newTerraformCLI(t, buildProvider(t, "test"))
	tf.write("versions.tf", requiredProviders)
	config := func(tag string) string {
		return withProviderSetting(env.linkConfig(env.Project, tag, "  name = \"app\"\n  url  = \"https://example.com/app\""), "retries = 0")
	}
	tf.write("main.tf", config(env.Tag))
	if out, code := tf.run("apply", "-auto-approve"); code != 0 {
		t.Fatalf("apply failed (%d):\n%s", code, out)
	}
	env.emu.AddFaults(gitlabtest.Fault{Method: http.MethodPost, Route: gitlabtest.RouteLinks, Kind: gitlabtest.FaultCommitThenBadGateway})
	tf.write("main.tf", config("v2.0.0"))
	if out, code := tf.run("apply", "-auto-approve"); code == 0 {
		t.Fatalf("the move whose create's answer was lost succeeded:\n%s", out)
	}
	tf.write("main.tf", config(env.Tag))
	if out, code := tf.run("plan", "-detailed-exitcode"); code != 0 || !wrapped(`Links Left by an Unfinished Move.*"app" \(maybe\)`).MatchString(out) {
		t.Fatalf("the plan back on the old release exited %d, want 0 and a warning naming the link the move may have made:\n%s", code, out)
	}
	out, code := tf.run("destroy", "-auto-approve")
	if code != 0 || !wrapped(`Warning: Release Links Not Deleted.*"app" \(ID \d+\) on release "v2.0.0"`).MatchString(out) {
		t.Fatalf("destroy exited %d, want 0 and a warning naming the link it leaves:\n%s", code, out)
	}
	if got := len(env.emu.Links(env.Project, "v2.0.0")); got != 1 {
		t.Fatalf("release v2.0.0 holds %d links after the destroy, want the one recorded by values", got)
	}
	if got := len(env.emu.Links(env.Project, env.Tag)); got != 0 {
		t.Fatalf("the old release holds %d links after the destroy, want none", got)
	}
}
