package db

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/roundtable-bot/roundtable/accountability"
)

// SQL plumbing shared by the accountability stores: transactions, the rows
// every write needs first, and conversions between domain values and
// query arguments or columns.

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

// acctMustAffect turns "no row changed" into ENOTFOUND.
func acctMustAffect(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return accountability.Errorf(accountability.ENOTFOUND, "No such %s.", what)
	}
	return nil
}
