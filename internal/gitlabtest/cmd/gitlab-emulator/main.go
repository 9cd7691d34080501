// Command gitlab-emulator serves the in-process GitLab emulator on its own, seeded with a demo user, project and
// release, for `make emulator` and `make demo`.
//
// The first line of stdout is the GitLab root URL (the API is at <url>/api/v4); the following lines give the
// token, project and tag, then a configuration to copy and the command that points Terraform at the provider build
// in -bin through a CLI configuration that the emulator writes to a temporary file (and removes when it stops). It
// serves until SIGINT or SIGTERM.
//
// Flags:
//
//	-listen addr         address to listen on (default 127.0.0.1:0, a random port)
//	-bin dir             the directory of the provider build that the printed CLI configuration uses (default bin
//	                     in the working directory; make emulator passes the repository's bin/)
//	-token value         personal access token of the demo user (default: random)
//	-rate-limit n        throttle each user (each IP when unauthenticated) to n requests per window; 0 is off
//	-rate-window d       the throttle's fixed window, a Go duration such as 60s or 500ms (default 60s)
//	-rate-headers mode   on429 (GitLab's default: RateLimit-* and Retry-After on 429s only), bare (a 429 with no
//	                     such headers) or always (RateLimit-* on every answer)
//
// `make emulator` passes the repository's bin/, and LISTEN, TOKEN, RATE_LIMIT, RATE_WINDOW and RATE_HEADERS
// through, for example `make emulator RATE_LIMIT=60 RATE_WINDOW=20s RATE_HEADERS=bare`. See GITLAB.md §6 (at the
// repository's root) for how GitLab throttles.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

const (
	demoUser    = "demo"
	demoProject = "demo-group/demo-project"
	demoTag     = "v1.0.0"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on")
	bin := flag.String("bin", "bin", "directory of the provider build for the printed CLI configuration")
	token := flag.String("token", "", "personal access token for user "+demoUser+" (default: random)")
	rateLimit := flag.Int("rate-limit", 0, "requests per window for each user or IP; 0 turns the throttle off")
	rateWindow := flag.Duration("rate-window", time.Minute, "the throttle's fixed window")
	rateHeaders := flag.String("rate-headers", "on429", "where the throttle sends RateLimit-* headers: on429, bare or always")
	flag.Parse()

	mode, ok := rateModes[*rateHeaders]
	switch {
	case !ok:
		log.Fatalf("-rate-headers: %q is not one of on429, bare, always", *rateHeaders)
	case *rateLimit < 0:
		log.Fatalf("-rate-limit: %d is negative", *rateLimit)
	case *rateLimit > 0 && *rateWindow <= 0:
		log.Fatalf("-rate-window: %v is not positive", *rateWindow)
	}

	if *token == "" {
		*token = randomToken()
	}
	binDir, err := filepath.Abs(*bin)
	if err != nil {
		log.Fatalf("-bin: %s", err)
	}
	srv, err := gitlabtest.NewServerOn(*listen)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.SetRateLimit(*rateLimit, *rateWindow, mode)

	srv.AddToken(demoUser, *token, gitlabtest.TokenOptions{Kind: gitlabtest.PersonalAccessToken, Scopes: []string{"api"}})
	srv.AddProject(demoProject, false)
	if err := srv.AddMember(demoProject, demoUser, gitlabtest.Owner); err != nil {
		log.Fatal(err)
	}
	if err := srv.AddRelease(demoProject, demoTag); err != nil {
		log.Fatal(err)
	}

	// Before the first line: whoever reads the output may stop the emulator as soon as it has, and a signal must
	// then still remove the CLI configuration.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	fmt.Println(srv.URL())
	fmt.Printf("token=%s\n", *token)
	fmt.Printf("project=%s\n", demoProject)
	fmt.Printf("tag=%s\n", demoTag)
	rcPath, err := writeCLIConfig(binDir)
	if err != nil {
		log.Fatalf("writing the CLI configuration: %s", err)
	}
	defer func() { _ = os.Remove(rcPath) }()
	printPlayground(os.Stdout, srv.URL(), *token, binDir, rcPath)

	<-stop
}

var rateModes = map[string]gitlabtest.RateLimitMode{
	"on429":  gitlabtest.RateLimitHeadersOn429,
	"bare":   gitlabtest.RateLimitBare429,
	"always": gitlabtest.RateLimitHeadersAlways,
}

func randomToken() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		log.Fatal(err)
	}
	return hex.EncodeToString(b)
}
