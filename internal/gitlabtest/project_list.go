package gitlabtest

import (
	"strings"
)

// projectOrders are the order_by values GET /projects accepts from any user (the statistics orders are for
// administrators and not modelled).
var projectOrders = []string{"id", "name", "path", "created_at", "updated_at", "last_activity_at", "similarity", "star_count"}

// listProjects is GET /projects (GITLAB.md §7c): the projects the caller can see, or with owned=true those in
// the user's own namespace and those where the user is an Owner; search keeps the projects whose name, path or
// description matches it (Gitlab::SQL::Pattern); ordered by created_at, newest first, unless order_by and sort
// say otherwise, and paginated like every list (§4). Only the params the harness needs are modelled.
func (c *call) listProjects() *response {
	u, resp := c.currentUser(false)
	if resp != nil {
		return resp
	}
	var g grapeErrors
	pg := c.paginationParams(&g)
	orderBy := c.valuesParam(&g, "order_by", c.stringParam(&g, "order_by", false), projectOrders, "created_at")
	direction := c.valuesParam(&g, "sort", c.stringParam(&g, "sort", false), sortOrders, "desc")
	search := c.stringParam(&g, "search", false)
	owned := c.boolParam(&g, "owned")
	if resp := g.response(); resp != nil {
		return resp
	}
	pg.defaulted = map[string]string{"order_by": orderBy, "sort": direction}
	for _, name := range []string{"owned", "starred", "imported", "membership", "with_issues_enabled",
		"with_merge_requests_enabled", "simple", "statistics", "with_custom_attributes"} {
		if _, sent := c.params[name]; !sent {
			pg.defaulted[name] = "false"
		}
	}

	var all []*project
	for _, p := range c.st.projects {
		mine := u != nil && (p.ns == u.ns || p.role(u) >= Owner)
		if owned && !mine || !owned && !p.canRead(u) {
			continue
		}
		if strings.TrimSpace(search.val) != "" && !matchesSearch(search.val, p.name, p.path, p.description) {
			continue
		}
		all = append(all, p)
	}
	before := func(a, b *project) bool { // ascending order, ties by id
		switch orderBy {
		case "id":
		case "name":
			if a.name != b.name {
				return a.name < b.name
			}
		case "path":
			if a.path != b.path {
				return a.path < b.path
			}
		default: // updates, activity and stars are not modelled: they follow creation
			if !a.createdAt.Equal(b.createdAt) {
				return a.createdAt.Before(b.createdAt)
			}
		}
		return a.id < b.id
	}
	return sortedPage(c, pg, all, direction == "asc", before, c.projectJSON)
}

// matchesSearch is Project.search without namespaces: Gitlab::SQL::Pattern's fuzzy_search over name, path and
// description. The query's whitespace-separated words of three or more characters must all occur, ignoring case,
// in one of the columns; a query without such words must equal a column, ignoring case (ILIKE without wildcards).
func matchesSearch(query string, columns ...string) bool {
	var words []string
	for _, w := range strings.Fields(query) {
		if len([]rune(w)) >= 3 {
			words = append(words, strings.ToLower(w))
		}
	}
	whole := strings.Join(strings.Fields(query), " ") // squish
	for _, col := range columns {
		col = strings.ToLower(col)
		if len(words) == 0 {
			if col == strings.ToLower(whole) {
				return true
			}
			continue
		}
		all := true
		for _, w := range words {
			all = all && strings.Contains(col, w)
		}
		if all {
			return true
		}
	}
	return false
}
