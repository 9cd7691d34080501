package provider

import (
	"context"
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
					held, sure := o.managed(ctx, int64(i+1), int64(i+1) != tc.lenient)
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
