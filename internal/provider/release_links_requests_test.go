package provider

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestAccReleaseLinks_requestCounts holds gitlab_release_links to the request floor with 250 links, which take
// three pages to list: a create is the plan-time check's listing of the empty release in each walk (the apply walk
// plans again) and a POST per link, a plan one listing per 100 links, an update of every URL that plan's listing
// and a PUT per link, a destroy the refresh's listing and a DELETE per link.
func TestAccReleaseLinks_requestCounts(t *testing.T) {
	httpClientTest(t)
	requireAcc(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	const n = 250
	tf := newTerraformCLI(t, buildProvider(t, "test"))
	tf.write("versions.tf", requiredProviders)
	for _, phase := range []struct {
		name   string
		args   []string
		links  map[string]linkSpec
		want   requestCounts
		remain int
	}{
		{"create", []string{"apply", "-auto-approve"}, manyLinks(n, "v1"), requestCounts{list: 2, post: n}, n},
		{"plan", []string{"plan", "-detailed-exitcode"}, manyLinks(n, "v1"), requestCounts{list: 3}, n},
		{"update", []string{"apply", "-auto-approve"}, manyLinks(n, "v2"), requestCounts{list: 3, put: n}, n},
		{"destroy", []string{"destroy", "-auto-approve"}, manyLinks(n, "v2"), requestCounts{list: 3, del: n}, 0},
	} {
		tf.write("main.tf", env.linksConfig(env.Project, env.Tag, phase.links))
		env.emu.ResetRequestCounts()
		if out, code := tf.run(phase.args...); code != 0 {
			t.Fatalf("%s failed (%d):\n%s", phase.name, code, out)
		}
		if got := countRequests(env.emu); got != phase.want {
			t.Errorf("%s sent %+v, want %+v (by route: %v)", phase.name, got, phase.want, env.emu.RequestCounts())
		}
		if held := len(env.emu.Links(env.Project, env.Tag)); held != phase.remain {
			t.Errorf("after %s GitLab holds %d links, want %d", phase.name, held, phase.remain)
		}
	}
}

// concurrency counts the link writes in flight between the provider and GitLab, and remembers the most.
type concurrency struct {
	mu            sync.Mutex
	now, most     int
	target        http.Handler
	writesStarted int
}

func (c *concurrency) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	write := r.Method != http.MethodGet && strings.Contains(r.URL.Path, "/assets/links")
	if write {
		c.mu.Lock()
		c.now++
		c.writesStarted++
		c.most = max(c.most, c.now)
		c.mu.Unlock()
		defer func() {
			c.mu.Lock()
			c.now--
			c.mu.Unlock()
		}()
	}
	c.target.ServeHTTP(w, r)
}

// TestAccReleaseLinks_parallelism: the writes of one resource go out release_links_parallelism at a time, 10 by
// default, never more.
func TestAccReleaseLinks_parallelism(t *testing.T) {
	httpClientTest(t)
	requireAcc(t)
	env := newTestEnv(t)
	env.requireEmulator(t)
	env.emu.SetLatency(20 * time.Millisecond)
	counter := &concurrency{target: env.emu.Handler()}
	proxy := httptest.NewServer(counter)
	t.Cleanup(proxy.Close)
	tf := newTerraformCLI(t, buildProvider(t, "test"))
	tf.write("versions.tf", requiredProviders)
	for _, tc := range []struct {
		version, setting string
		want             int
	}{{"v1", "release_links_parallelism = 3", 3}, {"v2", "", 10}} {
		// A create, then an update of every URL: 40 writes each time.
		config := strings.Replace(env.linksConfig(env.Project, env.Tag, manyLinks(40, tc.version)), env.BaseURL, proxy.URL, 1)
		config = withProviderSetting(config, tc.setting)
		tf.write("main.tf", config)
		counter.most, counter.writesStarted = 0, 0
		if out, code := tf.run("apply", "-auto-approve"); code != 0 {
			t.Fatalf("apply with %q failed (%d):\n%s", tc.setting, code, out)
		}
		if counter.most != tc.want || counter.writesStarted != 40 {
			t.Errorf("with %q, %d writes went out at most %d at a time, want 40 and %d", tc.setting, counter.writesStarted, counter.most, tc.want)
		}
	}
}
