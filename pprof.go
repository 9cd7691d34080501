//go:build pprof

package main

import "github.com/gitlab-release-links/terraform-provider-gitlab/internal/profiling"

// init profiles this provider process when TF_PROVIDER_CPUPROFILE names a directory (internal/profiling), from its
// start to the end of Serve. `make bench BENCH_PROFILE=dir` builds the provider with -tags pprof and sets it.
func init() {
	onServeReturn = profiling.Start("terraform-provider-gitlab")
}
