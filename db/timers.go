package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roundtable-bot/roundtable/workshop"
)

// Timer is a durable deadline: when DueAt passes, a TimerWorker hands it to
// its handler. Key is the caller's idempotency key; timers of one run share a
// key prefix (e.g. "run:42:") so the run's deadlines can be shifted, paused,
// resumed or cancelled together. End prefixes with a separator: "run:4"
// also matches "run:42:...".
type Timer struct {
	ID      int64
	Key     string
	Kind    string // tells the handler what to do, e.g. "step_end"
	GuildID string
	// Payload is any JSON value (nil is stored as null). Postgres keeps it as
	// jsonb, so what comes back is equivalent JSON, not the same bytes.
	Payload json.RawMessage
	// DueAt is when the timer fires; zero while the timer is paused.
	DueAt time.Time
	// Remaining is the time that was left when the timer was paused; zero
	// for a running timer. Resume turns it back into a DueAt.
	Remaining time.Duration
	// Attempts counts handler failures so far; LastError is the latest one.
	Attempts  int
	LastError string
}

// Validate reports what is wrong with a timer before it reaches Postgres.
func (t Timer) Validate() error {
	switch {
	case t.Key == "":
		return workshop.Errorf(workshop.EINVALID, "A timer needs a key.")
	case t.Kind == "":
		return workshop.Errorf(workshop.EINVALID, "Timer %q needs a kind.", t.Key)
	case t.DueAt.IsZero():
		return workshop.Errorf(workshop.EINVALID, "Timer %q needs a due time.", t.Key)
	case len(t.Payload) > 0 && !json.Valid(t.Payload):
		return workshop.Errorf(workshop.EINVALID, "Timer %q has a payload that is not valid JSON.", t.Key)
	}
	return nil
}

// TimerStore schedules and changes durable timers. Its methods run on the
// connection pool, or inside a caller's transaction via WithTx so a domain
// change and its timers commit or roll back together.
//
// Errors are *workshop.Error codes (wrapped with context): EINVALID for bad
// input, ENOTFOUND where a single key must exist, EUNAVAILABLE when Postgres
// cannot be reached; anything else is internal.
type TimerStore struct {
	q sqlx.ExtContext
}

// NewTimerStore returns a store that runs each call on d's connection pool.
func NewTimerStore(d *DB) *TimerStore {
	return &TimerStore{q: d.DB}
}

// WithTx returns a store whose calls run inside tx (a *sqlx.Tx, or anything
// else that executes queries), so a timer is scheduled, moved or cancelled
// only if the caller's transaction commits:
//
//	tx, _ := d.BeginTxx(ctx, nil)
//	... update the run ...
//	timers.WithTx(tx).Schedule(ctx, db.Timer{...})
//	tx.Commit()
func (s *TimerStore) WithTx(tx sqlx.ExtContext) *TimerStore {
	return &TimerStore{q: tx}
}

// Schedule creates the timer, or, when a timer with the same Key exists,
// replaces its kind, guild, payload and due time (and unpauses it, and
// clears its failure count) instead of making a twin: scheduling is
// idempotent by key. A timer replaced while its handler runs is kept and
// fires again at its new time. Errors: EINVALID (see Timer.Validate),
// EUNAVAILABLE.
func (s *TimerStore) Schedule(ctx context.Context, t Timer) error {
	if err := t.Validate(); err != nil {
		return err
	}
	payload := "null"
	if len(t.Payload) > 0 {
		payload = string(t.Payload)
	}
	_, err := s.q.ExecContext(ctx, `
		INSERT INTO timers (key, kind, guild_id, payload, due_at)
		VALUES ($1, $2, $3, $4::jsonb, $5)
		ON CONFLICT (key) DO UPDATE SET
			kind = EXCLUDED.kind,
			guild_id = EXCLUDED.guild_id,
			payload = EXCLUDED.payload,
			due_at = EXCLUDED.due_at,
			paused_remaining = NULL,
			attempts = 0,
			last_error = '',
			version = timers.version + 1`,
		t.Key, t.Kind, t.GuildID, payload, t.DueAt.UTC())
	if err != nil {
		return fmt.Errorf("schedule timer %q: %w", t.Key, translate(err, "timer"))
	}
	return nil
}

// Cancel deletes the timer with key. Errors: ENOTFOUND when there is no such
// timer (it already fired or was cancelled), EUNAVAILABLE.
func (s *TimerStore) Cancel(ctx context.Context, key string) error {
	res, err := s.q.ExecContext(ctx, `DELETE FROM timers WHERE key = $1`, key)
	if err := oneRowChanged(res, err); err != nil {
		return fmt.Errorf("cancel timer %q: %w", key, err)
	}
	return nil
}

// CancelPrefix deletes every timer whose key starts with keyPrefix (all the
// timers of a run) and returns how many there were. Errors: EINVALID for an
// empty prefix (it would cancel everything), EUNAVAILABLE.
func (s *TimerStore) CancelPrefix(ctx context.Context, keyPrefix string) (int, error) {
	n, err := s.execPrefix(ctx, keyPrefix, `DELETE FROM timers WHERE starts_with(key, $1)`)
	if err != nil {
		return 0, fmt.Errorf("cancel timers %q*: %w", keyPrefix, err)
	}
	return n, nil
}

// Reschedule moves the timer with key to dueAt; a paused timer is unpaused.
// A timer rescheduled while its handler runs is kept and fires again at
// dueAt. Errors: EINVALID for a zero dueAt, ENOTFOUND when there is no such
// timer, EUNAVAILABLE.
func (s *TimerStore) Reschedule(ctx context.Context, key string, dueAt time.Time) error {
	if dueAt.IsZero() {
		return workshop.Errorf(workshop.EINVALID, "Timer %q needs a due time.", key)
	}
	res, err := s.q.ExecContext(ctx, `
		UPDATE timers
		SET due_at = $2, paused_remaining = NULL, version = version + 1
		WHERE key = $1`, key, dueAt.UTC())
	if err := oneRowChanged(res, err); err != nil {
		return fmt.Errorf("reschedule timer %q: %w", key, err)
	}
	return nil
}

// Shift moves every pending deadline under keyPrefix by delta (extending a
// run moves all its later steps) and returns how many timers moved. Paused
// timers get delta added to their remaining time (never below zero). A
// negative delta may make a timer due at once. Errors: EINVALID for an empty
// prefix, EUNAVAILABLE.
func (s *TimerStore) Shift(ctx context.Context, keyPrefix string, delta time.Duration) (int, error) {
	n, err := s.execPrefix(ctx, keyPrefix, `
		UPDATE timers SET
			due_at = due_at + $2::bigint * interval '1 microsecond',
			paused_remaining = CASE WHEN paused_remaining IS NULL THEN NULL
				ELSE greatest(paused_remaining + $2::bigint * interval '1 microsecond', interval '0')
			END
		WHERE starts_with(key, $1)`, delta.Microseconds())
	if err != nil {
		return 0, fmt.Errorf("shift timers %q* by %s: %w", keyPrefix, delta, err)
	}
	return n, nil
}

// Pause stops the clock of every running timer under keyPrefix: each keeps
// the time it had left at now (zero if already due) and stops being due.
// It returns how many timers were paused; already paused ones are left
// alone. Errors: EINVALID for an empty prefix, EUNAVAILABLE.
func (s *TimerStore) Pause(ctx context.Context, keyPrefix string, now time.Time) (int, error) {
	// The remaining time is stored as plain seconds: a difference of two
	// timestamptz values is counted in days, which would stretch or shrink
	// across a daylight-saving change when added back.
	n, err := s.execPrefix(ctx, keyPrefix, `
		UPDATE timers SET
			paused_remaining = greatest(extract(epoch FROM due_at - $2::timestamptz), 0) * interval '1 second',
			due_at = NULL
		WHERE starts_with(key, $1) AND due_at IS NOT NULL`, now.UTC())
	if err != nil {
		return 0, fmt.Errorf("pause timers %q*: %w", keyPrefix, err)
	}
	return n, nil
}

// Resume restarts every paused timer under keyPrefix: each becomes due at
// now plus the time it had left. It returns how many timers were resumed.
// Errors: EINVALID for an empty prefix, EUNAVAILABLE.
func (s *TimerStore) Resume(ctx context.Context, keyPrefix string, now time.Time) (int, error) {
	n, err := s.execPrefix(ctx, keyPrefix, `
		UPDATE timers SET due_at = $2::timestamptz + paused_remaining, paused_remaining = NULL
		WHERE starts_with(key, $1) AND paused_remaining IS NOT NULL`, now.UTC())
	if err != nil {
		return 0, fmt.Errorf("resume timers %q*: %w", keyPrefix, err)
	}
	return n, nil
}

// Get returns the timer with key. Errors: ENOTFOUND, EUNAVAILABLE.
func (s *TimerStore) Get(ctx context.Context, key string) (Timer, error) {
	var row timerRow
	err := sqlx.GetContext(ctx, s.q, &row, `SELECT `+timerColumns+` FROM timers WHERE key = $1`, key)
	if errors.Is(err, sql.ErrNoRows) {
		return Timer{}, workshop.Errorf(workshop.ENOTFOUND, "There is no timer %q.", key)
	} else if err != nil {
		return Timer{}, fmt.Errorf("get timer %q: %w", key, translate(err, "timer"))
	}
	return row.timer(), nil
}

// List returns the timers whose key starts with keyPrefix ("" lists all),
// soonest first, paused ones last. Errors: EUNAVAILABLE.
func (s *TimerStore) List(ctx context.Context, keyPrefix string) ([]Timer, error) {
	var rows []timerRow
	err := sqlx.SelectContext(ctx, s.q, &rows, `
		SELECT `+timerColumns+` FROM timers
		WHERE starts_with(key, $1)
		ORDER BY due_at NULLS LAST, key`, keyPrefix)
	if err != nil {
		return nil, fmt.Errorf("list timers %q*: %w", keyPrefix, translate(err, "timer"))
	}
	timers := make([]Timer, len(rows))
	for i, r := range rows {
		timers[i] = r.timer()
	}
	return timers, nil
}

func (s *TimerStore) execPrefix(ctx context.Context, keyPrefix, query string, args ...any) (int, error) {
	if keyPrefix == "" {
		return 0, workshop.Errorf(workshop.EINVALID, "A timer key prefix must not be empty.")
	}
	res, err := s.q.ExecContext(ctx, query, append([]any{keyPrefix}, args...)...)
	if err != nil {
		return 0, translate(err, "timer")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, translate(err, "timer")
	}
	return int(n), nil
}

// oneRowChanged turns "no row matched the key" into ENOTFOUND.
func oneRowChanged(res sql.Result, err error) error {
	if err != nil {
		return translate(err, "timer")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return translate(err, "timer")
	}
	if n == 0 {
		return workshop.Errorf(workshop.ENOTFOUND, "There is no such timer.")
	}
	return nil
}

// timerColumns are the columns timerRow scans.
const timerColumns = `id, key, kind, guild_id, payload, due_at,
	coalesce((extract(epoch FROM paused_remaining) * 1000000)::bigint, 0) AS remaining_us,
	attempts, last_error`

type timerRow struct {
	ID          int64        `db:"id"`
	Key         string       `db:"key"`
	Kind        string       `db:"kind"`
	GuildID     string       `db:"guild_id"`
	Payload     []byte       `db:"payload"`
	DueAt       sql.NullTime `db:"due_at"`
	RemainingUS int64        `db:"remaining_us"`
	Attempts    int          `db:"attempts"`
	LastError   string       `db:"last_error"`
}

func (r timerRow) timer() Timer {
	t := Timer{
		ID:        r.ID,
		Key:       r.Key,
		Kind:      r.Kind,
		GuildID:   r.GuildID,
		Payload:   json.RawMessage(r.Payload),
		Remaining: time.Duration(r.RemainingUS) * time.Microsecond,
		Attempts:  r.Attempts,
		LastError: r.LastError,
	}
	if r.DueAt.Valid {
		t.DueAt = r.DueAt.Time.UTC()
	}
	return t
}
