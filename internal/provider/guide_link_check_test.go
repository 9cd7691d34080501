package provider

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// guideLinkCheck is the configuration of the guide "Checking that every link answers", which the guide shows and
// TestAccGuide_linkCheck runs.
const guideLinkCheck = "../../examples/guides/checking-that-every-link-answers"

// TestAccGuide_linkCheck runs the guide's configuration as printed, with the real CLI, against a release whose
// links point at a server that answers 200, a redirect to a 200, a 404, and a port nobody listens on: the plan
// succeeds, and warns about exactly the two dead links, each by name, with HEAD requests only.
func TestAccGuide_linkCheck(t *testing.T) {
	requireAcc(t)
	env := newParallelTestEnv(t)

	var mu sync.Mutex
	methods := map[string]bool{}
	downloads := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		methods[r.Method] = true
		mu.Unlock()
		switch r.URL.Path {
		case "/app.tar.gz":
			w.WriteHeader(http.StatusOK)
		case "/moved/app.zip":
			http.Redirect(w, r, "/app.tar.gz", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(downloads.Close)
	links := map[string]string{ // name -> URL
		"app.tar.gz":    downloads.URL + "/app.tar.gz",
		"app.zip":       downloads.URL + "/moved/app.zip",
		"checksums.txt": downloads.URL + "/gone/checksums.txt",
		"runbook.html":  closedPortURL(t) + "/runbook.html",
	}
	for name, url := range links {
		env.createLink(t, env.Tag, gitlab.CreateReleaseLinkOptions{Name: name, URL: url})
	}

	tf := newTerraformCLI(t, buildProvider(t, "test"))
	tf.override("hashicorp/http", httpProviderDir(t))
	main := readGuideFile(t, "main.tf")
	for placeholder, value := range map[string]string{`"my-group/my-app"`: `"` + env.Project + `"`, `"v1.2.0"`: `"` + env.Tag + `"`} {
		if strings.Count(main, placeholder) != 1 {
			t.Fatalf("the guide's main.tf should name %s once, for the test to put its own in:\n%s", placeholder, main)
		}
		main = strings.Replace(main, placeholder, value, 1)
	}
	tf.write("main.tf", main)
	tf.write("provider.tf", env.providerBlock())
	if err := os.Mkdir(filepath.Join(tf.dir, "link-answers"), 0o700); err != nil {
		t.Fatal(err)
	}
	tf.write("link-answers/main.tf", readGuideFile(t, "link-answers/main.tf"))

	if out, code := tf.run("get"); code != 0 {
		t.Fatalf("terraform get exited with %d:\n%s", code, out)
	}
	out, code := tf.run("plan", "-json")
	if code != 0 {
		t.Fatalf("terraform plan exited with %d, want 0 (dead links are warnings):\n%s", code, out)
	}
	all := planWarnings(t, out)
	if len(all) != 2 {
		t.Errorf("the plan has %d warnings, want 2, one per dead link: %q", len(all), all)
	}
	warnings := map[string][]string{} // link name -> the warnings that name the link or its URL
	for _, w := range all {
		for name, url := range links {
			if strings.Contains(w, name) || strings.Contains(w, url) {
				warnings[name] = append(warnings[name], w)
			}
		}
	}
	for name, want := range map[string]string{
		"checksums.txt": "The link checksums.txt (" + links["checksums.txt"] + ") answered 404.",
		"runbook.html":  "connection refused",
	} {
		if n := len(warnings[name]); n != 1 || !strings.Contains(warnings[name][0], want) {
			t.Errorf("the plan has %d warnings about %s, want one saying %q: %q", n, name, want, warnings[name])
		}
	}
	for _, name := range []string{"app.tar.gz", "app.zip"} {
		if len(warnings[name]) != 0 {
			t.Errorf("the plan warns about %s, which answers: %q", name, warnings[name])
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(methods) != 1 || !methods[http.MethodHead] {
		t.Errorf("the links were requested with %v, want HEAD only (no downloads)", methods)
	}
}

// readGuideFile reads a file of the guide's configuration.
func readGuideFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(guideLinkCheck, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// planWarnings returns the warnings of a plan -json's output, each as its summary, detail and address, but for
// the one that every plan with dev_overrides gives.
func planWarnings(t *testing.T, out string) []string {
	t.Helper()
	var warnings []string
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var message struct {
			Type       string `json:"type"`
			Diagnostic struct {
				Severity, Summary, Detail, Address string
			} `json:"diagnostic"`
		}
		if err := json.Unmarshal([]byte(line), &message); err != nil {
			t.Fatalf("terraform plan -json printed a line that is not JSON: %s\n%s", err, line)
		}
		d := message.Diagnostic
		if message.Type == "diagnostic" && d.Severity == "warning" && d.Summary != "Provider development overrides are in effect" {
			warnings = append(warnings, d.Summary+": "+d.Detail+" ("+d.Address+")")
		}
	}
	return warnings
}

// closedPortURL is an http URL of a loopback port that nothing listens on.
func closedPortURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	_ = ln.Close()
	return url
}

// httpProviderDir returns a directory holding a terraform-provider-http for a dev_overrides entry: the one
// TF_ACC_HTTP_PROVIDER_DIR names (hashicorp/http from the registry, say), otherwise a build of the stand-in in
// internal/httpprovidertest, since the registry's hashicorp/http v3 cannot be built or downloaded offline.
func httpProviderDir(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("TF_ACC_HTTP_PROVIDER_DIR"); dir != "" {
		if found, _ := filepath.Glob(filepath.Join(dir, "terraform-provider-http*")); len(found) == 0 {
			t.Fatalf("TF_ACC_HTTP_PROVIDER_DIR is %s, which holds no terraform-provider-http binary: point it at the "+
				"directory of one (hashicorp/http v3.4 or later), or unset it to use the stand-in", dir)
		}
		return dir
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	}
	dir := t.TempDir()
	cmd := exec.Command(goBin, "build", "-o", filepath.Join(dir, "terraform-provider-http"),
		modulePath+"/internal/httpprovidertest/cmd/terraform-provider-http")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the hashicorp/http stand-in: %s\n%s", err, out)
	}
	return dir
}
