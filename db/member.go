package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/roundtable-bot/roundtable/workshop"
)

// MemberStore keeps members in the members table; it implements
// workshop.MemberService (see there for the errors each method returns).
// Guild rows are created as needed.
type MemberStore struct {
	q   sqlx.ExtContext
	now func() time.Time
}

var _ workshop.MemberService = (*MemberStore)(nil)

// NewMemberStore returns a store that runs each call on d's pool.
func NewMemberStore(d *DB) *MemberStore { return &MemberStore{q: d.DB, now: d.Now} }

// WithTx returns a store whose calls run inside tx, so they commit or roll
// back with the caller's other changes.
func (s *MemberStore) WithTx(tx sqlx.ExtContext) *MemberStore {
	return &MemberStore{q: tx, now: s.now}
}

// memberRow is the members table's shape.
type memberRow struct {
	GuildID     string         `db:"guild_id"`
	UserID      string         `db:"user_id"`
	DisplayName string         `db:"display_name"`
	TimeZone    sql.NullString `db:"time_zone"`
	Experience  sql.NullString `db:"experience_level"`
	CreatedAt   time.Time      `db:"created_at"`
	UpdatedAt   time.Time      `db:"updated_at"`
}

func (r memberRow) member() *workshop.Member {
	return &workshop.Member{
		GuildID:     r.GuildID,
		UserID:      r.UserID,
		DisplayName: r.DisplayName,
		TimeZone:    r.TimeZone.String,
		Experience:  workshop.Experience(r.Experience.String),
		CreatedAt:   r.CreatedAt.UTC(),
		UpdatedAt:   r.UpdatedAt.UTC(),
	}
}

const memberColumns = `guild_id, user_id, display_name, time_zone, experience_level, created_at, updated_at`

func (s *MemberStore) UpsertMember(ctx context.Context, guildID, userID, displayName string) (*workshop.Member, error) {
	m := workshop.Member{GuildID: guildID, UserID: userID, DisplayName: displayName}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return s.upsert(ctx, m, "display_name", displayName)
}

func (s *MemberStore) SetTimeZone(ctx context.Context, guildID, userID, zone string) (*workshop.Member, error) {
	if err := workshop.ValidateTimeZone(zone); err != nil {
		return nil, err
	}
	m := workshop.Member{GuildID: guildID, UserID: userID, TimeZone: zone}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return s.upsert(ctx, m, "time_zone", zone)
}

func (s *MemberStore) SetExperience(ctx context.Context, guildID, userID string, level workshop.Experience) (*workshop.Member, error) {
	if err := level.Validate(); err != nil {
		return nil, err
	}
	m := workshop.Member{GuildID: guildID, UserID: userID, Experience: level}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return s.upsert(ctx, m, "experience_level", string(level))
}

// upsert creates the member (and guild) if new, else sets the one column;
// column is one of the constants above, never input.
func (s *MemberStore) upsert(ctx context.Context, m workshop.Member, column, value string) (*workshop.Member, error) {
	now := s.now()
	if err := ensureGuild(ctx, s.q, m.GuildID, now); err != nil {
		return nil, fmt.Errorf("save member %s/%s: %w", m.GuildID, m.UserID, err)
	}
	var row memberRow
	err := sqlx.GetContext(ctx, s.q, &row, `
		INSERT INTO members (guild_id, user_id, `+column+`, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
		ON CONFLICT (guild_id, user_id) DO UPDATE SET `+column+` = EXCLUDED.`+column+`, updated_at = EXCLUDED.updated_at
		RETURNING `+memberColumns, m.GuildID, m.UserID, value, now)
	if err != nil {
		return nil, fmt.Errorf("save member %s/%s: %w", m.GuildID, m.UserID, translate(err, "member"))
	}
	return row.member(), nil
}

func (s *MemberStore) FindMember(ctx context.Context, guildID, userID string) (*workshop.Member, error) {
	var row memberRow
	err := sqlx.GetContext(ctx, s.q, &row, `SELECT `+memberColumns+` FROM members WHERE guild_id = $1 AND user_id = $2`, guildID, userID)
	if err != nil {
		return nil, fmt.Errorf("find member %s/%s: %w", guildID, userID, translate(err, "member"))
	}
	return row.member(), nil
}
