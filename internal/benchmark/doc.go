// Package benchmark measures the provider end to end, as `make bench` runs it: the real Terraform CLI drives a
// freshly built provider binary against the in-process GitLab emulator with a per-request latency. For N links on
// one release, BenchmarkTerraform times apply (create), plan (no changes), update (every URL) and destroy, counts
// the requests GitLab receives in each phase against the fewest the phase needs, and reads the provider's peak
// memory from the kernel.
//
// The package has no code outside its tests. The benchmark is skipped unless BENCH=1, so `go test ./...` and
// `make test` stay fast; BENCH_LATENCY (default 20ms) and BENCH_SIZES (default 100,1000) tune it.
package benchmark
