package provider

import (
	"maps"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// element is a known link element for tests; "" is null for path and unknown for url.
func element(url, path string, linkID int64, directAssetURL string) linkElement {
	e := linkElement{url: types.StringValue(url), linkType: types.StringValue("other"), path: types.StringNull(),
		linkID: types.Int64Unknown(), directAssetURL: types.StringUnknown()}
	if url == "" {
		e.url = types.StringUnknown()
	}
	if path != "" {
		e.path = types.StringValue(path)
	}
	if linkID != 0 {
		e.linkID = types.Int64Value(linkID)
	}
	if directAssetURL != "" {
		e.directAssetURL = types.StringValue(directAssetURL)
	}
	return e
}

const download = "https://gitlab.example.com/g/p/-/releases/v1/downloads"

func TestPlanComputed(t *testing.T) {
	state := map[string]linkElement{
		"kept":    element("https://x/kept", "/bin/kept", 1, download+"/bin/kept"),
		"old":     element("https://x/old", "", 2, "https://x/old"),
		"old-bin": element("https://x/old-bin", "/bin/old", 3, download+"/bin/old"),
	}
	for _, tc := range []struct {
		name          string
		plan          linkElement
		key           string
		wantID        int64 // 0: unknown
		wantDownload  string
		wantKnownDown bool
	}{
		{"kept name, kept path", element("https://x/kept2", "/bin/kept", 0, ""), "kept", 1, download + "/bin/kept", true},
		{"kept name, path removed", element("https://x/kept", "", 0, ""), "kept", 1, "https://x/kept", true},
		{"kept name, new plain path", element("https://x/kept", "/bin/new", 0, ""), "kept", 1, download + "/bin/new", true},
		{"kept name, path GitLab may escape", element("https://x/kept", "/é/new", 0, ""), "kept", 1, "", false},
		{"renamed, same URL", element("https://x/old", "", 0, ""), "new", 2, "https://x/old", true},
		{"renamed, same path", element("https://x/moved", "/bin/old", 0, ""), "new", 3, download + "/bin/old", true},
		{"new link", element("https://x/brand-new", "", 0, ""), "new", 0, "https://x/brand-new", true},
		{"new link, URL unknown", element("", "", 0, ""), "new", 0, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := map[string]linkElement{tc.key: tc.plan}
			planComputed(plan, state)
			got := plan[tc.key]
			if tc.wantID == 0 && !got.linkID.IsUnknown() || tc.wantID != 0 && got.linkID.ValueInt64() != tc.wantID {
				t.Errorf("link_id = %v, want %d (0: unknown)", got.linkID, tc.wantID)
			}
			if got.directAssetURL.IsUnknown() == tc.wantKnownDown || tc.wantKnownDown && got.directAssetURL.ValueString() != tc.wantDownload {
				t.Errorf("direct_asset_url = %v, want %q (known %v)", got.directAssetURL, tc.wantDownload, tc.wantKnownDown)
			}
		})
	}
	t.Run("a link is taken by one new name only", func(t *testing.T) {
		plan := map[string]linkElement{"a": element("https://x/old", "", 0, ""), "b": element("https://x/old2", "/bin/old", 0, "")}
		planComputed(plan, map[string]linkElement{"old": element("https://x/old", "/bin/old", 2, download+"/bin/old")})
		if plan["a"].linkID.ValueInt64() != 2 || !plan["b"].linkID.IsUnknown() {
			t.Errorf("link_id of a = %v, of b = %v; want 2 and unknown", plan["a"].linkID, plan["b"].linkID)
		}
	})
}

func TestChangesFor(t *testing.T) {
	held := map[string]linkElement{
		"same":    element("https://x/same", "", 1, ""),
		"changed": element("https://x/changed", "", 2, ""),
		"renamed": element("https://x/renamed", "", 3, ""),
		"gone":    element("https://x/gone", "", 4, ""),
	}
	planned := map[string]linkElement{
		"same":     element("https://x/same", "", 1, ""),
		"changed":  element("https://x/changed2", "/bin/c", 2, ""),
		"new-name": element("https://x/renamed", "", 3, ""),
		"added":    element("https://x/added", "", 0, ""),
	}
	got := changesFor(planned, held)
	want := linkChanges{
		current: map[int64]linkFields{
			1: {"same", "https://x/same", "other", ""}, 2: {"changed", "https://x/changed", "other", ""},
			3: {"renamed", "https://x/renamed", "other", ""}, 4: {"gone", "https://x/gone", "other", ""},
		},
		updates: map[int64]linkFields{2: {"changed", "https://x/changed2", "other", "/bin/c"}, 3: {"new-name", "https://x/renamed", "other", ""}},
		deletes: []int64{4},
		creates: []linkFields{{"added", "https://x/added", "other", ""}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("changesFor = %+v\nwant %+v", got, want)
	}
}

// The hand-written conversion of links holds every value, null and unknown ones too, through a round trip.
func TestLinksValueRoundTrip(t *testing.T) {
	elems := map[string]linkElement{
		"a": element("https://x/a", "/bin/a", 7, download+"/bin/a"),
		"b": element("https://x/b", "", 0, ""),
		"c": {unknown: true},
	}
	value := linksValue(elems)
	if !value.ElementType(t.Context()).Equal(releaseLinksObject().Type()) {
		t.Fatalf("element type %s, want the schema's %s", value.ElementType(t.Context()), releaseLinksObject().Type())
	}
	if got := elements(value); !reflect.DeepEqual(got, elems) {
		t.Errorf("elements(linksValue(x)) = %+v, want %+v", got, elems)
	}
}

// TestPlanComputedKeepsItsPromises plans random links with random values unknown, then plans them again with
// those values known, as Terraform does at apply: every link_id and direct_asset_url the first plan knew must be
// the same in the second, or Terraform stops the apply with "Provider produced inconsistent final plan". URLs and
// paths come from small pools, so that renames, swaps and collisions are common.
func TestPlanComputedKeepsItsPromises(t *testing.T) {
	names := []string{"a", "b", "c", "d", "e"}
	urls := []string{"https://x/1", "https://x/2", "https://x/3", "https://x/4"}
	paths := []string{"", "/bin/one", "/bin/two", "/bin/three"}
	for seed := range int64(3000) {
		rng := rand.New(rand.NewPCG(uint64(seed), 0))
		pick := func(pool []string) string { return pool[rng.IntN(len(pool))] }
		state := map[string]linkElement{}
		usedURL, usedPath := map[string]bool{}, map[string]bool{}
		for i, name := range names {
			u, p := pick(urls), pick(paths)
			if rng.IntN(2) == 0 || usedURL[u] || p != "" && usedPath[p] {
				continue
			}
			usedURL[u], usedPath[p] = true, true
			state[name] = element(u, p, int64(i+1), download+p)
		}
		known := map[string]linkElement{}
		for _, name := range names {
			if rng.IntN(3) > 0 {
				known[name] = element(pick(urls), pick(paths), 0, "")
			}
		}
		first := map[string]linkElement{}
		for name, e := range known {
			switch rng.IntN(5) {
			case 0:
				e = linkElement{unknown: true}
			case 1:
				e.url = types.StringUnknown()
			case 2:
				e.path = types.StringUnknown()
			}
			first[name] = e
		}
		final := maps.Clone(known)
		planComputed(first, state)
		planComputed(final, state)
		for name, e := range first {
			f := final[name]
			if !e.unknown && (!e.linkID.IsUnknown() && !e.linkID.Equal(f.linkID) || !e.directAssetURL.IsUnknown() && !e.directAssetURL.Equal(f.directAssetURL)) {
				t.Fatalf("seed %d: links[%q] was planned with link_id %v and direct_asset_url %v, then at apply %v and %v\nstate %+v\nfirst plan %+v\nfinal %+v",
					seed, name, e.linkID, e.directAssetURL, f.linkID, f.directAssetURL, state, first, final)
			}
		}
	}
}
