package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/roundtable-bot/roundtable/accountability"
)

// reminderLease is how long a claimed reminder stays with the process that
// claimed it: if that process dies before MarkReminded or Reschedule, the
// reminder comes due again after the lease.
const reminderLease = 5 * time.Minute

// ReminderStore keeps members' reminder settings and runs the reminder
// sweep's claims (see accountability.NextReminder for the cost model).
type ReminderStore struct {
	db  *sqlx.DB
	now func() time.Time
}

// NewReminderStore returns a store on d's pool.
func NewReminderStore(d *DB) *ReminderStore { return &ReminderStore{db: d.DB, now: d.Now} }

// ReminderKey identifies a member's reminder: one per member and guild.
type ReminderKey struct {
	GuildID string
	UserID  string
}

// ReminderSettings is what /remind sets.
type ReminderSettings struct {
	GuildID   string
	UserID    string
	ChannelID string // the accountability channel whose cadence the reminder follows; required when Enabled
	Enabled   bool
	At        accountability.LocalTime // in Zone
	Zone      *time.Location           // the member's zone; required when Enabled
}

// Reminder is a member's stored reminder.
type Reminder struct {
	ReminderSettings
	NextAt         time.Time           // zero when off
	LastRemindedOn accountability.Date // zero if never
}

// Set stores the member's reminder settings and schedules the next reminder
// from now with accountability.NextReminder under the channel's cadence
// (nothing is scheduled when Enabled is false). Call it again when the
// member's zone changes. It returns the stored reminder.
//
// Errors: EINVALID for a bad time or a missing channel or zone; ENOTFOUND
// when the channel is not an accountability channel of the guild;
// EUNAVAILABLE while Postgres restarts.
func (s *ReminderStore) Set(ctx context.Context, r ReminderSettings) (Reminder, error) {
	if err := r.At.Validate(); err != nil {
		return Reminder{}, err
	}
	if r.GuildID == "" || r.UserID == "" {
		return Reminder{}, accountability.Errorf(accountability.EINVALID, "Reminders only work inside a server.")
	}
	if r.Enabled && (r.ChannelID == "" || r.Zone == nil) {
		return Reminder{}, accountability.Errorf(accountability.EINVALID, "To get reminders, set your time zone and pick an accountability channel.")
	}
	now := s.now()
	var out Reminder
	err := acctTx(ctx, s.db, "reminder", func(tx *sqlx.Tx) error {
		var next sql.NullTime
		if r.Enabled {
			var cadence string
			err := tx.GetContext(ctx, &cadence, `SELECT cadence FROM accountability_channels WHERE guild_id = $1 AND channel_id = $2`, r.GuildID, r.ChannelID)
			if err == sql.ErrNoRows {
				return accountability.Errorf(accountability.ENOTFOUND, "That channel is not set up for check-ins: pick an accountability channel.")
			} else if err != nil {
				return err
			}
			next = sql.NullTime{Time: accountability.NextReminder(now, r.Zone, r.At, accountability.Cadence(cadence)), Valid: true}
			next.Valid = !next.Time.IsZero()
		}
		if err := ensureAcctMember(ctx, tx, r.GuildID, r.UserID); err != nil {
			return err
		}
		var zone sql.NullString
		if r.Zone != nil {
			zone = sql.NullString{String: r.Zone.String(), Valid: true}
		}
		var last acctDate
		err := tx.GetContext(ctx, &last, `
			INSERT INTO member_reminders (guild_id, user_id, enabled, remind_at, channel_id, time_zone, next_reminder_at, updated_at)
			VALUES ($1, $2, $3, $4::time, $5, $6, $7, $8)
			ON CONFLICT (guild_id, user_id) DO UPDATE SET
			    enabled = EXCLUDED.enabled, remind_at = EXCLUDED.remind_at,
			    channel_id = COALESCE(EXCLUDED.channel_id, member_reminders.channel_id),
			    time_zone = COALESCE(EXCLUDED.time_zone, member_reminders.time_zone),
			    next_reminder_at = EXCLUDED.next_reminder_at, claimed_due_at = NULL, updated_at = EXCLUDED.updated_at
			RETURNING last_reminded_on`,
			r.GuildID, r.UserID, r.Enabled, r.At.String(), acctNullText(r.ChannelID), zone, next, now)
		if err != nil {
			return err
		}
		out = Reminder{ReminderSettings: r, NextAt: acctUTC(next), LastRemindedOn: last.date()}
		return nil
	})
	if err != nil {
		return Reminder{}, fmt.Errorf("set reminder of %s: %w", r.UserID, err)
	}
	return out, nil
}

// reminderRow is member_reminders' shape, with the channel's cadence.
type reminderRow struct {
	GuildID        string         `db:"guild_id"`
	UserID         string         `db:"user_id"`
	ChannelID      sql.NullString `db:"channel_id"`
	Enabled        bool           `db:"enabled"`
	RemindAt       string         `db:"remind_at"`
	TimeZone       sql.NullString `db:"time_zone"`
	NextReminderAt sql.NullTime   `db:"next_reminder_at"`
	LastRemindedOn acctDate       `db:"last_reminded_on"`
}

// zone is the stored zone; a name the tz database no longer knows falls
// back to UTC, so one bad row cannot stall the sweep.
func acctZoneOrUTC(name sql.NullString) *time.Location {
	if loc, err := accountability.LoadZone(name.String); err == nil {
		return loc
	}
	return time.UTC
}

// Get returns the member's reminder.
//
// Errors: ENOTFOUND when the member never set one; EUNAVAILABLE while
// Postgres restarts.
func (s *ReminderStore) Get(ctx context.Context, key ReminderKey) (Reminder, error) {
	var r reminderRow
	err := s.db.GetContext(ctx, &r, `
		SELECT guild_id, user_id, channel_id, enabled, to_char(remind_at, 'HH24:MI') AS remind_at,
		       time_zone, next_reminder_at, last_reminded_on
		FROM member_reminders WHERE guild_id = $1 AND user_id = $2`, key.GuildID, key.UserID)
	if err != nil {
		return Reminder{}, fmt.Errorf("get reminder of %s: %w", key.UserID, translateAcct(err, "reminder"))
	}
	at, err := accountability.ParseLocalTime(r.RemindAt)
	if err != nil {
		return Reminder{}, fmt.Errorf("reminder of %s: stored time %q: %s", key.UserID, r.RemindAt, accountability.ErrorMessage(err))
	}
	var zone *time.Location
	if r.TimeZone.Valid {
		zone = acctZoneOrUTC(r.TimeZone)
	}
	return Reminder{
		ReminderSettings: ReminderSettings{GuildID: r.GuildID, UserID: r.UserID, ChannelID: r.ChannelID.String, Enabled: r.Enabled, At: at, Zone: zone},
		NextAt:           acctUTC(r.NextReminderAt),
		LastRemindedOn:   r.LastRemindedOn.date(),
	}, nil
}

// DueReminder is a reminder the sweep claimed: everything needed to decide
// with accountability.ShouldRemind and to schedule the next one.
type DueReminder struct {
	Key            ReminderKey
	ChannelID      string // where to mention the member when DMs are closed
	Zone           *time.Location
	At             accountability.LocalTime
	Cadence        accountability.Cadence // the channel's
	ChannelPaused  bool
	DueAt          time.Time           // the occurrence claimed: judge and chain from it, not from now
	LastRemindedOn accountability.Date // zero if never
	LastCheckin    accountability.Date // the latest check-in in ChannelID; zero if never
	Away           []accountability.AwayPeriod
}

// State is the reminder as accountability.ShouldRemind sees it; a paused
// channel sends no reminders.
func (d DueReminder) State() accountability.ReminderState {
	return accountability.ReminderState{
		Enabled: !d.ChannelPaused, LastRemindedDate: d.LastRemindedOn, LastCheckinDate: d.LastCheckin, Away: d.Away,
	}
}

// LocalDate is the member's date of the claimed occurrence: the day a
// reminder sent for it counts for.
func (d DueReminder) LocalDate() accountability.Date {
	return accountability.LocalDate(d.DueAt, d.Zone)
}

// Next is the occurrence after this one, chained from the due instant.
func (d DueReminder) Next() time.Time {
	return accountability.NextReminder(d.DueAt, d.Zone, d.At, d.Cadence)
}

// claimReminders pushes the due rows' next_reminder_at out by the lease,
// keeping the claimed occurrence in claimed_due_at (a reclaim after a lost
// lease keeps the original), in one statement: SKIP LOCKED lets concurrent
// sweeps split the due rows, and a row another sweep claimed and committed
// no longer matches next_reminder_at <= now when re-checked.
const claimReminders = `
	WITH due AS (
	    SELECT guild_id, user_id FROM member_reminders
	    WHERE next_reminder_at <= $1
	    ORDER BY next_reminder_at LIMIT $2
	    FOR UPDATE SKIP LOCKED
	)
	UPDATE member_reminders r
	SET claimed_due_at = COALESCE(r.claimed_due_at, r.next_reminder_at), next_reminder_at = $3
	FROM due, accountability_channels c
	WHERE r.guild_id = due.guild_id AND r.user_id = due.user_id AND c.channel_id = r.channel_id
	RETURNING r.guild_id, r.user_id, r.channel_id, r.time_zone, to_char(r.remind_at, 'HH24:MI') AS remind_at,
	    c.cadence, c.paused, r.claimed_due_at, r.last_reminded_on,
	    (SELECT max(k.local_date) FROM checkins k
	     WHERE k.channel_id = r.channel_id AND k.user_id = r.user_id) AS last_checkin`

// ClaimDue claims up to limit reminders due at now, earliest first, for this
// caller alone. For each: if ShouldRemind(d.State(), d.DueAt, d.Zone,
// d.Cadence) holds, call MarkReminded first and send only if it says so;
// otherwise call Reschedule. A claim neither marked nor rescheduled comes
// due again after five minutes. Call it until it returns fewer than limit.
//
// Errors: EUNAVAILABLE while Postgres restarts.
func (s *ReminderStore) ClaimDue(ctx context.Context, now time.Time, limit int) ([]DueReminder, error) {
	var rows []struct {
		GuildID        string         `db:"guild_id"`
		UserID         string         `db:"user_id"`
		ChannelID      string         `db:"channel_id"`
		TimeZone       sql.NullString `db:"time_zone"`
		RemindAt       string         `db:"remind_at"`
		Cadence        string         `db:"cadence"`
		Paused         bool           `db:"paused"`
		ClaimedDueAt   time.Time      `db:"claimed_due_at"`
		LastRemindedOn acctDate       `db:"last_reminded_on"`
		LastCheckin    acctDate       `db:"last_checkin"`
	}
	if err := s.db.SelectContext(ctx, &rows, claimReminders, now, limit, now.Add(reminderLease)); err != nil {
		return nil, fmt.Errorf("claim due reminders: %w", translateAcct(err, "reminder"))
	}
	if len(rows) == 0 {
		return nil, nil
	}
	out := make([]DueReminder, len(rows))
	index := make(map[ReminderKey]int, len(rows))
	guilds, users := make([]string, len(rows)), make([]string, len(rows))
	earliest := rows[0].ClaimedDueAt
	for i, r := range rows {
		at, err := accountability.ParseLocalTime(r.RemindAt)
		if err != nil {
			return nil, fmt.Errorf("reminder of %s: stored time %q: %s", r.UserID, r.RemindAt, accountability.ErrorMessage(err))
		}
		key := ReminderKey{GuildID: r.GuildID, UserID: r.UserID}
		out[i] = DueReminder{
			Key: key, ChannelID: r.ChannelID, Zone: acctZoneOrUTC(r.TimeZone), At: at,
			Cadence: accountability.Cadence(r.Cadence), ChannelPaused: r.Paused, DueAt: r.ClaimedDueAt.UTC(),
			LastRemindedOn: r.LastRemindedOn.date(), LastCheckin: r.LastCheckin.date(),
		}
		index[key] = i
		guilds[i], users[i] = r.GuildID, r.UserID
		earliest = earlierOf(earliest, r.ClaimedDueAt)
	}
	// Away periods still running on any claimed occurrence's local date:
	// every zone's date is within a day of the UTC date.
	var away []struct {
		GuildID string    `db:"guild_id"`
		UserID  string    `db:"user_id"`
		From    time.Time `db:"from_date"`
		Until   time.Time `db:"until_date"`
	}
	err := s.db.SelectContext(ctx, &away, `
		SELECT a.guild_id, a.user_id, a.from_date, a.until_date
		FROM unnest($1::text[], $2::text[]) AS k (guild_id, user_id)
		JOIN away_periods a ON a.guild_id = k.guild_id AND a.user_id = k.user_id AND a.until_date >= $3::date
		ORDER BY a.from_date`, pq.StringArray(guilds), pq.StringArray(users),
		accountability.LocalDate(earliest, time.UTC).AddDays(-1).String())
	if err != nil {
		return nil, fmt.Errorf("away periods of due reminders: %w", translateAcct(err, "away period"))
	}
	for _, a := range away {
		i := index[ReminderKey{GuildID: a.GuildID, UserID: a.UserID}]
		out[i].Away = append(out[i].Away, accountability.AwayPeriod{From: acctDateOf(a.From), Until: acctDateOf(a.Until)})
	}
	return out, nil
}

func earlierOf(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// MarkReminded records that the member is reminded for localDate (their
// date of the claimed occurrence, DueReminder.LocalDate) and schedules next.
// Call it before sending: marked is false, and nothing must be sent, when a
// reminder for that date or a later one was already recorded (by another
// process, or before a restart) or the member turned reminders off
// meanwhile. last_reminded_on only moves forward, so a member is never
// reminded twice on one day. next is ignored when the member changed their
// settings since the claim (Set already scheduled the next one).
//
// Errors: ENOTFOUND when the member has no reminder; EUNAVAILABLE while
// Postgres restarts.
func (s *ReminderStore) MarkReminded(ctx context.Context, key ReminderKey, localDate accountability.Date, next time.Time) (marked bool, err error) {
	if localDate.IsZero() {
		return false, accountability.Errorf(accountability.EINVALID, "A reminder needs the date it is for.")
	}
	err = s.db.GetContext(ctx, &marked, `
		WITH old AS (
		    SELECT guild_id, user_id, enabled AND (last_reminded_on IS NULL OR last_reminded_on < $3::date) AS fresh
		    FROM member_reminders WHERE guild_id = $1 AND user_id = $2
		    FOR UPDATE
		)
		UPDATE member_reminders r SET
		    last_reminded_on = CASE WHEN old.fresh THEN $3::date ELSE r.last_reminded_on END,
		    next_reminder_at = CASE WHEN r.claimed_due_at IS NOT NULL THEN $4 ELSE r.next_reminder_at END,
		    claimed_due_at = NULL
		FROM old WHERE r.guild_id = old.guild_id AND r.user_id = old.user_id
		RETURNING old.fresh`, key.GuildID, key.UserID, localDate.String(), acctTimeArg(next))
	if err != nil {
		return false, fmt.Errorf("mark %s reminded on %s: %w", key.UserID, localDate, translateAcct(err, "reminder"))
	}
	return marked, nil
}

// Reschedule ends a claim without a reminder (ShouldRemind said no, or the
// occurrence is too stale to send) and schedules next. next is ignored when
// the member changed their settings since the claim.
//
// Errors: ENOTFOUND when the member has no reminder; EUNAVAILABLE while
// Postgres restarts.
func (s *ReminderStore) Reschedule(ctx context.Context, key ReminderKey, next time.Time) error {
	res, err := s.db.ExecContext(ctx, `
		UPDATE member_reminders SET
		    next_reminder_at = CASE WHEN claimed_due_at IS NOT NULL THEN $3 ELSE next_reminder_at END,
		    claimed_due_at = NULL
		WHERE guild_id = $1 AND user_id = $2`, key.GuildID, key.UserID, acctTimeArg(next))
	if err == nil {
		err = acctMustAffect(res, "reminder")
	}
	if err != nil {
		return fmt.Errorf("reschedule reminder of %s: %w", key.UserID, translateAcct(err, "reminder"))
	}
	return nil
}

// rescheduleChannelReminders recomputes, from now, the next reminder of each
// member following channelID, whose cadence may just have changed. Claimed
// reminders are left to their sweep. One batched UPDATE, however many rows.
func rescheduleChannelReminders(ctx context.Context, tx *sqlx.Tx, channelID string, cadence accountability.Cadence, now time.Time) error {
	var rows []reminderRow
	if err := tx.SelectContext(ctx, &rows, `
		SELECT guild_id, user_id, channel_id, enabled, to_char(remind_at, 'HH24:MI') AS remind_at,
		       time_zone, next_reminder_at, last_reminded_on
		FROM member_reminders
		WHERE channel_id = $1 AND next_reminder_at IS NOT NULL AND claimed_due_at IS NULL
		FOR UPDATE`, channelID); err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	guilds, users, nexts := make([]string, len(rows)), make([]string, len(rows)), make([]string, len(rows))
	for i, r := range rows {
		at, err := accountability.ParseLocalTime(r.RemindAt)
		if err != nil {
			return fmt.Errorf("reminder of %s: stored time %q: %s", r.UserID, r.RemindAt, accountability.ErrorMessage(err))
		}
		guilds[i], users[i] = r.GuildID, r.UserID
		nexts[i] = accountability.NextReminder(now, acctZoneOrUTC(r.TimeZone), at, cadence).Format(time.RFC3339Nano)
	}
	_, err := tx.ExecContext(ctx, `
		UPDATE member_reminders r SET next_reminder_at = u.next
		FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS u (guild_id, user_id, next)
		WHERE r.guild_id = u.guild_id AND r.user_id = u.user_id`,
		pq.StringArray(guilds), pq.StringArray(users), pq.StringArray(nexts))
	return err
}
