package provider

import (
	"container/heap"
	"context"
	"errors"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// defaultParallelism is how many requests one gitlab_release_links resource has in flight at most, unless the
// provider's release_links_parallelism says otherwise: Terraform's own default for resources.
const defaultParallelism = 10

// writeResult is what became of one write.
type writeResult struct {
	done bool
	link *gitlab.ReleaseLink // GitLab's answer to a create or an update
	err  error               // why it failed; nil when done or skipped
	// skipped is true for a write that was not sent because a write it waited on did not succeed.
	skipped bool
	waited  int // the write it waited on, when skipped
	// stopped is true for a write that was not sent because the operation was interrupted or ran out of time
	// first; err says which.
	stopped bool
}

// runWrites sends the writes, at most parallel at a time, each once the writes it waits on have succeeded. A
// write whose wait failed is skipped, and so is everything waiting on it. Of the writes that are ready, deletes
// start first, then parking updates, updates and creates, in the order given. Once ctx is done (Ctrl-C, or the
// operation's deadline), no further write starts: those on the wire finish (see the client's transport), and the
// results say exactly which reached GitLab.
func (p *providerData) runWrites(ctx context.Context, project, tag string, writes []linkWrite, parallel int, diags *diag.Diagnostics) []writeResult {
	results := make([]writeResult, len(writes))
	if len(writes) == 0 {
		return results
	}
	defer p.links.invalidate(tag)
	waiting := make([]int, len(writes))
	dependents := make([][]int, len(writes))
	ready := &writeQueue{writes: writes}
	for i, w := range writes {
		waiting[i] = len(w.after)
		for _, d := range w.after {
			dependents[d] = append(dependents[d], i)
		}
		if waiting[i] == 0 {
			heap.Push(ready, i)
		}
	}
	started := make([]bool, len(writes))
	var mu sync.Mutex
	wake := sync.NewCond(&mu)
	remaining, inFlight := len(writes), 0
	var skip func(i, cause int)
	skip = func(i, cause int) {
		if results[i].skipped || results[i].stopped {
			return
		}
		results[i] = writeResult{skipped: true, waited: cause}
		remaining--
		for _, d := range dependents[i] {
			skip(d, i)
		}
	}
	worker := func() {
		mu.Lock()
		defer mu.Unlock()
		for {
			for ready.Len() == 0 && remaining > 0 && inFlight > 0 {
				wake.Wait()
			}
			if ctx.Err() != nil {
				// Interrupted or out of time: nothing more starts. The writes in flight are recorded by the workers
				// sending them.
				for i := range results {
					if !started[i] && !results[i].skipped && !results[i].stopped {
						results[i] = writeResult{stopped: true, err: ctx.Err()}
						remaining--
					}
				}
				ready.items = nil
				wake.Broadcast()
				return
			}
			if ready.Len() == 0 {
				// Done, or writes that wait on each other, which orderWrites never returns: fail them, not hang.
				for i := range results {
					if !results[i].done && !results[i].skipped && results[i].err == nil {
						results[i].err = errors.New("internal error: the write waits on itself; please report this issue")
						remaining--
					}
				}
				wake.Broadcast()
				return
			}
			i, _ := heap.Pop(ready).(int) // the queue holds ints only
			started[i] = true
			inFlight++
			mu.Unlock()
			var warnings diag.Diagnostics
			link, err := p.sendWrite(ctx, project, tag, &writes[i], &warnings)
			mu.Lock()
			inFlight--
			diags.Append(warnings...)
			results[i] = writeResult{done: err == nil, link: link, err: err}
			remaining--
			for _, d := range dependents[i] {
				switch {
				case err != nil:
					skip(d, i)
				case !results[d].skipped && !results[d].stopped:
					if waiting[d]--; waiting[d] == 0 {
						heap.Push(ready, d)
					}
				}
			}
			wake.Broadcast()
		}
	}
	var wg sync.WaitGroup
	for range min(parallel, len(writes)) {
		wg.Go(worker)
	}
	wg.Wait()
	return results
}

// sendWrite sends one write. A link or release already gone counts as deleted. A create answered "has already
// been taken" adopts the link only when it is the create's own lost write, as gitlab_release_link does.
func (p *providerData) sendWrite(ctx context.Context, project, tag string, w *linkWrite, diags *diag.Diagnostics) (*gitlab.ReleaseLink, error) {
	switch w.kind {
	case writeDelete:
		err := p.client.DeleteReleaseLink(ctx, project, tag, w.linkID)
		if gitlab.IsRecordNotFound(err) {
			return nil, nil
		}
		return nil, err
	case writeUpdate:
		return p.client.UpdateReleaseLink(ctx, project, tag, w.linkID, w.to.updateOptions())
	default:
		link, err := p.client.CreateReleaseLink(ctx, project, tag, w.to.createOptions())
		if err != nil && gitlab.HasMessage(err, "has already been taken") {
			link, err = p.takenLink(ctx, project, tag, w.to, err, diags)
		}
		if err == nil {
			p.links.claim(link.ID)
		}
		return link, err
	}
}

// writeQueue orders ready writes: deletes, then parking updates, then updates, then creates.
type writeQueue struct {
	writes []linkWrite
	items  []int
}

func (q *writeQueue) Len() int { return len(q.items) }
func (q *writeQueue) Less(i, j int) bool {
	a, b := &q.writes[q.items[i]], &q.writes[q.items[j]]
	if a.kind != b.kind {
		return a.kind < b.kind
	}
	if a.parking != b.parking {
		return a.parking
	}
	return q.items[i] < q.items[j]
}
func (q *writeQueue) Swap(i, j int) { q.items[i], q.items[j] = q.items[j], q.items[i] }
func (q *writeQueue) Push(x any) {
	if i, ok := x.(int); ok {
		q.items = append(q.items, i)
	}
}
func (q *writeQueue) Pop() any {
	last := q.items[len(q.items)-1]
	q.items = q.items[:len(q.items)-1]
	return last
}

// applyResults is what the release holds after the writes: held with every write that succeeded applied, a
// parking update before the update that follows it, as GitLab applied them.
func applyResults(held map[string]linkElement, tag string, writes []linkWrite, results []writeResult) map[string]linkElement {
	type namedElement struct {
		name string
		linkElement
	}
	byID := make(map[int64]namedElement, len(held)+len(writes))
	for name, e := range held {
		byID[e.linkID.ValueInt64()] = namedElement{name, e}
	}
	for _, parking := range []bool{true, false} {
		for i, res := range results {
			w := &writes[i]
			switch {
			case !res.done || w.parking != parking:
			case w.kind == writeDelete:
				delete(byID, w.linkID)
			default:
				byID[res.link.ID] = namedElement{res.link.Name, elementFromAPI(res.link, tag, w.to.path)}
			}
		}
	}
	out := make(map[string]linkElement, len(byID))
	for _, e := range byID {
		out[e.name] = e.linkElement
	}
	return out
}
