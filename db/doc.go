// Package db is Roundtable's PostgreSQL layer: Open and Migrate, the stores
// that implement the domain's ports (one file per aggregate), and the
// translation of driver errors into *workshop.Error codes (errors.go), so no
// caller ever sees a lib/pq error.
//
// Conventions:
//   - Discord snowflakes (guild, channel, user, message IDs) are stored as
//     text. They are opaque identifiers that discordgo hands us as strings;
//     text keeps them exact without conversions, sorts nothing we rely on,
//     and never overflows a signed bigint the way a future 64-bit unsigned
//     snowflake could.
//   - Every table is scoped by guild (directly or through a run), and times
//     are stored as timestamptz in UTC (DB.Now returns UTC).
//   - Migrations are SQL files in migrations/, embedded in the binary and
//     applied by pressly/goose v3 under a Postgres advisory lock (see Migrate).
//   - Durable timers (timers.go, timer_worker.go) drive everything that must
//     happen at a time: step ends, warnings, reminders, digests. Workers in
//     any number of processes claim due rows with FOR UPDATE SKIP LOCKED and
//     a lease, and are woken early by LISTEN/NOTIFY, so a timer fires once,
//     on time, and still fires after a restart of the bot or of Postgres.
//
// Subpackages: pgcluster runs the embedded default cluster; dbtest gives each
// test a fresh migrated database.
package db
