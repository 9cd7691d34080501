package provider

import (
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestAccReleaseLink_interruptedApply stops an apply of 20 links half-way, once with Ctrl-C (SIGINT) and once by
// killing Terraform and the provider outright (SIGKILL, as a cancelled CI job does), then applies again: GitLab
// ends up with exactly the configured links, none twice, and the plan after that is empty.
func TestAccReleaseLink_interruptedApply(t *testing.T) {
	requireAcc(t)
	providerDir := buildProvider(t, "test")
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			env := newTestEnv(t)
			env.requireEmulator(t)
			const n = 20
			tf := newTerraformCLI(t, providerDir)
			tf.write("main.tf", strings.Replace(env.manyLinksConfig("", map[string]int{env.Tag: n}),
				"registry.terraform.io/hashicorp/gitlab", "registry.terraform.io/gitlab-release-links/gitlab", 1))
			tf.write("versions.tf", "terraform {\n  required_providers {\n    gitlab = { source = \"gitlab-release-links/gitlab\" }\n  }\n}\n")

			env.emu.SetLatency(400 * time.Millisecond)
			cmd := exec.Command(tf.bin, "apply", "-auto-approve", "-no-color")
			cmd.Dir, cmd.Env = tf.dir, tf.env
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // the signal reaches the provider too
			var out strings.Builder
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			for deadline := time.Now().Add(30 * time.Second); len(env.emu.Links(env.Project, env.Tag)) == 0; {
				if time.Now().After(deadline) {
					t.Fatalf("no link was created within 30s:\n%s", out.String())
				}
				time.Sleep(20 * time.Millisecond)
			}
			if err := syscall.Kill(-cmd.Process.Pid, sig); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			made := len(env.emu.Links(env.Project, env.Tag))
			t.Logf("%d of %d links existed when the apply was stopped", made, n)

			env.emu.SetLatency(0)
			// A killed Terraform leaves its state lock behind, as it would for a user.
			outAgain, code := tf.run("apply", "-auto-approve", "-lock=false")
			if code != 0 {
				t.Fatalf("the apply after the interruption failed (%d):\n%s", code, outAgain)
			}
			if sig == syscall.SIGKILL && !strings.Contains(outAgain, "Adopted Existing Release Link") {
				// Nothing was saved to state, so the links made before the kill can only have been adopted.
				t.Errorf("the apply after a kill adopted no link:\n%s", outAgain)
			}
			if err := env.holdsExactly(env.Tag, n, func(i int) string { return fmt.Sprintf("https://example.com/%s/asset-%d", env.Tag, i) }); err != nil {
				t.Fatal(err)
			}
			if planOut, code := tf.run("plan", "-detailed-exitcode", "-lock=false"); code != 0 {
				t.Fatalf("the plan after converging is not empty (%d):\n%s", code, planOut)
			}
			if destroyOut, code := tf.run("destroy", "-auto-approve", "-lock=false"); code != 0 {
				t.Fatalf("destroy failed (%d):\n%s", code, destroyOut)
			}
			if left := env.emu.Links(env.Project, env.Tag); len(left) != 0 {
				t.Fatalf("destroy left %d links", len(left))
			}
		})
	}
}

// TestAccReleaseLink_projectDeleted deletes the project under managed links: a plan is an error that names both
// causes and the way out, and that way out, destroy without a refresh, succeeds because GitLab's project 404 on
// delete means the links are gone.
func TestAccReleaseLink_projectDeleted(t *testing.T) {
	requireAcc(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	tf := newTerraformCLI(t, buildProvider(t, "test"))
	tf.write("main.tf", env.linkConfig(env.Project, env.Tag, linkBody))
	tf.write("versions.tf", "terraform {\n  required_providers {\n    gitlab = { source = \"gitlab-release-links/gitlab\" }\n  }\n}\n")
	if out, code := tf.run("apply", "-auto-approve"); code != 0 {
		t.Fatalf("apply failed (%d):\n%s", code, out)
	}
	if err := env.client.DeleteProject(t.Context(), env.Project); err != nil {
		t.Fatal(err)
	}
	out, code := tf.run("plan")
	if code == 0 || !wrapped(`404 Project Not Found.*or the token cannot see it.*terraform destroy -refresh=false`).MatchString(out) {
		t.Fatalf("plan after the project was deleted exited %d, want an error with the way out:\n%s", code, out)
	}
	if out, code := tf.run("destroy", "-auto-approve", "-refresh=false"); code != 0 {
		t.Fatalf("destroy -refresh=false failed (%d):\n%s", code, out)
	}
	if out, _ := tf.run("state", "list"); strings.TrimSpace(out) != "" {
		t.Fatalf("state still lists resources:\n%s", out)
	}
}
