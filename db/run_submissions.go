package db

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/roundtable-bot/roundtable/workshop"
)

// SaveSubmission stores a deliverable: a breakout group's (Group >= 1 of
// Formation) or one participant's (Group 0). Handing in again for the same
// step and group, or author, replaces the content, the author and the
// time, and keeps its place in the order. Errors: EINVALID for a missing
// author or step, or content the schema refuses (empty, over 4000
// characters); ENOTFOUND for an unknown run or group.
func (s *RunStore) SaveSubmission(ctx context.Context, sub workshop.Submission) error {
	switch {
	case sub.RunID <= 0 || sub.StepIndex < 0 || sub.AuthorID == "":
		return workshop.Errorf(workshop.EINVALID, "A submission needs its run, step and author.")
	case sub.Group < 0:
		return workshop.Errorf(workshop.EINVALID, "A submission's group number cannot be negative.")
	}
	at := sub.At
	if at.IsZero() {
		at = s.now()
	}
	var query string
	args := []any{sub.RunID, sub.StepIndex, sub.AuthorID, sub.Content, at.UTC()}
	if sub.Group > 0 {
		query = `
			INSERT INTO submissions (run_id, step_index, group_id, author_id, content, created_at, updated_at)
			SELECT $1, $2, g.group_id, $3, $4, $5, $5
			FROM run_groups g WHERE g.run_id = $1 AND g.formation = $6 AND g.number = $7
			ON CONFLICT (run_id, step_index, group_id) WHERE group_id IS NOT NULL DO UPDATE SET
				content = EXCLUDED.content, author_id = EXCLUDED.author_id, updated_at = EXCLUDED.updated_at`
		args = append(args, sub.Formation, sub.Group)
	} else {
		query = `
			INSERT INTO submissions (run_id, step_index, author_id, content, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5)
			ON CONFLICT (run_id, step_index, author_id) WHERE group_id IS NULL DO UPDATE SET
				content = EXCLUDED.content, updated_at = EXCLUDED.updated_at`
	}
	res, err := s.db.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("save submission of run %d step %d: %w", sub.RunID, sub.StepIndex, translateSubmission(err))
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("save submission of run %d step %d: %w", sub.RunID, sub.StepIndex, translateSubmission(err))
	} else if n == 0 {
		return workshop.Errorf(workshop.ENOTFOUND, "Run %d has no group %d in formation %d.", sub.RunID, sub.Group, sub.Formation)
	}
	return nil
}

// translateSubmission reports a submission for a run that does not exist
// as ENOTFOUND rather than the foreign key's EINVALID.
func translateSubmission(err error) error {
	if e := pq.As(err); e != nil && e.Code == codeForeignKeyViolation {
		return fmt.Errorf("%w: %w", workshop.Errorf(workshop.ENOTFOUND, "No such workshop run."), err)
	}
	return translate(err, "submission")
}

// Submissions lists the run's deliverables in the order they were first
// handed in, each with its latest content and time.
func (s *RunStore) Submissions(ctx context.Context, runID int64) ([]workshop.Submission, error) {
	var rows []struct {
		StepIndex int       `db:"step_index"`
		Formation int       `db:"formation"`
		Group     int       `db:"number"`
		AuthorID  string    `db:"author_id"`
		Content   string    `db:"content"`
		At        time.Time `db:"updated_at"`
	}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT s.step_index, coalesce(g.formation, -1) AS formation, coalesce(g.number, 0) AS number,
		       s.author_id, s.content, s.updated_at
		FROM submissions s LEFT JOIN run_groups g ON g.group_id = s.group_id
		WHERE s.run_id = $1
		ORDER BY s.submission_id`, runID)
	if err != nil {
		return nil, fmt.Errorf("submissions of run %d: %w", runID, translate(err, "submission"))
	}
	out := make([]workshop.Submission, len(rows))
	for i, r := range rows {
		out[i] = workshop.Submission{
			RunID: runID, StepIndex: r.StepIndex, Formation: r.Formation, Group: r.Group,
			AuthorID: r.AuthorID, Content: r.Content, At: r.At.UTC(),
		}
	}
	return out, nil
}
