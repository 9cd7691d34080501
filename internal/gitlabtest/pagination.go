package gitlabtest

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

const (
	defaultPerPage = 20
	maxPerPage     = 100 // Kaminari max_per_page in GitLab
)

// pageParams are the `use :pagination` params after Grape: `page` (Integer, default 1) and `per_page` (Integer,
// default 20, except_values: [0]) (§4).
type pageParams struct {
	page    int64
	perPage int64 // as sent (coerced); the pagination Link header repeats it verbatim
	// defaulted are the route's other declared params with a default, as Grape leaves them in params: the value
	// sent, or the default. The Link header repeats them, sent or not.
	defaulted map[string]string
}

func (c *call) paginationParams(g *grapeErrors) pageParams {
	page, _ := c.intParam(g, "page", 1)
	perPage, set := c.intParam(g, "per_page", defaultPerPage)
	if set && perPage == 0 {
		g.add("per_page", "has a value not allowed")
	}
	return pageParams{page: page, perPage: perPage}
}

// pageWindow is one computed page, with everything OffsetHeaderBuilder needs.
type pageWindow struct {
	lo, hi     int
	limit      int64 // X-Per-Page: Kaminari's limit_value
	current    int64
	next, prev int64 // 0 = none
	total      int
	totalPages int64 // at least 1
	links      string
}

// paginate reproduces Kaminari as GitLab uses it: page < 1 is page 1; per_page above 100 is clamped to 100;
// a negative per_page is ignored, leaving 20; an out-of-range page is empty with neither next nor prev page.
func (c *call) paginate(pp pageParams, total int) pageWindow {
	limit := pp.perPage
	switch {
	case limit < 0:
		limit = defaultPerPage
	case limit > maxPerPage:
		limit = maxPerPage
	}
	current := max(pp.page, 1)
	kaminariPages := (int64(total) + limit - 1) / limit
	w := pageWindow{limit: limit, current: current, total: total, totalPages: max(kaminariPages, 1)}

	outOfRange := current > kaminariPages
	if !outOfRange && current < kaminariPages {
		w.next = current + 1
	}
	if !outOfRange && current > 1 {
		w.prev = current - 1
	}
	if !outOfRange {
		w.lo = int((current - 1) * limit)
		w.hi = min(w.lo+int(limit), total)
	}
	w.links = c.pageLinks(pp, w)
	return w
}

// pageLinks builds the Link header in OffsetHeaderBuilder's order: prev, next, first, last. Each URL is the
// request URL on GitLab's configured host with the query `params.merge(page:, per_page: params[:per_page])
// .to_query`: every param including the route params id and tag_name and declared defaults, sorted, per_page as
// sent (GITLAB.md §4).
func (c *call) pageLinks(pp pageParams, w pageWindow) string {
	href := func(page int64) string {
		params := map[string]string{}
		for k, v := range c.params {
			if s, _, ok := coerceString(v); ok {
				params[k] = s
			}
		}
		for k, v := range pp.defaulted {
			params[k] = v
		}
		if c.rt.project != "" {
			params["id"] = c.rt.project
		}
		if c.rt.tag != "" {
			params["tag_name"] = c.rt.tag
		}
		params["page"] = strconv.FormatInt(page, 10)
		params["per_page"] = strconv.FormatInt(pp.perPage, 10)
		pairs := make([]string, 0, len(params))
		for k, v := range params {
			pairs = append(pairs, url.QueryEscape(k)+"="+url.QueryEscape(v)) // CGI.escape, like to_query
		}
		sort.Strings(pairs)
		return c.s.baseURL + c.rt.rawPath + "?" + strings.Join(pairs, "&")
	}
	var links []string
	if w.prev != 0 {
		links = append(links, "<"+href(w.prev)+`>; rel="prev"`)
	}
	if w.next != 0 {
		links = append(links, "<"+href(w.next)+`>; rel="next"`)
	}
	links = append(links, "<"+href(1)+`>; rel="first"`, "<"+href(w.totalPages)+`>; rel="last"`)
	return strings.Join(links, ", ")
}

// setHeaders writes the pagination headers. Absent next or previous pages are empty strings, not missing
// headers (nil.to_s, §4).
func (w pageWindow) setHeaders(h http.Header) {
	h.Set("X-Per-Page", strconv.FormatInt(w.limit, 10))
	h.Set("X-Page", strconv.FormatInt(w.current, 10))
	h.Set("X-Next-Page", optInt(w.next))
	h.Set("X-Prev-Page", optInt(w.prev))
	h.Set("Link", w.links)
	h.Set("X-Total", strconv.Itoa(w.total))
	h.Set("X-Total-Pages", strconv.FormatInt(w.totalPages, 10))
}

func optInt(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// sortedPage sorts all with before (ascending, or descending unless asc) and answers the page pg asks for, each
// item as toJSON makes it, with the pagination headers (§4).
func sortedPage[T, J any](c *call, pg pageParams, all []T, asc bool, before func(a, b T) bool, toJSON func(T) J) *response {
	sort.Slice(all, func(i, j int) bool {
		if asc {
			return before(all[i], all[j])
		}
		return before(all[j], all[i])
	})
	page := c.paginate(pg, len(all))
	out := make([]J, 0, page.hi-page.lo)
	for _, item := range all[page.lo:page.hi] {
		out = append(out, toJSON(item))
	}
	resp := jsonResponse(http.StatusOK, out)
	page.setHeaders(resp.header)
	return resp
}
