package gitlabtest

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// releaseProject is the Releases API's `before { authorize_read_releases! }`. It runs before Grape validation,
// so an unknown project is a 404 even when params are invalid.
func (c *call) releaseProject() (*user, *project, *response) {
	u, resp := c.currentUser(true)
	if resp != nil {
		return nil, nil, resp
	}
	p, resp := c.userProject(u)
	return u, p, resp
}

// assetLinkParams is one element of assets[links] after Grape validation.
type assetLinkParams struct {
	name, url, directAssetPath, filepath, linkType optString
}

// createRelease follows Releases::CreateService (§7a): permission, existing release (409), tag (existing, or
// created from ref: 422 without ref, 400 for a bad name or target), then the release with its links.
func (c *call) createRelease() *response {
	u, p, resp := c.releaseProject()
	if resp != nil {
		return resp
	}
	var g grapeErrors
	tag := c.stringParam(&g, "tag_name", true)
	c.stringParam(&g, "tag_message", false)
	name := c.stringParam(&g, "name", false)
	description := c.stringParam(&g, "description", false)
	ref := c.stringParam(&g, "ref", false)
	assets := c.assetParams(&g)
	releasedAt := c.timeParam(&g, "released_at")
	if resp := g.response(); resp != nil {
		return resp
	}

	if !p.canWriteReleases(u) {
		return forbidden()
	}
	if p.releases[tag.val] != nil {
		return messageResponse(http.StatusConflict, "Release already exists")
	}
	if !p.tags[tag.val] {
		if resp := c.createTag(p, tag.val, ref); resp != nil {
			return resp
		}
	}
	// The tag stays even when the links below fail validation, as in GitLab, which creates it first.
	recs, msgs := validateAssetLinks(assets)
	if len(msgs) > 0 {
		// The exact message of a failed nested link is UNCONFIRMED (§7a); this is ActiveRecord::RecordInvalid's.
		return messageResponse(http.StatusBadRequest, "Validation failed: "+strings.Join(msgs, ", "))
	}

	r := c.st.newRelease(p, tag.val, u)
	if name.ptr() != nil {
		r.name = name.val
	}
	r.description = description.ptr()
	if releasedAt != nil {
		r.releasedAt = *releasedAt
	}
	for _, rec := range recs {
		c.st.insertLink(r, rec)
	}
	return jsonResponse(http.StatusCreated, c.releaseJSON(p, r, u, r.sortedLinks()))
}

// createTag is Releases::CreateService#create_tag and Tags::CreateService.
func (c *call) createTag(p *project, tag string, ref optString) *response {
	switch {
	case ref.ptr() == nil:
		return messageResponse(http.StatusUnprocessableEntity, "Ref is not specified")
	case ref.val == "":
		return messageResponse(http.StatusBadRequest, "Target is empty")
	case !validGitRefName(tag):
		return messageResponse(http.StatusBadRequest, "Tag name invalid")
	case !p.branches[ref.val] && !p.tags[ref.val]:
		// The emulator has no commits, so a ref must name a branch or a tag.
		return messageResponse(http.StatusBadRequest, "Target "+ref.val+" is invalid")
	}
	p.tags[tag] = true
	return nil
}

// assetParams validates `optional :assets, type: Hash do optional :links, type: Array do ... end end`.
func (c *call) assetParams(g *grapeErrors) []assetLinkParams {
	raw, ok := c.params["assets"]
	if !ok || raw == nil {
		return nil
	}
	assets, ok := raw.(map[string]any)
	if !ok {
		g.add("assets", "is invalid")
		return nil
	}
	rawLinks, ok := assets["links"]
	if !ok || rawLinks == nil {
		return nil
	}
	list, ok := rawLinks.([]any)
	if !ok {
		g.add("assets[links]", "is invalid")
		return nil
	}
	out := make([]assetLinkParams, 0, len(list))
	for i, item := range list {
		m, _ := item.(map[string]any)
		label := "assets[links][" + strconv.Itoa(i) + "]"
		out = append(out, assetLinkParams{
			name:            stringFrom(g, m, "name", label+"[name]", true),
			url:             stringFrom(g, m, "url", label+"[url]", true),
			directAssetPath: stringFrom(g, m, "direct_asset_path", label+"[direct_asset_path]", false),
			filepath:        stringFrom(g, m, "filepath", label+"[filepath]", false),
			linkType:        stringFrom(g, m, "link_type", label+"[link_type]", false),
		})
	}
	return out
}

// validateAssetLinks validates links created with a release. Each one gets the model validations (prefixed
// "Links", as Rails does for autosaved associations) and the release's nested_attributes_duplicates check.
func validateAssetLinks(params []assetLinkParams) ([]linkRecord, []string) {
	var recs []linkRecord
	var msgs []string
	var accepted []*link
	for _, ap := range params {
		lp := linkParams{name: ap.name, url: ap.url, directAssetPath: ap.directAssetPath, filepath: ap.filepath}
		lp.linkType = "other"
		if v := ap.linkType.ptr(); v != nil {
			if !contains(linkTypes, *v) {
				// No Grape `values:` here: Rails' enum raises, and the service answers 400 with its message.
				msgs = append(msgs, "'"+*v+"' is not a valid link_type")
				continue
			}
			lp.linkType = *v
		}
		var rec linkRecord
		lp.apply(&rec)
		for _, m := range validateLink(&rec, nil) {
			msgs = append(msgs, "Links "+strings.ToLower(m[:1])+m[1:])
		}
		for _, attr := range duplicateAttrs(rec, accepted) {
			msgs = append(msgs, "Links have duplicate values ("+attr+")")
		}
		recs = append(recs, rec)
		l := &link{}
		if rec.name != nil && rec.url != nil {
			l.assign(rec)
			accepted = append(accepted, l)
		}
	}
	return recs, msgs
}

func duplicateAttrs(rec linkRecord, accepted []*link) []string {
	var attrs []string
	for _, l := range accepted {
		switch {
		case rec.name != nil && l.name == *rec.name:
			attrs = append(attrs, "name")
		case rec.url != nil && l.url == *rec.url:
			attrs = append(attrs, "url")
		case rec.filepath != nil && *rec.filepath != "" && l.filepath == *rec.filepath:
			attrs = append(attrs, "filepath")
		}
	}
	return attrs
}

// timeParam applies `type: DateTime`, accepting the ISO 8601 forms clients send.
func (c *call) timeParam(g *grapeErrors, name string) *time.Time {
	o := c.stringParam(g, name, false)
	if o.ptr() == nil {
		return nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, o.val); err == nil {
			t = t.UTC()
			return &t
		}
	}
	g.add(name, "is invalid")
	return nil
}

// getRelease needs read_code, so a guest of a private project gets 403; a missing release is "404 Not Found"
// with a capital F, unlike the link routes (§7b).
func (c *call) getRelease() *response {
	u, p, resp := c.releaseProject()
	if resp != nil {
		return resp
	}
	var g grapeErrors
	c.boolParam(&g, "include_html_description")
	if resp := g.response(); resp != nil {
		return resp
	}
	if !p.canReadCode(u) {
		return forbidden()
	}
	r := p.releases[c.rt.tag]
	if r == nil {
		return messageResponse(http.StatusNotFound, "404 Not Found")
	}
	return jsonResponse(http.StatusOK, c.releaseJSON(p, r, u, r.sortedLinks()))
}

// deleteRelease authorizes destroy_release on the release itself, so a missing release is 403, not 404 (§7b).
// Links go with the release (FK on_delete: cascade) and the tag stays. The answer is the deleted release; its
// links are read back after the cascade, so the list is empty [DERIVED].
func (c *call) deleteRelease() *response {
	u, p, resp := c.releaseProject()
	if resp != nil {
		return resp
	}
	r := p.releases[c.rt.tag]
	if r == nil || !p.canWriteReleases(u) {
		return forbidden()
	}
	delete(p.releases, r.tag)
	return jsonResponse(http.StatusOK, c.releaseJSON(p, r, u, nil))
}

// validGitRefName is Gitlab::GitRefValidator.validate: git check-ref-format rules plus GitLab's own prefixes.
func validGitRefName(name string) bool {
	if name == "" || name == "HEAD" || name == "@" || strings.HasPrefix(name, "-") {
		return false
	}
	for _, p := range []string{"refs/heads/", "refs/tags/", "refs/remotes/"} {
		if strings.HasPrefix(name, p) {
			return false
		}
	}
	if strings.Contains(name, "..") || strings.Contains(name, "@{") || strings.Contains(name, "//") ||
		strings.HasSuffix(name, "/") || strings.HasSuffix(name, ".") {
		return false
	}
	for i := 0; i < len(name); i++ {
		if name[i] < 0x20 || name[i] == 0x7f || strings.IndexByte(" ~^:?*[\\", name[i]) >= 0 {
			return false
		}
	}
	for _, comp := range strings.Split(name, "/") {
		if strings.HasPrefix(comp, ".") || strings.HasSuffix(comp, ".lock") {
			return false
		}
	}
	return true
}
