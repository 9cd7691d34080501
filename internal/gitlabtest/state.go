package gitlabtest

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// state is the emulator's database. Every field is guarded by Server.mu.
type state struct {
	seq        map[string]int64      // per-table id sequences
	users      map[string]*user      // by username
	tokens     map[string]*token     // by token value
	namespaces map[string]*namespace // by lower-cased full path
	projects   map[int64]*project
	lastTime   time.Time
}

type user struct {
	id       int64
	username string
	name     string
	ns       *namespace
}

type namespace struct {
	id       int64
	name     string
	path     string
	fullPath string
	kind     string // "user" or "group"
	parentID int64
}

type token struct {
	value   string
	user    *user
	kind    TokenKind
	scopes  []string
	expired bool
	revoked bool
	jobID   int64 // job tokens only
}

type project struct {
	id            int64
	name          string
	path          string
	description   string
	ns            *namespace
	visibility    string // private, internal or public
	defaultBranch string // "" for an empty repository
	createdAt     time.Time
	members       map[string]Role // by username
	branches      map[string]bool
	tags          map[string]bool
	releases      map[string]*release // by exact tag
}

func (p *project) fullPath() string { return p.ns.fullPath + "/" + p.path }

type release struct {
	id          int64
	tag         string
	name        string
	description *string
	createdAt   time.Time
	releasedAt  time.Time
	author      *user
	links       []*link
}

type link struct {
	id        int64
	name      string
	url       string
	filepath  string // "" means none (nil in GitLab); "" itself can never be stored, it fails validation
	linkType  string
	createdAt time.Time
}

func newState() *state {
	return &state{
		seq:        map[string]int64{},
		users:      map[string]*user{},
		tokens:     map[string]*token{},
		namespaces: map[string]*namespace{},
		projects:   map[int64]*project{},
	}
}

func (st *state) nextID(table string) int64 {
	st.seq[table]++
	return st.seq[table]
}

// now returns strictly increasing timestamps at PostgreSQL's microsecond precision, so that "created_at desc"
// ordering is deterministic even for links created within the same microsecond.
func (st *state) now() time.Time {
	t := time.Now().UTC().Truncate(time.Microsecond)
	if !t.After(st.lastTime) {
		t = st.lastTime.Add(time.Microsecond)
	}
	st.lastTime = t
	return t
}

// integerID is find_project's INTEGER_ID_REGEX.
var integerID = regexp.MustCompile(`^-?[0-9]+$`)

// findProject is find_project (§1 "Lookup order"): a numeric id, or a full path containing '/'. Any other string
// (a bare path without namespace) finds nothing. GitLab routes match full paths case-insensitively when there is
// no exact match; paths are unique regardless of case, so one case-insensitive lookup is equivalent.
func (st *state) findProject(id string) *project {
	if integerID.MatchString(id) {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return nil
		}
		return st.projects[n]
	}
	if !strings.Contains(id, "/") {
		return nil
	}
	for _, p := range st.projects {
		if strings.EqualFold(p.fullPath(), id) {
			return p
		}
	}
	return nil
}

// ensureUser creates the user and its personal namespace (path = username) if needed.
func (st *state) ensureUser(username string) *user {
	if u := st.users[username]; u != nil {
		return u
	}
	if st.namespaces[strings.ToLower(username)] != nil {
		panic("gitlabtest: namespace " + strconv.Quote(username) + " already exists as a group")
	}
	u := &user{id: st.nextID("users"), username: username, name: username}
	u.ns = &namespace{id: st.nextID("namespaces"), name: username, path: username, fullPath: username, kind: "user"}
	st.namespaces[strings.ToLower(username)] = u.ns
	st.users[username] = u
	return u
}

// ensureGroup returns the namespace at fullPath, creating it and its parent groups as needed.
func (st *state) ensureGroup(fullPath string) *namespace {
	if ns := st.namespaces[strings.ToLower(fullPath)]; ns != nil {
		return ns
	}
	var parentID int64
	path := fullPath
	if i := strings.LastIndex(fullPath, "/"); i >= 0 {
		parentID = st.ensureGroup(fullPath[:i]).id
		path = fullPath[i+1:]
	}
	ns := &namespace{id: st.nextID("namespaces"), name: path, path: path, fullPath: fullPath, kind: "group", parentID: parentID}
	st.namespaces[strings.ToLower(fullPath)] = ns
	return ns
}

func (st *state) newProject(ns *namespace, path, name, visibility string) *project {
	p := &project{
		id: st.nextID("projects"), name: name, path: path, ns: ns, visibility: visibility,
		createdAt: st.now(), members: map[string]Role{},
		branches: map[string]bool{}, tags: map[string]bool{}, releases: map[string]*release{},
	}
	st.projects[p.id] = p
	return p
}

// newRelease stores a release for an existing tag.
func (st *state) newRelease(p *project, tag string, author *user) *release {
	now := st.now()
	r := &release{id: st.nextID("releases"), tag: tag, name: tag, createdAt: now, releasedAt: now, author: author}
	p.releases[tag] = r
	return r
}

func (r *release) findLink(id int64) *link {
	for _, l := range r.links {
		if l.id == id {
			return l
		}
	}
	return nil
}

func (r *release) removeLink(id int64) {
	for i, l := range r.links {
		if l.id == id {
			r.links = append(r.links[:i], r.links[i+1:]...)
			return
		}
	}
}

// sortedLinks is release.links.sorted: created_at desc (§1.1). GitLab has no tiebreak; the emulator uses id desc
// so the order is deterministic.
func (r *release) sortedLinks() []*link {
	out := append([]*link(nil), r.links...)
	sort.Slice(out, func(i, j int) bool {
		if !out[i].createdAt.Equal(out[j].createdAt) {
			return out[i].createdAt.After(out[j].createdAt)
		}
		return out[i].id > out[j].id
	})
	return out
}
