package db

import (
	"context"
	"database/sql"
	"errors"
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

// Set stores the member's reminder settings and schedules the next reminder
// from now with accountability.NextReminder under the channel's cadence
// (nothing is scheduled when Enabled is false). It returns the reminder as
// stored: a channel or zone left empty keeps the one stored before.
//
// Errors: EINVALID for a bad time or, when enabled, a missing channel or
// zone; ENOTFOUND when the channel is not an accountability channel of the
// guild; EUNAVAILABLE while Postgres restarts.
func (s *ReminderStore) Set(ctx context.Context, r accountability.ReminderSettings) (accountability.Reminder, error) {
	if err := validateReminder(r); err != nil {
		return accountability.Reminder{}, err // bad input is the member's to fix, even while Postgres restarts
	}
	var out accountability.Reminder
	err := acctTx(ctx, s.db, "reminder", func(tx *sqlx.Tx) (err error) {
		out, err = storeReminder(ctx, tx, r, s.now())
		return err
	})
	if err != nil {
		return accountability.Reminder{}, fmt.Errorf("set reminder of %s: %w", r.UserID, err)
	}
	return out, nil
}

// SetZone moves the member's reminder to a new zone (after /timezone set),
// keeping its local time, and reschedules it from now, in one transaction
// so a /remind at the same moment is not overwritten with stale settings.
// It returns the stored reminder.
//
// Errors: ENOTFOUND when the member never set a reminder; EINVALID for a
// nil zone; EUNAVAILABLE while Postgres restarts.
func (s *ReminderStore) SetZone(ctx context.Context, key accountability.ReminderKey, zone *time.Location) (accountability.Reminder, error) {
	if zone == nil {
		return accountability.Reminder{}, accountability.Errorf(accountability.EINVALID, "Please give a time zone.")
	}
	var out accountability.Reminder
	err := acctTx(ctx, s.db, "reminder", func(tx *sqlx.Tx) error {
		var row reminderRow
		if err := tx.GetContext(ctx, &row, selectReminder+` FOR UPDATE`, key.GuildID, key.UserID); err != nil {
			return err
		}
		current, err := row.reminder()
		if err != nil {
			return err
		}
		current.Zone = zone
		out, err = storeReminder(ctx, tx, current.ReminderSettings, s.now())
		return err
	})
	if err != nil {
		return accountability.Reminder{}, fmt.Errorf("move reminder of %s to %s: %w", key.UserID, zone, err)
	}
	return out, nil
}

// validateReminder rejects settings no reminder can be stored with.
func validateReminder(r accountability.ReminderSettings) error {
	if err := r.At.Validate(); err != nil {
		return err
	}
	if r.GuildID == "" || r.UserID == "" {
		return accountability.Errorf(accountability.EINVALID, "Reminders only work inside a server.")
	}
	if r.Enabled && (r.ChannelID == "" || r.Zone == nil) {
		return accountability.Errorf(accountability.EINVALID, "To get reminders, set your time zone and pick an accountability channel.")
	}
	return nil
}

// storeReminder is Set within tx.
func storeReminder(ctx context.Context, tx *sqlx.Tx, r accountability.ReminderSettings, now time.Time) (accountability.Reminder, error) {
	if err := validateReminder(r); err != nil {
		return accountability.Reminder{}, err
	}
	var next sql.NullTime
	if r.Enabled {
		var cadence string
		err := tx.GetContext(ctx, &cadence, `SELECT cadence FROM accountability_channels WHERE guild_id = $1 AND channel_id = $2`, r.GuildID, r.ChannelID)
		if errors.Is(err, sql.ErrNoRows) {
			return accountability.Reminder{}, accountability.Errorf(accountability.ENOTFOUND, "That channel is not set up for check-ins: pick an accountability channel.")
		} else if err != nil {
			return accountability.Reminder{}, err
		}
		next = sql.NullTime{Time: accountability.NextReminder(now, r.Zone, r.At, accountability.Cadence(cadence)), Valid: true}
		next.Valid = !next.Time.IsZero()
	}
	if err := ensureAcctMember(ctx, tx, r.GuildID, r.UserID); err != nil {
		return accountability.Reminder{}, err
	}
	var zone sql.NullString
	if r.Zone != nil {
		zone = sql.NullString{String: r.Zone.String(), Valid: true}
	}
	var stored struct {
		ChannelID sql.NullString `db:"channel_id"`
		TimeZone  sql.NullString `db:"time_zone"`
		Last      acctDate       `db:"last_reminded_on"`
	}
	err := tx.GetContext(ctx, &stored, `
		INSERT INTO member_reminders (guild_id, user_id, enabled, remind_at, channel_id, time_zone, next_reminder_at, updated_at)
		VALUES ($1, $2, $3, $4::time, $5, $6, $7, $8)
		ON CONFLICT (guild_id, user_id) DO UPDATE SET
		    enabled = EXCLUDED.enabled, remind_at = EXCLUDED.remind_at,
		    channel_id = COALESCE(EXCLUDED.channel_id, member_reminders.channel_id),
		    time_zone = COALESCE(EXCLUDED.time_zone, member_reminders.time_zone),
		    next_reminder_at = EXCLUDED.next_reminder_at, claimed_due_at = NULL, updated_at = EXCLUDED.updated_at
		RETURNING channel_id, time_zone, last_reminded_on`,
		r.GuildID, r.UserID, r.Enabled, r.At.String(), acctNullText(r.ChannelID), zone, next, now)
	if err != nil {
		return accountability.Reminder{}, err
	}
	// Report what is stored: turning reminders off without a channel or
	// zone keeps the ones set before.
	r.ChannelID = stored.ChannelID.String
	if r.Zone == nil && stored.TimeZone.Valid {
		r.Zone = acctZoneOrUTC(stored.TimeZone)
	}
	return accountability.Reminder{ReminderSettings: r, NextAt: acctUTC(next), LastRemindedOn: stored.Last.date()}, nil
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

// zoneCache loads each zone of a batch once: loading one parses tz data,
// which costs more than the rest of a claim, and a batch shares a handful.
type zoneCache map[string]*time.Location

func (c zoneCache) load(name sql.NullString) *time.Location {
	loc, ok := c[name.String]
	if !ok {
		loc = acctZoneOrUTC(name)
		c[name.String] = loc
	}
	return loc
}

// Get returns the member's reminder.
//
// Errors: ENOTFOUND when the member never set one; EUNAVAILABLE while
// Postgres restarts.
func (s *ReminderStore) Get(ctx context.Context, key accountability.ReminderKey) (accountability.Reminder, error) {
	var row reminderRow
	err := s.db.GetContext(ctx, &row, selectReminder, key.GuildID, key.UserID)
	if err != nil {
		return accountability.Reminder{}, fmt.Errorf("get reminder of %s: %w", key.UserID, translateAcct(err, "reminder"))
	}
	return row.reminder()
}

// selectReminder reads one member's reminderRow.
const selectReminder = `
	SELECT guild_id, user_id, channel_id, enabled, to_char(remind_at, 'HH24:MI') AS remind_at,
	       time_zone, next_reminder_at, last_reminded_on
	FROM member_reminders WHERE guild_id = $1 AND user_id = $2`

// reminder rebuilds the domain value; a stored time the domain rejects is
// an internal error, not a panic.
func (r reminderRow) reminder() (accountability.Reminder, error) {
	at, err := accountability.ParseLocalTime(r.RemindAt)
	if err != nil {
		return accountability.Reminder{}, fmt.Errorf("reminder of %s: stored time %q: %s", r.UserID, r.RemindAt, accountability.ErrorMessage(err))
	}
	var zone *time.Location
	if r.TimeZone.Valid {
		zone = acctZoneOrUTC(r.TimeZone)
	}
	return accountability.Reminder{
		ReminderSettings: accountability.ReminderSettings{GuildID: r.GuildID, UserID: r.UserID, ChannelID: r.ChannelID.String, Enabled: r.Enabled, At: at, Zone: zone},
		NextAt:           acctUTC(r.NextReminderAt),
		LastRemindedOn:   r.LastRemindedOn.date(),
	}, nil
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
// caller alone. Decide each with ShouldRemind(d.State(), d.DueAt, d.Zone,
// d.Cadence), record the decisions with Settle (or MarkReminded and
// Reschedule one by one), and send to the members Settle returns. A claim
// left unsettled comes due again after five minutes. Call it until it
// returns fewer than limit.
//
// Errors: EUNAVAILABLE while Postgres restarts.
func (s *ReminderStore) ClaimDue(ctx context.Context, now time.Time, limit int) ([]accountability.DueReminder, error) {
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
	out := make([]accountability.DueReminder, len(rows))
	index := make(map[accountability.ReminderKey]int, len(rows))
	guilds, users := make([]string, len(rows)), make([]string, len(rows))
	earliest := rows[0].ClaimedDueAt
	zones := zoneCache{}
	for i, r := range rows {
		at, err := accountability.ParseLocalTime(r.RemindAt)
		if err != nil {
			return nil, fmt.Errorf("reminder of %s: stored time %q: %s", r.UserID, r.RemindAt, accountability.ErrorMessage(err))
		}
		key := accountability.ReminderKey{GuildID: r.GuildID, UserID: r.UserID}
		out[i] = accountability.DueReminder{
			Key: key, ChannelID: r.ChannelID, Zone: zones.load(r.TimeZone), At: at,
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
		i := index[accountability.ReminderKey{GuildID: a.GuildID, UserID: a.UserID}]
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

// settleReminders applies a batch of outcomes in one statement. fresh is
// true only where a reminder is to be sent: reminders still on, and no
// reminder recorded yet for that local date or a later one. The row lock
// taken in old serialises racing settlements of the same member, so for
// one date only one of them sees fresh. next only replaces
// next_reminder_at while the claim is still there: Set clears it, and then
// its own schedule stands.
const settleReminders = `
	WITH o AS (
	    SELECT guild_id, user_id, NULLIF(day, '')::date AS day, NULLIF(next, '')::timestamptz AS next
	    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS o (guild_id, user_id, day, next)
	), old AS (
	    SELECT r.guild_id, r.user_id, o.day, o.next,
	           COALESCE(o.day IS NOT NULL AND r.enabled AND (r.last_reminded_on IS NULL OR r.last_reminded_on < o.day), false) AS fresh
	    FROM member_reminders r JOIN o ON r.guild_id = o.guild_id AND r.user_id = o.user_id
	    FOR UPDATE OF r
	)
	UPDATE member_reminders r SET
	    last_reminded_on = CASE WHEN old.fresh THEN old.day ELSE r.last_reminded_on END,
	    next_reminder_at = CASE WHEN r.claimed_due_at IS NOT NULL THEN old.next ELSE r.next_reminder_at END,
	    claimed_due_at = NULL
	FROM old WHERE r.guild_id = old.guild_id AND r.user_id = old.user_id
	RETURNING r.guild_id, r.user_id, old.fresh`

// Settle records the sweep's decisions on claimed reminders in one round
// trip, however many, and returns the members to remind now. Call it
// before sending: a member is in send only when their reminder is still on
// and no reminder was recorded yet for that local date or a later one (by
// another process, or before a restart). last_reminded_on only moves
// forward, so nobody is reminded twice on one day. Next is ignored for a
// member who changed their settings since the claim (Set already scheduled
// the next one). Members with no reminder row are left out of send.
//
// Errors: EINVALID when an outcome to remind has no date; EUNAVAILABLE
// while Postgres restarts (nothing was recorded: the claims come due again
// after their lease).
func (s *ReminderStore) Settle(ctx context.Context, outcomes []accountability.ReminderOutcome) (send []accountability.ReminderKey, err error) {
	send, _, err = s.settle(ctx, outcomes)
	return send, err
}

// settle is Settle that also says which members had a row.
func (s *ReminderStore) settle(ctx context.Context, outcomes []accountability.ReminderOutcome) (send []accountability.ReminderKey, found map[accountability.ReminderKey]bool, err error) {
	if len(outcomes) == 0 {
		return nil, nil, nil
	}
	n := len(outcomes)
	guilds, users, days, nexts := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, o := range outcomes {
		if o.Remind && o.LocalDate.IsZero() {
			return nil, nil, accountability.Errorf(accountability.EINVALID, "A reminder needs the date it is for.")
		}
		guilds[i], users[i] = o.Key.GuildID, o.Key.UserID
		if o.Remind {
			days[i] = o.LocalDate.String()
		}
		if !o.Next.IsZero() {
			nexts[i] = o.Next.UTC().Format(time.RFC3339Nano)
		}
	}
	var rows []struct {
		GuildID string `db:"guild_id"`
		UserID  string `db:"user_id"`
		Fresh   bool   `db:"fresh"`
	}
	if err := s.db.SelectContext(ctx, &rows, settleReminders,
		pq.StringArray(guilds), pq.StringArray(users), pq.StringArray(days), pq.StringArray(nexts)); err != nil {
		return nil, nil, fmt.Errorf("settle %d claimed reminders: %w", n, translateAcct(err, "reminder"))
	}
	found = make(map[accountability.ReminderKey]bool, len(rows))
	for _, r := range rows {
		key := accountability.ReminderKey{GuildID: r.GuildID, UserID: r.UserID}
		found[key] = true
		if r.Fresh {
			send = append(send, key)
		}
	}
	return send, found, nil
}

// MarkReminded is Settle for one member reminded for localDate: marked is
// false, and nothing must be sent, when a reminder for that date or a later
// one was already recorded or reminders were turned off meanwhile.
//
// Errors: ENOTFOUND when the member has no reminder; EINVALID for a zero
// date; EUNAVAILABLE while Postgres restarts.
func (s *ReminderStore) MarkReminded(ctx context.Context, key accountability.ReminderKey, localDate accountability.Date, next time.Time) (marked bool, err error) {
	send, found, err := s.settle(ctx, []accountability.ReminderOutcome{{Key: key, Remind: true, LocalDate: localDate, Next: next}})
	if err == nil && !found[key] {
		err = accountability.Errorf(accountability.ENOTFOUND, "No such reminder.")
	}
	if err != nil {
		return false, fmt.Errorf("mark %s reminded on %s: %w", key.UserID, localDate, err)
	}
	return len(send) == 1, nil
}

// Reschedule is Settle for one member not reminded this time (ShouldRemind
// said no, or the occurrence is too stale to send): it ends the claim and
// schedules next.
//
// Errors: ENOTFOUND when the member has no reminder; EUNAVAILABLE while
// Postgres restarts.
func (s *ReminderStore) Reschedule(ctx context.Context, key accountability.ReminderKey, next time.Time) error {
	_, found, err := s.settle(ctx, []accountability.ReminderOutcome{{Key: key, Next: next}})
	if err == nil && !found[key] {
		err = accountability.Errorf(accountability.ENOTFOUND, "No such reminder.")
	}
	if err != nil {
		return fmt.Errorf("reschedule reminder of %s: %w", key.UserID, err)
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
	zones := zoneCache{}
	for i, r := range rows {
		at, err := accountability.ParseLocalTime(r.RemindAt)
		if err != nil {
			return fmt.Errorf("reminder of %s: stored time %q: %s", r.UserID, r.RemindAt, accountability.ErrorMessage(err))
		}
		guilds[i], users[i] = r.GuildID, r.UserID
		nexts[i] = accountability.NextReminder(now, zones.load(r.TimeZone), at, cadence).Format(time.RFC3339Nano)
	}
	_, err := tx.ExecContext(ctx, `
		UPDATE member_reminders r SET next_reminder_at = u.next
		FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS u (guild_id, user_id, next)
		WHERE r.guild_id = u.guild_id AND r.user_id = u.user_id`,
		pq.StringArray(guilds), pq.StringArray(users), pq.StringArray(nexts))
	return err
}
