package gitlabtest

import (
	"net/http"
	"regexp"
	"strings"
)

// projectJSON is the part of GitLab's ProjectWithAccess entity the harness uses, in the entity's key order.
type projectJSON struct {
	ID                int64         `json:"id"`
	Description       *string       `json:"description"`
	Name              string        `json:"name"`
	NameWithNamespace string        `json:"name_with_namespace"`
	Path              string        `json:"path"`
	PathWithNamespace string        `json:"path_with_namespace"`
	CreatedAt         string        `json:"created_at"`
	DefaultBranch     *string       `json:"default_branch"`
	TagList           []string      `json:"tag_list"`
	Topics            []string      `json:"topics"`
	SSHURLToRepo      string        `json:"ssh_url_to_repo"`
	HTTPURLToRepo     string        `json:"http_url_to_repo"`
	WebURL            string        `json:"web_url"`
	Namespace         namespaceJSON `json:"namespace"`
	EmptyRepo         bool          `json:"empty_repo"`
	Archived          bool          `json:"archived"`
	Visibility        string        `json:"visibility"`
}

type namespaceJSON struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Path     string `json:"path"`
	Kind     string `json:"kind"`
	FullPath string `json:"full_path"`
	ParentID *int64 `json:"parent_id"`
	WebURL   string `json:"web_url"`
}

func (c *call) projectJSON(p *project) projectJSON {
	full := p.fullPath()
	out := projectJSON{
		ID: p.id, Name: p.name, Path: p.path, PathWithNamespace: full,
		NameWithNamespace: c.namespaceTitle(p.ns) + " / " + p.name,
		CreatedAt:         timeJSON(p.createdAt), TagList: []string{}, Topics: []string{},
		SSHURLToRepo:  "git@" + strings.TrimPrefix(c.s.baseURL, "http://") + ":" + full + ".git",
		HTTPURLToRepo: c.s.baseURL + "/" + full + ".git",
		WebURL:        c.s.baseURL + "/" + full,
		EmptyRepo:     len(p.branches) == 0 && len(p.tags) == 0,
		Visibility:    p.visibility,
		Namespace: namespaceJSON{
			ID: p.ns.id, Name: c.namespaceName(p.ns), Path: p.ns.path, Kind: p.ns.kind, FullPath: p.ns.fullPath,
			WebURL: c.s.baseURL + "/" + p.ns.fullPath,
		},
	}
	if p.description != "" {
		d := p.description
		out.Description = &d
	}
	// An empty repository has no default branch [§7c].
	if p.defaultBranch != "" {
		b := p.defaultBranch
		out.DefaultBranch = &b
	}
	if p.ns.parentID != 0 {
		id := p.ns.parentID
		out.Namespace.ParentID = &id
	}
	return out
}

// namespaceName is the user's display name for a personal namespace, the group name otherwise.
func (c *call) namespaceName(ns *namespace) string {
	if ns.kind == "user" {
		if u := c.st.users[ns.path]; u != nil {
			return u.name
		}
	}
	return ns.name
}

func (c *call) namespaceTitle(ns *namespace) string {
	if ns.kind == "user" {
		return c.namespaceName(ns)
	}
	return strings.ReplaceAll(ns.fullPath, "/", " / ")
}

// projectPathRe is GitLab's project path format: letters, digits, '_', '-' and '.', not starting with '-'.
var projectPathRe = regexp.MustCompile(`^[a-zA-Z0-9_.][a-zA-Z0-9_.\-]*$`)

const projectPathMessage = "can contain only letters, digits, '_', '-' and '.'. Cannot start with '-', end in '.git' or end in '.atom'"

var visibilities = []string{"private", "internal", "public"}

// createProject is POST /projects (§7c). `before { authenticate_non_get! }` makes a missing token 401 before
// any param validation. The project goes into the user's own namespace unless namespace_id names another one,
// and the creator becomes Owner.
func (c *call) createProject() *response {
	u, resp := c.currentUser(false)
	if resp != nil {
		return resp
	}
	if u == nil {
		return unauthorized()
	}
	var g grapeErrors
	name := c.stringParam(&g, "name", false)
	path := c.stringParam(&g, "path", false)
	nsID, nsSet := c.intParam(&g, "namespace_id", 0)
	description := c.stringParam(&g, "description", false)
	visibility := c.valuesParam(&g, "visibility", c.stringParam(&g, "visibility", false), visibilities, "private")
	readme := c.boolParam(&g, "initialize_with_readme")
	branch := c.stringParam(&g, "default_branch", false)
	if !name.present && !path.present {
		g.add("name, path", "are missing, at least one parameter must be provided")
	}
	if resp := g.response(); resp != nil {
		return resp
	}

	ns := u.ns
	if nsSet {
		ns = nil
		for _, candidate := range c.st.namespaces {
			if candidate.id == nsID && (candidate.kind == "group" || candidate == u.ns) {
				ns = candidate
			}
		}
		if ns == nil {
			return messageResponse(http.StatusBadRequest, map[string][]string{"namespace": {"is not valid"}})
		}
	}
	projectPath, projectName := path.val, name.val
	if path.ptr() == nil {
		projectPath = parameterize(name.val)
	}
	if name.ptr() == nil {
		projectName = projectPath
	}
	if errs := c.projectErrors(ns, projectName, projectPath); len(errs) > 0 {
		// Project creation still uses render_validation_error!'s hash form (§7c, §8).
		return messageResponse(http.StatusBadRequest, errs)
	}

	p := c.st.newProject(ns, projectPath, projectName, visibility)
	p.description = description.val
	p.members[u.username] = Owner
	if readme {
		p.defaultBranch = "main"
		if branch.ptr() != nil && branch.val != "" {
			p.defaultBranch = branch.val
		}
		p.branches[p.defaultBranch] = true
	}
	return jsonResponse(http.StatusCreated, c.projectJSON(p))
}

func (c *call) projectErrors(ns *namespace, name, path string) map[string][]string {
	errs := map[string][]string{}
	if isBlank(name) {
		errs["name"] = append(errs["name"], "can't be blank")
	}
	lower := strings.ToLower(path)
	if !projectPathRe.MatchString(path) || strings.HasSuffix(lower, ".git") || strings.HasSuffix(lower, ".atom") {
		errs["path"] = append(errs["path"], projectPathMessage)
	}
	for _, other := range c.st.projects {
		if other.ns != ns {
			continue
		}
		if other.name == name {
			errs["name"] = append(errs["name"], "has already been taken")
		}
		if strings.EqualFold(other.path, path) {
			errs["path"] = append(errs["path"], "has already been taken")
		}
	}
	return errs
}

// parameterize approximates ActiveSupport's String#parameterize, which GitLab uses to derive a path from a name.
func parameterize(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '_' || r == '-' {
			b.WriteRune(r)
			dash = r == '-'
			continue
		}
		if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.Trim(b.String(), "-")
}

// getProject answers 404 "Project Not Found" for unknown and invisible projects alike.
func (c *call) getProject() *response {
	u, resp := c.currentUser(false)
	if resp != nil {
		return resp
	}
	p, resp := c.userProject(u)
	if resp != nil {
		return resp
	}
	return jsonResponse(http.StatusOK, c.projectJSON(p))
}

// deleteProject is 202 Accepted; with immediate deletion the project is pending_delete and excluded from every
// lookup at once, so it is removed right away (§7c). Only owners may remove a project.
func (c *call) deleteProject() *response {
	u, resp := c.currentUser(false)
	if resp != nil {
		return resp
	}
	if u == nil {
		return unauthorized()
	}
	p, resp := c.userProject(u)
	if resp != nil {
		return resp
	}
	if p.role(u) < Owner {
		return forbidden()
	}
	delete(c.st.projects, p.id)
	return messageResponse(http.StatusAccepted, "202 Accepted")
}

// getUser is GET /user: the token's user, 401 without a valid token. read_user tokens may call it too.
func (c *call) getUser() *response {
	u, resp := c.currentUser(false, "read_user")
	if resp != nil {
		return resp
	}
	if u == nil {
		return unauthorized()
	}
	return jsonResponse(http.StatusOK, c.userJSON(u))
}

// jobJSON is the subset of the Ci::Job entity that GET /job returns.
type jobJSON struct {
	ID           int64     `json:"id"`
	Status       string    `json:"status"`
	Stage        string    `json:"stage"`
	Name         string    `json:"name"`
	Ref          string    `json:"ref"`
	Tag          bool      `json:"tag"`
	AllowFailure bool      `json:"allow_failure"`
	User         *userJSON `json:"user"`
}

// getJob is GET /job: the running job a job token belongs to; anything else is 401.
func (c *call) getJob() *response {
	v := firstNonEmpty(c.r.Header.Get("JOB-TOKEN"), c.paramString("job_token"), bearerToken(c.r))
	tok := c.st.tokens[v]
	if tok == nil || tok.kind != JobToken || tok.expired || tok.revoked {
		return unauthorized()
	}
	return jsonResponse(http.StatusOK, jobJSON{
		ID: tok.jobID, Status: "running", Stage: "deploy", Name: "release", Ref: "main", User: c.userJSON(tok.user),
	})
}
