package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/roundtable-bot/roundtable/accountability"
)

// translateAcct is translate for the accountability domain: the same driver
// conditions (see classify) become *accountability.Error codes, so the
// accountability stores never hand a caller a workshop error or a lib/pq one.
// what is a noun a member understands ("check-in", "support thread").
func translateAcct(err error, what string) error {
	if err == nil {
		return nil
	}
	var domain *accountability.Error
	if errors.As(err, &domain) {
		return err
	}
	switch classify(err) {
	case kindNotFound:
		return fmt.Errorf("%w: %w", accountability.Errorf(accountability.ENOTFOUND, "No such %s.", what), err)
	case kindUnavailable:
		return fmt.Errorf("%w: %w", accountability.Errorf(accountability.EUNAVAILABLE, msgUnavailable), err)
	case kindConflict:
		return fmt.Errorf("%w: %w", accountability.Errorf(accountability.ECONFLICT, "That %s already exists.", what), err)
	case kindInvalid:
		if e := pq.As(err); e != nil && e.Code == codeForeignKeyViolation && isChannelKey(e.Constraint) {
			return fmt.Errorf("%w: %w", accountability.Errorf(accountability.ENOTFOUND,
				"This channel is not set up for check-ins: an admin can run /accountability setup."), err)
		}
		return fmt.Errorf("%w: %w", accountability.Errorf(accountability.EINVALID, "That %s is not valid.", what), err)
	}
	return err
}

// isChannelKey reports the foreign keys that point at accountability_channels:
// violating one means the channel was never set up (or was removed).
func isChannelKey(constraint string) bool {
	switch constraint {
	case "checkins_guild_id_channel_id_fkey", "member_reminders_channel_fkey":
		return true
	}
	return false
}

// acctTx runs fn in a transaction on d, committing when fn returns nil.
// Errors are translated for the accountability domain.
func acctTx(ctx context.Context, d *sqlx.DB, what string, fn func(tx *sqlx.Tx) error) error {
	tx, err := d.BeginTxx(ctx, nil)
	if err != nil {
		return translateAcct(err, what)
	}
	defer tx.Rollback() // a no-op after Commit
	if err := fn(tx); err != nil {
		return translateAcct(err, what)
	}
	return translateAcct(tx.Commit(), what)
}

// ensureAcctMember inserts the guild and member rows a check-in, reminder or
// away period refers to, unless they exist, in one statement (the foreign
// key checks run at its end, after both inserts).
func ensureAcctMember(ctx context.Context, q sqlx.ExecerContext, guildID, userID string) error {
	_, err := q.ExecContext(ctx, `
		WITH g AS (INSERT INTO guilds (guild_id) VALUES ($1) ON CONFLICT (guild_id) DO NOTHING)
		INSERT INTO members (guild_id, user_id) VALUES ($1, $2) ON CONFLICT (guild_id, user_id) DO NOTHING`,
		guildID, userID)
	return translateAcct(err, "member")
}

// Dates cross the driver as YYYY-MM-DD text (cast with ::date in SQL); lib/pq
// reads date columns back as midnight UTC, which acctDate turns into a Date.

// acctDateArg is d as a query argument; the zero Date is NULL.
func acctDateArg(d accountability.Date) sql.NullString {
	if d.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: d.String(), Valid: true}
}

// acctDate is a nullable date column.
type acctDate struct{ sql.NullTime }

// date is the column as a Date; NULL is the zero Date.
func (d acctDate) date() accountability.Date {
	if !d.Valid {
		return accountability.Date{}
	}
	return acctDateOf(d.Time)
}

func acctDateOf(t time.Time) accountability.Date {
	return accountability.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
}

// acctTimeArg is t as a query argument; the zero time is NULL.
func acctTimeArg(t time.Time) sql.NullTime {
	if t.IsZero() {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: t.UTC(), Valid: true}
}

// acctUTC is a nullable timestamptz column as UTC, or the zero time.
func acctUTC(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// acctNullText is s as a query argument; "" is NULL.
func acctNullText(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// acctPrefixed qualifies each column of a comma-separated list with a table
// alias, for RETURNING clauses of joins.
func acctPrefixed(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = alias + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}
