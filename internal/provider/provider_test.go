package provider

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// testAccProviders starts the provider in-process for terraform-plugin-testing, which drives it with the real
// Terraform CLI found on PATH.
var testAccProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"gitlab": providerserver.NewProtocol6WithError(New("test")()),
}

// testEnv is the GitLab an acceptance test runs against: a fresh emulator, or a live GitLab when GITLAB_BASE_URL
// and GITLAB_TOKEN are set, in which case the test creates (and afterwards deletes) its own project and release.
type testEnv struct {
	BaseURL   string
	Token     string
	Project   string // full path
	ProjectID int64
	Tag       string // a release that exists at the start
	Branch    string // the default branch, from which releases are tagged

	emu    *gitlabtest.Server // nil against a live GitLab
	client *gitlab.Client
	owner  *testing.T // the one test that may write to this project and release
}

const (
	testUser  = "tester"
	testToken = "test-token-0123456789"
	testTag   = "v1.0.0"
)

var projectCounter atomic.Int64

// newTestEnv prepares a project with one release, testTag, for t alone: against the emulator, a GitLab of its own;
// against a live GitLab, a project of its own. A subtest that runs in parallel calls newTestEnv itself (see
// parallelTest); sequential subtests may share their parent's, one after the other.
func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	env := &testEnv{Tag: testTag, owner: t}
	if live := os.Getenv("GITLAB_BASE_URL"); live != "" && os.Getenv("GITLAB_TOKEN") != "" {
		env.BaseURL, env.Token = live, os.Getenv("GITLAB_TOKEN")
	} else {
		env.emu = gitlabtest.NewServer()
		t.Cleanup(env.emu.Close)
		env.emu.AddUser(testUser)
		env.emu.AddToken(testUser, testToken, gitlabtest.TokenOptions{})
		env.BaseURL, env.Token = env.emu.URL(), testToken
	}
	client, err := gitlab.New(gitlab.Config{BaseURL: env.BaseURL, Token: env.Token, AuthKind: gitlab.AuthKindFor(env.Token),
		RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	env.client = client
	env.Project, env.ProjectID, env.Branch = env.newProject(t)
	env.addRelease(t, testTag)
	if env.emu != nil {
		env.emu.ResetRequestCounts() // tests count only what the provider sends
	}
	return env
}

// newParallelTestEnv marks t to run in parallel with other tests, then prepares its environment. It is for tests
// that drive the CLI themselves; terraform-plugin-testing cases go through parallelTest.
func newParallelTestEnv(t *testing.T) *testEnv {
	t.Helper()
	t.Parallel()
	return newTestEnv(t)
}

// httpClientTest marks an acceptance test of the provider's HTTP client: faults, retries, rate limits, outages,
// redirects, TLS, token headers, request counts. What it checks does not depend on the Terraform CLI, so it runs
// once, on the terraform on PATH, and `make testacc-cli`, which repeats the acceptance tests on other CLIs
// (TF_ACC_OTHER_CLI=1), skips it.
func httpClientTest(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC_OTHER_CLI") != "" {
		t.Skip("a test of the provider's HTTP client: it runs once, on the terraform on PATH (make test)")
	}
}

// parallelTest runs tc in parallel with other tests, on an environment that must be t's own. Parallel subtests on
// their parent's environment would write to one release at once, and one's "has already been taken" would be
// another's link; every test that runs in parallel goes through here or newParallelTestEnv, and
// TestParallelTestsOwnTheirEnvironment keeps it so.
func (e *testEnv) parallelTest(t *testing.T, tc resource.TestCase) {
	t.Helper()
	if t != e.owner {
		t.Fatalf("%s runs in parallel on the environment of %s, whose project and release its siblings write too: "+
			"give it its own with newTestEnv(t)", t.Name(), e.owner.Name())
	}
	resource.ParallelTest(t, tc)
}

// newProject creates a private project the test user owns, deleted after the test against a live GitLab.
func (e *testEnv) newProject(t *testing.T) (path string, id int64, branch string) {
	t.Helper()
	name := fmt.Sprintf("tf-acc-%d-%d", time.Now().UnixNano(), projectCounter.Add(1))
	if e.emu != nil {
		p := e.emu.AddProject("test-group/"+name, false)
		if err := e.emu.AddMember(p.FullPath, testUser, gitlabtest.Owner); err != nil {
			t.Fatal(err)
		}
		return p.FullPath, p.ID, p.DefaultBranch
	}
	p, err := e.client.CreateProject(context.Background(), gitlab.CreateProjectOptions{Name: name, InitializeWithReadme: true, Visibility: "private"})
	if err != nil {
		t.Fatalf("creating a test project: %s", err)
	}
	t.Cleanup(func() { _ = e.client.DeleteProject(context.Background(), fmt.Sprint(p.ID)) })
	return p.PathWithNamespace, p.ID, p.DefaultBranch
}

// providerBlock is the provider configuration every acceptance test uses, so Configure is exercised.
func (e *testEnv) providerBlock() string {
	return fmt.Sprintf("provider \"gitlab\" {\n  base_url = %q\n  token    = %q\n}\n", e.BaseURL, e.Token)
}

// addRelease creates a release (and its tag, from the default branch).
func (e *testEnv) addRelease(t *testing.T, tag string) {
	t.Helper()
	e.addReleaseIn(t, e.Project, tag)
}

// addReleaseIn creates a release in another project of the same GitLab.
func (e *testEnv) addReleaseIn(t *testing.T, project, tag string) {
	t.Helper()
	if _, err := e.client.CreateRelease(context.Background(), project, gitlab.CreateReleaseOptions{TagName: tag, Ref: e.Branch}); err != nil {
		t.Fatalf("creating release %q: %s", tag, err)
	}
}

// deleteRelease deletes a release behind Terraform's back; its links go with it.
func (e *testEnv) deleteRelease(t *testing.T, tag string) {
	t.Helper()
	if err := e.client.DeleteRelease(context.Background(), e.Project, tag); err != nil {
		t.Fatalf("deleting release %q: %s", tag, err)
	}
}

// links lists a release's links as GitLab holds them.
func (e *testEnv) links(t *testing.T, tag string) []gitlab.ReleaseLink {
	t.Helper()
	links, err := e.client.ListReleaseLinks(context.Background(), e.Project, tag)
	if err != nil && !gitlab.IsNotFound(err) {
		t.Fatalf("listing links of %q: %s", tag, err)
	}
	return links
}

// linkNamed returns the release's link with that name, failing the test when there is none.
func (e *testEnv) linkNamed(t *testing.T, tag, name string) gitlab.ReleaseLink {
	t.Helper()
	for _, l := range e.links(t, tag) {
		if l.Name == name {
			return l
		}
	}
	t.Fatalf("release %q has no link named %q", tag, name)
	return gitlab.ReleaseLink{}
}

// checkLinkCount checks how many links GitLab holds on a release.
func (e *testEnv) checkLinkCount(t *testing.T, tag string, want int) func(*terraform.State) error {
	return func(*terraform.State) error {
		if n := len(e.links(t, tag)); n != want {
			return fmt.Errorf("release %q has %d links, want %d", tag, n, want)
		}
		return nil
	}
}

// createLink creates a link behind Terraform's back.
func (e *testEnv) createLink(t *testing.T, tag string, opts gitlab.CreateReleaseLinkOptions) gitlab.ReleaseLink {
	t.Helper()
	link, err := e.client.CreateReleaseLink(context.Background(), e.Project, tag, opts)
	if err != nil {
		t.Fatalf("creating link %q: %s", opts.Name, err)
	}
	return *link
}

// checkNoLinks is a CheckDestroy that asks GitLab whether any of the tags still has links.
func (e *testEnv) checkNoLinks(tags ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		for _, tag := range tags {
			links, err := e.client.ListReleaseLinks(context.Background(), e.Project, tag)
			if err != nil && !gitlab.IsNotFound(err) {
				return err
			}
			if len(links) > 0 {
				return fmt.Errorf("release %q still has %d link(s) after destroy", tag, len(links))
			}
		}
		return nil
	}
}

// checkNoRequests fails the test if anything reached the emulator since newTestEnv, such as a configuration
// that should have failed at plan time.
func (e *testEnv) checkNoRequests(t *testing.T) {
	t.Helper()
	if e.emu != nil {
		if counts := e.emu.RequestCounts(); len(counts) != 0 {
			t.Errorf("the configuration reached GitLab: %v", counts)
		}
	}
}

// requireEmulator skips tests that need to see or steer GitLab's insides, which a live GitLab does not allow.
func (e *testEnv) requireEmulator(t *testing.T) {
	t.Helper()
	if e.emu == nil {
		t.Skip("needs the emulator: request counts and fault injection are not available against a live GitLab")
	}
}

// wrapped compiles an expected error pattern so that it matches across the line breaks Terraform inserts:
// every space may be any run of white space.
func wrapped(pattern string) *regexp.Regexp {
	return regexp.MustCompile("(?s)" + strings.ReplaceAll(pattern, " ", `\s+`))
}

// TestParallelTestsOwnTheirEnvironment keeps every parallel test on an environment of its own: t.Parallel and
// resource.ParallelTest are called only by newParallelTestEnv and parallelTest, which make sure of it.
func TestParallelTestsOwnTheirEnvironment(t *testing.T) {
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		file, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil || fn.Name.Name == "parallelTest" || fn.Name.Name == "newParallelTestEnv" {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Parallel" && len(call.Args) == 0 || sel.Sel.Name == "ParallelTest") {
					t.Errorf("%s: %s calls %s directly: use newParallelTestEnv(t) or env.parallelTest(t, …), which check that the "+
						"test runs on an environment of its own", fset.Position(call.Pos()), fn.Name.Name, sel.Sel.Name)
				}
				return true
			})
		}
	}
}
