package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"
	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/pgcluster"
)

// New returns a fresh, fully migrated database for this test, cloned from
// the template, and drops it (ending any session still on it) when the test
// ends. Tests using it may run in parallel.
func New(t testing.TB) *db.DB {
	t.Helper()
	return newDatabase(t, true)
}

// newDatabase creates a database, cloned from the migrated template or
// empty, and drops it when the test ends.
func newDatabase(t testing.TB, migrated bool) *db.DB {
	t.Helper()
	s, err := shared.get()
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	// Lower case, because unquoted identifiers in psql sessions fold to it.
	name := testDBPrefix + strconv.FormatInt(time.Now().Unix(), 10) + "_" + strings.ToLower(rand.Text()[:10])
	if err := s.create(ctx, name, migrated); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := s.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)"); err != nil {
			t.Errorf("dbtest: drop %s: %v", name, err)
		}
	})
	d, err := db.Open(ctx, s.urlFor(name))
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// NewEmpty returns a fresh database with no migrations applied, dropped when
// the test ends: for testing migrations themselves.
func NewEmpty(t testing.TB) *db.DB {
	t.Helper()
	return newDatabase(t, false)
}

// create makes the database name, from the template if asked. CREATE
// DATABASE ... TEMPLATE refuses while another session is connected to the
// template, which happens for a moment after the template was built (its
// migration session is still closing), so that refusal is retried.
func (s *server) create(ctx context.Context, name string, fromTemplate bool) error {
	query := "CREATE DATABASE " + pq.QuoteIdentifier(name)
	if fromTemplate {
		query += " TEMPLATE " + pq.QuoteIdentifier(s.template) + s.cloneOptions
	}
	delay := 10 * time.Millisecond
	for {
		_, err := s.admin.ExecContext(ctx, query)
		if err == nil {
			return nil
		}
		if pq.As(err, "55006") == nil { // object_in_use
			return fmt.Errorf("create database %s: %w", name, err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("create database %s: %w (gave up: %w)", name, err, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(delay*2, 200*time.Millisecond)
	}
}

// NewIsolated returns a migrated database on a cluster of the caller's own,
// and restart, which stops and starts that cluster (pg_ctl stop -m fast,
// then start) so a test can check what survives a restart without
// disturbing other tests. Open sessions are ended by the restart; the
// returned *db.DB reconnects on its next use. Call restart from the test's
// goroutine (it fails the test on error). Skips when TEST_DATABASE_URL is
// set.
func NewIsolated(t testing.TB) (d *db.DB, restart func()) {
	t.Helper()
	if os.Getenv("TEST_DATABASE_URL") != "" {
		t.Skip("dbtest: NewIsolated needs a private cluster; TEST_DATABASE_URL points at a server this test cannot restart")
	}
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	c, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: t.TempDir(), Ephemeral: true})
	if err != nil {
		t.Fatalf("dbtest: isolated cluster: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Stop(context.Background()); err != nil {
			t.Errorf("dbtest: stop isolated cluster: %v", err)
		}
	})
	d, err = db.Open(ctx, c.URL())
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	if err := db.Migrate(ctx, d); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	restart = func() {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
		defer cancel()
		if err := c.Restart(ctx); err != nil {
			t.Fatalf("dbtest: restart: %v", err)
		}
	}
	return d, restart
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
