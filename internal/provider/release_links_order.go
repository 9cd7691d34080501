package provider

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
)

// writeKind is what one request of gitlab_release_links does to a link. The order of the constants is the order
// in which ready writes are started: deletes first, creates last.
type writeKind int

const (
	writeDelete writeKind = iota
	writeUpdate
	writeCreate
)

// linkWrite is one request: a DELETE, PUT or POST of one link.
type linkWrite struct {
	kind   writeKind
	linkID int64      // the link deleted or updated; 0 for a create
	from   linkFields // delete and update: what the link holds before
	to     linkFields // update and create: what the link holds after
	// parking is an update to temporary values that frees the link's old values for the writes waiting on them,
	// the first half of a cycle of updates broken in two.
	parking bool
	after   []int // writes that must have succeeded before this one starts
}

// linkChanges are the writes one apply needs: the release's links as they are, by ID, and what becomes of them.
type linkChanges struct {
	current map[int64]linkFields
	updates map[int64]linkFields // changed links and their new values
	deletes []int64
	creates []linkFields
}

// linkValue is one value GitLab keeps unique within a release: a name, a URL or a non-empty direct asset path.
type linkValue struct {
	field byte // 'n', 'u' or 'p'
	value string
}

// values are the unique values of f.
func (f linkFields) values() []linkValue {
	v := []linkValue{{'n', f.name}, {'u', f.url}}
	if f.path != "" {
		v = append(v, linkValue{'p', f.path})
	}
	return v
}

// orderWrites turns changes into writes that GitLab's uniqueness rules accept whatever the order in which
// independent writes reach it. GitLab checks each write against the links as they are at that moment (GITLAB.md
// §2b: name, URL and path are unique within a release, an update excluding the link itself), so a write that
// takes a value another link holds must wait for the write that frees it. Updates can wait on each other in a
// cycle (two links swapping names); one update of each cycle is then split in two: first it parks its link on
// temporary values, which frees the old ones, and after the others it takes its new values.
func orderWrites(c linkChanges) []linkWrite {
	var writes []linkWrite
	releaser := map[int64]int{}                                  // link ID -> the write that frees its values
	for _, id := range slices.Sorted(slices.Values(c.deletes)) { // the same writes, in the same order, for the same changes
		releaser[id] = len(writes)
		writes = append(writes, linkWrite{kind: writeDelete, linkID: id, from: c.current[id]})
	}
	for _, id := range slices.Sorted(maps.Keys(c.updates)) {
		releaser[id] = len(writes)
		writes = append(writes, linkWrite{kind: writeUpdate, linkID: id, from: c.current[id], to: c.updates[id]})
	}
	for _, f := range c.creates {
		writes = append(writes, linkWrite{kind: writeCreate, to: f})
	}

	holder := map[linkValue]int64{}
	for id, f := range c.current {
		for _, v := range f.values() {
			holder[v] = id
		}
	}
	for i := range writes {
		w := &writes[i]
		for _, v := range w.claims() {
			h, held := holder[v]
			r, changes := releaser[h]
			if held && h != w.linkID && changes && writes[r].frees(v) && !slices.Contains(w.after, r) {
				w.after = append(w.after, r)
			}
		}
	}
	return breakCycles(writes, c)
}

// claims are the values a write takes that its link did not hold before.
func (w *linkWrite) claims() []linkValue {
	if w.kind == writeDelete {
		return nil
	}
	var out []linkValue
	for _, v := range w.to.values() {
		if w.kind == writeCreate || !slices.Contains(w.from.values(), v) {
			out = append(out, v)
		}
	}
	return out
}

// frees reports whether the link no longer holds v after the write.
func (w *linkWrite) frees(v linkValue) bool {
	return w.kind == writeDelete || !slices.Contains(w.to.values(), v)
}

// breakCycles splits one update of every cycle of waiting updates until none is left. The update that most
// others wait on is split, which breaks the most cycles with one extra request. Only updates can be on a cycle:
// a delete waits on nothing and nobody waits on a create.
//
// Splitting an update takes away what waits on it (park), so the choice is made on the graph without those
// waits. That choice is greedy: an update split early may have all its cycles broken by the splits made after
// it, which would cost a request and a detour through temporary values for nothing. So each split is tried away
// again, latest first, and kept only where its component, the cycles it was chosen from, is cyclic without it.
func breakCycles(writes []linkWrite, c linkChanges) []linkWrite {
	split := map[int]bool{}
	var chosen [][]int // the components that splits were chosen from, the split first
	for {
		components := stronglyConnected(withoutWaitsOn(writes, split))
		if len(components) == 0 {
			break
		}
		for _, component := range components {
			in := map[int]int{}
			for _, i := range component {
				for _, j := range writes[i].after {
					if slices.Contains(component, j) {
						in[j]++
					}
				}
			}
			first := component[0]
			for _, i := range component {
				if in[i] > in[first] || in[i] == in[first] && writes[i].linkID < writes[first].linkID {
					first = i
				}
			}
			split[first] = true
			chosen = append(chosen, append([]int{first}, component...))
		}
	}
	// Without a split, a cycle can only go through it, and so lie within the component it was chosen from: the
	// splits chosen before it are all still there.
	for _, component := range slices.Backward(chosen) {
		delete(split, component[0])
		split[component[0]] = cyclic(writes, component[1:], split)
	}

	taken := map[linkValue]bool{}
	for _, f := range c.current {
		for _, v := range f.values() {
			taken[v] = true
		}
	}
	for _, f := range c.updates {
		for _, v := range f.values() {
			taken[v] = true
		}
	}
	for _, f := range c.creates {
		for _, v := range f.values() {
			taken[v] = true
		}
	}
	for i := range len(writes) { // in order, so that the same changes get the same temporary values
		if split[i] {
			writes = park(writes, i, taken)
		}
	}
	return writes
}

// cyclic reports whether the writes of component wait on each other in a cycle, the waits on split updates left out.
func cyclic(writes []linkWrite, component []int, split map[int]bool) bool {
	const onPath, visited = 1, 2
	state := make(map[int]int, len(component))
	for _, i := range component {
		state[i] = 0
	}
	var visit func(i int) bool
	visit = func(i int) bool {
		state[i] = onPath
		for _, j := range writes[i].after {
			if s, in := state[j]; in && !split[j] && (s == onPath || s == 0 && visit(j)) {
				return true
			}
		}
		state[i] = visited
		return false
	}
	for _, i := range component {
		if state[i] == 0 && visit(i) {
			return true
		}
	}
	return false
}

// withoutWaitsOn is the graph "i waits on after[...]" with the waits on the split updates left out: once parked,
// an update frees its values before it starts, so nothing waits on it.
func withoutWaitsOn(writes []linkWrite, split map[int]bool) []linkWrite {
	out := slices.Clone(writes)
	for i := range out {
		out[i].after = slices.DeleteFunc(slices.Clone(out[i].after), func(j int) bool { return split[j] })
	}
	return out
}

// park splits update i: a new write moves the link to temporary values for every value that changes, and
// everything that waited for update i to free a value waits for the new write instead, which waits on nothing.
func park(writes []linkWrite, i int, taken map[linkValue]bool) []linkWrite {
	w := writes[i]
	parked := w.from
	if w.to.name != w.from.name {
		parked.name = temporary(taken, 'n', fmt.Sprintf("%s (terraform swap %d)", w.from.name, w.linkID))
	}
	if w.to.url != w.from.url {
		parked.url = temporaryURL(taken, w.from.url, w.linkID)
	}
	if w.to.path != w.from.path {
		parked.path = "" // paths may be cleared, and no path is unique
	}
	p := len(writes)
	for j := range writes {
		for k, dep := range writes[j].after {
			if dep == i {
				writes[j].after[k] = p
			}
		}
	}
	writes = append(writes, linkWrite{kind: writeUpdate, linkID: w.linkID, from: w.from, to: parked, parking: true})
	writes[i].from = parked
	writes[i].after = append(writes[i].after, p)
	return writes
}

// temporary returns value, or value with a counter appended, whichever is not taken, and takes it.
func temporary(taken map[linkValue]bool, field byte, value string) string {
	candidate := value
	for n := 2; taken[linkValue{field, candidate}]; n++ {
		candidate = fmt.Sprintf("%s-%d", value, n)
	}
	taken[linkValue{field, candidate}] = true
	return candidate
}

// temporaryURL is the link's URL with a fragment naming the swap: the scheme and host GitLab checked stay.
func temporaryURL(taken map[linkValue]bool, old string, linkID int64) string {
	base := old + "#"
	if u, err := url.Parse(old); err == nil {
		u.Fragment = ""
		base = u.String() + "#"
	}
	return temporary(taken, 'u', fmt.Sprintf("%sterraform-swap-%d", base, linkID))
}

// stronglyConnected returns the components of more than one write of the graph "i waits on after[...]",
// by Tarjan's algorithm.
func stronglyConnected(writes []linkWrite) [][]int {
	index := make([]int, len(writes))
	low := make([]int, len(writes))
	onStack := make([]bool, len(writes))
	var stack []int
	var out [][]int
	next := 1
	var visit func(v int)
	visit = func(v int) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		for _, w := range writes[v].after {
			if index[w] == 0 {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] != index[v] {
			return
		}
		var component []int
		for {
			w := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[w] = false
			component = append(component, w)
			if w == v {
				break
			}
		}
		if len(component) > 1 {
			slices.Sort(component)
			out = append(out, component)
		}
	}
	for v := range writes {
		if index[v] == 0 {
			visit(v)
		}
	}
	return out
}
