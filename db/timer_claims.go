package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// timerClaims are the statements a running TimerWorker uses to claim timers
// and settle them. They are prepared once per Run: the hot path (claim, then
// delete) then skips parsing and planning and takes one round trip each.
// database/sql prepares them again on new connections, so they outlive a
// Postgres restart.
type timerClaims struct {
	claim, nextDue, complete, release, retry *sqlx.Stmt
}

// nextDueSQL finds when the next timer can be claimed after $1 (now): the
// earliest future due time of an unclaimed timer, or the earliest future
// end of a lease. Due rows that a claim skipped because another transaction
// had them locked are left out on purpose: counting them would make the
// worker spin until that transaction ends; their commit notifies, and the
// poll is the safety net.
const nextDueSQL = `least(
	(SELECT min(due_at) FROM timers WHERE due_at > $1 AND claim IS NULL),
	(SELECT min(claimed_until) FROM timers WHERE claimed_until > $1 AND due_at IS NOT NULL))`

// claimSQL leases up to $2 timers due at $1 to claim token $3 until $4.
// FOR UPDATE SKIP LOCKED makes concurrent claims exclusive without waiting
// on each other. The next due time rides along in RETURNING to save a round
// trip; its subqueries see the table as it was before this UPDATE, which is
// right: the rows being claimed are due by now, so they are not "next".
const claimSQL = `
	WITH due AS (
		SELECT id AS due_id FROM timers
		WHERE due_at <= $1 AND (claim IS NULL OR claimed_until <= $1)
		ORDER BY due_at
		LIMIT $2
		FOR UPDATE SKIP LOCKED
	)
	UPDATE timers SET claim = $3, claimed_until = $4
	WHERE id = ANY(ARRAY(SELECT due_id FROM due))
	RETURNING version, ` + nextDueSQL + ` AS next_due, ` + timerColumns

// completeSQL deletes a fired timer only if this claim still holds it and
// nobody re-armed it (Schedule, Reschedule) while the handler ran.
const completeSQL = `DELETE FROM timers WHERE id = $1 AND claim = $2 AND version = $3`

// releaseSQL gives a lease back without touching the schedule.
const releaseSQL = `UPDATE timers SET claim = NULL, claimed_until = NULL WHERE id = $1 AND claim = $2`

// retrySQL records failure $4 and makes the timer due at $5, or, if it was
// paused while the handler ran, gives it $6 microseconds of remaining time.
// A timer re-armed meanwhile (version moved on) keeps its new schedule and
// its fresh failure count.
const retrySQL = `
	UPDATE timers SET
		attempts = CASE WHEN version = $3 THEN attempts + 1 ELSE attempts END,
		last_error = CASE WHEN version = $3 THEN $4 ELSE last_error END,
		due_at = CASE WHEN version = $3 AND due_at IS NOT NULL THEN $5 ELSE due_at END,
		paused_remaining = CASE WHEN version = $3 AND due_at IS NULL
			THEN $6::bigint * interval '1 microsecond' ELSE paused_remaining END,
		claim = NULL,
		claimed_until = NULL
	WHERE id = $1 AND claim = $2`

func prepareTimerClaims(ctx context.Context, d *DB) (*timerClaims, error) {
	q := &timerClaims{}
	for _, s := range []struct {
		stmt  **sqlx.Stmt
		query string
	}{
		{&q.claim, claimSQL},
		{&q.nextDue, `SELECT ` + nextDueSQL},
		{&q.complete, completeSQL},
		{&q.release, releaseSQL},
		{&q.retry, retrySQL},
	} {
		stmt, err := d.PreparexContext(ctx, s.query)
		if err != nil {
			q.close()
			return nil, fmt.Errorf("prepare timer statements: %w", translate(err, "timer"))
		}
		*s.stmt = stmt
	}
	return q, nil
}

func (q *timerClaims) close() {
	for _, stmt := range []*sqlx.Stmt{q.claim, q.nextDue, q.complete, q.release, q.retry} {
		if stmt != nil {
			_ = stmt.Close() // only frees server-side statements
		}
	}
}

// claimedTimer is a timer a worker holds a lease on.
type claimedTimer struct {
	Timer
	claim   string
	version int64
	expires time.Time // on this process's monotonic clock
}

// claimDue leases up to limit timers due at now to token until leaseEnd. It
// also returns when the next timer can be claimed (zero if none is
// pending).
func (q *timerClaims) claimDue(ctx context.Context, now time.Time, limit int, token string, leaseEnd, expires time.Time) ([]claimedTimer, time.Time, error) {
	rows, err := q.claim.QueryxContext(ctx, now.UTC(), limit, token, leaseEnd.UTC())
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("claim due timers: %w", translate(err, "timer"))
	}
	defer rows.Close()
	var claimed []claimedTimer
	var next time.Time
	for rows.Next() {
		var r struct {
			Version int64        `db:"version"`
			NextDue sql.NullTime `db:"next_due"`
			timerRow
		}
		if err := rows.StructScan(&r); err != nil {
			return claimed, time.Time{}, fmt.Errorf("claim due timers: %w", translate(err, "timer"))
		}
		next = r.NextDue.Time
		claimed = append(claimed, claimedTimer{Timer: r.timer(), claim: token, version: r.Version, expires: expires})
	}
	if err := rows.Err(); err != nil {
		// Timers whose claim committed but never reached us fire when
		// their lease runs out.
		return claimed, time.Time{}, fmt.Errorf("claim due timers: %w", translate(err, "timer"))
	}
	if len(claimed) > 0 {
		return claimed, next, nil
	}
	var nextDue sql.NullTime
	if err := q.nextDue.GetContext(ctx, &nextDue, now.UTC()); err != nil {
		return nil, time.Time{}, fmt.Errorf("find next due timer: %w", translate(err, "timer"))
	}
	return nil, nextDue.Time, nil
}

// completeFired deletes a fired timer, unless it was re-armed while its
// handler ran: then it only gives the lease back and the timer fires again
// at its new time.
func (q *timerClaims) completeFired(ctx context.Context, c claimedTimer) error {
	res, err := q.complete.ExecContext(ctx, c.ID, c.claim, c.version)
	if err != nil {
		return translate(err, "timer")
	}
	if n, err := res.RowsAffected(); err != nil {
		return translate(err, "timer")
	} else if n == 1 {
		return nil
	}
	return q.releaseClaim(ctx, c)
}

// releaseClaim gives the lease back without touching the schedule.
func (q *timerClaims) releaseClaim(ctx context.Context, c claimedTimer) error {
	_, err := q.release.ExecContext(ctx, c.ID, c.claim)
	return translate(err, "timer")
}

// retryLater records a failure and makes the timer due again at dueAt (or,
// if it was paused meanwhile, gives it backoff as its remaining time).
func (q *timerClaims) retryLater(ctx context.Context, c claimedTimer, failure error, dueAt time.Time, backoff time.Duration) error {
	_, err := q.retry.ExecContext(ctx, c.ID, c.claim, c.version, failure.Error(), dueAt.UTC(), backoff.Microseconds())
	return translate(err, "timer")
}
