package provider

import (
	"context"
	"slices"
	"sync"
	"time"
)

// owners is what one Terraform walk has learned about which links the configuration's resources manage: the links
// their refreshes found in their states, and the links of the prior states their plans had. It lets the plan-time
// check of a new link tell a link that no resource here manages (a conflict the create would meet) from one that
// a resource of this plan holds, which it may delete, move or rename in the same apply: that one is not a
// conflict, and the apply decides (conflicts.go).
//
// Terraform refreshes and plans resources in parallel, in no order the provider can see, so a check may run before
// the resource that manages a link has been refreshed. It then waits until some resource shows the link, or until
// the walk goes quiet: no call of this provider's resources or data sources running, and none for quietPeriod.
// Terraform holds a slot of -parallelism for each resource it plans, so with every slot held by a waiting check the
// walk goes quiet too, with resources still to plan. The provider does not know -parallelism, but it knows how many
// calls it has had at once: when as many checks wait as that, and more than one, the quiet may be theirs. One then
// goes with a guess (sure is false), freeing its slot, and the others wait on: if Terraform plans another resource,
// the walk is busy again; if not, the next quiet is a sure one. A lenient check goes first, one for which a guess
// costs nothing (it then keeps to the safe side: it adopts nothing, or keeps a record); of the strict ones, a plan's
// conflict checks, whose guess turns an error into a warning, the one that began waiting last: a check whose link
// some resource still to plan holds ends as soon as that resource is planned, so the longest waiter is the
// likeliest to meet a real conflict, which must stay an error. A depends_on on the resource that gives
// the link up orders them (see takenDetail).
type owners struct {
	mu      sync.Mutex
	changed chan struct{} // closed and replaced whenever something below changes
	seen    map[int64]bool
	// active counts the calls of resources and data sources in progress, checks waiting excluded, and waiting the
	// checks waiting; peak is the most calls there have been at once. last is when a call began or ended.
	active, waiting, peak int
	last                  time.Time
	// waiters are the checks waiting, in the order they began; next numbers the next one.
	waiters []waiter
	next    int
	// idle is true once a check has found the walk quiet for sure, until another call begins: the checks still
	// waiting then end at once, rather than each a quiet period after the one before.
	idle bool
	// refreshed is true once a refresh has read a link's resource in this walk; planned once a plan has had a
	// resource's prior state. Together they tell a plan with -refresh=false (planned, never refreshed), which
	// does not see the links of the resources it replaces, from one of new resources only.
	refreshed, planned bool
}

// waiter is a check waiting in managed.
type waiter struct {
	seq    int
	strict bool
}

// quietPeriod is how long the walk must have made no call before a check stops waiting for a link's resource.
const quietPeriod = time.Second

// maxOwnerWait bounds a check's wait, however busy the walk.
const maxOwnerWait = time.Minute

func newOwners() *owners {
	return &owners{changed: make(chan struct{}), seen: map[int64]bool{}, last: time.Now()}
}

// busy records a call of a resource or data source in progress; call the function it returns when it ends.
func (o *owners) busy() (done func()) {
	o.mu.Lock()
	o.active++
	o.peak = max(o.peak, o.active+o.waiting)
	o.idle = false
	o.touch()
	o.mu.Unlock()
	return func() {
		o.mu.Lock()
		o.active--
		o.touch()
		o.mu.Unlock()
	}
}

// touch records activity and wakes the waiting checks; o.mu is held.
func (o *owners) touch() {
	o.last = time.Now()
	close(o.changed)
	o.changed = make(chan struct{})
}

// held records links that a refresh found in a resource's state (refreshed) or that a plan had in a resource's
// prior state.
func (o *owners) held(refreshed bool, ids ...int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.refreshed = o.refreshed || refreshed
	o.planned = o.planned || !refreshed
	for _, id := range ids {
		o.seen[id] = true
	}
	o.touch()
}

// managed reports which of the links ids a resource of this walk holds (held), waiting while some are not shown and
// the walk is busy: until resources show them all, the walk goes quiet, maxOwnerWait passes or ctx ends. A
// waiting check does not count as busy. sure is false when the links not held may be held all the same: the walk
// went quiet with every call this provider has seen at once waiting in a check, or the wait ended early. strict is
// true for a check whose guess costs more than a wait: it goes after the others. A caller asks about all its links
// at once, so that a walk in doubt costs it one quiet period, not one per link.
func (o *owners) managed(ctx context.Context, strict bool, ids ...int64) (held map[int64]bool, sure bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	shown := func() (map[int64]bool, bool) {
		held, all := map[int64]bool{}, true
		for _, id := range ids {
			held[id] = o.seen[id]
			all = all && o.seen[id]
		}
		return held, all
	}
	if held, all := shown(); all || o.idle {
		return held, true
	}
	o.active--
	o.waiting++
	o.next++
	me := o.next
	o.waiters = append(o.waiters, waiter{seq: me, strict: strict})
	defer func() {
		o.active++
		o.waiting--
		o.waiters = slices.DeleteFunc(o.waiters, func(w waiter) bool { return w.seq == me })
	}()
	deadline := time.Now().Add(maxOwnerWait)
	for {
		quietFor := time.Since(o.last)
		held, all := shown()
		if all || o.idle {
			return held, true
		}
		if o.active <= 0 && quietFor >= quietPeriod {
			if o.waiting < o.peak || o.peak <= 1 {
				o.idle = true
				return held, true
			}
			// Every call this walk has had at once is a waiting check: Terraform may have resources left to plan,
			// waiting for a slot. One check goes, unsure, and the others wait on, to see whether the walk moves.
			if o.goesFirst() == me {
				o.touch()
				return held, false
			}
		}
		if time.Now().After(deadline) {
			return held, false
		}
		wait := quietPeriod
		if o.active <= 0 && quietFor < quietPeriod {
			wait -= quietFor
		}
		changed := o.changed
		o.mu.Unlock()
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-changed:
		case <-timer.C:
		}
		timer.Stop()
		o.mu.Lock()
		if ctx.Err() != nil {
			held, all := shown()
			return held, all
		}
	}
}

// goesFirst is the waiting check that goes with a guess when all wait: the newest lenient one, or else the newest;
// o.mu is held.
func (o *owners) goesFirst() int {
	for _, w := range slices.Backward(o.waiters) {
		if !w.strict {
			return w.seq
		}
	}
	return o.waiters[len(o.waiters)-1].seq
}

// hasRefreshed reports whether a refresh has read a resource's state in this walk: a plan of a configuration that
// has resources, and not an apply, whose second plan reads nothing.
func (o *owners) hasRefreshed() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.refreshed
}

// refreshSkipped reports whether the walk plans existing resources without having refreshed any: a plan with
// -refresh=false, in which a link that no resource has shown may still be managed here.
func (o *owners) refreshSkipped() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.planned && !o.refreshed
}
