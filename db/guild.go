package db

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/roundtable-bot/roundtable/workshop"
)

// GuildStore keeps guild settings in the guilds table; it implements
// workshop.GuildService (see there for the errors each method returns).
type GuildStore struct {
	q   sqlx.ExtContext
	now func() time.Time
}

var _ workshop.GuildService = (*GuildStore)(nil)

// NewGuildStore returns a store that runs each call on d's pool.
func NewGuildStore(d *DB) *GuildStore { return &GuildStore{q: d.DB, now: d.Now} }

// WithTx returns a store whose calls run inside tx, so they commit or roll
// back with the caller's other changes.
func (s *GuildStore) WithTx(tx sqlx.ExtContext) *GuildStore { return &GuildStore{q: tx, now: s.now} }

// guildRow is the guilds table's shape.
type guildRow struct {
	GuildID   string         `db:"guild_id"`
	HostRoles pq.StringArray `db:"host_roles"`
	Locale    string         `db:"locale"`
	CreatedAt time.Time      `db:"created_at"`
}

func (r guildRow) settings() *workshop.GuildSettings {
	roles := []string(r.HostRoles)
	if roles == nil {
		roles = []string{}
	}
	return &workshop.GuildSettings{GuildID: r.GuildID, HostRoles: roles, Locale: r.Locale, CreatedAt: r.CreatedAt.UTC()}
}

const guildColumns = `guild_id, host_roles, locale, created_at`

func (s *GuildStore) EnsureGuild(ctx context.Context, guildID string) (*workshop.GuildSettings, error) {
	if guildID == "" {
		return nil, workshop.Errorf(workshop.EINVALID, "A guild needs an ID.")
	}
	if err := ensureGuild(ctx, s.q, guildID, s.now()); err != nil {
		return nil, fmt.Errorf("ensure guild %s: %w", guildID, err)
	}
	return s.FindGuildSettings(ctx, guildID)
}

// ensureGuild inserts the guild with default settings unless it exists.
// Other stores call it so their rows' foreign keys always hold.
func ensureGuild(ctx context.Context, q sqlx.ExecerContext, guildID string, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO guilds (guild_id, created_at) VALUES ($1, $2) ON CONFLICT (guild_id) DO NOTHING`, guildID, now)
	return translate(err, "guild")
}

func (s *GuildStore) FindGuildSettings(ctx context.Context, guildID string) (*workshop.GuildSettings, error) {
	var row guildRow
	err := sqlx.GetContext(ctx, s.q, &row, `SELECT `+guildColumns+` FROM guilds WHERE guild_id = $1`, guildID)
	if err != nil {
		return nil, fmt.Errorf("find guild %s: %w", guildID, translate(err, "guild"))
	}
	return row.settings(), nil
}

func (s *GuildStore) SetHostRoles(ctx context.Context, guildID string, roleIDs []string) (*workshop.GuildSettings, error) {
	roles := slices.Clone(roleIDs)
	slices.Sort(roles)
	roles = slices.Compact(roles)
	if roles == nil {
		roles = []string{}
	}
	if guildID == "" {
		return nil, workshop.Errorf(workshop.EINVALID, "A guild needs an ID.")
	}
	if err := workshop.ValidateHostRoles(roles); err != nil {
		return nil, err
	}
	var row guildRow
	err := sqlx.GetContext(ctx, s.q, &row, `
		INSERT INTO guilds (guild_id, host_roles, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (guild_id) DO UPDATE SET host_roles = EXCLUDED.host_roles
		RETURNING `+guildColumns, guildID, pq.StringArray(roles), s.now())
	if err != nil {
		return nil, fmt.Errorf("set host roles of guild %s: %w", guildID, translate(err, "guild setting"))
	}
	return row.settings(), nil
}
