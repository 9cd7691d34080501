package gitlab

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
)

// maxPages stops a server that keeps announcing a next page. At 100 items a page it allows 100,000 links, far
// beyond any real release.
const maxPages = 1000

// pages reads a list route page by page, 100 items a page, following the next page as GitLab announces it
// (nextPage, GITLAB.md §4). It is an iterator: each step yields one page as soon as it arrives, so that a caller can
// stream results and stop early, or the error that ended the listing, after which it yields nothing more.
func pages[T any](ctx context.Context, c *Client, path string, params url.Values) iter.Seq2[[]T, error] {
	return func(yield func([]T, error) bool) {
		for page := 1; ; {
			query := url.Values{"per_page": {"100"}, "page": {strconv.Itoa(page)}}
			for k, v := range params {
				query[k] = v
			}
			var items []T
			header, err := c.do(ctx, http.MethodGet, path, query, nil, &items)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(items, nil) {
				return
			}
			n, err := nextPage(header, page, len(items))
			switch {
			case err != nil:
				yield(nil, fmt.Errorf("GET %s: %w", path, err))
				return
			case n == 0:
				return
			case n > maxPages:
				yield(nil, fmt.Errorf("GET %s: stopped after %d pages", path, maxPages))
				return
			}
			page = n
		}
	}
}

// collect reads every page of a listing.
func collect[T any](listing iter.Seq2[[]T, error]) ([]T, error) {
	all := []T{} // empty, not nil, when there is nothing
	for page, err := range listing {
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
	}
	return all, nil
}

// failed is a listing that yields only err, for an argument that makes the request impossible.
func failed[T any](err error) iter.Seq2[[]T, error] {
	return func(yield func([]T, error) bool) { yield(nil, err) }
}
