package db

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/roundtable-bot/roundtable/workshop"
)

// outboxKey names one queued effect.
type outboxKey struct {
	runID int64
	key   string
}

// outboxStatement queues a decision's effects (data: MarshalEffects of
// them, one per key) for run id. Rows are inserted in the decided order, so
// seq (a sequence) follows it. On a key already queued: a pending row takes
// the latest values and keeps its place; a done row stays done (the effect
// was carried out) unless it is the coalesced UpdateLobby, which is queued
// again at the end. Identical values change nothing.
func outboxStatement(a *args, id string, data []byte, now time.Time) string {
	return fmt.Sprintf(`
		INSERT INTO effect_outbox (run_id, key, effect, queued_at)
		SELECT %s::bigint, e->>'key', e, %s
		FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS x(e, ord)
		ORDER BY ord
		ON CONFLICT (run_id, key) DO UPDATE SET
			effect = EXCLUDED.effect,
			revision = effect_outbox.revision + 1,
			seq = CASE WHEN effect_outbox.done_at IS NULL THEN effect_outbox.seq ELSE EXCLUDED.seq END,
			queued_at = EXCLUDED.queued_at,
			done_at = NULL
		WHERE effect_outbox.effect IS DISTINCT FROM EXCLUDED.effect
		  AND (effect_outbox.done_at IS NULL OR EXCLUDED.effect->>'type' = 'UpdateLobby')`,
		id, a.add(now), a.add(string(data)))
}

// PendingEffects lists the run's queued effects not yet done, in the order
// they were decided. A run with none, or no such run, has an empty list.
func (s *RunStore) PendingEffects(ctx context.Context, runID int64) ([]workshop.Effect, error) {
	var rows []struct {
		Key      string `db:"key"`
		Revision int    `db:"revision"`
		Effect   []byte `db:"effect"`
	}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT key, revision, effect FROM effect_outbox
		WHERE run_id = $1 AND done_at IS NULL
		ORDER BY seq`, runID)
	if err != nil {
		return nil, fmt.Errorf("pending effects of run %d: %w", runID, translateRun(err))
	}
	if len(rows) == 0 {
		return []workshop.Effect{}, nil
	}
	elems := make([][]byte, len(rows))
	s.mu.Lock()
	for i, row := range rows {
		elems[i] = row.Effect
		k := outboxKey{runID, row.Key}
		if rev, ok := s.revisions[k]; !ok || row.Revision > rev {
			s.revisions[k] = row.Revision
		}
	}
	s.mu.Unlock()
	var buf bytes.Buffer
	buf.WriteByte('[')
	buf.Write(bytes.Join(elems, []byte{','}))
	buf.WriteByte(']')
	effects, err := workshop.UnmarshalEffects(buf.Bytes())
	if err != nil {
		// The store wrote them: unreadable effects are its fault, not the
		// caller's, so the EINVALID inside is not passed on.
		return nil, fmt.Errorf("pending effects of run %d: %v", runID, err)
	}
	return effects, nil
}

// CompleteEffect marks the queued effect done: the revision that
// PendingEffects handed out, so a newer value queued meanwhile (a later
// UpdateLobby) stays queued. Completing a done effect again is no error;
// ENOTFOUND when the run never queued key.
func (s *RunStore) CompleteEffect(ctx context.Context, runID int64, key string) error {
	k := outboxKey{runID, key}
	s.mu.Lock()
	rev, ok := s.revisions[k]
	delete(s.revisions, k)
	s.mu.Unlock()
	limit := sql.NullInt64{Int64: int64(rev), Valid: ok}
	// One round trip: the update, and whether the key was ever queued (the
	// row is there whether or not this call marked it).
	var queued bool
	err := s.db.GetContext(ctx, &queued, `
		WITH done AS (
			UPDATE effect_outbox SET done_at = $3
			WHERE run_id = $1 AND key = $2 AND done_at IS NULL AND ($4::int IS NULL OR revision <= $4)
			RETURNING 1)
		SELECT EXISTS (SELECT 1 FROM effect_outbox WHERE run_id = $1 AND key = $2)`,
		runID, key, s.now(), limit)
	if err != nil {
		return fmt.Errorf("complete effect %s: %w", key, translateRun(err))
	}
	if !queued {
		return workshop.Errorf(workshop.ENOTFOUND, "Run %d has no queued effect %s.", runID, key)
	}
	return nil
}
