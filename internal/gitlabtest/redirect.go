package gitlabtest

import "net/http"

// HTTPSRedirect answers every request as GitLab's NGINX does with redirect_http_to_https (GITLAB.md §3f): 301
// Moved Permanently to the same request URI at httpsURL, whatever the method. Serve it on the http:// address
// of a test, with the emulator's Handler behind TLS at httpsURL.
func HTTPSRedirect(httpsURL string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, httpsURL+r.URL.RequestURI(), http.StatusMovedPermanently)
	})
}
