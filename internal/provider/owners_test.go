package provider

import (
	"context"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestOwnersManaged: a check that waits for a link's resource ends as soon as a resource shows the link, and
// otherwise once the walk has been quiet for a second. The answer "no" is sure unless every call the walk has had at
// once is a waiting check, which may be what keeps Terraform from planning the resource: then one check goes unsure
// and the others wait for the next quiet, which is sure.
func TestOwnersManaged(t *testing.T) {
	type answer struct{ held, sure bool }
	var cases sync.WaitGroup
	for _, tc := range []struct {
		name   string
		checks int  // calls that each check a link of their own, all at once
		others int  // calls at the same time that end at once
		show   bool // a resource shows the first check's link while it waits
		// stagger starts the checks one after another, link 1 first; unsure is then the link whose check goes
		// unsure: the newest's, since the oldest is the likeliest to meet a real conflict.
		stagger bool
		unsure  int64
		lenient int64 // the link whose check is lenient (managed's strict false); the others are strict
		want    []answer
	}{
		{name: "one check", checks: 1, want: []answer{{false, true}}},
		{name: "one check of three calls", checks: 1, others: 2, want: []answer{{false, true}}},
		{name: "shown while waiting", checks: 1, show: true, want: []answer{{true, true}}},
		{name: "every call a check", checks: 3, want: []answer{{false, false}, {false, true}, {false, true}}},
		{name: "every call a check, the newest goes", checks: 3, stagger: true, unsure: 3,
			want: []answer{{false, false}, {false, true}, {false, true}}},
		{name: "every call a check, a lenient one goes first", checks: 3, stagger: true, lenient: 1, unsure: 1,
			want: []answer{{false, false}, {false, true}, {false, true}}},
	} {
		// The cases wait a second or two each, so they run side by side (not with t.Parallel: see
		// TestParallelTestsOwnTheirEnvironment).
		cases.Add(1)
		go func() {
			defer cases.Done()
			o := newOwners()
			ctx := context.Background()
			var started, wg sync.WaitGroup
			answers := make(chan answer, tc.checks)
			var unsure atomic.Int64
			ends := make([]func(), tc.others)
			for i := range tc.others {
				ends[i] = o.busy()
			}
			for i := range tc.checks {
				started.Add(1)
				wg.Add(1)
				done := o.busy()
				go func() {
					defer wg.Done()
					defer done()
					started.Done()
					heldIDs, sure := o.managed(ctx, int64(i+1) != tc.lenient, int64(i+1))
					held := heldIDs[int64(i+1)]
					if !sure {
						unsure.Store(int64(i + 1))
					}
					answers <- answer{held, sure}
				}()
				if tc.stagger {
					time.Sleep(50 * time.Millisecond)
				}
			}
			started.Wait()
			for _, end := range ends {
				end()
			}
			if tc.show {
				time.Sleep(100 * time.Millisecond)
				o.held(true, 1)
			}
			wg.Wait()
			close(answers)
			var got []answer
			for a := range answers {
				got = append(got, a)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s: answers in order %v, want %v", tc.name, got, tc.want)
			}
			if tc.stagger && unsure.Load() != tc.unsure {
				t.Errorf("%s: the check of link %d went unsure, want link %d's", tc.name, unsure.Load(), tc.unsure)
			}
		}()
	}
	cases.Wait()
}

// TestOwnersManagedBatch: a check asks about all its links at once, so that a walk in doubt costs it one quiet
// period, not one per link. Two resources each ask about 20 links no resource shows, while they are every call the
// walk has had: one goes unsure after a quiet period, the other sure after the next.
func TestOwnersManagedBatch(t *testing.T) {
	o := newOwners()
	ctx := context.Background()
	var wg sync.WaitGroup
	var unsure atomic.Int32
	start := time.Now()
	for r := range 2 {
		done := o.busy()
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer done()
			var ids []int64
			for i := range 20 {
				ids = append(ids, int64(100*r+i))
			}
			held, sure := o.managed(ctx, false, ids...)
			if len(held) != 20 || slices.Contains(slices.Collect(maps.Values(held)), true) {
				t.Errorf("resource %d: held %v, want all 20 links not held", r, held)
			}
			if !sure {
				unsure.Add(1)
			}
		}()
	}
	wg.Wait()
	if unsure.Load() != 1 {
		t.Errorf("%d of the two checks went unsure, want 1", unsure.Load())
	}
	// Two quiet periods, with room for a loaded machine; one per link would be 20 or more.
	if elapsed := time.Since(start); elapsed > 6*quietPeriod {
		t.Errorf("the checks took %s, want about two quiet periods (%s each)", elapsed, quietPeriod)
	}
}
