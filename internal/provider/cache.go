package provider

import (
	"context"
	"errors"
	"sync"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// errLinkGone reports that a release's link list was read and the link was not in it.
var errLinkGone = errors.New("the link is no longer in the release")

// linkCache serves the Reads of one Terraform walk from one listing per release: a plan over N links of a release
// costs ceil(N/100) list requests instead of N GETs. The provider is configured anew for every walk, so a link
// changed out of band between two walks is always seen. Concurrent Reads of one release share a single fetch,
// every write to a release drops what was read for it, and a failed listing is not tried again in the walk.
// When it failed for a reason of its own (a proxy refusing a large page), its Reads fall back to a GET per link;
// when GitLab is unreachable, failing or throttling, they fail with the listing's error.
type linkCache struct {
	client *gitlab.Client

	mu       sync.Mutex
	releases map[releaseKey]*releaseListing
	claimed  map[int64]bool  // links created or adopted in this walk
	wrote    map[string]bool // tags written to in this walk, which makes it an apply
}

// releaseKey names a release as the configuration does; an ID and a path of the same project are two keys.
type releaseKey struct{ project, tag string }

// releaseListing is one fetch of a release's links; done is closed once links or err is set.
type releaseListing struct {
	done    chan struct{}
	ordered []gitlab.ReleaseLink
	links   map[int64]gitlab.ReleaseLink
	err     error
}

func newLinkCache(client *gitlab.Client) *linkCache {
	return &linkCache{client: client, releases: map[releaseKey]*releaseListing{}, claimed: map[int64]bool{}, wrote: map[string]bool{}}
}

// read returns one link. A missing link is errLinkGone; a missing release or project is GitLab's 404 error.
func (c *linkCache) read(ctx context.Context, project, tag string, linkID int64) (*gitlab.ReleaseLink, error) {
	listing := c.listing(ctx, project, tag)
	select {
	case <-listing.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	switch {
	case listing.err == nil:
		if link, ok := listing.links[linkID]; ok {
			return &link, nil
		}
		if len(listing.ordered) <= 100 {
			return nil, errLinkGone
		}
		// GitLab pages by created_at with offsets, so a link deleted while a long listing was read shifts
		// the pages and can hide another one: confirm a miss before calling the link gone.
	case gitlab.IsRecordNotFound(listing.err) || gitlab.IsProjectNotFound(listing.err) || gitlab.IsServiceFailure(listing.err):
		// GitLab down, failing or throttling would fail a GET per link just the same, only slower.
		return nil, listing.err
	}
	// The listing failed for a reason of its own (a proxy refusing large pages), or missed the link: ask for
	// this link alone.
	link, err := c.client.GetReleaseLink(ctx, project, tag, linkID)
	if gitlab.IsRecordNotFound(err) && listing.err == nil {
		return nil, errLinkGone
	}
	return link, err
}

// listing returns the release's listing, starting the fetch if nobody has.
func (c *linkCache) listing(ctx context.Context, project, tag string) *releaseListing {
	key := releaseKey{project, tag}
	c.mu.Lock()
	defer c.mu.Unlock()
	if l, ok := c.releases[key]; ok {
		return l
	}
	l := &releaseListing{done: make(chan struct{})}
	c.releases[key] = l
	go func() {
		// The fetch serves every Read of the release, so the first caller's cancellation must not end it; it
		// still gets a deadline of its own, after which the Reads fall back to single GETs.
		fetchCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), gitlab.DefaultOperationTimeout)
		defer cancel()
		links, err := c.client.ListReleaseLinks(fetchCtx, project, tag)
		if err == nil {
			l.ordered = links
			l.links = make(map[int64]gitlab.ReleaseLink, len(links))
			for _, link := range links {
				l.links[link.ID] = link
			}
		}
		l.err = err
		close(l.done)
	}()
	return l
}

// invalidate drops what was read for a release; call it after every write to that release. Every listing of
// the tag goes, whatever the project's spelling, since an ID and a path may name the same project.
func (c *linkCache) invalidate(tag string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wrote[tag] = true
	for key := range c.releases {
		if key.tag == tag {
			delete(c.releases, key)
		}
	}
}

// written reports whether this walk has written to a release tagged tag: a plan never writes, so the walk is an
// apply.
func (c *linkCache) written(tag string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.wrote[tag]
}

// all returns every link of a release, in GitLab's order, from the walk's listing.
func (c *linkCache) all(ctx context.Context, project, tag string) ([]gitlab.ReleaseLink, error) {
	listing := c.listing(ctx, project, tag)
	select {
	case <-listing.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if listing.err != nil {
		return nil, listing.err
	}
	return listing.ordered, nil
}

// claim records that a resource of this walk created or adopted the link, and reports whether none had before:
// two resources with identical values must not both adopt one link.
func (c *linkCache) claim(linkID int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.claimed[linkID] {
		return false
	}
	c.claimed[linkID] = true
	return true
}
