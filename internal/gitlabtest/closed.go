//go:build unix

package gitlabtest

import (
	"fmt"
	"syscall"
	"testing"
)

// ClosedAddress returns a loopback address ("127.0.0.1:port") where a connection is refused for as long as the test
// runs. The port is bound but never listened on: a port that was merely closed again could be handed to another
// test's server meanwhile, and the "closed" GitLab would answer.
func ClosedAddress(t testing.TB) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatalf("bind: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatalf("getsockname: %v", err)
	}
	inet, ok := sa.(*syscall.SockaddrInet4)
	if !ok {
		t.Fatalf("getsockname returned %T", sa)
	}
	return fmt.Sprintf("127.0.0.1:%d", inet.Port)
}
