package gitlabtest

import (
	"net/http"
	"net/url"
	"strings"
)

// Route templates, as in GITLAB.md §1 without the /api/v4 prefix. They are the keys of RequestCounts and the
// values of Fault.Route.
const (
	RouteUser      = "/user"
	RouteJob       = "/job"
	RouteProjects  = "/projects"
	RouteProject   = "/projects/:id"
	RouteReleases  = "/projects/:id/releases"
	RouteRelease   = "/projects/:id/releases/:tag_name"
	RouteLinks     = "/projects/:id/releases/:tag_name/assets/links"
	RouteLink      = "/projects/:id/releases/:tag_name/assets/links/:link_id"
	RouteUnmatched = "*"
)

// routeMethods lists the verbs each template answers. Any other verb on a known path falls through to GitLab's
// catch-all route (§3a: 404 {"error":"404 Not Found"}), not to a 405.
var routeMethods = map[string][]string{
	RouteUser:     {http.MethodGet},
	RouteJob:      {http.MethodGet},
	RouteProjects: {http.MethodGet, http.MethodPost},
	RouteProject:  {http.MethodGet, http.MethodDelete},
	RouteReleases: {http.MethodGet, http.MethodPost},
	RouteRelease:  {http.MethodGet, http.MethodDelete},
	RouteLinks:    {http.MethodGet, http.MethodPost},
	RouteLink:     {http.MethodGet, http.MethodPut, http.MethodDelete},
}

// route is a request matched against the templates. Path parameters are already unescaped.
type route struct {
	method   string
	template string // RouteUnmatched when nothing matched
	rawPath  string // the escaped path as sent, used to build pagination links
	project  string // :id
	tag      string // :tag_name
	linkID   string // :link_id, with a ".json" format suffix removed
}

func (rt route) countKey() string { return rt.method + " " + rt.template }

// resolveRoute matches the raw (still escaped) path. GitLab's :id and :tag_name only match [^/]+ on the escaped
// path (§1, §3d), so the path is split on '/' first and each segment unescaped afterwards: "grp%2Fproj" is the
// project "grp/proj", while a literal '/' makes an extra segment and the request falls to the catch-all.
func resolveRoute(method, escapedPath string) route {
	rt := route{method: method, template: RouteUnmatched, rawPath: escapedPath}
	rest, ok := strings.CutPrefix(escapedPath, "/api/v4/")
	if !ok {
		return rt
	}
	raw := strings.Split(rest, "/")
	segs := make([]string, len(raw))
	for i, r := range raw {
		v, err := url.PathUnescape(r)
		if err != nil || v == "" {
			return rt
		}
		segs[i] = v
	}

	template := ""
	switch {
	case len(segs) == 1 && segs[0] == "user":
		template = RouteUser
	case len(segs) == 1 && segs[0] == "job":
		template = RouteJob
	case len(segs) == 1 && segs[0] == "projects":
		template = RouteProjects
	case len(segs) >= 2 && segs[0] == "projects":
		template = matchProjectRoute(segs, &rt)
	}
	if template == "" || !allows(template, method) {
		return rt
	}
	rt.template = template
	return rt
}

func matchProjectRoute(segs []string, rt *route) string {
	rt.project = segs[1]
	switch {
	case len(segs) == 2:
		return RouteProject
	case segs[2] != "releases":
		return ""
	case len(segs) == 3:
		return RouteReleases
	}
	rt.tag = segs[3]
	switch {
	case len(segs) == 4:
		return RouteRelease
	case len(segs) < 6 || segs[4] != "assets":
		return ""
	case len(segs) == 6 && (segs[5] == "links" || segs[5] == "links.json"):
		return RouteLinks
	case len(segs) == 7 && segs[5] == "links":
		// Grape routes carry an optional (.json) format suffix: links/7.json reads link 7 (§1).
		rt.linkID = strings.TrimSuffix(segs[6], ".json")
		return RouteLink
	}
	return ""
}

func allows(template, method string) bool {
	if method == http.MethodHead {
		method = http.MethodGet // Grape answers HEAD on every GET route
	}
	for _, m := range routeMethods[template] {
		if m == method {
			return true
		}
	}
	return false
}

// dispatch runs the handler for the matched route; paramErr is parseParams' answer for a malformed body. It is
// called with the server lock held.
func (c *call) dispatch(paramErr *response) *response {
	if c.rt.template == RouteUnmatched {
		return catchAll()
	}
	if paramErr != nil {
		return paramErr
	}
	method := c.rt.method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	switch c.rt.template + " " + method {
	case RouteUser + " GET":
		return c.getUser()
	case RouteJob + " GET":
		return c.getJob()
	case RouteProjects + " GET":
		return c.listProjects()
	case RouteProjects + " POST":
		return c.createProject()
	case RouteProject + " GET":
		return c.getProject()
	case RouteProject + " DELETE":
		return c.deleteProject()
	case RouteReleases + " GET":
		return c.listReleases()
	case RouteReleases + " POST":
		return c.createRelease()
	case RouteRelease + " GET":
		return c.getRelease()
	case RouteRelease + " DELETE":
		return c.deleteRelease()
	case RouteLinks + " GET":
		return c.listLinks()
	case RouteLinks + " POST":
		return c.createLink()
	case RouteLink + " GET":
		return c.getLink()
	case RouteLink + " PUT":
		return c.updateLink()
	case RouteLink + " DELETE":
		return c.deleteLink()
	}
	return catchAll()
}
