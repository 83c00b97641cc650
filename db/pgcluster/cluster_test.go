package pgcluster

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/lib/pq"
)

func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// startCluster starts a cluster in dir and stops it when the test ends.
func startCluster(t testing.TB, dir string) *Cluster {
	t.Helper()
	c, err := Start(testContext(t), Options{DataDir: dir, Ephemeral: true})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Stop(context.Background()); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return c
}

func queryInt(t testing.TB, url, query string) int {
	t.Helper()
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(testContext(t), query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestStartServesDefaultDatabaseAndStopLeavesNothingRunning(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	c := startCluster(t, dir)
	if !c.StartedHere() {
		t.Fatal("StartedHere = false for a fresh cluster")
	}
	if !strings.Contains(c.URL(), "sslmode=disable") {
		t.Errorf("URL %q does not set sslmode explicitly", c.URL())
	}
	if got := queryInt(t, c.URL(), "SELECT count(*) FROM pg_database WHERE datname = current_database() AND datname = 'roundtable'"); got != 1 {
		t.Fatalf("connected to the wrong database via %s", c.URL())
	}
	if got := queryInt(t, c.URL(), "SELECT CASE WHEN current_setting('listen_addresses') = '' THEN 1 ELSE 0 END"); got != 1 {
		t.Error("server listens on TCP; want the unix socket only")
	}
	if _, err := os.Stat(filepath.Join(dir, "postgres", "PG_VERSION")); err != nil {
		t.Errorf("cluster not in DataDir/postgres: %v", err)
	}
	// Authentication is trust: the socket folder must keep other users out.
	fi, err := os.Stat(c.socketDir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("socket folder %s: mode %v, want 0700", c.socketDir, fi.Mode().Perm())
	}
	if err := c.Stop(testContext(t)); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	assertNotRunning(t, c)
}

// assertNotRunning checks pg_ctl status exits 3 ("no server running").
func assertNotRunning(t *testing.T, c *Cluster) {
	t.Helper()
	_, err := c.run(testContext(t), "pg_ctl", "status", "-D", c.pgData)
	var exit *execExitError
	if !errors.As(err, &exit) || exit.code != 3 {
		t.Fatalf("pg_ctl status after Stop: %v, want exit status 3", err)
	}
}

func TestStartAdoptsRunningServerAndLeavesItRunning(t *testing.T) {
	dir := t.TempDir()
	first := startCluster(t, dir)
	second, err := Start(testContext(t), Options{DataDir: dir})
	if err != nil {
		t.Fatalf("second Start: %v", err)
	}
	if second.StartedHere() {
		t.Fatal("second Start started a server instead of adopting the running one")
	}
	if second.URL() != first.URL() {
		t.Errorf("adopted URL %q, want %q", second.URL(), first.URL())
	}
	if err := second.Stop(testContext(t)); err != nil {
		t.Fatalf("Stop of adopted cluster: %v", err)
	}
	if got := queryInt(t, first.URL(), "SELECT 1"); got != 1 {
		t.Fatal("server gone after the adopter's Stop")
	}
}

func TestConcurrentStartsShareOneServer(t *testing.T) {
	dir := t.TempDir()
	const n = 3
	clusters := make([]*Cluster, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { clusters[i], errs[i] = Start(testContext(t), Options{DataDir: dir, Ephemeral: true}) })
	}
	wg.Wait()
	started := 0
	for i, c := range clusters {
		if errs[i] != nil {
			t.Fatalf("Start %d: %v", i, errs[i])
		}
		if c.StartedHere() {
			started++
		}
	}
	for _, c := range clusters {
		if err := c.Stop(testContext(t)); err != nil {
			t.Errorf("Stop: %v", err)
		}
	}
	if started != 1 {
		t.Fatalf("%d of %d concurrent Starts started a server, want 1", started, n)
	}
}

func TestRestartKeepsCommittedRows(t *testing.T) {
	c := startCluster(t, t.TempDir())
	db, err := sql.Open("postgres", c.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := testContext(t)
	if _, err := db.ExecContext(ctx, "CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)"); err != nil {
		t.Fatal(err)
	}
	if err := c.Restart(ctx); err != nil {
		t.Fatalf("Restart: %v", err)
	}
	if got := queryInt(t, c.URL(), "SELECT n FROM kept"); got != 42 {
		t.Fatalf("after restart n = %d, want 42", got)
	}
	if !c.StartedHere() {
		t.Error("StartedHere = false after Restart")
	}
}

func TestStartRestartsStoppedCluster(t *testing.T) {
	dir := t.TempDir()
	c := startCluster(t, dir)
	if err := c.Stop(testContext(t)); err != nil {
		t.Fatal(err)
	}
	again := startCluster(t, dir)
	if !again.StartedHere() {
		t.Fatal("Start on a stopped cluster did not start it")
	}
	if got := queryInt(t, again.URL(), "SELECT 1"); got != 1 {
		t.Fatal("restarted cluster does not answer")
	}
}

func TestLongDataPathUsesShortSocketDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), strings.Repeat("a-rather-long-folder-name/", 5))
	c := startCluster(t, dir)
	if len(socketPath(c.socketDir, c.port)) > maxSocketPath {
		t.Fatalf("socket path %q too long", socketPath(c.socketDir, c.port))
	}
	if strings.HasPrefix(c.socketDir, dir) {
		t.Fatalf("socket dir %q is inside the long data path", c.socketDir)
	}
	if got := queryInt(t, c.URL(), "SELECT 1"); got != 1 {
		t.Fatal("cluster with short socket dir does not answer")
	}
}

func TestRootRunsServerAsPostgresUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only meaningful as root")
	}
	dir := t.TempDir() // 0700 and root's: Start must make it traversable
	c := startCluster(t, dir)
	fi, err := os.Stat(c.DataDir())
	if err != nil {
		t.Fatal(err)
	}
	if uid := fi.Sys().(*syscall.Stat_t).Uid; int(uid) != c.owner.uid {
		t.Fatalf("PGDATA owned by uid %d, want the postgres user's %d", uid, c.owner.uid)
	}
	if got := queryInt(t, c.URL(), "SELECT CASE WHEN current_user = 'postgres' THEN 1 ELSE 0 END"); got != 1 {
		t.Fatal("unexpected role")
	}
}

func TestMissingBinariesSayHowToInstall(t *testing.T) {
	_, err := Start(testContext(t), Options{DataDir: t.TempDir(), BinDir: t.TempDir()})
	if !errors.Is(err, ErrNoBinaries) {
		t.Fatalf("err = %v, want ErrNoBinaries", err)
	}
	for _, want := range []string{"apt-get install -y postgresql", "DATABASE_URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestHighestDistroBinDirComparesVersionsAsNumbers(t *testing.T) {
	root := t.TempDir()
	for _, v := range []string{"9.6", "10", "15", "notaversion"} {
		bin := filepath.Join(root, v, "bin")
		if err := os.MkdirAll(bin, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
			if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	// 16 exists but is incomplete, so it must be skipped.
	if err := os.MkdirAll(filepath.Join(root, "16", "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, want := highestDistroBinDir(root), filepath.Join(root, "15", "bin"); got != want {
		t.Fatalf("highestDistroBinDir = %q, want %q", got, want)
	}
}

func TestServerOptionsQuoteForTheShell(t *testing.T) {
	c := &Cluster{socketDir: "/tmp/it's here", port: 5432, opts: Options{Settings: map[string]string{"max_connections": "300"}}}
	got := c.serverOptions()
	for _, want := range []string{`'listen_addresses='`, `'unix_socket_directories=/tmp/it'\''s here'`, `'max_connections=300'`, `'unix_socket_permissions=0777'`} {
		if !strings.Contains(got, want) {
			t.Errorf("serverOptions() = %s, missing %s", got, want)
		}
	}
}
