package gitlab

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// eachPage reads a list route page by page, 100 items a page, and hands each page to fn as soon as it arrives, so
// a caller can stream results and stop early. It follows the next page as ListReleaseLinks does (GITLAB.md §4).
// An error from fn stops the listing and is returned as it is.
func eachPage[T any](ctx context.Context, c *Client, path string, params url.Values, fn func(page []T) error) error {
	for page := 1; ; {
		query := url.Values{"per_page": {"100"}, "page": {strconv.Itoa(page)}}
		for k, v := range params {
			query[k] = v
		}
		var items []T
		header, err := c.do(ctx, http.MethodGet, path, query, nil, &items)
		if err != nil {
			return err
		}
		if err := fn(items); err != nil {
			return err
		}
		n, err := nextPage(header, page, len(items))
		if err != nil {
			return fmt.Errorf("GET %s: %w", path, err)
		}
		if n == 0 {
			return nil
		}
		if n > maxLinkPages {
			return fmt.Errorf("GET %s: stopped after %d pages", path, maxLinkPages)
		}
		page = n
	}
}
