package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// TestAccReleaseLink_interruptedApply stops an apply of 20 links while GitLab has created some of them but not yet
// answered, once with Ctrl-C (SIGINT) and once by killing Terraform and the provider outright (SIGKILL, as a
// cancelled CI job does), then applies again.
//
// Ctrl-C: Terraform cancels the operations in flight and waits for them. The provider lets a create that has
// reached GitLab finish (its answer is the only record of the link GitLab made), so the state holds every link
// GitLab made and the next apply simply creates the rest.
//
// A kill saves nothing: GitLab completes the creates in flight all the same, and the next apply, a new run that
// cannot tell those links from someone else's, fails on each with "has already been taken" and its import command;
// running the printed commands is the way out. Either way GitLab then holds exactly the configured links, none
// twice, the plan is empty and destroy removes them all.
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

			// Terraform runs 10 creates at once; GitLab's answers are held until they are released (or Terraform
			// hangs up), so no create finishes and no other starts before the stop.
			const parallelism = 10
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
			if sig == syscall.SIGINT {
				// GitLab's answers arrive while Terraform is shutting down gracefully.
				time.Sleep(500 * time.Millisecond)
			}
			proxy.releaseAll()
			if err := cmd.Wait(); err == nil {
				t.Fatalf("the stopped apply exited 0:\n%s", out.String())
			}
			proxy.inFlight.Wait()
			made := env.emu.Links(env.Project, env.Tag)
			t.Logf("GitLab created %d of %d links before the apply was stopped", len(made), n)
			inState := tf.stateLinkIDs()
			if sig == syscall.SIGINT {
				// Every create that reached GitLab was recorded: nothing is orphaned, the next apply makes the rest.
				if !slices.Equal(inState, linkIDs(made)) {
					t.Fatalf("after Ctrl-C the state holds links %v, want exactly those GitLab made, %v:\n%s", inState, linkIDs(made), out.String())
				}
				if outAgain, code := tf.run("apply", "-auto-approve", "-lock=false"); code != 0 {
					t.Fatalf("the apply after Ctrl-C failed (%d):\n%s", code, outAgain)
				}
			} else {
				orphans := linkIDs(made)
				if len(inState) != 0 {
					t.Fatalf("the killed apply saved links %v to state, though GitLab had answered none of its creates", inState)
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
					t.Fatalf("the apply after the kill exited %d and named links %v, want an error for each of %v and no other:\n%s",
						code, named, orphans, outAgain)
				}
				for _, c := range imports {
					if importOut, code := tf.run("import", "-lock=false", c.address, c.id); code != 0 {
						t.Fatalf("the printed import of %s failed (%d):\n%s", c.address, code, importOut)
					}
				}
			}
			if err := env.holdsExactly(env.Tag, n, func(i int) string { return fmt.Sprintf("https://example.com/%s/asset-%d", env.Tag, i) }); err != nil {
				t.Fatalf("the apply after the stop did not create the other links: %s", err)
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

// holdingProxy passes requests on to GitLab and holds GitLab's answer to each POST until releaseAll (or until the
// client hangs up), so that an apply stopped meanwhile has creates that GitLab carried out and not yet answered.
type holdingProxy struct {
	URL      string
	release  chan struct{}
	once     sync.Once
	inFlight sync.WaitGroup
}

// releaseAll passes every held answer back, and lets later ones through at once.
func (p *holdingProxy) releaseAll() { p.once.Do(func() { close(p.release) }) }

func newHoldingProxy(t *testing.T, target string) *holdingProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &holdingProxy{release: make(chan struct{})}
	forward := httputil.NewSingleHostReverseProxy(u)
	forward.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.Method == http.MethodPost {
			select {
			case <-p.release:
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
