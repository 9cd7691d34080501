// Package benchmark measures the provider end to end, as `make bench` runs it: the real Terraform CLI drives a
// freshly built provider binary against the in-process GitLab emulator with a per-request latency. For N links on
// one release, BenchmarkTerraform times apply (create), plan (no changes), update (every URL) and destroy, counts
// the requests GitLab receives in each phase against the fewest the phase needs, and measures the provider's peak
// memory and CPU time.
//
// How the provider is measured. Terraform starts a provider process per walk and stops it when the walk ends;
// the dev_overrides directory holds this test binary in the provider's place, and it runs the real provider as
// its child, so the kernel hands it the child's peak RSS and user+system CPU time when the child exits (see
// provider_test.go). Terraform 1.11 starts, in every phase, one process that only reads the schema and one that
// validates the configuration (it sees the resource block once, whatever its count), then one per walk over
// every resource: plan has one walk (refresh and plan), apply and update two (plan, apply), destroy three
// (refresh, plan the destroy, apply). So the table gives, beside requests and peak RSS, the provider's CPU per
// phase, per link, and per link and walk (the walks' CPU divided by links × walks, which is the figure that
// should not grow with N), and Terraform's own CPU.
//
// The framework's floor. In the same run, after the provider's four phases, the same four phases run with the
// same configuration against floorprovider (built from ./floorprovider at bench time): a provider of the same
// framework version with the same resource schema whose CRUD does nothing. A second table sets both side by
// side, so every figure reads as ours above that floor. The floor includes what any framework provider pays: the
// framework's TRACE logging, which terraform-plugin-go writes to Terraform whatever TF_LOG says (Terraform then
// drops it), takes about a quarter of its CPU.
//
// One resource for the whole release. Then the same four phases run with one gitlab_release_links resource that
// holds the N links (the same names, URLs, type and paths, as a map) on the same kind of fresh release, with the
// provider and with the floor (whose gitlab_release_links, in floorprovider/links.go, fills in link_id and
// direct_asset_url and does nothing else). Its tables have the same columns; a last table sets it beside the N
// gitlab_release_link resources, with the ratio of the wall times against issue 13's target of one fifth (set for
// 1,000 links), requests by method against the floor, provider CPU and peak memory.
//
// Profiles. With BENCH_PROFILE=dir the provider is built with -tags pprof (pprof.go in the main package), and
// every provider process, the floor's too, writes a CPU profile and a heap profile named by its pid under
// dir/links-<N>/<phase>/ (the floor's under dir/floor/..., gitlab_release_links' under dir/whole/... and
// dir/floor/whole/...); the table then prints each process's pid in start order, so a profile can be matched to
// its walk. Analyse with `go tool pprof -top -cum <file>`.
//
// Cost: on this 2-core machine the default sizes (100 and 1,000 links, both providers) take about 4 minutes when
// it is otherwise idle and up to 8 when other work shares it, most of it Terraform's own CPU at 1,000 links (the
// floor's cycles are about 40% of it); BENCH_SIZES=100 takes under a minute. CPU times grow with the machine's
// load too (by 40% or more between an idle and a busy run here), so compare ours with the floor of the same run,
// not across runs.
//
// The package has no code outside its tests and floorprovider. The benchmark is skipped unless BENCH=1, so
// `go test ./...` and `make test` stay fast; BENCH_LATENCY (default 20ms), BENCH_SIZES (default 100,1000),
// BENCH_PROFILE (default none) and BENCH_WHOLE (default 1; 0 leaves out the gitlab_release_links cycles) tune it.
package benchmark
