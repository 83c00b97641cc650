package dbtest

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lib/pq"
	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/pgcluster"
)

// setupTimeout bounds starting the server and building the template.
const setupTimeout = 2 * time.Minute

// leakedAfter is the age after which a test database is assumed leaked by a
// killed process: far beyond go test's default 10-minute timeout.
const leakedAfter = time.Hour

// testDBPrefix starts the name of every database New creates.
const testDBPrefix = "rt_test_"

// SharedDataDir is where the shared test cluster lives unless
// TEST_DATABASE_URL is set: one per OS user, shared by all test processes.
func SharedDataDir() string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("roundtable-test-pg-%d", os.Getuid()))
}

// server is this process's view of the test server, set up on first use.
// It is process-wide because it stands for a process-wide resource (the
// server and the template), and is only written inside once.Do.
type server struct {
	once     sync.Once
	err      error
	admin    *db.DB // the maintenance database: creates and drops the others
	template string
	// cloneOptions end CREATE DATABASE ... TEMPLATE: on PostgreSQL 15+ the
	// FILE_COPY strategy, which copies the template's files. Measured here
	// (loaded machine, fsync off) it was faster than 15's default, WAL_LOG,
	// which writes every page of the template through the WAL; its
	// checkpoints are cheap with fsync off.
	cloneOptions string
}

var shared server

// get returns the ready server, setting it up on the first call.
func (s *server) get() (*server, error) {
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
		defer cancel()
		s.err = s.setup(ctx)
	})
	return s, s.err
}

func (s *server) setup(ctx context.Context) error {
	adminURL := os.Getenv("TEST_DATABASE_URL")
	if adminURL == "" {
		dir := SharedDataDir()
		c, err := pgcluster.Start(ctx, pgcluster.Options{
			DataDir:   dir,
			Ephemeral: true,
			// Several package binaries, each with parallel tests and a
			// 10-connection pool per test database, share this server.
			Settings: map[string]string{"max_connections": "300"},
		})
		if err != nil {
			return fmt.Errorf("start the shared test cluster in %s (remove that folder to start afresh, or set TEST_DATABASE_URL): %w", dir, err)
		}
		adminURL = c.DatabaseURL("postgres")
	}
	admin, err := db.Open(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect to the test server: %w", err)
	}
	admin.SetMaxOpenConns(4)
	s.admin = admin
	var version int
	if err := admin.GetContext(ctx, &version, `SELECT current_setting('server_version_num')::int`); err != nil {
		return fmt.Errorf("test server version: %w", err)
	}
	if version >= 150000 {
		s.cloneOptions = " STRATEGY FILE_COPY"
	}
	s.dropLeaked(ctx)
	hash, err := schemaHash()
	if err != nil {
		return err
	}
	s.template = "roundtable_tmpl_" + hash[:16]
	return s.ensureTemplate(ctx, hash)
}

// schemaHash identifies the migration set: any change to a file gives a new
// template, so a stale one is never cloned.
func schemaHash() (string, error) {
	fsys := db.MigrationFS()
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return "", fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return "", fmt.Errorf("read migration %s: %w", name, err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ensureTemplate builds the migrated template unless a ready one exists.
// The advisory lock (keyed by the schema hash) makes concurrent processes
// build it once; IS_TEMPLATE marks it complete.
func (s *server) ensureTemplate(ctx context.Context, hash string) error {
	conn, err := s.admin.Conn(ctx)
	if err != nil {
		return fmt.Errorf("template: %w", err)
	}
	defer conn.Close()
	raw, err := hex.DecodeString(hash[:16])
	if err != nil {
		return fmt.Errorf("template lock key: %w", err)
	}
	key := int64(binary.BigEndian.Uint64(raw))
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		return fmt.Errorf("template: lock: %w", err)
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, key)

	var ready *bool
	err = conn.QueryRowContext(ctx, `SELECT datistemplate FROM pg_database WHERE datname = $1`, s.template).Scan(&ready)
	switch {
	case err == nil && *ready:
		return nil
	case err == nil:
		// Half-built by a process that died: start over.
		if _, err := conn.ExecContext(ctx, "DROP DATABASE "+pq.QuoteIdentifier(s.template)+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("template: drop unfinished %s: %w", s.template, err)
		}
	case !isNoRows(err):
		return fmt.Errorf("template: look for %s: %w", s.template, err)
	}
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(s.template)); err != nil {
		return fmt.Errorf("template: create %s: %w", s.template, err)
	}
	if err := migrateDatabase(ctx, s.urlFor(s.template)); err != nil {
		return fmt.Errorf("template %s: %w", s.template, err)
	}
	if _, err := conn.ExecContext(ctx, "ALTER DATABASE "+pq.QuoteIdentifier(s.template)+" WITH IS_TEMPLATE true"); err != nil {
		return fmt.Errorf("template: mark %s ready: %w", s.template, err)
	}
	return nil
}

func migrateDatabase(ctx context.Context, url string) error {
	d, err := db.Open(ctx, url)
	if err != nil {
		return err
	}
	defer d.Close()
	return db.Migrate(ctx, d)
}

// urlFor is the admin URL pointed at another database on the same server.
func (s *server) urlFor(name string) string {
	return withDatabase(s.admin.URL, name)
}

// withDatabase replaces the database in a URL or key=value DSN; lib/pq lets
// a later dbname key override an earlier one.
func withDatabase(dsn, name string) string {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		u.Path = "/" + name
		q := u.Query()
		q.Del("dbname")
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " dbname=" + name
}

// dropLeaked removes test databases a killed process never dropped. Failing
// to clean up must not fail the test, so errors are ignored.
func (s *server) dropLeaked(ctx context.Context) {
	var names []string
	if err := s.admin.SelectContext(ctx, &names, `SELECT datname FROM pg_database WHERE datname LIKE $1`, testDBPrefix+"%"); err != nil {
		return
	}
	for _, name := range names {
		rest := strings.TrimPrefix(name, testDBPrefix)
		stamp, _, _ := strings.Cut(rest, "_")
		sec, err := strconv.ParseInt(stamp, 10, 64)
		if err != nil || time.Since(time.Unix(sec, 0)) < leakedAfter {
			continue
		}
		s.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)")
	}
}
