package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/pgcluster"
)

// TestMain lets tests run the real binary's Main in a child process (the
// test binary re-executed), so "two processes at once" means two processes.
func TestMain(m *testing.M) {
	if os.Getenv("ROUNDTABLE_TEST_MAIN") == "1" {
		os.Exit(Main(context.Background(), os.Args[1:], &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}))
	}
	os.Exit(m.Run())
}

// roundtableProcess starts `roundtable ARGS` as a child process in dir with
// no DATABASE_URL, so the embedded database is used.
func roundtableProcess(t *testing.T, dir string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = dir
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DATABASE_URL=") && !strings.HasPrefix(kv, "ROUNDTABLE_CONFIG=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "ROUNDTABLE_TEST_MAIN=1")
	return cmd
}

// embeddedDir makes a working folder whose bot.toml puts the embedded
// cluster in ./db-data, readable by the postgres user when we are root.
func embeddedDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for d := dir; d != filepath.Dir(d) && d != os.TempDir(); d = filepath.Dir(d) {
		_ = os.Chmod(d, 0o755)
	}
	writeFile(t, dir, "bot.toml", "[database]\ndata_dir = \"db-data\"\n[log]\nformat = \"text\"\n")
	return dir
}

func TestMigrateEmbeddedCreatesReusesAndStops(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL")
	}
	dir := embeddedDir(t)
	pgData := filepath.Join(dir, "db-data", "postgres")

	// Two processes started together: both succeed, each migration runs once.
	var wg sync.WaitGroup
	outputs := make([]string, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := roundtableProcess(t, dir, "migrate").CombinedOutput()
			outputs[i], errs[i] = string(out), err
		}()
	}
	wg.Wait()
	for i := range 2 {
		if errs[i] != nil {
			t.Fatalf("migrate process %d: %v\n%s", i, errs[i], outputs[i])
		}
	}
	assertNotRunning(t, pgData)
	versionFile := filepath.Join(pgData, "PG_VERSION")
	before, err := os.Stat(versionFile)
	if err != nil {
		t.Fatalf("no cluster under data_dir: %v", err)
	}

	// A second run reuses the cluster instead of making a new one.
	if out, err := roundtableProcess(t, dir, "migrate").CombinedOutput(); err != nil {
		t.Fatalf("second migrate: %v\n%s", err, out)
	}
	after, err := os.Stat(versionFile)
	if err != nil || !after.ModTime().Equal(before.ModTime()) {
		t.Fatalf("cluster was re-created: %v", err)
	}
	assertNotRunning(t, pgData)
	assertEachMigrationOnce(t, filepath.Join(dir, "db-data"))
}

// assertNotRunning checks that no server is left on the cluster: PostgreSQL
// removes postmaster.pid when it shuts down.
func assertNotRunning(t *testing.T, pgData string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(pgData, "postmaster.pid")); err == nil {
		t.Fatalf("a server is still running on %s", pgData)
	}
}

func assertEachMigrationOnce(t *testing.T, dataDir string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: dataDir})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop(context.Background())
	d, err := db.Open(ctx, c.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var dup []string
	if err := d.SelectContext(ctx, &dup, `SELECT version_id::text FROM goose_db_version WHERE version_id > 0 GROUP BY version_id HAVING count(*) > 1`); err != nil {
		t.Fatal(err)
	}
	if len(dup) > 0 {
		t.Fatalf("migrations applied more than once: %v", dup)
	}
	var n int
	if err := d.GetContext(ctx, &n, `SELECT count(*) FROM goose_db_version WHERE version_id > 0`); err != nil || n < 2 {
		t.Fatalf("applied migrations: %d, %v", n, err)
	}
}
