package pgcluster

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrNoBinaries means no PostgreSQL server binaries were found. The message
// tells the operator both ways out.
var ErrNoBinaries = errors.New("PostgreSQL server binaries (initdb, pg_ctl) not found in $PG_BINDIR, PATH or /usr/lib/postgresql/*/bin: " +
	"install them with `apt-get install -y postgresql`, or set DATABASE_URL to use an existing server")

// distroRoot is where Debian and Ubuntu install one directory per major version.
const distroRoot = "/usr/lib/postgresql"

// findBinDir returns the directory holding initdb and pg_ctl: explicit (from
// Options), then $PG_BINDIR, then PATH, then the highest
// /usr/lib/postgresql/<major>/bin.
func findBinDir(explicit string) (string, error) {
	if explicit != "" {
		return checkBinDir(explicit, "Options.BinDir")
	}
	if env := os.Getenv("PG_BINDIR"); env != "" {
		return checkBinDir(env, "$PG_BINDIR")
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		dir := filepath.Dir(p)
		if hasBinaries(dir) {
			return dir, nil
		}
	}
	if dir := highestDistroBinDir(distroRoot); dir != "" {
		return dir, nil
	}
	return "", ErrNoBinaries
}

func checkBinDir(dir, source string) (string, error) {
	if !hasBinaries(dir) {
		return "", fmt.Errorf("%s=%q holds no initdb and pg_ctl: %w", source, dir, ErrNoBinaries)
	}
	return dir, nil
}

func hasBinaries(dir string) bool {
	for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
			return false
		}
	}
	return true
}

// highestDistroBinDir picks the highest major version by number, not by
// string order (so 10 beats 9).
func highestDistroBinDir(root string) string {
	entries, err := os.ReadDir(root)
	if err != nil {
		return ""
	}
	best, bestVersion := "", -1.0
	for _, e := range entries {
		v, err := strconv.ParseFloat(strings.TrimSpace(e.Name()), 64)
		if err != nil {
			continue
		}
		dir := filepath.Join(root, e.Name(), "bin")
		if v > bestVersion && hasBinaries(dir) {
			best, bestVersion = dir, v
		}
	}
	return best
}
