package gitlab

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestRedirectAuthHeaders(t *testing.T) {
	// other listens on another port of 127.0.0.1: a different origin, to
	// which net/http alone would still send Authorization.
	other, otherLog := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) { reply(w, http.StatusOK, `{"id":2}`) })
	srv, seen := serve(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		switch r.URL.Path {
		case "/api/v4/projects/away":
			http.Redirect(w, r, other.URL+"/api/v4/projects/2", http.StatusFound)
		case "/api/v4/projects/here":
			http.Redirect(w, r, "/api/v4/projects/1", http.StatusMovedPermanently)
		default:
			reply(w, http.StatusOK, `{"id":1}`)
		}
	})
	tests := []struct {
		name string
		kind AuthKind
	}{
		{"private token", AuthPrivateToken}, {"oauth", AuthOAuth}, {"job token", AuthJobToken},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := fastConfig(srv.URL)
			cfg.AuthKind = tc.kind
			// A configured header often carries a proxy's secret: it goes where the token goes, and no further.
			cfg.Headers = map[string]string{"X-Proxy-Secret": "hush", "X-Team": "release"}
			c := mustNew(t, cfg)
			ctx := testContext(t)

			if p, err := c.GetProject(ctx, "away"); err != nil || p.ID != 2 {
				t.Fatalf("cross-origin redirect: %+v, %v", p, err)
			}
			for _, h := range append([]string{"X-Proxy-Secret", "X-Team"}, authHeaders...) {
				if v := otherLog.last(t).Header.Get(h); v != "" {
					t.Errorf("the other origin received %s", h)
				}
			}
			if seen.last(t).Header.Get("X-Proxy-Secret") != "hush" {
				t.Error("the configured GitLab did not receive the configured header")
			}

			if p, err := c.GetProject(ctx, "here"); err != nil || p.ID != 1 {
				t.Fatalf("same-origin redirect: %+v, %v", p, err)
			}
			got := seen.last(t)
			if got.Path != "/api/v4/projects/1" {
				t.Fatalf("last request to %q", got.Path)
			}
			if got.Header.Get("PRIVATE-TOKEN")+got.Header.Get("JOB-TOKEN")+got.Header.Get("Authorization") == "" {
				t.Error("the same-origin redirect lost the auth header")
			}
			if got.Header.Get("X-Proxy-Secret") != "hush" {
				t.Error("the same-origin redirect lost the configured header")
			}
		})
	}
}

func TestCheckRedirect(t *testing.T) {
	req := func(raw string) *http.Request {
		r, _ := http.NewRequest(http.MethodGet, raw, nil)
		for _, h := range append([]string{"X-Proxy-Secret"}, authHeaders...) {
			r.Header.Set(h, testToken)
		}
		r.Header.Set("Accept", "application/json")
		return r
	}
	tests := []struct {
		name string
		via  []string
		to   string
		keep bool
	}{
		{name: "same host", via: []string{"https://gitlab.com/a"}, to: "https://gitlab.com/b", keep: true},
		{name: "explicit default port", via: []string{"https://gitlab.com/a"}, to: "https://gitlab.com:443/b", keep: true},
		{name: "host case", via: []string{"https://GitLab.com/a"}, to: "https://gitlab.com/b", keep: true},
		{name: "other host", via: []string{"https://gitlab.com/a"}, to: "https://evil.example/b"},
		{name: "subdomain", via: []string{"https://gitlab.com/a"}, to: "https://cdn.gitlab.com/b"},
		{name: "other port", via: []string{"https://gitlab.com/a"}, to: "https://gitlab.com:8443/b"},
		{name: "downgrade", via: []string{"https://gitlab.com/a"}, to: "http://gitlab.com/b"},
		{name: "upgrade", via: []string{"http://gitlab.com/a"}, to: "https://gitlab.com/b", keep: true},
		{name: "upgrade odd port", via: []string{"http://gitlab.com:8080/a"}, to: "https://gitlab.com/b"},
		{name: "back via other", via: []string{"https://gitlab.com/a", "https://evil.example/b"}, to: "https://gitlab.com/c"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var via []*http.Request
			for _, v := range tc.via {
				via = append(via, req(v))
			}
			r := req(tc.to)
			if err := checkRedirect("https://gitlab.com/api/v4", r, via, append([]string{"X-Proxy-Secret"}, authHeaders...)); err != nil {
				t.Fatal(err)
			}
			for _, h := range append([]string{"X-Proxy-Secret"}, authHeaders...) {
				if kept := r.Header.Get(h) != ""; kept != tc.keep {
					t.Errorf("%s kept = %v, want %v", h, kept, tc.keep)
				}
			}
			if r.Header.Get("Accept") == "" {
				t.Error("a header that is not private was removed")
			}
		})
	}
}

// TestRedirectedWrite: a write follows only a redirect that keeps it a write with its token (307 or 308 within
// the origin); a 301, 302 or 303, which net/http would turn into a GET, and a redirect to another origin fail it
// with the URLs and the base URL to use, and nothing arrives at the target. Reads follow every redirect.
func TestRedirectedWrite(t *testing.T) {
	target, arrived := serve(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		reply(w, http.StatusOK, `{"id":7,"name":"a","url":"https://x/a","direct_asset_url":"https://x/a","link_type":"other"}`)
	})
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			front, _ := serve(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				http.Redirect(w, r, target.URL+r.URL.RequestURI(), status)
			})
			c := mustNew(t, fastConfig(front.URL))
			before := arrived.count()
			for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
				err := callByMethod(testContext(t), c, method)
				var redirect *RedirectError
				want := fmt.Sprintf("GitLab at %s/api/v4 redirects %s requests to %s/api/v4/projects/", front.URL, method, target.URL)
				if !errors.As(err, &redirect) || !strings.Contains(err.Error(), want) ||
					!strings.HasSuffix(err.Error(), "set base_url to "+target.URL) || asError(t, err).Attempts != 1 {
					t.Fatalf("%s got %v, want a *RedirectError containing %q and ending in the base URL to use", method, err, want)
				}
			}
			if n := arrived.count() - before; n != 0 {
				t.Fatalf("%d redirected writes arrived at the target", n)
			}
			if err := callByMethod(testContext(t), c, http.MethodGet); err != nil {
				t.Fatalf("a read did not follow the redirect: %v", err)
			}
		})
	}
	// Within the origin, a 307 or 308 keeps the write as it is: it is followed, body and all.
	same, seen := serve(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if strings.HasPrefix(r.URL.Path, "/old/") {
			http.Redirect(w, r, strings.TrimPrefix(r.URL.RequestURI(), "/old"), http.StatusPermanentRedirect)
			return
		}
		reply(w, http.StatusCreated, `{"id":8,"name":"a","url":"https://x/a","direct_asset_url":"https://x/a","link_type":"other"}`)
	})
	link, err := mustNew(t, fastConfig(same.URL+"/old")).CreateReleaseLink(testContext(t), "1", "v1", CreateReleaseLinkOptions{Name: "a", URL: "https://x/a"})
	if reqs := seen.all(); err != nil || link.ID != 8 || len(reqs) != 2 || reqs[1].Method != http.MethodPost ||
		!strings.HasPrefix(reqs[1].Body, `{"name":"a"`) || reqs[1].Header.Get("PRIVATE-TOKEN") != testToken {
		t.Fatalf("got %+v, %v, and GitLab saw %+v; want the POST followed with its body and token", link, err, reqs)
	}
}

func TestRedirectLoop(t *testing.T) {
	srv, seen := serve(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	})
	_, err := mustNew(t, fastConfig(srv.URL)).GetProject(testContext(t), "1")
	e := asError(t, err)
	if e.Attempts != 1 || seen.count() != maxRedirects+1 || !strings.Contains(e.Error(), "stopped after 10 redirects") {
		t.Fatalf("got %v with %d requests; want one attempt of %d requests", e, seen.count(), maxRedirects+1)
	}
}

// writePEM writes blocks to a new file in dir and returns its path.
func writePEM(t *testing.T, name, typ string, der []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTLSServerVerification(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { reply(w, http.StatusOK, `{"id":1}`) }))
	t.Cleanup(srv.Close)
	caFile := writePEM(t, "ca.pem", "CERTIFICATE", srv.Certificate().Raw)

	tests := []struct {
		name    string
		mod     func(*Config)
		wantErr string
	}{
		{name: "unknown authority", mod: func(*Config) {}, wantErr: "certificate"},
		{name: "ca file", mod: func(c *Config) { c.CACertFile = caFile }},
		{name: "insecure", mod: func(c *Config) { c.Insecure = true }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := fastConfig(srv.URL)
			tc.mod(&cfg)
			_, err := mustNew(t, cfg).GetProject(testContext(t), "1")
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e := asError(t, err)
			if e.StatusCode != 0 || e.Attempts != 1 || !strings.Contains(e.Error(), tc.wantErr) {
				t.Fatalf("got %v (%d attempts); want one unretried certificate error", e, e.Attempts)
			}
		})
	}
}

// newClientCert returns a CA and a client certificate it signed, as PEM files.
func newClientCert(t *testing.T) (ca *x509.Certificate, certFile, keyFile string) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "test client CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ = x509.ParseCertificate(caDER)

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "terraform"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return ca, writePEM(t, "client.pem", "CERTIFICATE", der), writePEM(t, "client-key.pem", "PRIVATE KEY", keyDER)
}

func TestClientCertificate(t *testing.T) {
	ca, certFile, keyFile := newClientCert(t)
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reply(w, http.StatusOK, `{"id":1,"name":"`+r.TLS.PeerCertificates[0].Subject.CommonName+`"}`)
	}))
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the rejected handshake is expected
	srv.StartTLS()
	t.Cleanup(srv.Close)

	t.Run("with certificate", func(t *testing.T) {
		cfg := fastConfig(srv.URL)
		cfg.Insecure, cfg.ClientCert, cfg.ClientKey = true, certFile, keyFile
		p, err := mustNew(t, cfg).GetProject(testContext(t), "1")
		if err != nil || p.Name != "terraform" {
			t.Fatalf("got %+v, %v", p, err)
		}
	})
	t.Run("without certificate", func(t *testing.T) {
		cfg := fastConfig(srv.URL)
		cfg.Insecure = true
		_, err := mustNew(t, cfg).GetProject(testContext(t), "1")
		if e := asError(t, err); e.StatusCode != 0 || e.Err == nil {
			t.Fatalf("got %+v; want a TLS failure", e)
		}
		t.Logf("without a client certificate: %v", err)
	})
}

func TestNewTLSErrors(t *testing.T) {
	_, certFile, keyFile := newClientCert(t)
	_, _, otherKey := newClientCert(t)
	notPEM := filepath.Join(t.TempDir(), "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "missing.pem")
	tests := []struct {
		name    string
		cfg     Config
		wantErr []string
	}{
		{name: "missing CA", cfg: Config{CACertFile: missing}, wantErr: []string{missing, "cannot be read", "no such file"}},
		{name: "CA not PEM", cfg: Config{CACertFile: notPEM}, wantErr: []string{notPEM, "no PEM-encoded certificate"}},
		{name: "mismatched key", cfg: Config{ClientCert: certFile, ClientKey: otherKey}, wantErr: []string{certFile, otherKey, "cannot be loaded"}},
		{name: "missing cert", cfg: Config{ClientCert: missing, ClientKey: keyFile}, wantErr: []string{missing, "cannot be loaded"}},
		{name: "cert without key", cfg: Config{ClientCert: certFile}, wantErr: []string{certFile, "without a client key"}},
		{name: "key without cert", cfg: Config{ClientKey: keyFile}, wantErr: []string{keyFile, "without a client certificate"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.BaseURL = "https://gitlab.example.com"
			_, err := New(tc.cfg)
			if err == nil {
				t.Fatal("New succeeded")
			}
			for _, want := range tc.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}

// TestWrongScheme: https:// to a server that speaks plain HTTP, and http:// to one that expects TLS, fail the first
// attempt with the base URL to use, without retries and without counting as GitLab being down.
func TestWrongScheme(t *testing.T) {
	plain, plainLog := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) { reply(w, http.StatusOK, `{"id":1}`) })
	secure := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { reply(w, http.StatusOK, `{"id":1}`) }))
	t.Cleanup(secure.Close)
	for _, tc := range []struct {
		name, baseURL, want string
	}{
		{"https to plain HTTP", strings.Replace(plain.URL, "http://", "https://", 1), "answers in plain HTTP, not HTTPS: set base_url to " + plain.URL},
		{"http to TLS", strings.Replace(secure.URL, "https://", "http://", 1), "expects HTTPS, and answered the plain HTTP request with 400 Bad Request: set base_url to " + secure.URL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := mustNew(t, fastConfig(tc.baseURL))
			for range 2 { // the second request is not failed by a circuit opened by the first
				_, err := c.GetProject(testContext(t), "1")
				var scheme *SchemeError
				if !errors.As(err, &scheme) || !strings.Contains(err.Error(), tc.want) || asError(t, err).Attempts != 1 {
					t.Fatalf("got %v, want one attempt and a *SchemeError containing %q", err, tc.want)
				}
			}
		})
	}
	if n := plainLog.count(); n != 0 {
		t.Fatalf("the plain HTTP server saw %d requests", n)
	}
}
