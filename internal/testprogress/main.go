// Command testprogress runs `go test -json` and shows the run as it goes: a line for every test that finishes,
// with a running count, a note naming the tests still running when nothing has finished for a while, the whole
// output of every failed test gathered at the end, and then the summary `go test` itself prints (one
// "ok"/"FAIL" line per package), so that what reads that summary reads it as before.
//
//	go run ./internal/testprogress go test -json -count=1 ./...
//
// It exits with the command's status, or 1 when the command exits 0 although a test failed.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: testprogress go test -json [flags] [packages]")
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...) //nolint:gosec // the command is the caller's
	cmd.Stdin, cmd.Stderr = os.Stdin, os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "testprogress:", err)
		os.Exit(2)
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "testprogress:", err)
		os.Exit(2)
	}
	// Ctrl-C reaches the whole process group; go test reports what it had, and the summary follows.
	signal.Ignore(os.Interrupt, syscall.SIGTERM)

	r := newReport(os.Stdout, time.Now)
	stop := r.heartbeat(30 * time.Second)
	r.read(stdout)
	stop()
	failed := r.summary()

	err = cmd.Wait()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		os.Exit(exit.ExitCode())
	case err != nil:
		fmt.Fprintln(os.Stderr, "testprogress:", err)
		os.Exit(2)
	case failed:
		os.Exit(1)
	}
}

// event is one line of `go test -json` (see `go doc test2json`).
type event struct {
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
}

// report follows the run and prints it.
type report struct {
	out   io.Writer
	now   func() time.Time
	start time.Time

	mu        sync.Mutex
	done      int // tests, subtests included, that passed, failed or were skipped
	failures  []string
	skipped   int
	running   map[string]time.Time // top-level tests running, by package and name, since when
	output    map[string][]string  // output of each test and subtest, kept until it passes
	failedOut map[string][]string  // output of the failed tests, in the order they failed
	packages  []string             // go test's own summary line of each package, in the order they finished
	lastEnd   time.Time
}

func newReport(out io.Writer, now func() time.Time) *report {
	return &report{out: out, now: now, start: now(), lastEnd: now(), running: map[string]time.Time{},
		output: map[string][]string{}, failedOut: map[string][]string{}}
}

// read consumes the command's output until it ends. Lines that are not test events (a build failure from an
// older go, a message from a tool) are passed through as they are.
func (r *report) read(in io.Reader) {
	scanner := bufio.NewScanner(in)
	scanner.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for scanner.Scan() {
		line := scanner.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil || e.Action == "" {
			r.mu.Lock()
			fmt.Fprintln(r.out, string(line))
			r.mu.Unlock()
			continue
		}
		r.handle(e)
	}
}

// handle takes one event.
func (r *report) handle(e event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := shortPackage(e.Package) + " " + e.Test
	switch {
	case e.Action == "build-output":
		fmt.Fprint(r.out, e.Output)
	case e.Test == "" && e.Action == "output":
		// The package's own lines: "ok  \tpkg\t1.2s", "FAIL\tpkg", "?   \tpkg\t[no test files]", and a panic or
		// a timeout outside any test, which belongs to the failures.
		switch {
		case strings.HasPrefix(e.Output, "ok  \t"), strings.HasPrefix(e.Output, "FAIL\t"), strings.HasPrefix(e.Output, "?   \t"):
			r.packages = append(r.packages, e.Output)
			fmt.Fprint(r.out, e.Output)
		case e.Output != "PASS\n" && e.Output != "FAIL\n":
			r.output[key] = append(r.output[key], e.Output)
		}
	case e.Test == "" && e.Action == "fail":
		if out := r.output[key]; len(out) > 0 {
			label := key + "(outside any test)"
			r.failedOut[label] = out
			r.failures = append(r.failures, label)
		}
	case e.Test == "":
	case e.Action == "run":
		if !strings.Contains(e.Test, "/") {
			r.running[key] = r.now()
		}
	case e.Action == "output":
		r.output[key] = append(r.output[key], e.Output)
	case e.Action == "pass", e.Action == "fail", e.Action == "skip":
		r.finish(e, key)
	}
}

// finish records a test that ended, and prints it when it is a top-level test or a failure.
func (r *report) finish(e event, key string) {
	r.done++
	r.lastEnd = r.now()
	top := !strings.Contains(e.Test, "/")
	if top {
		delete(r.running, key)
	}
	switch e.Action {
	case "fail":
		r.failures = append(r.failures, key)
		r.failedOut[key] = r.output[key]
	case "skip":
		r.skipped++
	}
	delete(r.output, key)
	if top || e.Action == "fail" {
		fmt.Fprintf(r.out, "%-4s %s %s (%.1fs)  [%d done, %d failed, %s]\n", strings.ToUpper(e.Action), shortPackage(e.Package),
			e.Test, e.Elapsed, r.done, len(r.failures), r.now().Sub(r.start).Round(time.Second))
	}
}

// heartbeat names the tests still running whenever nothing has finished for every, until the returned stop is
// called.
func (r *report) heartbeat(every time.Duration) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(every / 3)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				r.mu.Lock()
				if r.now().Sub(r.lastEnd) >= every && len(r.running) > 0 {
					fmt.Fprintln(r.out, r.stillRunning())
					r.lastEnd = r.now()
				}
				r.mu.Unlock()
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// stillRunning says which tests are running, longest first.
func (r *report) stillRunning() string {
	names := make([]string, 0, len(r.running))
	for name := range r.running {
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int { return r.running[a].Compare(r.running[b]) })
	const shown = 4
	list := make([]string, 0, shown+1)
	for _, name := range names[:min(shown, len(names))] {
		list = append(list, fmt.Sprintf("%s (%s)", name, r.now().Sub(r.running[name]).Round(time.Second)))
	}
	if len(names) > shown {
		list = append(list, fmt.Sprintf("and %d more", len(names)-shown))
	}
	return fmt.Sprintf("...  still running after %s: %s", r.now().Sub(r.start).Round(time.Second), strings.Join(list, ", "))
}

// summary prints the output of every failed test, then go test's summary of each package and a count, and
// reports whether anything failed.
func (r *report) summary() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	took := r.now().Sub(r.start).Round(time.Second)
	if len(r.failures) > 0 {
		fmt.Fprintf(r.out, "\n=== %d failed; their output:\n", len(r.failures))
		for _, key := range r.failures {
			fmt.Fprintf(r.out, "\n--- %s\n%s", key, strings.Join(r.failedOut[key], ""))
		}
		fmt.Fprintln(r.out)
	}
	fmt.Fprintln(r.out, "\n=== Summary")
	for _, line := range r.packages {
		fmt.Fprint(r.out, line)
	}
	if len(r.failures) == 0 {
		fmt.Fprintf(r.out, "DONE %d tests (%d skipped) in %s\n", r.done, r.skipped, took)
		return false
	}
	fmt.Fprintf(r.out, "FAILED %d (of %d tests done) in %s: %s\n", len(r.failures), r.done, took, strings.Join(r.failures, ", "))
	return true
}

// shortPackage drops the module path, which every package of this repository shares.
func shortPackage(pkg string) string {
	const module = "github.com/gitlab-release-links/terraform-provider-gitlab"
	if pkg == module {
		return "."
	}
	return strings.TrimPrefix(pkg, module+"/")
}
