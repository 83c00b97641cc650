package pgcluster

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// maxSocketPath is the longest unix socket path the kernel accepts
// (sun_path is 108 bytes including the terminating NUL).
const maxSocketPath = 107

// socketDirFor returns the socket directory for a data folder: beside the
// cluster when the socket path fits, else a short directory in the system
// temporary folder named after a hash of the cluster path, so it is stable
// across runs and distinct per cluster.
func socketDirFor(dataDir string, port int) string {
	dir := filepath.Join(dataDir, "postgres.sock")
	if len(socketPath(dir, port)) <= maxSocketPath {
		return dir
	}
	sum := sha256.Sum256([]byte(dataDir))
	return filepath.Join(shortTempDir(), "roundtable-pg-"+hex.EncodeToString(sum[:6]))
}

// socketPath is the file name PostgreSQL gives its socket.
func socketPath(dir string, port int) string {
	return filepath.Join(dir, ".s.PGSQL."+strconv.Itoa(port))
}

// shortTempDir prefers $TMPDIR when it is short enough to help, else /tmp.
func shortTempDir() string {
	if t := os.TempDir(); len(t) <= 40 {
		return t
	}
	return "/tmp"
}

// checkSocketDir fails early, with a clear message, when even the fallback
// socket path is too long for the kernel.
func checkSocketDir(dir string, port int) error {
	if p := socketPath(dir, port); len(p) > maxSocketPath {
		return fmt.Errorf("unix socket path %q is longer than %d bytes", p, maxSocketPath)
	}
	return nil
}
