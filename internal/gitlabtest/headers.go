package gitlabtest

import (
	"maps"
	"net/http"
)

// tokenPresentations are the ways GitLab accepts a token (GITLAB.md §3b, §5): three headers and three params.
// "Authorization" stands for a Bearer token only.
var tokenPresentations = []string{"PRIVATE-TOKEN", "Authorization", "JOB-TOKEN", "private_token", "access_token", "job_token"}

// TokenHeaders returns, per way of presenting a token, how many requests presented one that way: keys
// "PRIVATE-TOKEN", "Authorization" (Bearer), "JOB-TOKEN", "private_token", "access_token", "job_token" (query or
// JSON body params). A request counts under every way it used, with any non-empty value, valid or not; an
// Authorization header with another scheme than Bearer does not count. Every request that arrives is counted,
// including faulted, throttled and outage-dropped ones. It lets a test assert which header the client chose,
// which the emulator's acceptance of a PAT as Bearer would otherwise hide.
func (s *Server) TokenHeaders() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.tokenHeaders)
}

// HeaderSeen returns how many requests carried the header name (any value, even empty), matched
// case-insensitively. Like TokenHeaders it counts every request that arrives. Only names are recorded; header
// values are never stored or logged. Go's server moves Host out of the header map, so Host is never seen.
func (s *Server) HeaderSeen(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.headerSeen[http.CanonicalHeaderKey(name)]
}

// recordHeadersLocked counts the header names of a request and the ways it presented a token; the caller holds
// s.mu. params are the request's parsed query and body params.
func (s *Server) recordHeadersLocked(r *http.Request, params map[string]any) {
	for name := range r.Header {
		s.headerSeen[name]++ // already canonical: net/http canonicalizes incoming header names
	}
	for _, way := range tokenPresentations {
		if presented(r, params, way) {
			s.tokenHeaders[way]++
		}
	}
}

func presented(r *http.Request, params map[string]any, way string) bool {
	switch way {
	case "Authorization":
		return bearerToken(r) != ""
	case "PRIVATE-TOKEN", "JOB-TOKEN":
		return r.Header.Get(way) != ""
	}
	v, _ := params[way].(string)
	return v != ""
}
