package provider

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// TestMain runs the tests, or with -sweep the sweepers, HashiCorp's way of cleaning up what interrupted
// acceptance runs left on a live GitLab: go test ./internal/provider -sweep=all. GitLab has no regions, so the
// value of -sweep only names the run.
func TestMain(m *testing.M) {
	resource.TestMain(runThenClean{m})
}

// runThenClean runs the tests, then removes the provider binaries they built.
type runThenClean struct{ m *testing.M }

func (r runThenClean) Run() int {
	defer removeBuiltProviders()
	return r.m.Run()
}

// testProjectPath is the path of a project newTestEnv creates on a live GitLab: tf-acc-<unix nanoseconds>-<n>.
var testProjectPath = regexp.MustCompile(`^tf-acc-[0-9]+-[0-9]+$`)

func init() {
	resource.AddTestSweepers("gitlab_test_projects", &resource.Sweeper{Name: "gitlab_test_projects", F: sweepTestProjects})
}

// sweepTestProjects deletes the projects that acceptance tests created on the GitLab at GITLAB_BASE_URL as the
// user of GITLAB_TOKEN and did not delete, because the run was interrupted. Only projects the user owns whose
// path has the tests' exact form are deleted; the releases and links in them go with them.
func sweepTestProjects(region string) error {
	baseURL, token := os.Getenv("GITLAB_BASE_URL"), os.Getenv("GITLAB_TOKEN")
	if baseURL == "" || token == "" {
		return errors.New("set GITLAB_BASE_URL and GITLAB_TOKEN to the GitLab and token the acceptance tests ran with")
	}
	client, err := gitlab.New(gitlab.Config{BaseURL: baseURL, Token: token, AuthKind: gitlab.AuthKindFor(token), Retries: -1})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), gitlab.DefaultOperationTimeout)
	defer cancel()
	projects, err := client.ListOwnedProjects(ctx, "tf-acc-")
	if err != nil {
		return fmt.Errorf("listing the projects of the token's user: %w", err)
	}
	var errs []error
	for _, p := range projects {
		if !testProjectPath.MatchString(p.Path) {
			continue
		}
		log.Printf("[INFO] sweeper %s: deleting project %s (%d)", region, p.PathWithNamespace, p.ID)
		if err := client.DeleteProject(ctx, fmt.Sprint(p.ID)); err != nil && !gitlab.IsProjectNotFound(err) {
			errs = append(errs, fmt.Errorf("deleting project %s: %w", p.PathWithNamespace, err))
		}
	}
	return errors.Join(errs...)
}

func TestSweepTestProjects(t *testing.T) {
	emu := gitlabtest.NewServer()
	t.Cleanup(emu.Close)
	emu.AddUser(testUser)
	emu.AddToken(testUser, testToken, gitlabtest.TokenOptions{})
	emu.AddUser("someone-else")
	t.Setenv("GITLAB_BASE_URL", emu.URL())
	t.Setenv("GITLAB_TOKEN", testToken)

	env := &testEnv{emu: emu}
	left, _, _ := env.newProject(t) // as an interrupted acceptance test leaves it
	projects := []struct {
		path string
		kept bool
	}{
		{path: left},
		{path: testUser + "/tf-acc-1796000000000000000-7"},
		{path: testUser + "/tf-acc-my-app", kept: true},                 // a prefix only
		{path: testUser + "/my-tf-acc-1-2", kept: true},                 // matched by the search, not a test project
		{path: testUser + "/tf-acc-1-2-final", kept: true},              // matched by the search, not a test project
		{path: "someone-else/tf-acc-1796000000000000000-8", kept: true}, // not the token user's
	}
	for _, p := range projects[1:] {
		emu.AddProject(p.path, false)
	}
	for range 2 { // a second sweep finds nothing more to do
		if err := sweepTestProjects("emulator"); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range projects {
		if _, exists := emu.LookupProject(p.path); exists != p.kept {
			t.Errorf("project %s exists = %v, want %v", p.path, exists, p.kept)
		}
	}

	t.Setenv("GITLAB_TOKEN", "")
	if err := sweepTestProjects("emulator"); err == nil {
		t.Error("swept without a token")
	}
}
