// Command gitlab-emulator serves the in-process GitLab emulator on its own, seeded with a demo user, project and
// release, for `make emulator` and `make demo`.
//
// The first line of stdout is the GitLab root URL (the API is at <url>/api/v4); the following lines give the
// token, project and tag. It serves until SIGINT or SIGTERM.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

const (
	demoUser    = "demo"
	demoProject = "demo-group/demo-project"
	demoTag     = "v1.0.0"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on")
	token := flag.String("token", "", "personal access token for user "+demoUser+" (default: random)")
	flag.Parse()

	if *token == "" {
		*token = randomToken()
	}
	srv, err := gitlabtest.NewServerOn(*listen)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	srv.AddToken(demoUser, *token, gitlabtest.TokenOptions{Kind: gitlabtest.PersonalAccessToken, Scopes: []string{"api"}})
	srv.AddProject(demoProject, false)
	if err := srv.AddMember(demoProject, demoUser, gitlabtest.Owner); err != nil {
		log.Fatal(err)
	}
	if err := srv.AddRelease(demoProject, demoTag); err != nil {
		log.Fatal(err)
	}

	fmt.Println(srv.URL())
	fmt.Printf("token=%s\n", *token)
	fmt.Printf("project=%s\n", demoProject)
	fmt.Printf("tag=%s\n", demoTag)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
}

func randomToken() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		log.Fatal(err)
	}
	return hex.EncodeToString(b)
}
