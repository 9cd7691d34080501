package gitlabtest

import (
	"net/http"
	"strings"
)

// Role is a project member's access level, with GitLab's numeric values.
type Role int

// Access levels. Guests and reporters can read releases; developers and above can write them (§3c).
const (
	Guest      Role = 10
	Reporter   Role = 20
	Developer  Role = 30
	Maintainer Role = 40
	Owner      Role = 50
)

// TokenKind says how a token is presented and what it can do.
type TokenKind int

const (
	// PersonalAccessToken is sent as PRIVATE-TOKEN, private_token= or Authorization: Bearer.
	PersonalAccessToken TokenKind = iota
	// OAuthToken is sent as Authorization: Bearer or access_token=.
	OAuthToken
	// JobToken is a CI job token, sent as JOB-TOKEN or job_token= (and, on routes that allow job tokens, as a
	// Bearer token). It acts as the job's user and ignores scopes.
	JobToken
)

// TokenOptions describes a token for AddToken.
type TokenOptions struct {
	Kind TokenKind
	// Scopes defaults to ["api"]. A token with only "read_api" gets 403 insufficient_scope on POST, PUT and DELETE.
	Scopes []string
	// Expired and Revoked make the token fail with GitLab's invalid_token answers (§3b). For job tokens either one
	// means the job is no longer running, which is a plain 401.
	Expired, Revoked bool
}

const (
	expiredDescription  = "Token is expired. You can either do re-authorization or token refresh."
	revokedDescription  = "Token was revoked. You have to re-authorize from the user."
	insufficientMessage = "The request requires higher privileges than provided by the access token."
)

type oauthErrorBody struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

type scopeErrorBody struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	Scope            string `json:"scope"`
}

// currentUser is GitLab's lazily evaluated current_user (§3b): nil without any token, an error answer for a bad
// one. Job tokens are only looked at when the route declares job_token_allowed; elsewhere they are ignored, which
// makes the request anonymous. extraScopes are accepted in addition to api (and read_api on GET/HEAD).
func (c *call) currentUser(jobAllowed bool, extraScopes ...string) (*user, *response) {
	if v := firstNonEmpty(c.r.Header.Get("PRIVATE-TOKEN"), c.paramString("private_token")); v != "" {
		tok := c.st.tokens[v]
		if tok == nil || tok.kind != PersonalAccessToken {
			return nil, unauthorized()
		}
		return c.checkToken(tok, extraScopes)
	}
	if v := firstNonEmpty(bearerToken(c.r), c.paramString("access_token")); v != "" {
		tok := c.st.tokens[v]
		switch {
		case tok == nil:
			return nil, unauthorized()
		case tok.kind == JobToken && jobAllowed: // newest versions accept job tokens as Bearer (§3b)
			return checkJobToken(tok)
		case tok.kind == JobToken:
			return nil, unauthorized()
		}
		return c.checkToken(tok, extraScopes)
	}
	if !jobAllowed {
		return nil, nil
	}
	if v := firstNonEmpty(c.r.Header.Get("JOB-TOKEN"), c.paramString("job_token")); v != "" {
		tok := c.st.tokens[v]
		if tok == nil || tok.kind != JobToken {
			return nil, unauthorized()
		}
		return checkJobToken(tok)
	}
	return nil, nil
}

// checkToken mirrors AccessTokenValidationService: expired, then revoked, then scopes.
func (c *call) checkToken(tok *token, extraScopes []string) (*user, *response) {
	switch {
	case tok.expired:
		return nil, invalidToken(expiredDescription)
	case tok.revoked:
		return nil, invalidToken(revokedDescription)
	}
	allowed := []string{"api"}
	if c.rt.method == http.MethodGet || c.rt.method == http.MethodHead {
		allowed = append(allowed, "read_api") // allow_access_with_scope :read_api, if: GET/HEAD
	}
	allowed = append(allowed, extraScopes...)
	for _, s := range tok.scopes {
		if contains(allowed, s) {
			return tok.user, nil
		}
	}
	// The exact scope list GitLab prints is UNCONFIRMED (§3b); this names the scopes the route accepts.
	return nil, jsonResponse(http.StatusForbidden, scopeErrorBody{
		Error: "insufficient_scope", ErrorDescription: insufficientMessage, Scope: strings.Join(allowed, " "),
	})
}

// checkJobToken: a job token of a job that is not running, like an unknown one, is a plain 401 (§3b).
func checkJobToken(tok *token) (*user, *response) {
	if tok.expired || tok.revoked {
		return nil, unauthorized()
	}
	return tok.user, nil
}

// invalidToken is rack-oauth2's Bearer::Unauthorized as raised by api_guard for expired and revoked tokens.
func invalidToken(description string) *response {
	resp := jsonResponse(http.StatusUnauthorized, oauthErrorBody{Error: "invalid_token", ErrorDescription: description})
	resp.header["WWW-Authenticate"] = []string{
		`Bearer realm="Protected by OAuth 2.0", error="invalid_token", error_description="` + description + `"`,
	}
	return resp
}

func bearerToken(r *http.Request) string {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// role is the user's membership level in the project; 0 for anonymous users and non-members.
func (p *project) role(u *user) Role {
	if u == nil {
		return 0
	}
	return p.members[u.username]
}

// canRead is read_project (and read_release): public projects for everyone, internal ones for any signed-in
// user, private ones for members from Guest up.
func (p *project) canRead(u *user) bool {
	switch {
	case p.visibility == "public":
		return true
	case p.visibility == "internal" && u != nil:
		return true
	}
	return p.role(u) >= Guest
}

// canReadCode is read_code/download_code: like canRead, but guests of private projects are excluded (§7b).
func (p *project) canReadCode(u *user) bool {
	if p.visibility == "public" || (p.visibility == "internal" && u != nil) {
		return true
	}
	return p.role(u) >= Reporter
}

// canWriteReleases is create_release, update_release and destroy_release: Developer and above (§3c).
func (p *project) canWriteReleases(u *user) bool { return p.role(u) >= Developer }

// userProject is find_project! plus the visibility check: an unknown project and one the user may not see give
// the same 404 "Project Not Found", with or without a token (§3a, §3b "no token is not 401").
func (c *call) userProject(u *user) (*project, *response) {
	p := c.st.findProject(c.rt.project)
	if p == nil || !p.canRead(u) {
		return nil, projectNotFound()
	}
	return p, nil
}
