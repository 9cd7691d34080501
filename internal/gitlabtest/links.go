package gitlabtest

import (
	"net/http"
	"strings"
)

// linkJSON is the Releases::Link entity of GitLab >= 16.0: exactly these five keys, in this order (§1).
type linkJSON struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	URL            string `json:"url"`
	DirectAssetURL string `json:"direct_asset_url"`
	LinkType       string `json:"link_type"`
}

func (s *Server) linkJSON(p *project, r *release, l *link) linkJSON {
	return linkJSON{
		ID: l.id, Name: l.name, URL: l.url, LinkType: l.linkType,
		DirectAssetURL: directAssetURL(s.baseURL, p.fullPath(), r.tag, l.url, l.filepath),
	}
}

// directAssetURL is LinkPresenter#direct_asset_url: the url itself without a filepath, otherwise the release's
// permanent download path. Never null (§1).
func directAssetURL(baseURL, fullPath, tag, url, filepath string) string {
	if filepath == "" {
		return url
	}
	return baseURL + "/" + fullPath + "/-/releases/" + escapeSegment(tag) + "/downloads" + filepath
}

// escapeSegment escapes like Rails' Journey escape_segment: everything but unreserved characters, sub-delims,
// ':' and '@' is percent-encoded with upper-case hex, so a tag "rel/v1" appears as "rel%2Fv1" (§1).
func escapeSegment(s string) string {
	const keep = "-._~!$&'()*+,;=:@"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAlnumByte(c) || strings.IndexByte(keep, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteString("%" + strings.ToUpper(string("0123456789abcdef"[c>>4])+string("0123456789abcdef"[c&15])))
	}
	return b.String()
}

// linkParams are the declared params of create and update after Grape validation.
type linkParams struct {
	name, url, directAssetPath, filepath optString
	linkType                             string
}

// declareLinkParams validates the create (required name and url) or update (at_least_one_of name, url) params
// in Grape's declaration order: name, url, direct_asset_path, filepath, link_type (§1.2, §1.4, §2a).
func (c *call) declareLinkParams(g *grapeErrors, create bool) linkParams {
	var lp linkParams
	lp.name = c.stringParam(g, "name", create)
	lp.url = c.stringParam(g, "url", create)
	lp.directAssetPath = c.stringParam(g, "direct_asset_path", false)
	lp.filepath = c.stringParam(g, "filepath", false)
	lt := c.stringParam(g, "link_type", false)
	// default: 'other' also applies on update, so a PUT without link_type resets it (GITLAB.md §1.4 subtlety 1).
	lp.linkType = c.valuesParam(g, "link_type", lt, linkTypes, "other")
	if !create && !lp.name.present && !lp.url.present {
		// at_least_one_of only checks key presence: name: null satisfies it (GITLAB.md §1.4 subtlety 2).
		g.add("name, url", "are missing, at least one parameter must be provided")
	}
	return lp
}

// apply assigns the params to rec the way Releases::Links::Params#allowed_params does: name and url only when
// sent (null included); filepath only when direct_asset_path or filepath was sent, with Ruby's
// `direct_asset_path || filepath`, so "" in direct_asset_path wins but null falls back to filepath.
func (lp linkParams) apply(rec *linkRecord) {
	if lp.name.present {
		rec.name = lp.name.ptr()
	}
	if lp.url.present {
		rec.url = lp.url.ptr()
	}
	if lp.directAssetPath.present || lp.filepath.present {
		rec.filepath = lp.directAssetPath.ptr()
		if rec.filepath == nil {
			rec.filepath = lp.filepath.ptr()
		}
	}
	rec.linkType = lp.linkType
}

// linkRelease runs the common part of every link route after Grape validation: current_user, find_project!,
// then release lookup by exact tag (§1 "Lookup order").
func (c *call) linkRelease() (*user, *project, *release, *response) {
	u, resp := c.currentUser(true)
	if resp != nil {
		return nil, nil, nil, resp
	}
	p, resp := c.userProject(u)
	if resp != nil {
		return nil, nil, nil, resp
	}
	r := p.releases[c.rt.tag]
	if r == nil {
		return nil, nil, nil, recordNotFound()
	}
	return u, p, r, nil
}

// linkIDParam validates `requires :link_id, type: Integer`, declared on the parent namespace and therefore
// checked before any other param of the item routes.
func (c *call) linkIDParam(g *grapeErrors) int64 {
	n, ok := parseRubyInt(c.rt.linkID)
	if !ok {
		g.add("link_id", "is invalid")
	}
	return n
}

func (c *call) listLinks() *response {
	var g grapeErrors
	pg := c.paginationParams(&g)
	if resp := g.response(); resp != nil {
		return resp
	}
	_, p, r, resp := c.linkRelease()
	if resp != nil {
		return resp
	}
	all := r.sortedLinks()
	page := c.paginate(pg, len(all))
	out := make([]linkJSON, 0, page.hi-page.lo)
	for _, l := range all[page.lo:page.hi] {
		out = append(out, c.s.linkJSON(p, r, l))
	}
	resp = jsonResponse(http.StatusOK, out)
	page.setHeaders(resp.header)
	return resp
}

func (c *call) createLink() *response {
	var g grapeErrors
	lp := c.declareLinkParams(&g, true)
	if resp := g.response(); resp != nil {
		return resp
	}
	u, p, r, resp := c.linkRelease()
	if resp != nil {
		return resp
	}
	// The service checks create_release before the model validates (GITLAB.md §1 "Lookup order" step 5, §3c).
	if !p.canWriteReleases(u) {
		return forbidden()
	}
	var rec linkRecord
	lp.apply(&rec)
	if msgs := validateLink(&rec, r.links); len(msgs) > 0 {
		return messageResponse(http.StatusBadRequest, msgs)
	}
	l := c.st.insertLink(r, rec)
	return jsonResponse(http.StatusCreated, c.s.linkJSON(p, r, l))
}

func (c *call) getLink() *response {
	p, r, l, resp := c.linkItem(nil)
	if resp != nil {
		return resp
	}
	return jsonResponse(http.StatusOK, c.s.linkJSON(p, r, l))
}

func (c *call) updateLink() *response {
	var lp linkParams
	u, p, r, l, resp := c.linkItemFor(func(g *grapeErrors) { lp = c.declareLinkParams(g, false) })
	if resp != nil {
		return resp
	}
	if !p.canWriteReleases(u) {
		return forbidden()
	}
	rec := recordOf(l)
	lp.apply(&rec)
	// Uniqueness on update excludes the link itself.
	others := make([]*link, 0, len(r.links))
	for _, o := range r.links {
		if o.id != l.id {
			others = append(others, o)
		}
	}
	if msgs := validateLink(&rec, others); len(msgs) > 0 {
		return messageResponse(http.StatusBadRequest, msgs)
	}
	l.assign(rec)
	return jsonResponse(http.StatusOK, c.s.linkJSON(p, r, l))
}

// deleteLink answers 200 with the deleted link, not 204 (§1.5).
func (c *call) deleteLink() *response {
	u, p, r, l, resp := c.linkItemFor(nil)
	if resp != nil {
		return resp
	}
	if !p.canWriteReleases(u) {
		return forbidden()
	}
	body := c.s.linkJSON(p, r, l)
	r.removeLink(l.id)
	return jsonResponse(http.StatusOK, body)
}

func (c *call) linkItem(declare func(*grapeErrors)) (*project, *release, *link, *response) {
	_, p, r, l, resp := c.linkItemFor(declare)
	return p, r, l, resp
}

// linkItemFor validates link_id and the route's own params, then finds the link within the release: a link of
// another release is "404 Not found" like an unknown id (GITLAB.md §1 "Lookup order" step 4).
func (c *call) linkItemFor(declare func(*grapeErrors)) (*user, *project, *release, *link, *response) {
	var g grapeErrors
	id := c.linkIDParam(&g)
	if declare != nil {
		declare(&g)
	}
	if resp := g.response(); resp != nil {
		return nil, nil, nil, nil, resp
	}
	u, p, r, resp := c.linkRelease()
	if resp != nil {
		return nil, nil, nil, nil, resp
	}
	l := r.findLink(id)
	if l == nil {
		return nil, nil, nil, nil, recordNotFound()
	}
	return u, p, r, l, nil
}

func recordOf(l *link) linkRecord {
	name, url := l.name, l.url
	rec := linkRecord{name: &name, url: &url, linkType: l.linkType}
	if l.filepath != "" {
		fp := l.filepath
		rec.filepath = &fp
	}
	return rec
}

// assign copies a validated record into the stored link.
func (l *link) assign(rec linkRecord) {
	l.name, l.url, l.linkType = *rec.name, *rec.url, rec.linkType
	l.filepath = ""
	if rec.filepath != nil {
		l.filepath = *rec.filepath
	}
}

// insertLink stores a validated record with a new id and created_at.
func (st *state) insertLink(r *release, rec linkRecord) *link {
	l := &link{id: st.nextID("links"), createdAt: st.now()}
	l.assign(rec)
	r.links = append(r.links, l)
	return l
}
