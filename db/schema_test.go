package db_test

import (
	"testing"

	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
	"github.com/roundtable-bot/roundtable/workshop"
)

// schemaFixture is one valid row (at least) in every table, for the
// constraint cases to collide with.
const schemaFixture = `
INSERT INTO guilds (guild_id) VALUES ('g1'), ('g2');
INSERT INTO members (guild_id, user_id) VALUES ('g1', 'u1'), ('g1', 'u2');
INSERT INTO member_reminders (guild_id, user_id) VALUES ('g1', 'u1');
INSERT INTO away_periods (guild_id, user_id, from_date, until_date) VALUES ('g1', 'u1', '2026-03-02', '2026-03-05');
INSERT INTO workshop_runs (run_id, guild_id, main_channel_id, host_id, curriculum_id, curriculum_hash, curriculum_toml)
    VALUES (1, 'g1', 'c1', 'u1', 'design-thinking', 'h1', 'title = "x"');
INSERT INTO participants (run_id, user_id, experience_level) VALUES (1, 'u1', 'new'), (1, 'u2', NULL);
INSERT INTO run_groups (group_id, run_id, formed_at_step, number, name) VALUES (1, 1, 0, 1, 'A'), (2, 1, 0, 2, 'B');
INSERT INTO group_members (group_id, run_id, formed_at_step, user_id) VALUES (1, 1, 0, 'u1');
INSERT INTO rooms (run_id, group_id, kind, channel_id) VALUES (1, 1, 'voice', 'v1');
INSERT INTO step_events (run_id, step_index, round, kind, channel_id) VALUES (1, 0, 0, 'prompt', 'c1');
INSERT INTO submissions (run_id, step_index, group_id, author_id, content) VALUES (1, 0, 1, 'u1', 'idea');
INSERT INTO help_requests (run_id, user_id, channel_id) VALUES (1, 'u1', 'c1');
INSERT INTO accountability_channels (channel_id, guild_id, created_by) VALUES ('ac1', 'g1', 'u1');
INSERT INTO checkins (guild_id, channel_id, user_id, local_date, mood) VALUES ('g1', 'ac1', 'u1', '2026-03-01', 4);
INSERT INTO support_settings (channel_id, guild_id) VALUES ('sc1', 'g1');
INSERT INTO support_threads (thread_id, guild_id, channel_id, asker_id, topic) VALUES ('t1', 'g1', 'sc1', 'u1', 'help');
`

// runInsert starts a valid workshop_runs insert with the given extra columns.
const runInsert = `INSERT INTO workshop_runs (guild_id, main_channel_id, host_id, curriculum_id, curriculum_hash, curriculum_toml`

func TestSchemaConstraintsGuardInvariants(t *testing.T) {
	d := dbtest.New(t)
	ctx := testContext(t)
	if _, err := d.ExecContext(ctx, schemaFixture); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	cases := []struct {
		name, sql, code string
	}{
		{"guild id empty", `INSERT INTO guilds (guild_id) VALUES ('')`, workshop.EINVALID},
		{"guild twice", `INSERT INTO guilds (guild_id) VALUES ('g1')`, workshop.ECONFLICT},
		{"host role NULL", `UPDATE guilds SET host_roles = ARRAY['r1', NULL] WHERE guild_id = 'g1'`, workshop.EINVALID},
		{"member twice", `INSERT INTO members (guild_id, user_id) VALUES ('g1', 'u1')`, workshop.ECONFLICT},
		{"member of unknown guild", `INSERT INTO members (guild_id, user_id) VALUES ('gx', 'u1')`, workshop.EINVALID},
		{"experience level", `UPDATE members SET experience_level = 'guru' WHERE user_id = 'u1'`, workshop.EINVALID},
		{"reminder for non-member", `INSERT INTO member_reminders (guild_id, user_id) VALUES ('g1', 'u9')`, workshop.EINVALID},
		{"away backwards", `INSERT INTO away_periods (guild_id, user_id, from_date, until_date) VALUES ('g1', 'u2', '2026-03-05', '2026-03-04')`, workshop.EINVALID},
		{"run state", runInsert + `, state) VALUES ('g1', 'c2', 'u1', 'x', 'h', '', 'running')`, workshop.EINVALID},
		{"run step without index", runInsert + `, state) VALUES ('g1', 'c2', 'u1', 'x', 'h', '', 'step')`, workshop.EINVALID},
		{"run negative step", runInsert + `, current_step) VALUES ('g1', 'c2', 'u1', 'x', 'h', '', -1)`, workshop.EINVALID},
		{"two live runs in a channel", runInsert + `) VALUES ('g1', 'c1', 'u2', 'x', 'h', '')`, workshop.ECONFLICT},
		{"ended without end time", `UPDATE workshop_runs SET state = 'ended' WHERE run_id = 1`, workshop.EINVALID},
		{"pause without remaining", `UPDATE workshop_runs SET paused_at = now() WHERE run_id = 1`, workshop.EINVALID},
		{"deadline before step start", `UPDATE workshop_runs SET step_started_at = now(), step_deadline = now() - interval '1 minute' WHERE run_id = 1`, workshop.EINVALID},
		{"run in unknown guild", runInsert + `) VALUES ('gx', 'c9', 'u1', 'x', 'h', '')`, workshop.EINVALID},
		{"participant twice", `INSERT INTO participants (run_id, user_id) VALUES (1, 'u1')`, workshop.ECONFLICT},
		{"participant of no run", `INSERT INTO participants (run_id, user_id) VALUES (99, 'u1')`, workshop.EINVALID},
		{"participant left before joining", `UPDATE participants SET left_at = joined_at - interval '1 second' WHERE user_id = 'u1'`, workshop.EINVALID},
		{"group number twice", `INSERT INTO run_groups (run_id, formed_at_step, number, name) VALUES (1, 0, 1, 'C')`, workshop.ECONFLICT},
		{"group name twice", `INSERT INTO run_groups (run_id, formed_at_step, number, name) VALUES (1, 0, 3, 'A')`, workshop.ECONFLICT},
		{"in two groups of one formation", `INSERT INTO group_members (group_id, run_id, formed_at_step, user_id) VALUES (2, 1, 0, 'u1')`, workshop.ECONFLICT},
		{"group member not participating", `INSERT INTO group_members (group_id, run_id, formed_at_step, user_id) VALUES (2, 1, 0, 'u9')`, workshop.EINVALID},
		{"group member of mismatched formation", `INSERT INTO group_members (group_id, run_id, formed_at_step, user_id) VALUES (2, 1, 5, 'u2')`, workshop.EINVALID},
		{"room kind", `INSERT INTO rooms (run_id, kind, channel_id) VALUES (1, 'stage', 'x1')`, workshop.EINVALID},
		{"room channel twice", `INSERT INTO rooms (run_id, kind, channel_id) VALUES (1, 'text', 'v1')`, workshop.ECONFLICT},
		{"two live voice rooms for a group", `INSERT INTO rooms (run_id, group_id, kind, channel_id) VALUES (1, 1, 'voice', 'v2')`, workshop.ECONFLICT},
		{"step event twice", `INSERT INTO step_events (run_id, step_index, round, kind, channel_id) VALUES (1, 0, 0, 'prompt', 'c1')`, workshop.ECONFLICT},
		{"step event kind", `INSERT INTO step_events (run_id, step_index, kind, channel_id) VALUES (1, 0, 'Not A Kind', 'c1')`, workshop.EINVALID},
		{"group submits twice", `INSERT INTO submissions (run_id, step_index, group_id, author_id, content) VALUES (1, 0, 1, 'u2', 'again')`, workshop.ECONFLICT},
		{"empty submission", `INSERT INTO submissions (run_id, step_index, author_id, content) VALUES (1, 0, 'u2', '')`, workshop.EINVALID},
		{"second open help request", `INSERT INTO help_requests (run_id, user_id, channel_id) VALUES (1, 'u1', 'c1')`, workshop.ECONFLICT},
		{"answered by nobody", `UPDATE help_requests SET answered_at = now()`, workshop.EINVALID},
		{"cadence", `INSERT INTO accountability_channels (channel_id, guild_id, cadence, created_by) VALUES ('ac2', 'g1', 'hourly', 'u1')`, workshop.EINVALID},
		{"accountability channel twice", `INSERT INTO accountability_channels (channel_id, guild_id, created_by) VALUES ('ac1', 'g2', 'u1')`, workshop.ECONFLICT},
		{"check-in twice a day", `INSERT INTO checkins (guild_id, channel_id, user_id, local_date) VALUES ('g1', 'ac1', 'u1', '2026-03-01')`, workshop.ECONFLICT},
		{"mood", `INSERT INTO checkins (guild_id, channel_id, user_id, local_date, mood) VALUES ('g1', 'ac1', 'u2', '2026-03-01', 6)`, workshop.EINVALID},
		{"check-in by non-member", `INSERT INTO checkins (guild_id, channel_id, user_id, local_date) VALUES ('g1', 'ac1', 'u9', '2026-03-01')`, workshop.EINVALID},
		// One implicit transaction: the member exists, the channel is g1's.
		{"check-in across guilds", `INSERT INTO members (guild_id, user_id) VALUES ('g2', 'u1');
			INSERT INTO checkins (guild_id, channel_id, user_id, local_date) VALUES ('g2', 'ac1', 'u1', '2026-03-02')`, workshop.EINVALID},
		{"nudge after nothing", `INSERT INTO support_settings (channel_id, guild_id, nudge_after) VALUES ('sc2', 'g1', '0')`, workshop.EINVALID},
		{"thread twice", `INSERT INTO support_threads (thread_id, guild_id, channel_id, asker_id, topic) VALUES ('t1', 'g1', 'sc1', 'u2', 'again')`, workshop.ECONFLICT},
		{"thread state", `UPDATE support_threads SET state = 'closed'`, workshop.EINVALID},
		{"resolved without time", `UPDATE support_threads SET state = 'resolved'`, workshop.EINVALID},
		{"answered without answer", `UPDATE support_threads SET state = 'answered'`, workshop.EINVALID},
		{"resolved time on open thread", `UPDATE support_threads SET resolved_at = now(), resolved_by = 'u1'`, workshop.EINVALID},
		{"topic too long", `UPDATE support_threads SET topic = repeat('x', 101)`, workshop.EINVALID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := d.ExecContext(ctx, tc.sql)
			if err == nil {
				t.Fatalf("accepted: %s", tc.sql)
			}
			if got := workshop.ErrorCode(db.Translate(err, "row")); got != tc.code {
				t.Fatalf("code = %q, want %q; error: %v", got, tc.code, err)
			}
		})
	}
}

// Removing a guild removes everything it owned, and nothing of other guilds.
func TestDeletingAGuildRemovesItsRows(t *testing.T) {
	d := dbtest.New(t)
	ctx := testContext(t)
	if _, err := d.ExecContext(ctx, schemaFixture); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	if _, err := d.ExecContext(ctx, `DELETE FROM guilds WHERE guild_id = 'g1'`); err != nil {
		t.Fatal(err)
	}
	var tables []string
	if err := d.SelectContext(ctx, &tables, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('goose_db_version', 'guilds', 'timers')`); err != nil {
		t.Fatal(err)
	}
	if len(tables) < 14 {
		t.Fatalf("only %d tables: %v", len(tables), tables)
	}
	for _, table := range tables {
		var n int
		if err := d.GetContext(ctx, &n, `SELECT count(*) FROM `+table); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%s keeps %d rows of a deleted guild", table, n)
		}
	}
	var guilds int
	if err := d.GetContext(ctx, &guilds, `SELECT count(*) FROM guilds`); err != nil || guilds != 1 {
		t.Fatalf("guilds left = %d (%v), want g2 only", guilds, err)
	}
}
