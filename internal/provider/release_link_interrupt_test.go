package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// TestAccReleaseLink_interruptedApply stops an apply of 20 links while GitLab has created some of them but not yet
// answered, once with Ctrl-C (SIGINT) and once by killing Terraform and the provider outright (SIGKILL, as a
// cancelled CI job does), then applies again.
//
// Either way the creates in flight are lost to Terraform: Ctrl-C makes the provider stop waiting for them (and
// Terraform saves the state of the creates that had finished), a kill saves nothing more. GitLab completes them all
// the same, as it completes any request it has received. The next apply, a new run that cannot tell those links
// from someone else's, fails on each with "has already been taken" and its import command; running the printed
// commands is the way out. GitLab then holds exactly the configured links, none twice, the plan is empty and
// destroy removes them all.
func TestAccReleaseLink_interruptedApply(t *testing.T) {
	requireAcc(t)
	providerDir := buildProvider(t, "test")
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			env := newTestEnv(t)
			env.requireEmulator(t)
			const n = 20
			proxy := newHoldingProxy(t, env.BaseURL)
			tf := newTerraformCLI(t, providerDir)
			tf.write("main.tf", strings.Replace(env.manyLinksConfig("", map[string]int{env.Tag: n}), env.BaseURL, proxy.URL, 1))
			tf.write("versions.tf", "terraform {\n  required_providers {\n    gitlab = { source = \"gitlab-release-links/gitlab\" }\n  }\n}\n")

			// Terraform runs 10 creates at once; GitLab's answers are held until Terraform hangs up, so no create
			// finishes and no other starts before the stop.
			const parallelism = 10
			proxy.hold.Store(int64(time.Minute))
			cmd := exec.Command(tf.bin, "apply", "-auto-approve", "-no-color", fmt.Sprintf("-parallelism=%d", parallelism))
			cmd.Dir, cmd.Env = tf.dir, tf.env
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // the signal reaches the provider too
			var out strings.Builder
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			for deadline := time.Now().Add(30 * time.Second); len(env.emu.Links(env.Project, env.Tag)) < parallelism; {
				if time.Now().After(deadline) {
					t.Fatalf("GitLab did not get %d creates within 30s:\n%s", parallelism, out.String())
				}
				time.Sleep(5 * time.Millisecond)
			}
			if err := syscall.Kill(-cmd.Process.Pid, sig); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Wait(); err == nil {
				t.Fatalf("the stopped apply exited 0:\n%s", out.String())
			}
			proxy.hold.Store(0)
			proxy.inFlight.Wait()
			made := env.emu.Links(env.Project, env.Tag)
			orphans := linkIDs(made)
			if inState := tf.stateLinkIDs(); len(inState) != 0 {
				t.Fatalf("the stopped apply saved links %v to state, though GitLab had answered none of its creates", inState)
			}
			t.Logf("GitLab created %d of %d links before the apply was stopped", len(orphans), n)
			if sig == syscall.SIGINT {
				// The creates in flight, exactly those GitLab completed, report that they were interrupted.
				var want []string
				for _, l := range made {
					want = append(want, "gitlab_release_link.r0["+strings.TrimPrefix(l.Name, "asset-")+"]")
				}
				slices.Sort(want)
				if got := interruptedAddresses(out.String()); !slices.Equal(got, want) {
					t.Errorf("the interrupted apply reported %v as interrupted, want %v:\n%s", got, want, out.String())
				}
			}

			// A killed Terraform leaves its state lock behind, as it would for a user.
			outAgain, code := tf.run("apply", "-auto-approve", "-lock=false")
			imports := importCommands(outAgain)
			var named []int64
			for _, c := range imports {
				named = append(named, c.linkID)
			}
			slices.Sort(named)
			if code == 0 || !slices.Equal(named, orphans) || strings.Count(outAgain, "Error: ") != len(orphans) {
				t.Fatalf("the apply after the stop exited %d and named links %v, want an error for each of %v and no other:\n%s",
					code, named, orphans, outAgain)
			}
			if err := env.holdsExactly(env.Tag, n, func(i int) string { return fmt.Sprintf("https://example.com/%s/asset-%d", env.Tag, i) }); err != nil {
				t.Fatalf("the apply after the stop did not create the other links: %s", err)
			}
			for _, c := range imports {
				if importOut, code := tf.run("import", "-lock=false", c.address, c.id); code != 0 {
					t.Fatalf("the printed import of %s failed (%d):\n%s", c.address, code, importOut)
				}
			}
			if planOut, code := tf.run("plan", "-detailed-exitcode", "-lock=false"); code != 0 {
				t.Fatalf("the plan after the imports is not empty (%d):\n%s", code, planOut)
			}
			if err := env.holdsExactly(env.Tag, n, func(i int) string { return fmt.Sprintf("https://example.com/%s/asset-%d", env.Tag, i) }); err != nil {
				t.Fatal(err)
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

// holdingProxy passes requests on to GitLab and holds GitLab's answer to each POST for a while before passing it
// back, so that an apply stopped meanwhile leaves links that GitLab created and Terraform never heard of.
type holdingProxy struct {
	URL      string
	hold     atomic.Int64 // time.Duration
	inFlight sync.WaitGroup
}

func newHoldingProxy(t *testing.T, target string) *holdingProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &holdingProxy{}
	forward := httputil.NewSingleHostReverseProxy(u)
	forward.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.Method == http.MethodPost {
			select {
			case <-time.After(time.Duration(p.hold.Load())):
			case <-resp.Request.Context().Done():
			}
		}
		return nil
	}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.inFlight.Add(1)
		defer p.inFlight.Done()
		forward.ServeHTTP(w, r)
	}))
	t.Cleanup(server.Close)
	p.URL = server.URL
	return p
}

// linkIDs returns the links' IDs in ascending order.
func linkIDs(links []gitlabtest.Link) []int64 {
	ids := []int64{}
	for _, l := range links {
		ids = append(ids, l.ID)
	}
	slices.Sort(ids)
	return ids
}

// stateLinkIDs returns the link_id of every gitlab_release_link in the working directory's state, ascending.
func (c *terraformCLI) stateLinkIDs() []int64 {
	c.t.Helper()
	out, code := c.run("show", "-json")
	if code != 0 {
		c.t.Fatalf("terraform show -json failed (%d):\n%s", code, out)
	}
	var state struct {
		Values *struct {
			RootModule struct {
				Resources []struct {
					Type   string
					Values struct {
						LinkID int64 `json:"link_id"`
					}
				}
			} `json:"root_module"`
		}
	}
	if err := json.Unmarshal([]byte(out), &state); err != nil {
		c.t.Fatalf("reading terraform show -json: %s\n%s", err, out)
	}
	ids := []int64{}
	if state.Values != nil {
		for _, r := range state.Values.RootModule.Resources {
			if r.Type == "gitlab_release_link" {
				ids = append(ids, r.Values.LinkID)
			}
		}
	}
	slices.Sort(ids)
	return ids
}

// importCommand is one "has already been taken" error's recovery: the printed terraform import command, with the
// address Terraform shows beside the error in place of gitlab_release_link.<name>.
type importCommand struct {
	address, id string
	linkID      int64
}

var (
	diagnosticAddress = regexp.MustCompile(`with (gitlab_release_link\.[^,\s]+),`)
	printedImport     = regexp.MustCompile(`terraform import gitlab_release_link\.<name> '([^']+:(\d+))'`)
)

// interruptedAddresses returns the resources whose operation a terraform run reports as interrupted, sorted.
func interruptedAddresses(output string) []string {
	var addresses []string
	for _, block := range strings.Split(output, "Error: ")[1:] {
		if address := diagnosticAddress.FindStringSubmatch(block); address != nil && strings.Contains(block, "The operation was interrupted.") {
			addresses = append(addresses, address[1])
		}
	}
	slices.Sort(addresses)
	return addresses
}

// importCommands reads the import commands out of the errors of a terraform run.
func importCommands(output string) []importCommand {
	var commands []importCommand
	for _, block := range strings.Split(output, "Error: ")[1:] {
		address, command := diagnosticAddress.FindStringSubmatch(block), printedImport.FindStringSubmatch(block)
		if address == nil || command == nil {
			continue
		}
		linkID, _ := strconv.ParseInt(command[2], 10, 64)
		commands = append(commands, importCommand{address: address[1], id: command[1], linkID: linkID})
	}
	return commands
}

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
	if out, code := tf.run("apply", "-auto-approve"); code != 0 || !strings.Contains(out, "0 destroyed") {
		t.Fatalf("apply with the removed block exited %d, want the link forgotten:\n%s", code, out)
	}
	tf.requireState()
}

// TestAccReleaseLink_destroyWithoutAccess takes the project away from the token's sight: destroy, with or without
// a refresh, fails and forgets nothing, and the link stays on GitLab. With access back, destroy deletes it.
func TestAccReleaseLink_destroyWithoutAccess(t *testing.T) {
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
