package gitlabtest

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Project is a project as the harness sees it.
type Project struct {
	ID            int64
	FullPath      string
	Public        bool
	DefaultBranch string // "" for an empty repository
}

// Link is a release link as stored. Filepath "" means the link has no direct asset path.
type Link struct {
	ID        int64
	Name      string
	URL       string
	Filepath  string
	LinkType  string
	CreatedAt time.Time
}

// AddUser creates a user and its personal namespace (path = username). It is idempotent.
func (s *Server) AddUser(username string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.ensureUser(username)
}

// AddToken registers token for username (created if needed). A token value added twice is replaced.
func (s *Server) AddToken(username, value string, opts TokenOptions) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.ensureUser(username)
	scopes := opts.Scopes
	if len(scopes) == 0 {
		scopes = []string{"api"}
	}
	tok := &token{value: value, user: u, kind: opts.Kind, scopes: append([]string(nil), scopes...),
		expired: opts.Expired, revoked: opts.Revoked}
	if opts.Kind == JobToken {
		tok.jobID = s.st.nextID("jobs")
	}
	s.st.tokens[value] = tok
}

// AddProject creates a project at fullPath ("group/sub/project" or "username/project"), private unless public,
// with a branch "main". Missing groups are created; in a personal namespace the user becomes Owner. It panics
// if fullPath has no namespace or is already taken.
func (s *Server) AddProject(fullPath string, public bool) Project {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := strings.LastIndex(fullPath, "/")
	if i <= 0 || i == len(fullPath)-1 {
		panic(fmt.Sprintf("gitlabtest: project path %q needs a namespace and a name", fullPath))
	}
	if s.st.findProject(fullPath) != nil {
		panic(fmt.Sprintf("gitlabtest: project %q already exists", fullPath))
	}
	nsPath, path := fullPath[:i], fullPath[i+1:]
	var ns *namespace
	if u := s.st.users[nsPath]; u != nil {
		ns = u.ns
	} else {
		ns = s.st.ensureGroup(nsPath)
	}
	visibility := "private"
	if public {
		visibility = "public"
	}
	p := s.st.newProject(ns, path, path, visibility)
	p.defaultBranch = "main"
	p.branches["main"] = true
	if ns.kind == "user" {
		p.members[ns.path] = Owner
	}
	return p.export()
}

func (p *project) export() Project {
	return Project{ID: p.id, FullPath: p.fullPath(), Public: p.visibility == "public", DefaultBranch: p.defaultBranch}
}

// LookupProject finds a project by numeric ID string or full path.
func (s *Server) LookupProject(project string) (Project, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.findProject(project)
	if p == nil {
		return Project{}, false
	}
	return p.export(), true
}

// AddMember gives username (who must exist) the role in project. project is a numeric ID string or a full path,
// here and in the methods below.
func (s *Server) AddMember(project, username string, role Role) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.project(project)
	if err != nil {
		return err
	}
	if s.st.users[username] == nil {
		return fmt.Errorf("%w: user %q", ErrNotFound, username)
	}
	p.members[username] = role
	return nil
}

// AddRelease creates a release, and its git tag if missing, without an author.
func (s *Server) AddRelease(project, tag string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.project(project)
	if err != nil {
		return err
	}
	if p.releases[tag] != nil {
		return fmt.Errorf("gitlabtest: release %q already exists in %s", tag, p.fullPath())
	}
	p.tags[tag] = true
	s.st.newRelease(p, tag, nil)
	return nil
}

// HasRelease reports whether project has a release for tag.
func (s *Server) HasRelease(project, tag string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.project(project)
	return err == nil && p.releases[tag] != nil
}

// DeleteRelease deletes a release and, by cascade, its links. The tag stays.
func (s *Server) DeleteRelease(project, tag string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, r, err := s.release(project, tag)
	if err != nil {
		return err
	}
	delete(p.releases, r.tag)
	return nil
}

// AddLink creates a link out of band with the same validation as the API and returns it with its assigned ID and
// CreatedAt. LinkType "" means "other"; URL is stored stripped. Invalid links give a *ValidationError.
func (s *Server) AddLink(project, tag string, l Link) (Link, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, r, err := s.release(project, tag)
	if err != nil {
		return Link{}, err
	}
	rec, err := recordFromLink(l)
	if err != nil {
		return Link{}, err
	}
	if msgs := validateLink(&rec, r.links); len(msgs) > 0 {
		return Link{}, &ValidationError{Messages: msgs}
	}
	return s.st.insertLink(r, rec).export(), nil
}

// UpdateLink replaces the link with ID l.ID out of band, as an edit in the GitLab UI would, with the same
// validation as the API. A non-zero l.CreatedAt also replaces the creation time, which changes list order.
func (s *Server) UpdateLink(project, tag string, l Link) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, r, err := s.release(project, tag)
	if err != nil {
		return err
	}
	stored := r.findLink(l.ID)
	if stored == nil {
		return fmt.Errorf("%w: link %d in release %q", ErrNotFound, l.ID, tag)
	}
	rec, err := recordFromLink(l)
	if err != nil {
		return err
	}
	others := make([]*link, 0, len(r.links))
	for _, o := range r.links {
		if o != stored {
			others = append(others, o)
		}
	}
	if msgs := validateLink(&rec, others); len(msgs) > 0 {
		return &ValidationError{Messages: msgs}
	}
	stored.assign(rec)
	if !l.CreatedAt.IsZero() {
		stored.createdAt = l.CreatedAt.UTC()
	}
	return nil
}

// DeleteLink deletes a link out of band.
func (s *Server) DeleteLink(project, tag string, id int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, r, err := s.release(project, tag)
	if err != nil {
		return err
	}
	if r.findLink(id) == nil {
		return fmt.Errorf("%w: link %d in release %q", ErrNotFound, id, tag)
	}
	r.removeLink(id)
	return nil
}

// Links returns the release's links sorted by ID, or nil if there is no such release.
func (s *Server) Links(project, tag string) []Link {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, r, err := s.release(project, tag)
	if err != nil {
		return nil
	}
	out := make([]Link, 0, len(r.links))
	for _, l := range r.links {
		out = append(out, l.export())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// DirectAssetURL returns the direct_asset_url the API would return for l in this release: l.URL without a
// filepath, otherwise the release's permanent download URL. It returns "" for an unknown project.
func (s *Server) DirectAssetURL(project, tag string, l Link) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.findProject(project)
	if p == nil {
		return ""
	}
	return directAssetURL(s.baseURL, p.fullPath(), tag, rubyStrip(l.URL), l.Filepath)
}

func (s *Server) project(project string) (*project, error) {
	p := s.st.findProject(project)
	if p == nil {
		return nil, fmt.Errorf("%w: project %q", ErrNotFound, project)
	}
	return p, nil
}

func (s *Server) release(project, tag string) (*project, *release, error) {
	p, err := s.project(project)
	if err != nil {
		return nil, nil, err
	}
	r := p.releases[tag]
	if r == nil {
		return nil, nil, fmt.Errorf("%w: release %q in %s", ErrNotFound, tag, p.fullPath())
	}
	return p, r, nil
}

func recordFromLink(l Link) (linkRecord, error) {
	linkType := l.LinkType
	if linkType == "" {
		linkType = "other"
	}
	if !contains(linkTypes, linkType) {
		return linkRecord{}, &ValidationError{Messages: []string{"link_type does not have a valid value"}}
	}
	name, url := l.Name, l.URL
	rec := linkRecord{name: &name, url: &url, linkType: linkType}
	if l.Filepath != "" {
		fp := l.Filepath
		rec.filepath = &fp
	}
	return rec, nil
}

func (l *link) export() Link {
	return Link{ID: l.id, Name: l.name, URL: l.url, Filepath: l.filepath, LinkType: l.linkType, CreatedAt: l.createdAt}
}
