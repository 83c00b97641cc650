package dbtest_test

import (
	"context"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return c
}

func TestNewGivesAFreshMigratedDatabaseAndDropsIt(t *testing.T) {
	var first *db.DB
	var name string
	t.Run("use", func(t *testing.T) {
		first = dbtest.New(t)
		if err := first.GetContext(ctx(t), &name, `SELECT current_database()`); err != nil {
			t.Fatal(err)
		}
		status, err := db.Status(ctx(t), first)
		if err != nil {
			t.Fatal(err)
		}
		if len(status) == 0 {
			t.Fatal("no migrations embedded")
		}
		for _, s := range status {
			if !s.Applied {
				t.Errorf("migration %d (%s) not applied in the clone", s.Version, s.Name)
			}
		}
		if _, err := first.ExecContext(ctx(t), `CREATE TABLE scratch (n int)`); err != nil {
			t.Fatal(err)
		}
	})

	second := dbtest.New(t)
	var other string
	if err := second.GetContext(ctx(t), &other, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	if other == name {
		t.Fatalf("two tests got the same database %q", name)
	}
	var leftovers int
	if err := second.GetContext(ctx(t), &leftovers, `SELECT count(*) FROM pg_tables WHERE tablename = 'scratch'`); err != nil {
		t.Fatal(err)
	}
	if leftovers != 0 {
		t.Error("a fresh database holds a table another test created")
	}
	var exists bool
	if err := second.GetContext(ctx(t), &exists, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Errorf("database %s still exists after its test ended", name)
	}
}

func TestParallelNew(t *testing.T) {
	for i := range 4 {
		t.Run("", func(t *testing.T) {
			t.Parallel()
			d := dbtest.New(t)
			if _, err := d.ExecContext(ctx(t), `SELECT $1::int`, i); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestNewIsolatedRestartKeepsCommittedRows(t *testing.T) {
	d, restart := dbtest.NewIsolated(t)
	if _, err := d.ExecContext(ctx(t), `CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)`); err != nil {
		t.Fatal(err)
	}
	restart()
	var n int
	// The pool's old connections died with the server; database/sql retries
	// a query that failed on a bad connection with a new one.
	if err := d.GetContext(ctx(t), &n, `SELECT n FROM kept`); err != nil {
		t.Fatalf("after restart: %v", err)
	}
	if n != 7 {
		t.Fatalf("n = %d after restart, want 7", n)
	}
}
