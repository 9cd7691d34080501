package main

import (
	"strings"
	"testing"
	"time"
)

// clock is a fake time that advances a second each time it is read.
func clock() func() time.Time {
	t := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(time.Second); return t }
}

func TestReport(t *testing.T) {
	const pkg = "github.com/gitlab-release-links/terraform-provider-gitlab/internal/provider"
	for _, tc := range []struct {
		name       string
		input      string
		wantFailed bool
		want, not  []string
	}{
		{
			name: "all pass",
			input: `{"Action":"run","Package":"` + pkg + `","Test":"TestA"}
{"Action":"output","Package":"` + pkg + `","Test":"TestA","Output":"a log line\n"}
{"Action":"run","Package":"` + pkg + `","Test":"TestA/sub"}
{"Action":"pass","Package":"` + pkg + `","Test":"TestA/sub","Elapsed":0.5}
{"Action":"pass","Package":"` + pkg + `","Test":"TestA","Elapsed":1.25}
{"Action":"skip","Package":"` + pkg + `","Test":"TestB","Elapsed":0}
{"Action":"output","Package":"` + pkg + `","Output":"PASS\n"}
{"Action":"output","Package":"` + pkg + `","Output":"ok  \t` + pkg + `\t2.5s\n"}
{"Action":"pass","Package":"` + pkg + `","Elapsed":2.5}
`,
			want: []string{"PASS internal/provider TestA (1.2s)  [2 done, 0 failed", "SKIP internal/provider TestB",
				"=== Summary\nok  \t" + pkg + "\t2.5s\nDONE 3 tests (1 skipped)"},
			not: []string{"TestA/sub", "a log line", "failed;"},
		},
		{
			name: "a failed subtest",
			input: `{"Action":"run","Package":"` + pkg + `","Test":"TestA"}
{"Action":"run","Package":"` + pkg + `","Test":"TestA/sub"}
{"Action":"output","Package":"` + pkg + `","Test":"TestA/sub","Output":"    it broke\n"}
{"Action":"fail","Package":"` + pkg + `","Test":"TestA/sub","Elapsed":0.5}
{"Action":"fail","Package":"` + pkg + `","Test":"TestA","Elapsed":1}
{"Action":"output","Package":"` + pkg + `","Output":"FAIL\t` + pkg + `\t2.5s\n"}
{"Action":"fail","Package":"` + pkg + `","Elapsed":2.5}
`,
			wantFailed: true,
			want: []string{"FAIL internal/provider TestA/sub (0.5s)  [1 done, 1 failed", "--- internal/provider TestA/sub\n    it broke\n",
				"=== Summary\nFAIL\t" + pkg + "\t2.5s\nFAILED 2 (of 2 tests done)"},
		},
		{
			name: "a panic outside any test, and lines that are not events",
			input: `go: downloading example.com/x v1.0.0
{"Action":"output","Package":"` + pkg + `","Output":"panic: test timed out after 20m0s\n"}
{"Action":"output","Package":"` + pkg + `","Output":"FAIL\t` + pkg + `\t1200.0s\n"}
{"Action":"fail","Package":"` + pkg + `","Elapsed":1200}
`,
			wantFailed: true,
			want:       []string{"go: downloading example.com/x v1.0.0\n", "panic: test timed out after 20m0s", "FAILED 1 (of 0 tests done)"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			r := newReport(&out, clock())
			r.read(strings.NewReader(tc.input))
			if failed := r.summary(); failed != tc.wantFailed {
				t.Errorf("summary reported failed = %v, want %v", failed, tc.wantFailed)
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			for _, n := range tc.not {
				if strings.Contains(out.String(), n) {
					t.Errorf("output has %q:\n%s", n, out.String())
				}
			}
		})
	}
}

func TestStillRunning(t *testing.T) {
	var out strings.Builder
	r := newReport(&out, clock())
	for _, name := range []string{"TestA", "TestB", "TestC", "TestD", "TestE"} {
		r.handle(event{Action: "run", Package: "example.com/p", Test: name})
	}
	got := r.stillRunning()
	if !strings.Contains(got, "example.com/p TestA (") || !strings.Contains(got, "and 1 more") || strings.Contains(got, "TestE") {
		t.Fatalf("got %q; want the four longest-running tests, oldest first, and a count of the rest", got)
	}
}
