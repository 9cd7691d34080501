package provider

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// testPKI is a private CA with a server certificate for 127.0.0.1, an expired one, and a client certificate,
// written as PEM files.
type testPKI struct {
	dir                           string
	caFile, clientCert, clientKey string
	pool                          *x509.CertPool
	server, expired               tls.Certificate
}

func newTestPKI(t *testing.T) *testPKI {
	t.Helper()
	p := &testPKI{dir: t.TempDir(), pool: x509.NewCertPool()}
	caKey, caCert, caDER := issue(t, nil, nil, &x509.Certificate{
		Subject: pkix.Name{CommonName: "test CA"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign,
	})
	p.pool.AddCert(caCert)
	p.caFile = p.write(t, "ca.pem", "CERTIFICATE", caDER)
	serverKey, _, serverDER := issue(t, caKey, caCert, &x509.Certificate{
		Subject: pkix.Name{CommonName: "127.0.0.1"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	p.server = tls.Certificate{Certificate: [][]byte{serverDER}, PrivateKey: serverKey}
	expiredKey, _, expiredDER := issue(t, caKey, caCert, &x509.Certificate{
		Subject: pkix.Name{CommonName: "127.0.0.1"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		NotBefore:   time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour),
	})
	p.expired = tls.Certificate{Certificate: [][]byte{expiredDER}, PrivateKey: expiredKey}
	clientKey, _, clientDER := issue(t, caKey, caCert, &x509.Certificate{
		Subject: pkix.Name{CommonName: "terraform"}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	p.clientCert = p.write(t, "client.pem", "CERTIFICATE", clientDER)
	keyDER, err := x509.MarshalECPrivateKey(clientKey)
	if err != nil {
		t.Fatal(err)
	}
	p.clientKey = p.write(t, "client-key.pem", "EC PRIVATE KEY", keyDER)
	return p
}

// issue makes a key and a certificate from template, signed by parent (self-signed when parent is nil).
func issue(t *testing.T, parentKey *ecdsa.PrivateKey, parent, template *x509.Certificate) (*ecdsa.PrivateKey, *x509.Certificate, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template.SerialNumber = big.NewInt(time.Now().UnixNano())
	if template.NotAfter.IsZero() {
		template.NotBefore, template.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	}
	if parent == nil {
		parent, parentKey = template, key
	}
	der, err := x509.CreateCertificate(rand.Reader, template, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return key, cert, der
}

func (p *testPKI) write(t *testing.T, name, kind string, der []byte) string {
	t.Helper()
	path := filepath.Join(p.dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestAccProvider_mutualTLS serves the emulator over TLS with a private CA and a required client certificate.
func TestAccProvider_mutualTLS(t *testing.T) {
	httpClientTest(t)
	pki := newTestPKI(t)
	withCA := fmt.Sprintf("  cacert_file = %q\n", pki.caFile)
	withClient := fmt.Sprintf("  client_cert = %q\n  client_key = %q\n", pki.clientCert, pki.clientKey)
	for _, tc := range []struct{ name, extra, wantErr string }{
		{"CA and client certificate", withCA + withClient, ""},
		{"insecure with a client certificate", "  insecure = true\n" + withClient, ""},
		// The plan-time check of the release meets the failure first.
		{"no client certificate", withCA, `Unable to Check Release Links.*certificate.*client_cert and client_key`},
		{"unknown CA", withClient, `Unable to Check Release Links.*certificate signed by unknown authority.*Set cacert_file`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t)
			env.requireEmulator(t)
			server := httptest.NewUnstartedServer(env.emu.Handler())
			server.TLS = &tls.Config{Certificates: []tls.Certificate{pki.server}, ClientAuth: tls.RequireAndVerifyClientCert,
				ClientCAs: pki.pool, MinVersion: tls.VersionTLS12}
			server.StartTLS()
			t.Cleanup(server.Close)
			block := fmt.Sprintf("provider \"gitlab\" {\n  base_url = %q\n  token = %q\n%s}\n", server.URL, env.Token, tc.extra)
			step := resource.TestStep{Config: env.withProvider(block, env.linkConfig(env.Project, env.Tag, linkBody))}
			if tc.wantErr != "" {
				step.ExpectError = wrapped(tc.wantErr)
			}
			env.parallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             env.checkNoLinks(env.Tag),
				Steps:                    []resource.TestStep{step},
			})
		})
	}
}
