package provider

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// modulePath is the main package, built the way a release builds it.
const modulePath = "github.com/gitlab-release-links/terraform-provider-gitlab"

// requiredProviders selects this provider by its registry address, as a user's configuration does.
const requiredProviders = `terraform {
  required_providers {
    gitlab = { source = "gitlab-release-links/gitlab" }
  }
}

`

// requireAcc skips tests that drive a built provider binary unless TF_ACC is set, like terraform-plugin-testing
// does for the in-process acceptance tests.
func requireAcc(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run acceptance tests")
	}
}

// builtProviders holds the provider binaries built by buildProvider, one per version, in a directory that
// TestMain removes when the tests are done.
var builtProviders struct {
	sync.Mutex
	dir  string
	dirs map[string]string
}

// buildProvider builds the provider binary with version injected as a release does, once per version and test
// run, and returns the directory holding it, for a dev_overrides entry. Tests only run the binary, so they share it.
func buildProvider(t *testing.T, version string) string {
	t.Helper()
	builtProviders.Lock()
	defer builtProviders.Unlock()
	if dir, ok := builtProviders.dirs[version]; ok {
		return dir
	}
	if builtProviders.dir == "" {
		// Not t.TempDir: the builds outlive the test that asks first, and TestMain removes them after the run.
		root, err := os.MkdirTemp("", "terraform-provider-gitlab-test-") //nolint:usetesting // see above
		if err != nil {
			t.Fatal(err)
		}
		builtProviders.dir, builtProviders.dirs = root, map[string]string{}
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	}
	dir := filepath.Join(builtProviders.dir, version)
	cmd := exec.Command(goBin, "build", "-trimpath", "-ldflags", "-s -w -X main.version="+version,
		"-o", filepath.Join(dir, "terraform-provider-gitlab"), modulePath)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %s\n%s", err, out)
	}
	builtProviders.dirs[version] = dir
	return dir
}

// removeBuiltProviders deletes what buildProvider built.
func removeBuiltProviders() {
	builtProviders.Lock()
	defer builtProviders.Unlock()
	if builtProviders.dir != "" {
		_ = os.RemoveAll(builtProviders.dir)
	}
}

// terraformCLI runs the terraform binary in a working directory of its own, with a CLI configuration whose
// dev_overrides point at a built provider, so neither the registry nor `terraform init` is needed.
type terraformCLI struct {
	t         *testing.T
	bin       string
	dir       string
	env       []string
	rc        string            // the CLI configuration file
	overrides map[string]string // its dev_overrides: provider address -> directory
}

// newTerraformCLI prepares an empty working directory for the provider binary in providerDir. It uses
// TF_ACC_TERRAFORM_PATH when set, like terraform-plugin-testing, otherwise the terraform on PATH.
func newTerraformCLI(t *testing.T, providerDir string) *terraformCLI {
	t.Helper()
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("terraform"); err != nil {
			t.Fatal("terraform is not on PATH: the acceptance tests drive the real Terraform CLI (1.11 or later)")
		}
	}
	home := t.TempDir()
	rc := filepath.Join(home, "terraformrc")
	c := &terraformCLI{t: t, bin: bin, dir: t.TempDir(), rc: rc, overrides: map[string]string{}, env: append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1", "HOME="+home)}
	c.override("gitlab-release-links/gitlab", providerDir)
	return c
}

// override points the CLI at the build of another provider too, source ("namespace/type", on the registry host
// the CLI resolves sources to) in dir, through the CLI configuration's dev_overrides.
func (c *terraformCLI) override(source, dir string) {
	c.t.Helper()
	c.overrides[providerHost()+"/"+source] = dir
	var entries strings.Builder
	for _, address := range slices.Sorted(maps.Keys(c.overrides)) {
		fmt.Fprintf(&entries, "    %q = %q\n", address, c.overrides[address])
	}
	writeFile(c.t, c.rc, "provider_installation {\n  dev_overrides {\n"+entries.String()+"  }\n  direct {}\n}\n")
}

// providerHost is the registry host the CLI resolves the provider's source to: TF_ACC_PROVIDER_HOST when set, as
// terraform-plugin-testing reads it (registry.opentofu.org for OpenTofu), otherwise Terraform's registry.
func providerHost() string {
	if host := os.Getenv("TF_ACC_PROVIDER_HOST"); host != "" {
		return host
	}
	return "registry.terraform.io"
}

// write puts a file into the working directory.
func (c *terraformCLI) write(name, content string) {
	c.t.Helper()
	writeFile(c.t, filepath.Join(c.dir, name), content)
}

// run runs terraform with args and returns its combined output and exit code; it fails the test only when
// terraform cannot be started.
func (c *terraformCLI) run(args ...string) (string, int) {
	c.t.Helper()
	cmd := exec.Command(c.bin, append(args, "-no-color")...)
	cmd.Dir, cmd.Env = c.dir, c.env
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	default:
		c.t.Fatalf("running terraform %s: %s", strings.Join(args, " "), err)
		return "", -1
	}
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// readingCLI is a working directory for a provider binary built at version whose configuration only reads the
// test release's links, through a data source.
func (e *testEnv) readingCLI(t *testing.T, version string) *terraformCLI {
	t.Helper()
	tf := newTerraformCLI(t, buildProvider(t, version))
	tf.write("main.tf", requiredProviders+e.providerBlock()+fmt.Sprintf(`
data "gitlab_release_links" "all" {
  project  = %q
  tag_name = %q
}
`, e.Project, e.Tag))
	return tf
}

// TestAccProvider_releaseVersionInUserAgent builds the binary as a release does and checks that the version
// given to -ldflags reaches GitLab in the User-Agent.
func TestAccProvider_releaseVersionInUserAgent(t *testing.T) {
	requireAcc(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	tf := env.readingCLI(t, "9.8.7")
	if out, code := tf.run("plan", "-detailed-exitcode"); code != 0 {
		t.Fatalf("terraform plan exited with %d, want 0:\n%s", code, out)
	}
	agents := env.emu.UserAgents()
	for _, ua := range agents {
		if strings.HasPrefix(ua, "terraform-provider-gitlab/9.8.7 ") && strings.Contains(ua, " Terraform/") {
			return
		}
	}
	t.Errorf("GitLab saw the User-Agents %q, want one starting with \"terraform-provider-gitlab/9.8.7 \" and naming Terraform", agents)
}

// TestAccProvider_logsWhenAsked: the released binary turns the plugin SDKs' logging off only when Terraform would
// discard it; with TF_LOG or TF_LOG_PROVIDER set, the provider's lines reach Terraform's log as before.
func TestAccProvider_logsWhenAsked(t *testing.T) {
	requireAcc(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	tf := env.readingCLI(t, "test")
	base := tf.env
	for _, setting := range []string{"TF_LOG=DEBUG", "TF_LOG_PROVIDER=DEBUG"} {
		t.Run(setting, func(t *testing.T) {
			logPath := filepath.Join(t.TempDir(), "terraform.log")
			tf.env = append(append([]string{}, base...), setting, "TF_LOG_PATH="+logPath)
			defer func() { tf.env = base }()
			if out, code := tf.run("plan"); code != 0 {
				t.Fatalf("plan failed (%d):\n%s", code, out)
			}
			logs, err := os.ReadFile(logPath)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"GitLab API attempt finished", "tf_provider_addr=registry.terraform.io/gitlab-release-links/gitlab"} {
				if !strings.Contains(string(logs), want) {
					t.Errorf("with %s, Terraform's log has no line with %q", setting, want)
				}
			}
		})
	}
}
