package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lib/pq"

	"github.com/roundtable-bot/roundtable/workshop"
)

// Lookup returns the value the run's ledger holds under key.
func (s *RunStore) Lookup(ctx context.Context, runID int64, key string) (string, bool, error) {
	var value string
	err := s.db.GetContext(ctx, &value, `SELECT value FROM run_ledger WHERE run_id = $1 AND key = $2`, runID, key)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	} else if err != nil {
		return "", false, fmt.Errorf("ledger of run %d: look up %s: %w", runID, key, translate(err, "ledger entry"))
	}
	return value, true, nil
}

// Record stores value under key in the run's ledger, replacing what was
// there. Errors: EINVALID for an empty key; ENOTFOUND for an unknown run.
func (s *RunStore) Record(ctx context.Context, runID int64, key, value string) error {
	if key == "" {
		return workshop.Errorf(workshop.EINVALID, "A ledger entry needs a key.")
	}
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO run_ledger (run_id, key, value, recorded_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (run_id, key) DO UPDATE SET value = EXCLUDED.value, recorded_at = EXCLUDED.recorded_at`,
		runID, key, value, s.now())
	if e := pq.As(err); e != nil && e.Code == codeForeignKeyViolation {
		err = fmt.Errorf("%w: %w", workshop.Errorf(workshop.ENOTFOUND, "No such workshop run."), err)
	}
	if err != nil {
		return fmt.Errorf("ledger of run %d: record %s: %w", runID, key, translate(err, "ledger entry"))
	}
	return nil
}

// Entries lists the run's ledger entries whose keys start with prefix ("" for
// all of them).
func (s *RunStore) Entries(ctx context.Context, runID int64, prefix string) (map[string]string, error) {
	var rows []struct {
		Key   string `db:"key"`
		Value string `db:"value"`
	}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT key, value FROM run_ledger WHERE run_id = $1 AND starts_with(key, $2)`, runID, prefix)
	if err != nil {
		return nil, fmt.Errorf("ledger of run %d: entries %q*: %w", runID, prefix, translate(err, "ledger entry"))
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.Key] = r.Value
	}
	return out, nil
}
