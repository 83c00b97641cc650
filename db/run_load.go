package db

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/roundtable-bot/roundtable/workshop"
)

// runRow is what loading a run reads from workshop_runs.
type runRow struct {
	ID             int64  `db:"run_id"`
	Snapshot       []byte `db:"snapshot"`
	CurriculumFile string `db:"curriculum_file"`
	CurriculumHash string `db:"curriculum_hash"`
	CurriculumTOML string `db:"curriculum_toml"`
}

const runColumns = `run_id, snapshot, curriculum_file, curriculum_hash, curriculum_toml`

// loadRun reads run id with its curriculum and pair history; forUpdate
// locks the row until q's transaction ends.
func (s *RunStore) loadRun(ctx context.Context, q sqlx.QueryerContext, id int64, forUpdate bool) (*workshop.Run, error) {
	query := `SELECT ` + runColumns + ` FROM workshop_runs WHERE run_id = $1`
	if forUpdate {
		query += ` FOR UPDATE`
	}
	var row runRow
	if err := sqlx.GetContext(ctx, q, &row, query, id); err != nil {
		return nil, err
	}
	r, err := s.decodeRun(row)
	if err != nil {
		return nil, err
	}
	if r.History, err = pairHistory(ctx, q, r); err != nil {
		return nil, fmt.Errorf("pair history: %w", err)
	}
	return r, nil
}

// decodeRun turns a row into a Run with its curriculum (without History).
func (s *RunStore) decodeRun(row runRow) (*workshop.Run, error) {
	var r workshop.Run
	if err := json.Unmarshal(row.Snapshot, &r); err != nil {
		return nil, fmt.Errorf("run %d: decode saved state: %w", row.ID, err)
	}
	if r.ID != row.ID {
		return nil, fmt.Errorf("run %d: saved state is of run %d; the row was not written by the run store", row.ID, r.ID)
	}
	c, err := s.curricula.get(row.CurriculumFile, row.CurriculumTOML, row.CurriculumHash)
	if err != nil {
		return nil, fmt.Errorf("run %d: %w", row.ID, err)
	}
	r.Curriculum = c
	return &r, nil
}

// pairHistory counts the pairs grouped together in the guild's latest runs
// before r that formed groups.
func pairHistory(ctx context.Context, q sqlx.QueryerContext, r *workshop.Run) (workshop.PairHistory, error) {
	var rows []struct {
		GroupID int64          `db:"group_id"`
		Members pq.StringArray `db:"members"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `
		SELECT gm.group_id, array_agg(gm.user_id ORDER BY gm.user_id) AS members
		FROM group_members gm
		WHERE gm.run_id IN (
			SELECT e.run_id FROM workshop_runs e
			WHERE e.guild_id = $1 AND (e.created_at, e.run_id) < ($2, $3)
			  AND EXISTS (SELECT 1 FROM run_groups g WHERE g.run_id = e.run_id)
			ORDER BY e.created_at DESC, e.run_id DESC
			LIMIT $4)
		GROUP BY gm.group_id`,
		r.GuildID, r.CreatedAt.UTC(), r.ID, historyRuns)
	if err != nil {
		return nil, err
	}
	h := workshop.PairHistory{}
	groups := make([][]string, len(rows))
	for i, row := range rows {
		groups[i] = row.Members
	}
	h.AddGroups(groups)
	return h, nil
}

// maxCachedCurricula bounds the parsed curricula kept: a guild runs a few
// versions of a few curricula, so a full cache means something unusual and
// is simply emptied.
const maxCachedCurricula = 64

// curriculumCache keeps curricula parsed from stored TOML by hash, so a
// decision does not re-parse the run's curriculum. A cached Curriculum is
// shared by every run of that version and must not be changed.
type curriculumCache struct {
	mu     sync.Mutex
	byHash map[string]*workshop.Curriculum
}

func newCurriculumCache() *curriculumCache {
	return &curriculumCache{byHash: map[string]*workshop.Curriculum{}}
}

// get returns the curriculum stored as src, which must hash to hash.
func (cc *curriculumCache) get(file, src, hash string) (*workshop.Curriculum, error) {
	cc.mu.Lock()
	c, ok := cc.byHash[hash]
	cc.mu.Unlock()
	if ok {
		return c, nil
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
	cc.mu.Lock()
	if len(cc.byHash) >= maxCachedCurricula {
		clear(cc.byHash)
	}
	cc.byHash[hash] = c
	cc.mu.Unlock()
	return c, nil
}
