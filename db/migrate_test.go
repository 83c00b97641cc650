package db_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
)

// appliedVersions counts goose's rows per version.
func appliedVersions(t *testing.T, d *db.DB) map[int64]int {
	t.Helper()
	var rows []struct {
		Version int64 `db:"version_id"`
		N       int   `db:"n"`
	}
	if err := d.SelectContext(testContext(t), &rows, `SELECT version_id, count(*) AS n FROM goose_db_version WHERE is_applied GROUP BY version_id`); err != nil {
		t.Fatal(err)
	}
	out := map[int64]int{}
	for _, r := range rows {
		out[r.Version] = r.N
	}
	return out
}

func assertAppliedOnce(t *testing.T, d *db.DB) {
	t.Helper()
	status, err := db.Status(testContext(t), d)
	if err != nil {
		t.Fatal(err)
	}
	applied := appliedVersions(t, d)
	for _, s := range status {
		if !s.Applied {
			t.Errorf("migration %d (%s) not applied", s.Version, s.Name)
		}
		if applied[s.Version] != 1 {
			t.Errorf("migration %d recorded %d times, want once", s.Version, applied[s.Version])
		}
	}
}

func TestMigrateAppliesEveryMigrationAndIsIdempotent(t *testing.T) {
	d := dbtest.NewEmpty(t)
	ctx := testContext(t)
	for range 2 {
		if err := db.Migrate(ctx, d); err != nil {
			t.Fatalf("Migrate: %v", err)
		}
	}
	assertAppliedOnce(t, d)
}

// Several bot processes starting together: each has its own pool, and every
// migration must still run exactly once.
func TestConcurrentMigrateAppliesEachMigrationOnce(t *testing.T) {
	empty := dbtest.NewEmpty(t)
	ctx := testContext(t)
	const processes = 3
	errs := make([]error, processes)
	var wg sync.WaitGroup
	for i := range processes {
		wg.Go(func() {
			d, err := db.Open(ctx, empty.URL)
			if err != nil {
				errs[i] = err
				return
			}
			defer d.Close()
			errs[i] = db.Migrate(ctx, d)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Migrate in process %d: %v", i, err)
		}
	}
	assertAppliedOnce(t, empty)
}

func TestMigrateRefusesASchemaFromTheFuture(t *testing.T) {
	d := dbtest.New(t)
	ctx := testContext(t)
	if _, err := d.ExecContext(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, true)`); err != nil {
		t.Fatal(err)
	}
	err := db.Migrate(ctx, d)
	if !errors.Is(err, db.ErrSchemaTooNew) {
		t.Fatalf("Migrate = %v, want ErrSchemaTooNew", err)
	}
}

// The Down sections work: everything rolls back to an empty schema and
// applies again.
func TestMigrationsRollBackAndReapply(t *testing.T) {
	d := dbtest.NewEmpty(t)
	ctx := testContext(t)
	if err := db.Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := db.MigrateDownTo(ctx, d, 0); err != nil {
		t.Fatalf("down: %v", err)
	}
	var tables int
	if err := d.GetContext(ctx, &tables, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'goose_db_version'`); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("%d tables left after rolling everything back", tables)
	}
	if err := db.Migrate(ctx, d); err != nil {
		t.Fatalf("up again: %v", err)
	}
}
