package provider

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

// writesEnv is an emulated release with links a, b and c, reached through a proxy that records the order of the
// writes, and the provider data that sends them.
type writesEnv struct {
	emu     *gitlabtest.Server
	data    *providerData
	project string
	ids     map[string]int64
	mu      sync.Mutex
	methods []string
}

func newWritesEnv(t *testing.T) *writesEnv {
	t.Helper()
	w := &writesEnv{emu: gitlabtest.NewServer(), ids: map[string]int64{}}
	t.Cleanup(w.emu.Close)
	w.emu.AddToken(testUser, testToken, gitlabtest.TokenOptions{})
	w.project = w.emu.AddProject("test-group/writes", false).FullPath
	if err := w.emu.AddMember(w.project, testUser, gitlabtest.Owner); err != nil {
		t.Fatal(err)
	}
	if err := w.emu.AddRelease(w.project, testTag); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a", "b", "c"} {
		l, err := w.emu.AddLink(w.project, testTag, gitlabtest.Link{Name: name, URL: "https://x/" + name})
		if err != nil {
			t.Fatal(err)
		}
		w.ids[name] = l.ID
	}
	proxy := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			w.mu.Lock()
			w.methods = append(w.methods, r.Method)
			w.mu.Unlock()
		}
		w.emu.Handler().ServeHTTP(rw, r)
	}))
	t.Cleanup(proxy.Close)
	client, err := gitlab.New(gitlab.Config{BaseURL: proxy.URL, Token: testToken, Retries: 0})
	if err != nil {
		t.Fatal(err)
	}
	w.data = &providerData{client: client, links: newLinkCache(client)}
	return w
}

func (w *writesEnv) fields(name string) linkFields {
	return linkFields{name: name, url: "https://x/" + name, linkType: "other"}
}

func (w *writesEnv) run(t *testing.T, writes []linkWrite, parallel int) []writeResult {
	t.Helper()
	var diags diag.Diagnostics
	results := w.data.runWrites(t.Context(), w.project, testTag, writes, parallel, &diags)
	if diags.HasError() {
		t.Fatalf("runWrites: %v", diags)
	}
	return results
}

func TestRunWrites(t *testing.T) {
	t.Run("a failure skips what waits on it, and what waits on that", func(t *testing.T) {
		w := newWritesEnv(t)
		w.emu.AddFaults(gitlabtest.Fault{Method: "DELETE", Kind: gitlabtest.FaultInternalError})
		writes := []linkWrite{
			{kind: writeDelete, linkID: w.ids["a"], from: w.fields("a")},
			{kind: writeUpdate, linkID: w.ids["b"], from: w.fields("b"), to: linkFields{"a", "https://x/b", "other", ""}, after: []int{0}},
			{kind: writeCreate, to: linkFields{"b", "https://x/new", "other", ""}, after: []int{1}},
			{kind: writeUpdate, linkID: w.ids["c"], from: w.fields("c"), to: linkFields{"c", "https://x/c2", "other", ""}},
		}
		results := w.run(t, writes, 4)
		if results[0].done || results[0].err == nil || !results[1].skipped || results[1].waited != 0 ||
			!results[2].skipped || results[2].waited != 1 || !results[3].done {
			t.Fatalf("results %+v", results)
		}
		f := failedWrites(writes, results)
		if f.count != 3 || !gitlab.HasStatus(f.first, 500) ||
			!strings.Contains(f.list, `create of link "b": not sent, since it had to wait for the update of link`) {
			t.Errorf("failedWrites = %+v", f)
		}
		if slices.Sort(w.methods); !slices.Equal(w.methods, []string{"DELETE", "PUT"}) {
			t.Errorf("sent %v, want the failed DELETE and c's PUT only", w.methods)
		}
	})
	t.Run("ready deletes start first, creates last", func(t *testing.T) {
		w := newWritesEnv(t)
		writes := []linkWrite{
			{kind: writeCreate, to: linkFields{"d", "https://x/d", "other", ""}},
			{kind: writeUpdate, linkID: w.ids["b"], from: w.fields("b"), to: linkFields{"b", "https://x/b2", "other", ""}},
			{kind: writeDelete, linkID: w.ids["a"], from: w.fields("a")},
		}
		w.run(t, writes, 1)
		if !slices.Equal(w.methods, []string{"DELETE", "PUT", "POST"}) {
			t.Errorf("sent %v, want DELETE, PUT, POST", w.methods)
		}
	})
	t.Run("a link already gone counts as deleted", func(t *testing.T) {
		w := newWritesEnv(t)
		if err := w.emu.DeleteLink(w.project, testTag, w.ids["a"]); err != nil {
			t.Fatal(err)
		}
		if results := w.run(t, []linkWrite{{kind: writeDelete, linkID: w.ids["a"], from: w.fields("a")}}, 1); !results[0].done {
			t.Errorf("results %+v", results)
		}
	})
	t.Run("writes that wait on each other fail instead of hanging", func(t *testing.T) {
		w := newWritesEnv(t)
		writes := []linkWrite{
			{kind: writeUpdate, linkID: w.ids["a"], from: w.fields("a"), to: w.fields("b"), after: []int{1}},
			{kind: writeUpdate, linkID: w.ids["b"], from: w.fields("b"), to: w.fields("a"), after: []int{0}},
		}
		results := w.run(t, writes, 2)
		if results[0].done || results[1].done || results[0].err == nil || len(w.methods) != 0 {
			t.Errorf("results %+v, sent %v", results, w.methods)
		}
	})
	t.Run("a swap parks a link, and the state records the final values", func(t *testing.T) {
		w := newWritesEnv(t)
		held := map[string]linkElement{}
		for _, name := range []string{"a", "b"} {
			held[name] = element("https://x/"+name, "", w.ids[name], "https://x/"+name)
		}
		planned := map[string]linkElement{"a": element("https://x/b", "", w.ids["a"], ""), "b": element("https://x/a", "", w.ids["b"], "")}
		writes := orderWrites(changesFor(planned, held))
		results := w.run(t, writes, 2)
		after := applyResults(held, testTag, writes, results)
		if after["a"].url.ValueString() != "https://x/b" || after["b"].url.ValueString() != "https://x/a" || len(after) != 2 ||
			after["a"].linkID.ValueInt64() != w.ids["a"] {
			t.Errorf("state after the swap: %+v", after)
		}
	})
}
