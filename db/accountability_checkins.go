package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/roundtable-bot/roundtable/accountability"
)

// CheckinStore keeps check-ins, one per member, channel and local date.
type CheckinStore struct {
	db *sqlx.DB
	// The check-in modal's queries, prepared: a community answering the
	// day's prompt at once makes these the busiest statements of the
	// feature.
	upsert, setMessage prepared
}

// NewCheckinStore returns a store on d's pool.
func NewCheckinStore(d *DB) *CheckinStore {
	return &CheckinStore{db: d.DB, upsert: prepared{query: upsertCheckin}, setMessage: prepared{query: setCheckinMessage}}
}

// upsertCheckin files a check-in and reads back what showing it needs, in
// one round trip: the guild and member rows are made if missing (the foreign
// keys are checked at the statement's end, after the CTEs ran), and a second
// check-in with the same key replaces the first's text, mood, zone and time.
// xmax is 0 only on a freshly inserted row, which tells a new day from an
// edit; message_id is kept by the edit, so it names the message to edit.
// Mood 0 ("none") is stored as NULL. The day list is read in the
// statement's snapshot, which does not hold the row just inserted, hence
// the UNION with its date. Dates come back as YYYY-MM-DD text whatever the
// server's DateStyle.
const upsertCheckin = `
	WITH g AS (INSERT INTO guilds (guild_id) VALUES ($1) ON CONFLICT (guild_id) DO NOTHING),
	     m AS (INSERT INTO members (guild_id, user_id) VALUES ($1, $3) ON CONFLICT (guild_id, user_id) DO NOTHING),
	     up AS (
	         INSERT INTO checkins (guild_id, channel_id, user_id, local_date, done, next, blockers, mood, time_zone, created_at, updated_at)
	         VALUES ($1, $2, $3, $4::date, $5, $6, $7, NULLIF($8, 0), $9, $10, $10)
	         ON CONFLICT (channel_id, user_id, local_date) DO UPDATE SET
	             done = EXCLUDED.done, next = EXCLUDED.next, blockers = EXCLUDED.blockers, mood = EXCLUDED.mood,
	             time_zone = EXCLUDED.time_zone, updated_at = EXCLUDED.updated_at
	         RETURNING xmax = 0 AS created, message_id)
	SELECT up.created, COALESCE(up.message_id, '') AS message_id,
	    ARRAY(SELECT to_char(d, 'YYYY-MM-DD') FROM (
	        SELECT local_date AS d FROM checkins WHERE channel_id = $2 AND user_id = $3 AND guild_id = $1
	        UNION SELECT $4::date) days ORDER BY d) AS days,
	    ARRAY(SELECT to_char(from_date, 'YYYY-MM-DD') || '/' || to_char(until_date, 'YYYY-MM-DD')
	        FROM away_periods WHERE guild_id = $1 AND user_id = $3 ORDER BY from_date) AS away
	FROM up`

// setCheckinMessage records the message showing a check-in.
const setCheckinMessage = `UPDATE checkins SET message_id = $4 WHERE channel_id = $1 AND user_id = $2 AND local_date = $3::date`

// Upsert stores c under its key (channel, member, local date) and returns,
// from the same statement, whether it is a new day, the message showing the
// day's earlier check-in (recorded by SetMessageID), the member's check-in
// days in the channel and their away periods. c should come from
// accountability.NewCheckin; its input is normalized again here.
//
// Errors: EINVALID for input the domain rejects or a zero date; ENOTFOUND
// when the channel is not set up for check-ins; EUNAVAILABLE while Postgres
// restarts (nothing was stored: try again).
func (s *CheckinStore) Upsert(ctx context.Context, c accountability.Checkin) (accountability.Recorded, error) {
	in, err := c.CheckinInput.Normalize()
	if err != nil {
		return accountability.Recorded{}, err
	}
	if c.GuildID == "" || c.ChannelID == "" || c.UserID == "" || c.Date.IsZero() || c.Zone == "" {
		return accountability.Recorded{}, accountability.Errorf(accountability.EINVALID, "A check-in needs a server, a channel, a member, a date and a zone.")
	}
	at := c.At
	if at.IsZero() {
		return accountability.Recorded{}, accountability.Errorf(accountability.EINVALID, "A check-in needs the time it was made.")
	}
	var row struct {
		Created   bool           `db:"created"`
		MessageID string         `db:"message_id"`
		Days      pq.StringArray `db:"days"`
		Away      pq.StringArray `db:"away"`
	}
	err = s.upsert.get(ctx, s.db, &row, c.GuildID, c.ChannelID, c.UserID, c.Date.String(),
		in.Done, in.Next, in.Blockers, in.Mood, c.Zone, at.UTC())
	if err != nil {
		return accountability.Recorded{}, fmt.Errorf("store check-in of %s in %s on %s: %w", c.UserID, c.ChannelID, c.Date, translateAcct(err, "check-in"))
	}
	rec := accountability.Recorded{Created: row.Created, MessageID: row.MessageID}
	if rec.Days, err = parseCheckinDays(row.Days); err == nil {
		rec.Away, err = parseAwayPeriods(row.Away)
	}
	if err != nil {
		return accountability.Recorded{}, fmt.Errorf("history of %s in %s: %w", c.UserID, c.ChannelID, err)
	}
	return rec, nil
}

// parseCheckinDays reads upsertCheckin's day list.
func parseCheckinDays(texts []string) ([]accountability.CheckinDay, error) {
	days := make([]accountability.CheckinDay, len(texts))
	for i, t := range texts {
		d, err := accountability.ParseDate(t)
		if err != nil {
			return nil, fmt.Errorf("stored check-in day %q: %w", t, err)
		}
		days[i] = accountability.CheckinDay{Date: d}
	}
	return days, nil
}

// parseAwayPeriods reads upsertCheckin's FROM/UNTIL pairs.
func parseAwayPeriods(texts []string) ([]accountability.AwayPeriod, error) {
	periods := make([]accountability.AwayPeriod, len(texts))
	for i, t := range texts {
		from, until, ok := strings.Cut(t, "/")
		var err error
		if ok {
			if periods[i].From, err = accountability.ParseDate(from); err == nil {
				periods[i].Until, err = accountability.ParseDate(until)
			}
		}
		if !ok || err != nil {
			return nil, fmt.Errorf("stored away period %q is not FROM/UNTIL", t)
		}
	}
	return periods, nil
}

// SetMessageID records the Discord message that shows the check-in.
//
// Errors: EINVALID for an empty ID; ENOTFOUND when there is no such
// check-in; EUNAVAILABLE while Postgres restarts.
func (s *CheckinStore) SetMessageID(ctx context.Context, key accountability.CheckinKey, messageID string) error {
	if messageID == "" {
		return accountability.Errorf(accountability.EINVALID, "A posted check-in needs its message ID.")
	}
	var res sql.Result
	stmt, err := s.setMessage.on(ctx, s.db)
	if err == nil {
		res, err = stmt.ExecContext(ctx, key.ChannelID, key.UserID, key.Date.String(), messageID)
	}
	if err == nil {
		err = acctMustAffect(res, "check-in")
	}
	if err != nil {
		return fmt.Errorf("record message of check-in %s/%s/%s: %w", key.ChannelID, key.UserID, key.Date, translateAcct(err, "check-in"))
	}
	return nil
}

// checkinRow is the checkins table's shape.
type checkinRow struct {
	GuildID   string         `db:"guild_id"`
	ChannelID string         `db:"channel_id"`
	UserID    string         `db:"user_id"`
	LocalDate time.Time      `db:"local_date"`
	Done      string         `db:"done"`
	Next      string         `db:"next"`
	Blockers  string         `db:"blockers"`
	Mood      sql.NullInt16  `db:"mood"`
	TimeZone  string         `db:"time_zone"`
	UpdatedAt time.Time      `db:"updated_at"`
	MessageID sql.NullString `db:"message_id"`
}

const checkinColumns = `guild_id, channel_id, user_id, local_date, done, next, blockers, mood, time_zone, updated_at, message_id`

func (r checkinRow) checkin() accountability.Checkin {
	return accountability.Checkin{
		GuildID: r.GuildID, ChannelID: r.ChannelID, UserID: r.UserID,
		Date: acctDateOf(r.LocalDate), At: r.UpdatedAt.UTC(), Zone: r.TimeZone,
		CheckinInput: accountability.CheckinInput{Done: r.Done, Next: r.Next, Blockers: r.Blockers, Mood: int(r.Mood.Int16)},
	}
}

// Get returns the check-in stored under key.
//
// Errors: ENOTFOUND when there is none; EUNAVAILABLE while Postgres restarts.
func (s *CheckinStore) Get(ctx context.Context, key accountability.CheckinKey) (accountability.StoredCheckin, error) {
	var r checkinRow
	err := s.db.GetContext(ctx, &r, `SELECT `+checkinColumns+` FROM checkins WHERE channel_id = $1 AND user_id = $2 AND local_date = $3::date`,
		key.ChannelID, key.UserID, key.Date.String())
	if err != nil {
		return accountability.StoredCheckin{}, fmt.Errorf("get check-in %s/%s/%s: %w", key.ChannelID, key.UserID, key.Date, translateAcct(err, "check-in"))
	}
	return accountability.StoredCheckin{Checkin: r.checkin(), MessageID: r.MessageID.String}, nil
}

// Days returns the local dates on which the member checked in, oldest first,
// each once: in channelID, or in any channel of the guild when channelID is
// "". They are the dates recorded at check-in time, never recomputed, as
// accountability.ComputeStreak expects.
//
// Errors: EUNAVAILABLE while Postgres restarts.
func (s *CheckinStore) Days(ctx context.Context, guildID, userID, channelID string) ([]accountability.CheckinDay, error) {
	var dates []time.Time
	err := s.db.SelectContext(ctx, &dates, `
		SELECT DISTINCT local_date FROM checkins
		WHERE guild_id = $1 AND user_id = $2 AND ($3 = '' OR channel_id = $3)
		ORDER BY local_date`, guildID, userID, channelID)
	if err != nil {
		return nil, fmt.Errorf("check-in days of %s: %w", userID, translateAcct(err, "check-in"))
	}
	out := make([]accountability.CheckinDay, len(dates))
	for i, d := range dates {
		out[i] = accountability.CheckinDay{Date: acctDateOf(d)}
	}
	return out, nil
}

// ChannelDays returns, for each member who checked in to channelID on or
// after since (the zero Date means ever), their check-in days there, oldest
// first: the digest's streaks in one query instead of one per member.
//
// Errors: EUNAVAILABLE while Postgres restarts.
func (s *CheckinStore) ChannelDays(ctx context.Context, channelID string, since accountability.Date) (map[string][]accountability.CheckinDay, error) {
	var rows []struct {
		UserID    string    `db:"user_id"`
		LocalDate time.Time `db:"local_date"`
	}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT user_id, local_date FROM checkins
		WHERE channel_id = $1 AND ($2::date IS NULL OR local_date >= $2::date)
		ORDER BY user_id, local_date`, channelID, acctDateArg(since))
	if err != nil {
		return nil, fmt.Errorf("check-in days in channel %s: %w", channelID, translateAcct(err, "check-in"))
	}
	out := map[string][]accountability.CheckinDay{}
	for _, r := range rows {
		out[r.UserID] = append(out[r.UserID], accountability.CheckinDay{Date: acctDateOf(r.LocalDate)})
	}
	return out, nil
}

// ForWeek returns what the weekly digest of channelID needs for week: every
// check-in dated in the week, plus each member's latest earlier check-in, so
// a blocker nobody has cleared since keeps showing as open (see
// accountability.BuildDigest). Names are the members' display names.
//
// Errors: EUNAVAILABLE while Postgres restarts.
func (s *CheckinStore) ForWeek(ctx context.Context, channelID string, week accountability.ISOWeek) ([]accountability.DigestCheckin, error) {
	var rows []struct {
		UserID    string        `db:"user_id"`
		Name      string        `db:"display_name"`
		LocalDate time.Time     `db:"local_date"`
		Blockers  string        `db:"blockers"`
		Mood      sql.NullInt16 `db:"mood"`
	}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT c.user_id, COALESCE(m.display_name, '') AS display_name, c.local_date, c.blockers, c.mood
		FROM (
		    SELECT guild_id, user_id, local_date, blockers, mood FROM checkins
		    WHERE channel_id = $1 AND local_date BETWEEN $2::date AND $3::date
		    UNION ALL
		    (SELECT DISTINCT ON (user_id) guild_id, user_id, local_date, blockers, mood FROM checkins
		     WHERE channel_id = $1 AND local_date < $2::date
		     ORDER BY user_id, local_date DESC)
		) c
		LEFT JOIN members m ON m.guild_id = c.guild_id AND m.user_id = c.user_id
		ORDER BY c.local_date, c.user_id`, channelID, week.Monday().String(), week.Sunday().String())
	if err != nil {
		return nil, fmt.Errorf("check-ins of channel %s in %s: %w", channelID, week, translateAcct(err, "check-in"))
	}
	out := make([]accountability.DigestCheckin, len(rows))
	for i, r := range rows {
		out[i] = accountability.DigestCheckin{UserID: r.UserID, Name: r.Name, Date: acctDateOf(r.LocalDate), Blockers: r.Blockers, Mood: int(r.Mood.Int16)}
	}
	return out, nil
}

// Export returns the guild's check-ins dated since (inclusive; the zero Date
// means all), by date, channel and member.
//
// Errors: EUNAVAILABLE while Postgres restarts.
func (s *CheckinStore) Export(ctx context.Context, guildID string, since accountability.Date) ([]accountability.CheckinRecord, error) {
	var rows []checkinRow
	err := s.db.SelectContext(ctx, &rows, `
		SELECT `+checkinColumns+` FROM checkins
		WHERE guild_id = $1 AND ($2::date IS NULL OR local_date >= $2::date)
		ORDER BY local_date, channel_id, user_id`, guildID, acctDateArg(since))
	if err != nil {
		return nil, fmt.Errorf("export check-ins of guild %s: %w", guildID, translateAcct(err, "check-in"))
	}
	out := make([]accountability.CheckinRecord, len(rows))
	for i, r := range rows {
		out[i] = accountability.CheckinRecordOf(r.checkin())
	}
	return out, nil
}
