package gitlabtest

import (
	"strings"
	"time"
)

// releaseJSON is the subset of GitLab's Release entity the emulator can fill, in the entity's key order. commit,
// commit_path, evidences and milestones are left out: the emulator has no commits, pipelines or milestones.
// tag_name, tag_path and assets.sources are omitted for readers without read_code (GITLAB.md §7b).
type releaseJSON struct {
	Name            string           `json:"name"`
	TagName         string           `json:"tag_name,omitempty"`
	Description     *string          `json:"description"`
	CreatedAt       string           `json:"created_at"`
	ReleasedAt      string           `json:"released_at"`
	Author          *userJSON        `json:"author,omitempty"`
	UpcomingRelease bool             `json:"upcoming_release"`
	TagPath         string           `json:"tag_path"`
	Assets          assetsJSON       `json:"assets"`
	Links           releaseLinksJSON `json:"_links"`
}

type assetsJSON struct {
	Count   int          `json:"count"`
	Sources []sourceJSON `json:"sources,omitempty"`
	Links   []linkJSON   `json:"links"`
}

type sourceJSON struct {
	Format string `json:"format"`
	URL    string `json:"url"`
}

type releaseLinksJSON struct {
	Self    string `json:"self"`
	EditURL string `json:"edit_url,omitempty"`
}

// archiveFormats are Gitlab::Workhorse::ARCHIVE_FORMATS, the four assets.sources of every release.
var archiveFormats = []string{"zip", "tar.gz", "tar.bz2", "tar"}

// releaseJSON presents a release to u. A reader without read_code (a guest of a private project, who may list
// releases but not read one) sees no tag name, tag path or sources, and the asset count leaves sources out.
func (c *call) releaseJSON(p *project, r *release, u *user, links []*link) releaseJSON {
	webURL := c.s.baseURL + "/" + p.fullPath()
	out := releaseJSON{
		Name: r.name, Description: r.description,
		CreatedAt: timeJSON(r.createdAt), ReleasedAt: timeJSON(r.releasedAt),
		UpcomingRelease: r.releasedAt.Unix() > time.Now().Unix(),
		Assets:          assetsJSON{Links: []linkJSON{}},
		Links:           releaseLinksJSON{Self: webURL + "/-/releases/" + escapeSegment(r.tag)},
	}
	if r.author != nil {
		out.Author = c.userJSON(r.author)
	}
	if p.canReadCode(u) {
		out.TagName = r.tag
		out.TagPath = "/" + p.fullPath() + "/-/tags/" + escapeSegment(r.tag)
		prefix := p.path + "-" + strings.ReplaceAll(r.tag, "/", "-")
		for _, f := range archiveFormats {
			out.Assets.Sources = append(out.Assets.Sources, sourceJSON{
				Format: f, URL: webURL + "/-/archive/" + r.tag + "/" + prefix + "." + f,
			})
		}
	}
	for _, l := range links {
		out.Assets.Links = append(out.Assets.Links, c.s.linkJSON(p, r, l))
	}
	out.Assets.Count = len(out.Assets.Sources) + len(out.Assets.Links) // ReleasePresenter#assets_count
	if p.canWriteReleases(u) {
		out.Links.EditURL = out.Links.Self + "/edit"
	}
	return out
}
