package pgcluster

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fakeBinDir makes a folder with executable initdb, pg_ctl and postgres.
func fakeBinDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestFindBinDirOrder(t *testing.T) {
	fromEnv, fromPath := fakeBinDir(t), fakeBinDir(t)
	t.Setenv("PATH", fromPath)

	t.Setenv("PG_BINDIR", fromEnv)
	if got, err := findBinDir(""); err != nil || got != fromEnv {
		t.Errorf("with $PG_BINDIR: %q, %v; want %q", got, err, fromEnv)
	}
	explicit := fakeBinDir(t)
	if got, err := findBinDir(explicit); err != nil || got != explicit {
		t.Errorf("with Options.BinDir: %q, %v; want %q", got, err, explicit)
	}

	t.Setenv("PG_BINDIR", "")
	if got, err := findBinDir(""); err != nil || got != fromPath {
		t.Errorf("from PATH: %q, %v; want %q", got, err, fromPath)
	}

	// A wrong $PG_BINDIR is an error, not a silent fallback to something else.
	t.Setenv("PG_BINDIR", t.TempDir())
	if _, err := findBinDir(""); !errors.Is(err, ErrNoBinaries) {
		t.Errorf("empty $PG_BINDIR: %v, want ErrNoBinaries", err)
	}
}
