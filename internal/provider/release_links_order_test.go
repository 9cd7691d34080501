package provider

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"
)

// releaseModel is a release as GitLab's uniqueness rules see it (GITLAB.md §2b): each name, URL and non-empty
// direct asset path is held by one link at most, and a write is checked against the links as they are when it
// arrives, an update excluding its own link.
type releaseModel struct {
	links  map[int64]linkFields
	nextID int64
}

func newReleaseModel(current map[int64]linkFields) *releaseModel {
	m := &releaseModel{links: map[int64]linkFields{}, nextID: 1000}
	for id, f := range current {
		m.links[id] = f
	}
	return m
}

// apply makes one write as GitLab would, or says why GitLab would refuse it.
func (m *releaseModel) apply(w linkWrite) error {
	if w.kind == writeDelete {
		if _, ok := m.links[w.linkID]; !ok {
			return fmt.Errorf("delete of link %d, which does not exist", w.linkID)
		}
		delete(m.links, w.linkID)
		return nil
	}
	if w.kind == writeUpdate && m.links[w.linkID] != w.from {
		return fmt.Errorf("update of link %d expects %+v, GitLab holds %+v", w.linkID, w.from, m.links[w.linkID])
	}
	for id, f := range m.links {
		if id == w.linkID {
			continue
		}
		for _, v := range w.to.values() {
			if slices.Contains(f.values(), v) {
				return fmt.Errorf("%+v: %c %q has already been taken by link %d", w, v.field, v.value, id)
			}
		}
	}
	id := w.linkID
	if w.kind == writeCreate {
		m.nextID++
		id = m.nextID
	}
	m.links[id] = w.to
	return nil
}

// runInRandomOrder applies the writes in a random order that respects after, as parallel workers may, and
// returns the first refusal.
func runInRandomOrder(t *testing.T, m *releaseModel, writes []linkWrite, rng *rand.Rand) error {
	t.Helper()
	done := make([]bool, len(writes))
	for range writes {
		var ready []int
		for i, w := range writes {
			if !done[i] && !slices.ContainsFunc(w.after, func(d int) bool { return !done[d] }) {
				ready = append(ready, i)
			}
		}
		if len(ready) == 0 {
			t.Fatalf("no write is ready; the writes wait on each other: %+v", writes)
		}
		i := ready[rng.Intn(len(ready))]
		if err := m.apply(writes[i]); err != nil {
			return err
		}
		done[i] = true
	}
	return nil
}

// checkOrder applies the writes of changes in many random orders and checks that GitLab accepts every write and
// ends up holding exactly what changes asked for.
func checkOrder(t *testing.T, c linkChanges, rng *rand.Rand) []linkWrite {
	t.Helper()
	writes := orderWrites(c)
	want := map[int64]linkFields{}
	for id, f := range c.current {
		want[id] = f
	}
	for id, f := range c.updates {
		want[id] = f
	}
	for _, id := range c.deletes {
		delete(want, id)
	}
	parked := map[int64]bool{}
	for _, w := range writes {
		if w.parking {
			if parked[w.linkID] {
				t.Fatalf("link %d is parked twice", w.linkID)
			}
			parked[w.linkID] = true
		}
	}
	if n := len(c.deletes) + len(c.updates) + len(c.creates) + len(parked); len(writes) != n {
		t.Fatalf("%d writes, want %d: %+v", len(writes), n, writes)
	}
	for range 20 {
		m := newReleaseModel(c.current)
		if err := runInRandomOrder(t, m, writes, rng); err != nil {
			t.Fatalf("GitLab refuses a write: %s\nwrites: %+v", err, writes)
		}
		var created []linkFields
		for id, f := range m.links {
			if id > 1000 {
				created = append(created, f)
			} else if want[id] != f {
				t.Fatalf("link %d holds %+v, want %+v", id, f, want[id])
			}
		}
		if len(m.links)-len(created) != len(want) || len(created) != len(c.creates) {
			t.Fatalf("GitLab holds %+v, want %+v and the creates %+v", m.links, want, c.creates)
		}
		for _, f := range c.creates {
			if !slices.Contains(created, f) {
				t.Fatalf("create %+v is missing: %+v", f, m.links)
			}
		}
	}
	return writes
}

func TestOrderWrites(t *testing.T) {
	l := func(name, url, path string) linkFields {
		return linkFields{name: name, url: "https://example.com/" + url, linkType: "other", path: path}
	}
	a, b, c := l("a", "a", "/bin/a"), l("b", "b", "/bin/b"), l("c", "c", "/bin/c")
	for _, tc := range []struct {
		name    string
		changes linkChanges
		parking int
	}{
		{"create", linkChanges{current: map[int64]linkFields{}, creates: []linkFields{a, b}}, 0},
		{"delete", linkChanges{current: map[int64]linkFields{1: a, 2: b}, deletes: []int64{1, 2}}, 0},
		{"rename keeping the URL", linkChanges{current: map[int64]linkFields{1: a}, updates: map[int64]linkFields{1: l("x", "a", "/bin/a")}}, 0},
		{"every URL", linkChanges{current: map[int64]linkFields{1: a, 2: b},
			updates: map[int64]linkFields{1: l("a", "a2", "/bin/a"), 2: l("b", "b2", "/bin/b")}}, 0},
		{"two names swapped", linkChanges{current: map[int64]linkFields{1: a, 2: b},
			updates: map[int64]linkFields{1: l("b", "a", "/bin/a"), 2: l("a", "b", "/bin/b")}}, 1},
		{"two URLs swapped", linkChanges{current: map[int64]linkFields{1: a, 2: b},
			updates: map[int64]linkFields{1: l("a", "b", "/bin/a"), 2: l("b", "a", "/bin/b")}}, 1},
		{"two paths swapped", linkChanges{current: map[int64]linkFields{1: a, 2: b},
			updates: map[int64]linkFields{1: l("a", "a", "/bin/b"), 2: l("b", "b", "/bin/a")}}, 1},
		{"everything swapped", linkChanges{current: map[int64]linkFields{1: a, 2: b},
			updates: map[int64]linkFields{1: b, 2: a}}, 1},
		{"three names in a cycle", linkChanges{current: map[int64]linkFields{1: a, 2: b, 3: c},
			updates: map[int64]linkFields{1: l("b", "a", "/bin/a"), 2: l("c", "b", "/bin/b"), 3: l("a", "c", "/bin/c")}}, 1},
		{"a chain of renames", linkChanges{current: map[int64]linkFields{1: a, 2: b, 3: c},
			updates: map[int64]linkFields{1: l("b", "a", "/bin/a"), 2: l("c", "b", "/bin/b"), 3: l("d", "c", "/bin/c")}}, 0},
		{"a create takes a deleted link's name", linkChanges{current: map[int64]linkFields{1: a},
			deletes: []int64{1}, creates: []linkFields{l("a", "new", "")}}, 0},
		{"a create takes a renamed link's URL and path", linkChanges{current: map[int64]linkFields{1: a},
			updates: map[int64]linkFields{1: l("a", "moved", "")}, creates: []linkFields{l("n", "a", "/bin/a")}}, 0},
		{"an update takes a deleted link's path", linkChanges{current: map[int64]linkFields{1: a, 2: b},
			deletes: []int64{1}, updates: map[int64]linkFields{2: l("b", "b", "/bin/a")}}, 0},
		// e and c wait on each other, and so do c and d. e is split first (as many wait on it as on c, and its ID
		// is lower); c must be split too, and that alone frees everything e waited for.
		{"a split that a later one makes needless", linkChanges{current: map[int64]linkFields{1: l("e", "2", "/bin/one"),
			3: l("c", "3", "/bin/three"), 4: l("d", "4", "/bin/two")}, updates: map[int64]linkFields{1: l("e", "5", "/bin/three"),
			3: l("c", "2", "/bin/two"), 4: l("d", "3", "/bin/one")}}, 1},
		// Every two of three links exchange a value: whichever is parked, the other two still wait on each other.
		{"three links exchanging a value pairwise", linkChanges{current: map[int64]linkFields{1: a, 2: b, 3: c},
			updates: map[int64]linkFields{1: l("b", "a", "/bin/c"), 2: l("a", "c", "/bin/b"), 3: l("c", "b", "/bin/a")}}, 2},
		{"a swap whose temporary name is taken", linkChanges{current: map[int64]linkFields{1: a, 2: b, 3: l("a (terraform swap 1)", "t", "")},
			updates: map[int64]linkFields{1: l("b", "a", "/bin/a"), 2: l("a", "b", "/bin/b")}}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			writes := checkOrder(t, tc.changes, rand.New(rand.NewSource(1)))
			parking := 0
			for _, w := range writes {
				if w.parking {
					parking++
				}
			}
			if parking != tc.parking {
				t.Errorf("%d writes park a link, want %d: %+v", parking, tc.parking, writes)
			}
		})
	}
}

// TestOrderWritesRandom permutes names, URLs and paths among the links of random releases, deletes some, adds
// some that reuse freed values, and checks every order the writes may run in against GitLab's rules.
func TestOrderWritesRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(20261201))
	for round := range 400 {
		n := 1 + rng.Intn(12)
		current := map[int64]linkFields{}
		var names, urls, paths []string
		for i := range n {
			names = append(names, fmt.Sprintf("n%d", i))
			urls = append(urls, fmt.Sprintf("https://example.com/u%d", i))
			path := ""
			if rng.Intn(3) > 0 {
				path = fmt.Sprintf("/bin/p%d", i)
			}
			paths = append(paths, path)
			current[int64(i+1)] = linkFields{name: names[i], url: urls[i], linkType: "other", path: path}
		}
		// The release afterwards: the same values and some new ones, dealt out at random to survivors and creates.
		for i := range rng.Intn(3) {
			names = append(names, fmt.Sprintf("new%d", i))
			urls = append(urls, fmt.Sprintf("https://example.com/new%d", i))
			paths = append(paths, fmt.Sprintf("/bin/new%d", i))
		}
		rng.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
		rng.Shuffle(len(urls), func(i, j int) { urls[i], urls[j] = urls[j], urls[i] })
		rng.Shuffle(len(paths), func(i, j int) { paths[i], paths[j] = paths[j], paths[i] })
		c := linkChanges{current: current, updates: map[int64]linkFields{}}
		next := 0
		for id := int64(1); id <= int64(n); id++ {
			if rng.Intn(5) == 0 {
				c.deletes = append(c.deletes, id)
				continue
			}
			f := linkFields{name: names[next], url: urls[next], linkType: []string{"other", "package"}[rng.Intn(2)], path: paths[next]}
			next++
			if f != current[id] {
				c.updates[id] = f
			}
		}
		for ; next < len(names) && rng.Intn(2) == 0; next++ {
			c.creates = append(c.creates, linkFields{name: names[next], url: urls[next], linkType: "other", path: paths[next]})
		}
		t.Run(fmt.Sprint(round), func(t *testing.T) { checkOrder(t, c, rng) })
	}
}

// A single field permuted among links needs exactly one extra write per cycle of the permutation.
func TestOrderWritesOneParkingPerCycle(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for round := range 100 {
		n := 2 + rng.Intn(30)
		perm := rng.Perm(n)
		c := linkChanges{current: map[int64]linkFields{}, updates: map[int64]linkFields{}}
		for i := range n {
			c.current[int64(i+1)] = linkFields{name: fmt.Sprint(i), url: fmt.Sprintf("https://x/%d", i), linkType: "other"}
		}
		for i, p := range perm {
			if p != i {
				c.updates[int64(i+1)] = linkFields{name: fmt.Sprint(i), url: fmt.Sprintf("https://x/%d", p), linkType: "other"}
			}
		}
		cycles, seen := 0, make([]bool, n)
		for i := range n {
			if seen[i] || perm[i] == i {
				continue
			}
			cycles++
			for j := i; !seen[j]; j = perm[j] {
				seen[j] = true
			}
		}
		t.Run(fmt.Sprint(round), func(t *testing.T) {
			writes := checkOrder(t, c, rng)
			if extra := len(writes) - len(c.updates); extra != cycles {
				t.Errorf("%d extra writes for %d cycles", extra, cycles)
			}
		})
	}
}
