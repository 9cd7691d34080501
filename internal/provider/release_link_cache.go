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
// every write to a release drops what was read for it, and a failed listing falls back to a GET per link.
type linkCache struct {
	client *gitlab.Client

	mu       sync.Mutex
	releases map[releaseKey]*releaseListing
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
	return &linkCache{client: client, releases: map[releaseKey]*releaseListing{}}
}

// read returns one link. A missing link is errLinkGone; a missing release or project is GitLab's 404 error.
func (c *linkCache) read(ctx context.Context, project, tag string, linkID int64) (*gitlab.ReleaseLink, error) {
	listing := c.listing(ctx, project, tag)
	select {
	case <-listing.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if listing.err == nil {
		if link, ok := listing.links[linkID]; ok {
			return &link, nil
		}
		return nil, errLinkGone
	}
	if gitlab.IsNotFound(listing.err) {
		return nil, listing.err
	}
	// The listing failed for another reason (a timeout, a proxy refusing large pages): ask for this link alone.
	return c.client.GetReleaseLink(ctx, project, tag, linkID)
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
		links, err := c.client.ListReleaseLinks(context.WithoutCancel(ctx), project, tag)
		if err == nil {
			l.ordered = links
			l.links = make(map[int64]gitlab.ReleaseLink, len(links))
			for _, link := range links {
				l.links[link.ID] = link
			}
		} else {
			c.forget(key, l)
		}
		l.err = err
		close(l.done)
	}()
	return l
}

// invalidate drops what was read for a release; call it after every write to that release.
func (c *linkCache) invalidate(project, tag string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.releases, releaseKey{project, tag})
}

// forget drops a failed listing so that a later Read tries again, unless it was already replaced.
func (c *linkCache) forget(key releaseKey, l *releaseListing) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.releases[key] == l {
		delete(c.releases, key)
	}
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
