//go:build pprof

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
)

// profileDirEnv names the directory where a provider built with -tags pprof writes its profiles. `make bench
// BENCH_PROFILE=dir` builds the provider this way and sets it.
const profileDirEnv = "TF_PROVIDER_CPUPROFILE"

// init starts a CPU profile of this provider process when profileDirEnv is set. Terraform starts a process for
// each walk, so each writes its own files, named after its pid: terraform-provider-gitlab-<pid>.cpu.pprof, from
// start to the end of Serve, and terraform-provider-gitlab-<pid>.heap.pprof at the end (after a GC, so in-use
// figures are what was still live; alloc_space and alloc_objects cover the whole process). Failures are reported
// on stderr, which Terraform logs, and leave the provider running unprofiled.
func init() {
	dir := os.Getenv(profileDirEnv)
	if dir == "" {
		return
	}
	base := filepath.Join(dir, fmt.Sprintf("terraform-provider-gitlab-%d", os.Getpid()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(os.Stderr, "pprof: %v\n", err)
		return
	}
	cpu, err := os.Create(base + ".cpu.pprof")
	if err != nil {
		fmt.Fprintf(os.Stderr, "pprof: %v\n", err)
		return
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		fmt.Fprintf(os.Stderr, "pprof: %v\n", err)
		_ = cpu.Close()
		return
	}
	onServeReturn = func() {
		pprof.StopCPUProfile()
		if err := cpu.Close(); err != nil {
			fmt.Fprintf(os.Stderr, "pprof: %v\n", err)
		}
		heap, err := os.Create(base + ".heap.pprof")
		if err != nil {
			fmt.Fprintf(os.Stderr, "pprof: %v\n", err)
			return
		}
		runtime.GC()
		if err := pprof.WriteHeapProfile(heap); err != nil {
			fmt.Fprintf(os.Stderr, "pprof: %v\n", err)
		}
		if err := heap.Close(); err != nil {
			fmt.Fprintf(os.Stderr, "pprof: %v\n", err)
		}
	}
}
