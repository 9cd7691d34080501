package gitlabtest

import "slices"

// UserAgents returns the distinct User-Agent headers of the requests the emulator has received, in the order
// they first arrived, so a test can check what a built provider binary announces itself as.
func (s *Server) UserAgents() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.userAgents)
}

// recordUserAgentLocked notes a request's User-Agent once; the caller holds s.mu.
func (s *Server) recordUserAgentLocked(userAgent string) {
	if !slices.Contains(s.userAgents, userAgent) {
		s.userAgents = append(s.userAgents, userAgent)
	}
}
