package provider

import (
	"fmt"
	"sync"
	"testing"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlabtest"
)

func TestLinkCache(t *testing.T) {
	env := newTestEnv(t)
	env.requireEmulator(t)
	ctx := t.Context()
	cache := newLinkCache(env.client)
	listings := func() int { return env.emu.RequestCount("GET", gitlabtest.RouteLinks) }
	add := func(name string) gitlab.ReleaseLink {
		return env.createLink(t, env.Tag, gitlab.CreateReleaseLinkOptions{Name: name, URL: "https://example.com/" + name})
	}
	first := add("a")

	// Concurrent Reads of one release share one listing.
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if link, err := cache.read(ctx, env.Project, env.Tag, first.ID); err != nil || link.Name != "a" {
				t.Errorf("read = %+v, %v", link, err)
			}
		})
	}
	wg.Wait()
	if n := listings(); n != 1 {
		t.Fatalf("20 concurrent reads sent %d listings, want 1", n)
	}

	// Until a write invalidates it, the walk's listing is what Reads see.
	second := add("b")
	if _, err := cache.read(ctx, env.Project, env.Tag, second.ID); err != errLinkGone {
		t.Fatalf("read of a link made after the listing = %v, want errLinkGone from the cached listing", err)
	}
	byID := fmt.Sprint(env.ProjectID)
	if links, err := cache.all(ctx, byID, env.Tag); err != nil || len(links) != 2 {
		t.Fatalf("listing by project ID = %d links, %v; want 2", len(links), err)
	}
	add("c")
	// A write through either spelling of the project drops both listings of the tag.
	cache.invalidate(env.Tag)
	for _, project := range []string{env.Project, byID} {
		if links, err := cache.all(ctx, project, env.Tag); err != nil || len(links) != 3 {
			t.Fatalf("listing of %s after invalidate = %d links, %v; want 3", project, len(links), err)
		}
	}

	// A missing release is GitLab's 404, not a link that is gone.
	if _, err := cache.read(ctx, env.Project, "v9.9.9", first.ID); !gitlab.IsRecordNotFound(err) {
		t.Fatalf("read in a missing release = %v, want GitLab's 404", err)
	}
}
