package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestPlayground runs the command as make emulator does: the URL stays the first line (demo.sh and users' scripts
// read it), the configuration that follows names that URL and the token, and the CLI configuration it points at
// exists while the emulator runs, overrides the provider with the -bin directory, and is removed when it stops.
func TestPlayground(t *testing.T) {
	exe := filepath.Join(t.TempDir(), "gitlab-emulator")
	if out, err := exec.Command("go", "build", "-o", exe, ".").CombinedOutput(); err != nil {
		t.Fatalf("building the emulator: %s\n%s", err, out)
	}
	bin := t.TempDir()
	cmd := exec.Command(exe, "-listen", "127.0.0.1:0", "-token", "playground-token", "-bin", bin)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()

	var lines []string
	scanner := bufio.NewScanner(stdout)
	for scanner.Scan() {
		lines = append(lines, scanner.Text())
		if strings.HasPrefix(scanner.Text(), "curl ") {
			break
		}
	}
	out := strings.Join(lines, "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "http://127.0.0.1:") || strings.ContainsAny(lines[0], " =") {
		t.Fatalf("the first line is not the emulator's URL:\n%s", out)
	}
	for _, want := range []string{
		"token=playground-token\n",
		"base_url = \"" + lines[0] + "\"\n",
		"token    = \"playground-token\"\n",
		"the build in " + bin + " (not built yet: run make build)",
		lines[0] + "/api/v4/projects/demo-group%2Fdemo-project/releases",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the output has no %q:\n%s", want, out)
		}
	}

	var rcPath string
	for _, line := range lines {
		if p, ok := strings.CutPrefix(line, "export TF_CLI_CONFIG_FILE="); ok {
			rcPath = p
		}
	}
	rc, err := os.ReadFile(rcPath)
	if err != nil {
		t.Fatalf("the printed CLI configuration %q cannot be read: %s\n%s", rcPath, err, out)
	}
	if want := `"gitlab-release-links/gitlab" = "` + bin + `"`; !strings.Contains(string(rc), want) {
		t.Errorf("the CLI configuration has no %s:\n%s", want, rc)
	}

	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("the emulator stopped with %v after SIGINT, want exit status 0", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the emulator did not stop within 10 s of SIGINT")
	}
	if _, err := os.Stat(rcPath); !os.IsNotExist(err) {
		t.Errorf("the CLI configuration %s is still there after the emulator stopped (%v)", rcPath, err)
	}
}
