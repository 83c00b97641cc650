package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/roundtable-bot/roundtable/accountability"
)

// MemberZoneStore keeps each member's IANA zone in members.time_zone, the
// column MemberStore.SetTimeZone writes for workshops too: a member has one
// zone per guild, whichever feature set it.
type MemberZoneStore struct {
	db  *sqlx.DB
	now func() time.Time
	// zone is Zone's query, prepared: every check-in reads it.
	zone prepared
}

// NewMemberZoneStore returns a store on d's pool.
func NewMemberZoneStore(d *DB) *MemberZoneStore {
	return &MemberZoneStore{db: d.DB, now: d.Now,
		zone: prepared{query: `SELECT time_zone FROM members WHERE guild_id = $1 AND user_id = $2`}}
}

// Zone returns the member's zone. A stored name the tz database no longer
// knows counts as never set, so the member falls back to the channel's zone
// and can set a new one, instead of every command of theirs failing.
//
// Errors: ENOTFOUND when the member never set one; EUNAVAILABLE while
// Postgres restarts.
func (s *MemberZoneStore) Zone(ctx context.Context, guildID, userID string) (*time.Location, error) {
	var name sql.NullString
	err := s.zone.get(ctx, s.db, &name, guildID, userID)
	if err != nil {
		return nil, fmt.Errorf("zone of member %s: %w", userID, translateAcct(err, "time zone"))
	}
	if !name.Valid {
		return nil, accountability.Errorf(accountability.ENOTFOUND, "No time zone set: use /timezone set.")
	}
	zone, err := accountability.LoadZone(name.String)
	if err != nil {
		return nil, fmt.Errorf("zone of member %s: stored zone %q is unknown: %w",
			userID, name.String, accountability.Errorf(accountability.ENOTFOUND, "Your time zone is no longer known: set it again with /timezone set."))
	}
	return zone, nil
}

// SetZone stores the member's zone, creating the guild and member rows if
// needed.
//
// Errors: EINVALID for a nil zone or a missing guild or member;
// EUNAVAILABLE while Postgres restarts.
func (s *MemberZoneStore) SetZone(ctx context.Context, guildID, userID string, zone *time.Location) error {
	if zone == nil {
		return accountability.Errorf(accountability.EINVALID, "Please give a time zone.")
	}
	if guildID == "" || userID == "" {
		return accountability.Errorf(accountability.EINVALID, "Time zones are set per server: run /timezone inside one.")
	}
	_, err := s.db.ExecContext(ctx, `
		WITH g AS (INSERT INTO guilds (guild_id) VALUES ($1) ON CONFLICT (guild_id) DO NOTHING)
		INSERT INTO members (guild_id, user_id, time_zone, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (guild_id, user_id) DO UPDATE SET time_zone = EXCLUDED.time_zone, updated_at = EXCLUDED.updated_at`,
		guildID, userID, zone.String(), s.now())
	if err != nil {
		return fmt.Errorf("set zone of member %s to %s: %w", userID, zone, translateAcct(err, "time zone"))
	}
	return nil
}
