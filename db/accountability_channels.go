package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/roundtable-bot/roundtable/accountability"
)

// promptLease is how long a process has to post a prompt it claimed before
// another process may post it instead: long enough for Discord's slowest
// answer plus rate-limit waits, short enough that a crash delays the prompt
// by minutes, not a day.
const promptLease = 2 * time.Minute

// stalePrompt is how late a prompt may still be posted: an hour late it still
// invites the day's check-ins; after a longer outage the missed ones are
// skipped rather than posted in a burst.
const stalePrompt = time.Hour

// AccountabilityChannelStore keeps accountability channels (their prompt
// schedule) and claims each channel's check-in prompt once per local date.
type AccountabilityChannelStore struct {
	db  *sqlx.DB
	now func() time.Time
	// get is Get's query, prepared: every check-in and command of the
	// feature looks its channel up first.
	get prepared
}

// NewAccountabilityChannelStore returns a store on d's pool.
func NewAccountabilityChannelStore(d *DB) *AccountabilityChannelStore {
	return &AccountabilityChannelStore{db: d.DB, now: d.Now,
		get: prepared{query: `SELECT ` + channelColumns + ` FROM accountability_channels WHERE guild_id = $1 AND channel_id = $2`}}
}

// channelRow is the accountability_channels table's shape.
type channelRow struct {
	ChannelID    string       `db:"channel_id"`
	GuildID      string       `db:"guild_id"`
	Cadence      string       `db:"cadence"`
	PostTime     string       `db:"post_time"`
	PostWeekday  int          `db:"post_weekday"`
	TimeZone     string       `db:"time_zone"`
	Paused       bool         `db:"paused"`
	NextPromptAt sql.NullTime `db:"next_prompt_at"`
}

const channelColumns = `channel_id, guild_id, cadence, to_char(post_time, 'HH24:MI') AS post_time, post_weekday, time_zone, paused, next_prompt_at`

// settings rebuilds the domain value. A row the domain no longer accepts (a
// zone dropped from the tz database) is an internal error, not a panic.
func (r channelRow) settings() (accountability.ChannelSettings, error) {
	zone, err := accountability.LoadZone(r.TimeZone)
	if err != nil {
		return accountability.ChannelSettings{}, fmt.Errorf("channel %s: stored zone %q: %s", r.ChannelID, r.TimeZone, accountability.ErrorMessage(err))
	}
	at, err := accountability.ParseLocalTime(r.PostTime)
	if err != nil {
		return accountability.ChannelSettings{}, fmt.Errorf("channel %s: stored post time %q: %s", r.ChannelID, r.PostTime, accountability.ErrorMessage(err))
	}
	return accountability.ChannelSettings{
		GuildID: r.GuildID, ChannelID: r.ChannelID, Cadence: accountability.Cadence(r.Cadence),
		PostTime: at, Zone: zone, WeeklyDay: time.Weekday(r.PostWeekday), Paused: r.Paused,
	}, nil
}

// nextPrompt is the channel's next prompt after after, or NULL when nothing
// is scheduled (paused).
func nextPrompt(after time.Time, s accountability.ChannelSettings) sql.NullTime {
	at, ok := accountability.NextPrompt(after, s)
	if !ok {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: at, Valid: true}
}

// Setup creates the channel's settings or replaces them (cadence, time,
// zone, weekly day, paused), schedules its next prompt, and reschedules the
// reminders of members who follow the channel, since their cadence may have
// changed. createdBy is kept from the first setup.
//
// Errors: EINVALID when s does not validate; ECONFLICT when the channel is
// already set up in another guild; EUNAVAILABLE while Postgres restarts.
func (st *AccountabilityChannelStore) Setup(ctx context.Context, s accountability.ChannelSettings, createdBy string) (accountability.ChannelSettings, error) {
	if err := s.Validate(); err != nil {
		return accountability.ChannelSettings{}, err
	}
	if createdBy == "" {
		return accountability.ChannelSettings{}, accountability.Errorf(accountability.EINVALID, "Setting up a channel needs the admin who did it.")
	}
	now := st.now()
	var row channelRow
	err := acctTx(ctx, st.db, "accountability channel", func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO guilds (guild_id) VALUES ($1) ON CONFLICT (guild_id) DO NOTHING`, s.GuildID); err != nil {
			return err
		}
		err := tx.GetContext(ctx, &row, `
			INSERT INTO accountability_channels
			    (channel_id, guild_id, cadence, post_time, post_weekday, time_zone, paused, created_by, next_prompt_at, created_at)
			VALUES ($1, $2, $3, $4::time, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (channel_id) DO UPDATE SET
			    cadence = EXCLUDED.cadence, post_time = EXCLUDED.post_time, post_weekday = EXCLUDED.post_weekday,
			    time_zone = EXCLUDED.time_zone, paused = EXCLUDED.paused, next_prompt_at = EXCLUDED.next_prompt_at
			WHERE accountability_channels.guild_id = EXCLUDED.guild_id
			RETURNING `+channelColumns,
			s.ChannelID, s.GuildID, string(s.Cadence), s.PostTime.String(), int(s.WeeklyDay), s.Zone.String(),
			s.Paused, createdBy, nextPrompt(now, s), now)
		if errors.Is(err, sql.ErrNoRows) {
			return accountability.Errorf(accountability.ECONFLICT, "That channel belongs to another server.")
		}
		if err != nil {
			return err
		}
		return rescheduleChannelReminders(ctx, tx, s.ChannelID, s.Cadence, now)
	})
	if err != nil {
		return accountability.ChannelSettings{}, fmt.Errorf("set up accountability channel %s: %w", s.ChannelID, err)
	}
	return row.settings()
}

// Get returns the channel's settings.
//
// Errors: ENOTFOUND when the channel is not an accountability channel of
// guildID; EUNAVAILABLE while Postgres restarts.
func (st *AccountabilityChannelStore) Get(ctx context.Context, guildID, channelID string) (accountability.ChannelSettings, error) {
	var row channelRow
	err := st.get.get(ctx, st.db, &row, guildID, channelID)
	if err != nil {
		return accountability.ChannelSettings{}, fmt.Errorf("get accountability channel %s: %w", channelID, translateAcct(err, "accountability channel"))
	}
	return row.settings()
}

// ListByGuild returns the guild's accountability channels by channel ID
// (none is an empty slice, not an error).
//
// Errors: EUNAVAILABLE while Postgres restarts.
func (st *AccountabilityChannelStore) ListByGuild(ctx context.Context, guildID string) ([]accountability.ChannelSettings, error) {
	var rows []channelRow
	if err := st.db.SelectContext(ctx, &rows, `SELECT `+channelColumns+` FROM accountability_channels WHERE guild_id = $1 ORDER BY channel_id`, guildID); err != nil {
		return nil, fmt.Errorf("list accountability channels of guild %s: %w", guildID, translateAcct(err, "accountability channel"))
	}
	return settingsOf(rows)
}

// ListAll returns every accountability channel of every guild by channel
// ID, paused ones included: the weekly digest sweep visits each.
//
// Errors: EUNAVAILABLE while Postgres restarts.
func (st *AccountabilityChannelStore) ListAll(ctx context.Context) ([]accountability.ChannelSettings, error) {
	var rows []channelRow
	if err := st.db.SelectContext(ctx, &rows, `SELECT `+channelColumns+` FROM accountability_channels ORDER BY channel_id`); err != nil {
		return nil, fmt.Errorf("list all accountability channels: %w", translateAcct(err, "accountability channel"))
	}
	return settingsOf(rows)
}

// settingsOf rebuilds the domain values of rows.
func settingsOf(rows []channelRow) ([]accountability.ChannelSettings, error) {
	out := make([]accountability.ChannelSettings, 0, len(rows))
	for _, r := range rows {
		s, err := r.settings()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// SetPaused pauses the channel's prompts (nothing is scheduled) or resumes
// them from now on, and returns the new settings.
//
// Errors: ENOTFOUND when the channel is not an accountability channel of
// guildID; EUNAVAILABLE while Postgres restarts.
func (st *AccountabilityChannelStore) SetPaused(ctx context.Context, guildID, channelID string, paused bool) (accountability.ChannelSettings, error) {
	var out accountability.ChannelSettings
	err := acctTx(ctx, st.db, "accountability channel", func(tx *sqlx.Tx) error {
		var row channelRow
		if err := tx.GetContext(ctx, &row, `SELECT `+channelColumns+` FROM accountability_channels WHERE guild_id = $1 AND channel_id = $2 FOR UPDATE`, guildID, channelID); err != nil {
			return err
		}
		s, err := row.settings()
		if err != nil {
			return err
		}
		s.Paused = paused
		if _, err := tx.ExecContext(ctx, `UPDATE accountability_channels SET paused = $2, next_prompt_at = $3 WHERE channel_id = $1`,
			channelID, paused, nextPrompt(st.now(), s)); err != nil {
			return err
		}
		out = s
		return nil
	})
	if err != nil {
		return accountability.ChannelSettings{}, fmt.Errorf("pause accountability channel %s (%t): %w", channelID, paused, err)
	}
	return out, nil
}

// Remove deletes the channel's settings and everything filed under it:
// check-ins, prompts, digests, and reminders that followed it.
//
// Errors: ENOTFOUND when the channel is not an accountability channel of
// guildID; EUNAVAILABLE while Postgres restarts.
func (st *AccountabilityChannelStore) Remove(ctx context.Context, guildID, channelID string) error {
	res, err := st.db.ExecContext(ctx, `DELETE FROM accountability_channels WHERE guild_id = $1 AND channel_id = $2`, guildID, channelID)
	if err == nil {
		err = acctMustAffect(res, "accountability channel")
	}
	if err != nil {
		return fmt.Errorf("remove accountability channel %s: %w", channelID, translateAcct(err, "accountability channel"))
	}
	return nil
}
