package provider

import (
	"encoding/json"
	"errors"
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
// A kill saves nothing: GitLab completes the creates in flight all the same, and the next plan, a new run that
// cannot tell those links from someone else's, fails on each with the link it meets and its import command;
// running the printed commands, then apply, is the way out. Either way GitLab then holds exactly the configured links, none
// twice, the plan is empty and destroy removes them all.
func TestAccReleaseLink_interruptedApply(t *testing.T) {
	requireAcc(t)
	providerDir := buildProvider(t, "test")
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			env := newTestEnv(t)
			env.requireEmulator(t)
			const n = 20
			proxy := newHoldingProxy(t, env.BaseURL, http.MethodPost)
			tf := newTerraformCLI(t, providerDir)
			tf.write("main.tf", strings.Replace(env.manyLinksConfig("", map[string]int{env.Tag: n}), env.BaseURL, proxy.URL, 1))
			tf.write("versions.tf", "terraform {\n  required_providers {\n    gitlab = { source = \"gitlab-release-links/gitlab\" }\n  }\n}\n")

			// Terraform runs 10 creates at once; GitLab's answers are held until they are released (or Terraform
			// hangs up), so no create finishes and no other starts before the stop.
			const parallelism = 10
			run := tf.start("apply", "-auto-approve", fmt.Sprintf("-parallelism=%d", parallelism))
			run.waitFor("GitLab to get 10 creates", func() bool { return len(env.emu.Links(env.Project, env.Tag)) >= parallelism })
			run.signal(sig)
			if sig == syscall.SIGINT {
				// GitLab's answers arrive while Terraform is shutting down gracefully.
				time.Sleep(500 * time.Millisecond)
			}
			proxy.releaseAll()
			out, code := run.wait()
			if code == 0 {
				t.Fatalf("the stopped apply exited 0:\n%s", out)
			}
			proxy.inFlight.Wait()
			made := env.emu.Links(env.Project, env.Tag)
			t.Logf("GitLab created %d of %d links before the apply was stopped", len(made), n)
			inState := tf.stateLinkIDs()
			if sig == syscall.SIGINT {
				// Every create that reached GitLab was recorded: nothing is orphaned, the next apply makes the rest.
				if !slices.Equal(inState, linkIDs(made)) {
					t.Fatalf("after Ctrl-C the state holds links %v, want exactly those GitLab made, %v:\n%s", inState, linkIDs(made), out)
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
				// The plan caught the taken names before any write; with the orphans imported, the rest are created.
				if outAgain, code := tf.run("apply", "-auto-approve", "-lock=false"); code != 0 {
					t.Fatalf("the apply after the imports failed (%d):\n%s", code, outAgain)
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

// holdingProxy passes requests on to GitLab and holds GitLab's answer to each request of the given methods until
// it is released (or the client hangs up), so that an apply stopped meanwhile has writes that GitLab carried out
// and not yet answered.
type holdingProxy struct {
	URL      string
	tokens   chan struct{} // each lets one held answer through
	release  chan struct{} // closed: every answer goes through
	once     sync.Once
	inFlight sync.WaitGroup
}

// releaseOne passes one held answer back, now or when the next one is held.
func (p *holdingProxy) releaseOne() { p.tokens <- struct{}{} }

// releaseAll passes every held answer back, and lets later ones through at once.
func (p *holdingProxy) releaseAll() { p.once.Do(func() { close(p.release) }) }

func newHoldingProxy(t *testing.T, target string, methods ...string) *holdingProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &holdingProxy{tokens: make(chan struct{}, 1000), release: make(chan struct{})}
	forward := httputil.NewSingleHostReverseProxy(u)
	forward.ModifyResponse = func(resp *http.Response) error {
		if slices.Contains(methods, resp.Request.Method) {
			select {
			case <-p.tokens:
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

// runningCLI is a terraform command started in the background, in a process group of its own so that a signal
// reaches the provider too, as Ctrl-C in a terminal or a cancelled CI job does.
type runningCLI struct {
	t   *testing.T
	cmd *exec.Cmd
	out *lockedBuffer
}

// lockedBuffer is the output of a running command, safe to read while it is written.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// start runs terraform with args in the background.
func (c *terraformCLI) start(args ...string) *runningCLI {
	c.t.Helper()
	cmd := exec.Command(c.bin, append(args, "-no-color")...)
	cmd.Dir, cmd.Env = c.dir, c.env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	r := &runningCLI{t: c.t, cmd: cmd, out: out}
	c.t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			_ = cmd.Wait()
		}
	})
	return r
}

// waitFor waits until cond holds, for at most a minute: on a loaded machine Terraform may take a while to start.
func (r *runningCLI) waitFor(what string, cond func() bool) {
	r.t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			r.t.Fatalf("waited a minute for %s:\n%s", what, r.out.String())
		}
	}
}

// watchStopProvider logs what the provider's protocol server does (TRACE) to a file, and returns a check of
// whether it has cancelled the operations in flight, which it does when Terraform stops it on Ctrl-C.
func (c *terraformCLI) watchStopProvider() func() bool {
	c.t.Helper()
	log := filepath.Join(c.t.TempDir(), "provider.log")
	c.env = append(c.env, "TF_LOG_PROVIDER=TRACE", "TF_LOG_PATH="+log)
	return func() bool {
		data, _ := os.ReadFile(log)
		return strings.Contains(string(data), "Closed all our contexts")
	}
}

// signal sends sig to terraform and the provider it started.
func (r *runningCLI) signal(sig syscall.Signal) {
	r.t.Helper()
	if err := syscall.Kill(-r.cmd.Process.Pid, sig); err != nil {
		r.t.Fatal(err)
	}
}

// wait waits for terraform to exit and returns its output and exit code.
func (r *runningCLI) wait() (string, int) {
	r.t.Helper()
	err := r.cmd.Wait()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		r.t.Fatal(err)
	}
	return r.out.String(), r.cmd.ProcessState.ExitCode()
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
