package provider

import (
	"context"
	"errors"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// What every operation of both resources does: it runs under its deadline, a resource whose link or release is
// gone leaves the state the same way, and a write whose answer was lost counts as maybe made.

// withTimeout gives an operation the deadline its timeouts block sets (timeout is the block's Create, Read, Update
// or Delete), 10 minutes when the block leaves it out. It reports false, with the diagnostics, when the block's
// value cannot be read; the operation then sends nothing. Call the returned cancel when the operation ends.
func withTimeout(ctx context.Context, timeout func(context.Context, time.Duration) (time.Duration, diag.Diagnostics),
	diags *diag.Diagnostics) (context.Context, time.Duration, context.CancelFunc, bool) {
	d, problems := timeout(ctx, gitlab.DefaultOperationTimeout)
	diags.Append(problems...)
	if problems.HasError() {
		return ctx, 0, func() {}, false
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	return ctx, d, cancel, true
}

// forget removes a resource whose link or release is gone from the state, with a warning that says so and what the
// next plan does. identity is what setting the identity reported: the framework wants one even for a resource
// that is going away.
func forget(ctx context.Context, resp *resource.ReadResponse, identity diag.Diagnostics, summary, detail string) {
	resp.Diagnostics.Append(identity...)
	resp.Diagnostics.AddWarning(summary, detail)
	resp.State.RemoveResource(ctx)
}

// maybeMade reports whether a write that failed may have been carried out all the same: one of its attempts
// reached GitLab and its answer was lost.
func maybeMade(err error) bool {
	var gerr *gitlab.Error
	return errors.As(err, &gerr) && gerr.MaybeCommitted
}
