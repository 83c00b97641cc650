package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/roundtable-bot/roundtable/accountability"
)

// SupportStore keeps each guild's support channel and its support threads.
type SupportStore struct {
	db  *sqlx.DB
	now func() time.Time
}

// NewSupportStore returns a store on d's pool.
func NewSupportStore(d *DB) *SupportStore { return &SupportStore{db: d.DB, now: d.Now} }

// SetSettings makes channelID the guild's support channel (replacing any
// other) with the given nudge delay, counted in whole seconds.
//
// Errors: EINVALID for a missing channel or a delay under a second;
// ECONFLICT when the channel is another guild's support channel;
// EUNAVAILABLE while Postgres restarts.
func (s *SupportStore) SetSettings(ctx context.Context, st accountability.SupportSettings) (accountability.SupportSettings, error) {
	if st.GuildID == "" || st.ChannelID == "" {
		return accountability.SupportSettings{}, accountability.Errorf(accountability.EINVALID, "Please choose the support channel.")
	}
	secs := int64(st.NudgeAfter / time.Second)
	if secs < 1 {
		return accountability.SupportSettings{}, accountability.Errorf(accountability.EINVALID, "The nudge delay must be positive, for example 24 hours.")
	}
	var out accountability.SupportSettings
	err := acctTx(ctx, s.db, "support channel", func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO guilds (guild_id) VALUES ($1) ON CONFLICT (guild_id) DO NOTHING`, st.GuildID); err != nil {
			return err
		}
		return s.scanSettings(tx.QueryRowxContext(ctx, `
			INSERT INTO support_settings (guild_id, channel_id, nudge_after, updated_at)
			VALUES ($1, $2, make_interval(secs => $3), $4)
			ON CONFLICT (guild_id) DO UPDATE SET
			    channel_id = EXCLUDED.channel_id, nudge_after = EXCLUDED.nudge_after, updated_at = EXCLUDED.updated_at
			RETURNING guild_id, channel_id, extract(epoch FROM nudge_after)::bigint`,
			st.GuildID, st.ChannelID, secs, s.now()), &out)
	})
	if err != nil {
		return accountability.SupportSettings{}, fmt.Errorf("set support channel of guild %s: %w", st.GuildID, err)
	}
	return out, nil
}

// Settings returns the guild's support channel.
//
// Errors: ENOTFOUND when the guild has none; EUNAVAILABLE while Postgres
// restarts.
func (s *SupportStore) Settings(ctx context.Context, guildID string) (accountability.SupportSettings, error) {
	var out accountability.SupportSettings
	err := s.scanSettings(s.db.QueryRowxContext(ctx, `
		SELECT guild_id, channel_id, extract(epoch FROM nudge_after)::bigint FROM support_settings WHERE guild_id = $1`, guildID), &out)
	if err != nil {
		return accountability.SupportSettings{}, fmt.Errorf("support channel of guild %s: %w", guildID, translateAcct(err, "support channel"))
	}
	return out, nil
}

func (s *SupportStore) scanSettings(row *sqlx.Row, out *accountability.SupportSettings) error {
	var secs int64
	if err := row.Scan(&out.GuildID, &out.ChannelID, &secs); err != nil {
		return err
	}
	out.NudgeAfter = time.Duration(secs) * time.Second
	return nil
}

// threadRow is the support_threads table's shape.
type threadRow struct {
	ThreadID      string         `db:"thread_id"`
	GuildID       string         `db:"guild_id"`
	ChannelID     string         `db:"channel_id"`
	AskerID       string         `db:"asker_id"`
	Topic         string         `db:"topic"`
	Details       string         `db:"details"`
	State         string         `db:"state"`
	CreatedAt     time.Time      `db:"created_at"`
	FirstAnswerAt sql.NullTime   `db:"first_answer_at"`
	FirstAnswerBy sql.NullString `db:"first_answer_by"`
	ResolvedAt    sql.NullTime   `db:"resolved_at"`
	ResolvedBy    sql.NullString `db:"resolved_by"`
	HelperID      sql.NullString `db:"helper_id"`
	NudgedAt      sql.NullTime   `db:"nudged_at"`
}

const threadColumns = `thread_id, guild_id, channel_id, asker_id, topic, details, state, created_at,
	first_answer_at, first_answer_by, resolved_at, resolved_by, helper_id, nudged_at`

func (r threadRow) thread() accountability.Thread {
	return accountability.Thread{
		GuildID: r.GuildID, ThreadID: r.ThreadID, ChannelID: r.ChannelID, AskerID: r.AskerID,
		Topic: r.Topic, Details: r.Details, State: accountability.ThreadState(r.State), CreatedAt: r.CreatedAt.UTC(),
		FirstAnswerAt: acctUTC(r.FirstAnswerAt), FirstAnswerBy: r.FirstAnswerBy.String,
		ResolvedAt: acctUTC(r.ResolvedAt), ResolvedBy: r.ResolvedBy.String,
		HelperID: r.HelperID.String, NudgedAt: acctUTC(r.NudgedAt),
	}
}

func threadsOf(rows []threadRow) []accountability.Thread {
	out := make([]accountability.Thread, len(rows))
	for i, r := range rows {
		out[i] = r.thread()
	}
	return out
}

// Create stores a new thread made by accountability.NewThread, once the
// Discord thread exists (t.ThreadID is its ID).
//
// Errors: EINVALID when the thread has no ID or breaks the schema's rules;
// ECONFLICT when that thread is already stored; EUNAVAILABLE while Postgres
// restarts.
func (s *SupportStore) Create(ctx context.Context, t accountability.Thread) error {
	if t.ThreadID == "" {
		return accountability.Errorf(accountability.EINVALID, "A support question needs its thread.")
	}
	err := acctTx(ctx, s.db, "support thread", func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO guilds (guild_id) VALUES ($1) ON CONFLICT (guild_id) DO NOTHING`, t.GuildID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO support_threads (thread_id, guild_id, channel_id, asker_id, topic, details, state, created_at,
			    first_answer_at, first_answer_by, resolved_at, resolved_by, helper_id, nudged_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			t.ThreadID, t.GuildID, t.ChannelID, t.AskerID, t.Topic, t.Details, string(t.State), t.CreatedAt.UTC(),
			acctTimeArg(t.FirstAnswerAt), acctNullText(t.FirstAnswerBy), acctTimeArg(t.ResolvedAt), acctNullText(t.ResolvedBy),
			acctNullText(t.HelperID), acctTimeArg(t.NudgedAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("create support thread %s: %w", t.ThreadID, err)
	}
	return nil
}

// GetByThreadID returns the support thread held by the Discord thread.
//
// Errors: ENOTFOUND when that thread is not a support question;
// EUNAVAILABLE while Postgres restarts.
func (s *SupportStore) GetByThreadID(ctx context.Context, threadID string) (accountability.Thread, error) {
	var r threadRow
	if err := s.db.GetContext(ctx, &r, `SELECT `+threadColumns+` FROM support_threads WHERE thread_id = $1`, threadID); err != nil {
		return accountability.Thread{}, fmt.Errorf("get support thread %s: %w", threadID, translateAcct(err, "support thread"))
	}
	return r.thread(), nil
}

// Save writes the thread's state as the domain last decided it (answered,
// resolved, nudged). Prefer Update when the change depends on the stored
// state, as two members replying at once would otherwise race.
//
// Errors: ENOTFOUND when the thread is not stored; EINVALID when the state
// breaks the schema's rules; EUNAVAILABLE while Postgres restarts.
func (s *SupportStore) Save(ctx context.Context, t accountability.Thread) error {
	if err := saveThread(ctx, s.db, t); err != nil {
		return fmt.Errorf("save support thread %s: %w", t.ThreadID, translateAcct(err, "support thread"))
	}
	return nil
}

func saveThread(ctx context.Context, q sqlx.ExecerContext, t accountability.Thread) error {
	res, err := q.ExecContext(ctx, `
		UPDATE support_threads SET state = $2, first_answer_at = $3, first_answer_by = $4,
		    resolved_at = $5, resolved_by = $6, helper_id = $7, nudged_at = $8
		WHERE thread_id = $1`,
		t.ThreadID, string(t.State), acctTimeArg(t.FirstAnswerAt), acctNullText(t.FirstAnswerBy),
		acctTimeArg(t.ResolvedAt), acctNullText(t.ResolvedBy), acctNullText(t.HelperID), acctTimeArg(t.NudgedAt))
	if err != nil {
		return err
	}
	return acctMustAffect(res, "support thread")
}

// Update loads the thread under a row lock, lets change apply a domain
// transition (Thread.ObserveMessage, Thread.Resolve), and saves the result
// if change returns nil and changed is true, all in one transaction: two
// replies racing see each other, so the first answer is the first one.
// It returns the thread as stored afterwards.
//
// Errors: ENOTFOUND when the thread is not stored; whatever change returns
// (e.g. EFORBIDDEN, ECONFLICT from Resolve); EUNAVAILABLE while Postgres
// restarts.
func (s *SupportStore) Update(ctx context.Context, threadID string, change func(t *accountability.Thread) (changed bool, err error)) (accountability.Thread, error) {
	var out accountability.Thread
	err := acctTx(ctx, s.db, "support thread", func(tx *sqlx.Tx) error {
		var r threadRow
		if err := tx.GetContext(ctx, &r, `SELECT `+threadColumns+` FROM support_threads WHERE thread_id = $1 FOR UPDATE`, threadID); err != nil {
			return err
		}
		t := r.thread()
		changed, err := change(&t)
		if err != nil {
			return err
		}
		if changed {
			if err := saveThread(ctx, tx, t); err != nil {
				return err
			}
		}
		out = t
		return nil
	})
	if err != nil {
		return accountability.Thread{}, fmt.Errorf("update support thread %s: %w", threadID, err)
	}
	return out, nil
}

// DueNudges claims the open, unanswered, never-nudged threads whose guild's
// nudge delay has passed at now, marking them nudged at now in the same
// statement: each thread is returned to exactly one caller, once ever,
// however many processes sweep. The caller then posts the nudge.
//
// Errors: EUNAVAILABLE while Postgres restarts.
func (s *SupportStore) DueNudges(ctx context.Context, now time.Time) ([]accountability.Thread, error) {
	var rows []threadRow
	err := s.db.SelectContext(ctx, &rows, `
		UPDATE support_threads t SET nudged_at = $1
		FROM support_settings st
		WHERE st.guild_id = t.guild_id AND t.state = 'open' AND t.first_answer_at IS NULL
		  AND t.nudged_at IS NULL AND t.created_at + st.nudge_after <= $1
		RETURNING `+acctPrefixed("t.", threadColumns), now.UTC())
	if err != nil {
		return nil, fmt.Errorf("claim due support nudges: %w", translateAcct(err, "support thread"))
	}
	return threadsOf(rows), nil
}

// ListForStats returns what accountability.Stats needs: the guild's threads
// still unresolved, and those asked, answered or resolved since since (the
// start of the month shown).
//
// Errors: EUNAVAILABLE while Postgres restarts.
func (s *SupportStore) ListForStats(ctx context.Context, guildID string, since time.Time) ([]accountability.Thread, error) {
	var rows []threadRow
	err := s.db.SelectContext(ctx, &rows, `
		SELECT `+threadColumns+` FROM support_threads
		WHERE guild_id = $1 AND (state <> 'resolved' OR created_at >= $2 OR first_answer_at >= $2 OR resolved_at >= $2)
		ORDER BY created_at, thread_id`, guildID, since.UTC())
	if err != nil {
		return nil, fmt.Errorf("support threads of guild %s for stats: %w", guildID, translateAcct(err, "support thread"))
	}
	return threadsOf(rows), nil
}

// Export returns the guild's threads asked since since (the zero time means
// all), oldest first, as exported rows.
//
// Errors: EUNAVAILABLE while Postgres restarts.
func (s *SupportStore) Export(ctx context.Context, guildID string, since time.Time) ([]accountability.SupportRecord, error) {
	var rows []threadRow
	err := s.db.SelectContext(ctx, &rows, `
		SELECT `+threadColumns+` FROM support_threads
		WHERE guild_id = $1 AND ($2::timestamptz IS NULL OR created_at >= $2)
		ORDER BY created_at, thread_id`, guildID, acctTimeArg(since))
	if err != nil {
		return nil, fmt.Errorf("export support threads of guild %s: %w", guildID, translateAcct(err, "support thread"))
	}
	out := make([]accountability.SupportRecord, len(rows))
	for i, r := range rows {
		out[i] = accountability.SupportRecordOf(r.thread())
	}
	return out, nil
}
