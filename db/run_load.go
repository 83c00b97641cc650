package db

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/jmoiron/sqlx"

	"github.com/roundtable-bot/roundtable/workshop"
)

// runRow is what loading a run reads from workshop_runs. The curriculum's
// TOML is left out: it is read only when the curriculum is not cached
// already, which spares every decision on a run a few kilobytes to
// transfer and allocate (a burst of 300 joins loads the run hundreds of
// times).
type runRow struct {
	ID             int64  `db:"run_id"`
	Snapshot       []byte `db:"snapshot"`
	CurriculumFile string `db:"curriculum_file"`
	CurriculumHash string `db:"curriculum_hash"`
}

const runColumns = `run_id, snapshot, curriculum_file, curriculum_hash`

// loadRun reads run id with its curriculum and pair history, in one round
// trip; forUpdate locks the row until q's transaction ends.
func (s *RunStore) loadRun(ctx context.Context, q sqlx.QueryerContext, id int64, forUpdate bool) (*workshop.Run, error) {
	// The history is the groups of the guild's latest runs before this one
	// that formed groups, each as an array of user IDs.
	query := `SELECT ` + prefixed("r.", runColumns) + `,
		(SELECT coalesce(jsonb_agg(m.members), '[]') FROM (
			SELECT array_agg(gm.user_id) AS members
			FROM group_members gm
			WHERE gm.run_id IN (
				SELECT e.run_id FROM workshop_runs e
				WHERE e.guild_id = r.guild_id AND (e.created_at, e.run_id) < (r.created_at, r.run_id)
				  AND EXISTS (SELECT 1 FROM run_groups g WHERE g.run_id = e.run_id)
				ORDER BY e.created_at DESC, e.run_id DESC
				LIMIT $2)
			GROUP BY gm.group_id) m) AS history
		FROM workshop_runs r WHERE r.run_id = $1`
	if forUpdate {
		query += ` FOR UPDATE OF r`
	}
	var row struct {
		runRow
		History []byte `db:"history"`
	}
	if err := sqlx.GetContext(ctx, q, &row, query, id, historyRuns); err != nil {
		return nil, err
	}
	r, err := s.decodeRun(ctx, q, row.runRow)
	if err != nil {
		return nil, err
	}
	var groups [][]string
	if err := json.Unmarshal(row.History, &groups); err != nil {
		return nil, fmt.Errorf("run %d: decode pair history: %w", id, err)
	}
	r.History = workshop.PairHistory{}
	r.History.AddGroups(groups)
	return r, nil
}

// prefixed qualifies each column of a comma-separated list with alias.
func prefixed(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = alias + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// decodeRun turns a row into a Run with its curriculum (without History).
func (s *RunStore) decodeRun(ctx context.Context, q sqlx.QueryerContext, row runRow) (*workshop.Run, error) {
	var r workshop.Run
	if err := json.Unmarshal(row.Snapshot, &r); err != nil {
		return nil, fmt.Errorf("run %d: decode saved state: %w", row.ID, err)
	}
	if r.ID != row.ID {
		return nil, fmt.Errorf("run %d: saved state is of run %d; the row was not written by the run store", row.ID, r.ID)
	}
	c, err := s.curricula.get(row.CurriculumFile, row.CurriculumHash, r.Speed, func() (string, error) {
		var src string
		err := sqlx.GetContext(ctx, q, &src, `SELECT curriculum_toml FROM workshop_runs WHERE run_id = $1`, row.ID)
		return src, err
	})
	if err != nil {
		return nil, fmt.Errorf("run %d: %w", row.ID, err)
	}
	r.Curriculum = c
	return &r, nil
}

// maxCachedCurricula bounds the parsed curricula kept: a guild runs a few
// versions of a few curricula, so a full cache means something unusual and
// is simply emptied.
const maxCachedCurricula = 64

// curriculumCache keeps curricula parsed from stored TOML by hash and
// speed, so a decision does not re-parse the run's curriculum. A cached
// Curriculum is shared by every run of that version and speed and must
// not be changed.
type curriculumCache struct {
	mu     sync.Mutex
	byHash map[curriculumKey]*workshop.Curriculum
}

// curriculumKey names one cached curriculum: a version, compressed by a
// run's speed (0 for real time).
type curriculumKey struct {
	hash  string
	speed float64
}

func newCurriculumCache() *curriculumCache {
	return &curriculumCache{byHash: map[curriculumKey]*workshop.Curriculum{}}
}

// get returns the curriculum stored as the TOML that source reads (only
// when it is not cached), which must hash to hash, compressed by the
// run's speed (workshop.Curriculum.Compressed), as the engine started the
// run with it.
func (cc *curriculumCache) get(file, hash string, speed float64, source func() (string, error)) (*workshop.Curriculum, error) {
	if !workshop.ValidSpeed(speed) {
		return nil, fmt.Errorf("stored run has speed %v, which no run can have", speed)
	}
	key := curriculumKey{hash: hash, speed: speed}
	cc.mu.Lock()
	c, ok := cc.byHash[key]
	cc.mu.Unlock()
	if ok {
		return c, nil
	}
	src, err := source()
	if err != nil {
		return nil, fmt.Errorf("read stored curriculum %s: %w", file, err)
	}
	c, diags := workshop.ParseCurriculum(file, []byte(src))
	if c == nil {
		// %v, not %w: the diagnostics carry EINVALID, but a stored
		// curriculum that no longer parses is our fault, not the caller's.
		return nil, fmt.Errorf("stored curriculum %s no longer parses: %v", file, diags.Err())
	}
	if c.Hash != hash {
		return nil, fmt.Errorf("stored curriculum %s hashes to %s, not the %s the run was started with", file, c.Hash, hash)
	}
	c = c.Compressed(speed)
	cc.mu.Lock()
	if len(cc.byHash) >= maxCachedCurricula {
		clear(cc.byHash)
	}
	cc.byHash[key] = c
	cc.mu.Unlock()
	return c, nil
}
