package benchmark

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The provider's peak memory is measured by putting this test binary between Terraform and the provider: the
// dev_overrides directory holds a terraform-provider-gitlab that is a link to the test binary, and the test binary,
// started with wrapBinaryEnv set, runs the real provider as its child and waits for it. When the child exits,
// the kernel hands the waiting parent the child's peak resident set size (rusage ru_maxrss, the same high-water
// mark as VmHWM), and the wrapper appends it to the file named by wrapLogEnv.
//
// Why this way: Terraform starts a provider process for each walk (validate, plan, apply) and stops it when the walk
// ends, so the process is gone before anyone could read its /proc/<pid>/status, and polling /proc for those
// short-lived children misses whatever peak falls between two samples. Reattaching Terraform to one long-lived
// provider started with -debug (TF_REATTACH_PROVIDERS) does keep it readable, but that process is not what users
// run: it accumulates memory from walk to walk (seen here: its live heap grew by about 7 MB with every plan of
// 300 links, held in terraform-plugin-log contexts and gRPC stream state of earlier requests), so its peak grows
// with the number of earlier phases. The wrapper measures exactly the processes Terraform really starts, with
// their logs piped to Terraform as in normal use, and costs one extra fork per walk.
const (
	wrapBinaryEnv = "BENCH_WRAPPED_PROVIDER" // the real provider binary the wrapper runs
	wrapLogEnv    = "BENCH_PROVIDER_PEAKS"   // the file each wrapped provider process reports to
)

// TestMain turns the test binary into the provider wrapper when Terraform starts it through dev_overrides.
func TestMain(m *testing.M) {
	if binary := os.Getenv(wrapBinaryEnv); binary != "" {
		os.Exit(runWrappedProvider(binary, os.Getenv(wrapLogEnv)))
	}
	os.Exit(m.Run())
}

// runWrappedProvider runs the provider with the wrapper's arguments, standard streams and environment (so the
// go-plugin handshake passes straight through), reports the provider's start and peak to logPath, and exits as
// the provider did.
func runWrappedProvider(binary, logPath string) int {
	cmd := exec.Command(binary, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "benchmark wrapper: %v\n", err)
		return 1
	}
	report(logPath, fmt.Sprintf("start %d\n", cmd.Process.Pid))
	go func() {
		for s := range signals {
			_ = cmd.Process.Signal(s)
		}
	}()
	_ = cmd.Wait()
	if usage, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		cpu := time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
		report(logPath, fmt.Sprintf("peak %d %d %d\n", cmd.Process.Pid, usage.Maxrss, cpu.Microseconds())) // Maxrss is in KiB
	}
	if code := cmd.ProcessState.ExitCode(); code >= 0 {
		return code
	}
	return 1
}

// report appends one line; lines from concurrent provider processes do not mix, as each is a single O_APPEND write.
func report(logPath, line string) {
	f, err := os.OpenFile(logPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		fmt.Fprintf(os.Stderr, "benchmark wrapper: %v\n", err)
		return
	}
	defer func() { _ = f.Close() }()
	_, _ = f.WriteString(line)
}

// providerPeaks collects the reports of the wrapped provider processes.
type providerPeaks struct {
	overrideDir string // the dev_overrides directory, holding the wrapper
	logPath     string // where the wrappers report
}

// newProviderPeaks prepares the dev_overrides directory with the wrapper in it.
func newProviderPeaks(b *testing.B) *providerPeaks {
	b.Helper()
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	p := &providerPeaks{overrideDir: filepath.Join(dir, "plugins"), logPath: filepath.Join(dir, "provider-peaks")}
	if err := os.Mkdir(p.overrideDir, 0o700); err != nil {
		b.Fatal(err)
	}
	if err := os.Symlink(self, filepath.Join(p.overrideDir, "terraform-provider-gitlab")); err != nil {
		b.Fatal(err)
	}
	return p
}

// env is what Terraform needs in its environment so that the wrapper it starts finds the provider and the log.
func (p *providerPeaks) env(binary string) []string {
	return []string{wrapBinaryEnv + "=" + binary, wrapLogEnv + "=" + p.logPath}
}

// reset forgets the reports of the previous phase.
func (p *providerPeaks) reset(b *testing.B) {
	b.Helper()
	if err := os.Remove(p.logPath); err != nil && !os.IsNotExist(err) {
		b.Fatal(err)
	}
}

// providerUsage is what the provider processes of one phase reported.
type providerUsage struct {
	procs      []processUsage // every provider process Terraform started, in start order
	unreported int            // of those, how many never reported (killed with their wrapper): figures are lower bounds
	peakKiB    int64          // the largest peak RSS among them
	cpu        time.Duration  // their user and system CPU time, summed
}

// processUsage is one provider process.
type processUsage struct {
	pid int
	cpu time.Duration // zero when it never reported
}

// nonWalks is how many provider processes of every phase do no per-resource work: Terraform (1.11) starts one to
// read the schema and one to validate the configuration, which sees the resource block once, whatever its count.
// Every later process is a walk that calls the provider for every resource: plan has one walk (refresh and plan),
// apply and update two (plan, apply), destroy three (refresh, plan the destroy, apply).
const nonWalks = 2

// walks is the number of the phase's processes that handle every resource.
func (u providerUsage) walks() int { return max(0, len(u.procs)-nonWalks) }

// walkCPU is the CPU time of the walks, without the schema and validation processes.
func (u providerUsage) walkCPU() time.Duration {
	var sum time.Duration
	for i := nonWalks; i < len(u.procs); i++ {
		sum += u.procs[i].cpu
	}
	return sum
}

// read collects the reports of the phase that just ended.
func (p *providerPeaks) read(b *testing.B) providerUsage {
	b.Helper()
	text, err := os.ReadFile(p.logPath)
	if err != nil {
		b.Fatalf("no provider process reported its memory: %v", err)
	}
	var u providerUsage
	started := map[int]int{} // pid to index in u.procs
	for _, line := range strings.Split(strings.TrimSpace(string(text)), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 {
			b.Fatalf("unexpected provider report %q", line)
		}
		pid, err := strconv.Atoi(fields[1])
		switch {
		case err == nil && len(fields) == 2 && fields[0] == "start":
			started[pid] = len(u.procs)
			u.procs = append(u.procs, processUsage{pid: pid})
			u.unreported++
		case err == nil && len(fields) == 4 && fields[0] == "peak":
			kib, err1 := strconv.ParseInt(fields[2], 10, 64)
			micros, err2 := strconv.ParseInt(fields[3], 10, 64)
			i, ok := started[pid]
			if err1 != nil || err2 != nil || !ok {
				b.Fatalf("unreadable provider report %q", line)
			}
			u.unreported--
			u.peakKiB = max(u.peakKiB, kib)
			u.procs[i].cpu = time.Duration(micros) * time.Microsecond
			u.cpu += u.procs[i].cpu
		default:
			b.Fatalf("unexpected provider report %q", line)
		}
	}
	return u
}
