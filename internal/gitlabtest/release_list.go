package gitlabtest

var (
	releaseOrders = []string{"released_at", "created_at"}
	sortOrders    = []string{"asc", "desc"}
)

// listReleases is GET /projects/:id/releases (GITLAB.md §7b). Like the other Releases routes it authorizes
// read_release before Grape validation, so an invisible project is a 404 whatever the params. The list is
// ReleasesFinder's: ordered by released_at (default) or created_at, desc (default) or asc, and paginated like
// the links list (§4). GitLab has no tiebreak for equal timestamps; the emulator uses the release id in the same
// direction so that pages are stable. updated_before and updated_after are not modelled.
func (c *call) listReleases() *response {
	u, p, resp := c.releaseProject()
	if resp != nil {
		return resp
	}
	var g grapeErrors
	pg := c.paginationParams(&g)
	orderBy := c.valuesParam(&g, "order_by", c.stringParam(&g, "order_by", false), releaseOrders, "released_at")
	direction := c.valuesParam(&g, "sort", c.stringParam(&g, "sort", false), sortOrders, "desc")
	c.boolParam(&g, "include_html_description")
	if resp := g.response(); resp != nil {
		return resp
	}
	pg.defaulted = map[string]string{"order_by": orderBy, "sort": direction}

	all := make([]*release, 0, len(p.releases))
	for _, r := range p.releases {
		all = append(all, r)
	}
	before := func(a, b *release) bool { // ascending order
		ka, kb := a.releasedAt, b.releasedAt
		if orderBy == "created_at" {
			ka, kb = a.createdAt, b.createdAt
		}
		if !ka.Equal(kb) {
			return ka.Before(kb)
		}
		return a.id < b.id
	}
	return sortedPage(c, pg, all, direction == "asc", before, func(r *release) releaseJSON {
		return c.releaseJSON(p, r, u, r.sortedLinks())
	})
}
