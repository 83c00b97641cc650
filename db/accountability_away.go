package db

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/roundtable-bot/roundtable/accountability"
)

// AwayStore keeps the days members are away (no reminders, streak frozen).
type AwayStore struct {
	db *sqlx.DB
}

// NewAwayStore returns a store on d's pool.
func NewAwayStore(d *DB) *AwayStore { return &AwayStore{db: d.DB} }

// Add records an away period, made by accountability.NewAway (which checks
// it against the member's today). A second period starting the same day
// replaces the first's end, so /away again on the same day extends or
// shortens it.
//
// Errors: EINVALID when the period ends before it starts or has a zero
// date; EUNAVAILABLE while Postgres restarts.
func (s *AwayStore) Add(ctx context.Context, guildID, userID string, p accountability.AwayPeriod) error {
	if guildID == "" || userID == "" {
		return accountability.Errorf(accountability.EINVALID, "Away days only work inside a server.")
	}
	if p.From.IsZero() || p.Until.IsZero() || p.Until.Before(p.From) {
		return accountability.Errorf(accountability.EINVALID, "An away period must end on or after the day it starts.")
	}
	err := acctTx(ctx, s.db, "away period", func(tx *sqlx.Tx) error {
		if err := ensureAcctMember(ctx, tx, guildID, userID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO away_periods (guild_id, user_id, from_date, until_date) VALUES ($1, $2, $3::date, $4::date)
			ON CONFLICT (guild_id, user_id, from_date) DO UPDATE SET until_date = EXCLUDED.until_date`,
			guildID, userID, p.From.String(), p.Until.String())
		return err
	})
	if err != nil {
		return fmt.Errorf("add away period of %s (%s to %s): %w", userID, p.From, p.Until, err)
	}
	return nil
}

// Active returns the period that covers date (the one ending last when
// several do); ok is false when the member is not away that day.
//
// Errors: EUNAVAILABLE while Postgres restarts.
func (s *AwayStore) Active(ctx context.Context, guildID, userID string, date accountability.Date) (p accountability.AwayPeriod, ok bool, err error) {
	periods, err := s.query(ctx, `
		SELECT from_date, until_date FROM away_periods
		WHERE guild_id = $1 AND user_id = $2 AND from_date <= $3::date AND until_date >= $3::date
		ORDER BY until_date DESC LIMIT 1`, guildID, userID, date.String())
	if err != nil || len(periods) == 0 {
		return accountability.AwayPeriod{}, false, err
	}
	return periods[0], true, nil
}

// List returns all the member's away periods, earliest first, as streaks
// and heatmaps need them.
//
// Errors: EUNAVAILABLE while Postgres restarts.
func (s *AwayStore) List(ctx context.Context, guildID, userID string) ([]accountability.AwayPeriod, error) {
	return s.query(ctx, `
		SELECT from_date, until_date FROM away_periods
		WHERE guild_id = $1 AND user_id = $2 ORDER BY from_date`, guildID, userID)
}

// ByGuild returns the away periods of every member of the guild that end
// on or after since (the zero Date means all), keyed by user ID, earliest
// first: what a digest needs for all its members' streaks at once.
//
// Errors: EUNAVAILABLE while Postgres restarts.
func (s *AwayStore) ByGuild(ctx context.Context, guildID string, since accountability.Date) (map[string][]accountability.AwayPeriod, error) {
	var rows []struct {
		UserID string    `db:"user_id"`
		From   time.Time `db:"from_date"`
		Until  time.Time `db:"until_date"`
	}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT user_id, from_date, until_date FROM away_periods
		WHERE guild_id = $1 AND ($2::date IS NULL OR until_date >= $2::date)
		ORDER BY user_id, from_date`, guildID, acctDateArg(since))
	if err != nil {
		return nil, fmt.Errorf("away periods of guild %s: %w", guildID, translateAcct(err, "away period"))
	}
	out := map[string][]accountability.AwayPeriod{}
	for _, r := range rows {
		out[r.UserID] = append(out[r.UserID], accountability.AwayPeriod{From: acctDateOf(r.From), Until: acctDateOf(r.Until)})
	}
	return out, nil
}

func (s *AwayStore) query(ctx context.Context, query string, args ...any) ([]accountability.AwayPeriod, error) {
	var rows []struct {
		From  time.Time `db:"from_date"`
		Until time.Time `db:"until_date"`
	}
	if err := s.db.SelectContext(ctx, &rows, query, args...); err != nil {
		return nil, fmt.Errorf("away periods of %v: %w", args[1], translateAcct(err, "away period"))
	}
	out := make([]accountability.AwayPeriod, len(rows))
	for i, r := range rows {
		out[i] = accountability.AwayPeriod{From: acctDateOf(r.From), Until: acctDateOf(r.Until)}
	}
	return out, nil
}
