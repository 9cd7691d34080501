// Package profiling writes CPU and heap profiles of a provider process, for `make bench BENCH_PROFILE=dir`: the
// real provider built with -tags pprof (pprof.go) and the benchmark's floor provider use it alike.
package profiling

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
)

// DirEnv names the directory where a profiled process writes its profiles; without it nothing is profiled.
const DirEnv = "TF_PROVIDER_CPUPROFILE"

// Start begins a CPU profile of this process when DirEnv is set, in <dir>/<name>-<pid>.cpu.pprof (Terraform starts
// a process for each walk, so each writes its own files). The function it returns stops it and writes the heap
// profile, <dir>/<name>-<pid>.heap.pprof, after a GC, so that in-use figures are what was still live;
// alloc_space and alloc_objects cover the whole process. Failures are reported on stderr, which Terraform logs,
// and leave the process running unprofiled.
func Start(name string) (stop func()) {
	dir := os.Getenv(DirEnv)
	if dir == "" {
		return func() {}
	}
	base := filepath.Join(dir, fmt.Sprintf("%s-%d", name, os.Getpid()))
	report := func(err error) {
		if err != nil {
			fmt.Fprintf(os.Stderr, "pprof: %v\n", err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		report(err)
		return func() {}
	}
	cpu, err := os.Create(base + ".cpu.pprof")
	if err != nil {
		report(err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		report(err)
		report(cpu.Close())
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		report(cpu.Close())
		heap, err := os.Create(base + ".heap.pprof")
		if err != nil {
			report(err)
			return
		}
		runtime.GC()
		report(pprof.WriteHeapProfile(heap))
		report(heap.Close())
	}
}
