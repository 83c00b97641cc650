package db

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var embeddedMigrations embed.FS

// MigrationFS returns the embedded migration files (NNNNN_name.sql at its
// root). dbtest hashes them to name its template database.
func MigrationFS() fs.FS {
	sub, err := fs.Sub(embeddedMigrations, "migrations")
	if err != nil {
		// fs.Sub fails only for an invalid directory name, a constant here.
		panic(fmt.Sprintf("db: embedded migrations: %v", err))
	}
	return sub
}

// migrationLockID is the advisory lock key goose holds while migrating; the
// default key is shared by every goose user on a server, ours is not.
const migrationLockID = 0x526f756e64 // "Round"

// ErrSchemaTooNew means the database was migrated by a newer Roundtable.
var ErrSchemaTooNew = errors.New("the database schema is newer than this roundtable binary")

// Migrate applies every embedded migration the database lacks, each in its
// own transaction. It holds a Postgres session advisory lock meanwhile, so
// several processes starting together migrate once: the others wait, then
// find nothing to do. A database already at a version this binary does not
// know returns ErrSchemaTooNew (run the newer binary, or restore a backup)
// instead of running against a schema it does not understand.
func Migrate(ctx context.Context, d *DB) error {
	p, err := newProvider(d)
	if err != nil {
		return err
	}
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("migrate: read schema version: %w", translate(err, "schema version"))
	}
	if known := latestVersion(p); current > known {
		return fmt.Errorf("migrate: %w: the database is at version %d, this binary knows up to %d; upgrade roundtable", ErrSchemaTooNew, current, known)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", translate(err, "migration"))
	}
	return nil
}

// MigrateDownTo rolls back applied migrations, newest first, until the
// database is at version (0 undoes everything). It is for operators and
// tests; the bot only migrates up.
func MigrateDownTo(ctx context.Context, d *DB, version int64) error {
	p, err := newProvider(d)
	if err != nil {
		return err
	}
	if _, err := p.DownTo(ctx, version); err != nil {
		return fmt.Errorf("migrate down to %d: %w", version, translate(err, "migration"))
	}
	return nil
}

// MigrationStatus reports, per embedded migration, whether it is applied.
type MigrationStatus struct {
	Version int64
	Name    string
	Applied bool
}

// Status lists the embedded migrations and which are applied, for
// `roundtable migrate --status`.
func Status(ctx context.Context, d *DB) ([]MigrationStatus, error) {
	p, err := newProvider(d)
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", translate(err, "migration"))
	}
	out := make([]MigrationStatus, 0, len(st))
	for _, s := range st {
		out = append(out, MigrationStatus{Version: s.Source.Version, Name: s.Source.Path, Applied: s.State == goose.StateApplied})
	}
	return out, nil
}

func newProvider(d *DB) (*goose.Provider, error) {
	// Poll for the lock every second for up to 5 minutes: long enough for
	// another process's migration, short enough to notice it finished.
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(migrationLockID), lock.WithLockTimeout(1, 300))
	if err != nil {
		return nil, fmt.Errorf("migrate: lock: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, d.DB.DB, MigrationFS(),
		goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return p, nil
}

func latestVersion(p *goose.Provider) int64 {
	var v int64
	for _, s := range p.ListSources() {
		v = max(v, s.Version)
	}
	return v
}
