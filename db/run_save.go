package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/roundtable-bot/roundtable/workshop"
)

// liveRunPerChannel is 00001's unique index: one run not over per channel.
const liveRunPerChannel = "workshop_runs_one_live_per_channel"

// translateRun is translate for runs, with the words a host needs when a
// channel already has a workshop.
func translateRun(err error) error {
	if e := pq.As(err); e != nil && e.Code == codeUniqueViolation && e.Constraint == liveRunPerChannel {
		return fmt.Errorf("%w: %w", workshop.Errorf(workshop.ECONFLICT,
			"This channel already has a workshop that hasn't ended. End it first, or start the new one in another channel."), err)
	}
	return translate(err, "workshop run")
}

// runSnapshot is the Run as stored in workshop_runs.snapshot: every
// exported field except Curriculum (kept as TOML in its own columns) and
// History (not part of the run; its JSON tag already leaves it out).
func runSnapshot(r *workshop.Run) ([]byte, error) {
	c := *r
	c.Curriculum = nil
	c.History = nil
	data, err := json.Marshal(&c)
	if err != nil {
		return nil, fmt.Errorf("encode run %d: %w", r.ID, err)
	}
	return data, nil
}

// saveRun writes the run (inserting it when create) with everything a
// decision changes, in one statement rather than one per table: the
// queryable columns and the snapshot, the participants that changed, the
// queued effects and the net change to the run's timers. The formations
// that changed and the help requests follow in their own statements (they
// need the participants' rows).
func (s *RunStore) saveRun(ctx context.Context, tx *sqlx.Tx, r *workshop.Run, before record, effects []workshop.Effect, now time.Time, create bool) error {
	plan, err := s.planEffects(r, effects)
	if err != nil {
		return err
	}
	snap, err := runSnapshot(r)
	if err != nil {
		return err
	}
	var a args
	id := a.add(r.ID)
	parts := []string{"run AS (" + runStatement(&a, id, r, snap, now, create) + ")"}
	if p := participantsStatement(&a, id, r.Participants, before.participants); p != "" {
		parts = append(parts, "participants AS ("+p+")")
	}
	if len(plan.queue) > 0 {
		data, err := workshop.MarshalEffects(plan.queue)
		if err != nil {
			return fmt.Errorf("encode effects of run %d: %w", r.ID, err)
		}
		parts = append(parts, "outbox AS ("+outboxStatement(&a, id, data, now)+")")
	}
	if len(plan.cancels) > 0 {
		parts = append(parts, fmt.Sprintf(`timers_cancelled AS (
			DELETE FROM timers
			WHERE EXISTS (SELECT 1 FROM unnest(%s::text[]) AS p(prefix) WHERE starts_with(key, p.prefix))
			  AND NOT (key = ANY (%s::text[])))`,
			a.add(textArray(plan.cancels)), a.add(textArray(plan.schedule))))
	}
	if len(plan.schedule) > 0 {
		// TimerStore.Schedule's upsert, for many keys at once.
		parts = append(parts, fmt.Sprintf(`timers_scheduled AS (
			INSERT INTO timers (key, kind, guild_id, payload, due_at)
			SELECT k, %s, %s, 'null', d::timestamptz FROM unnest(%s::text[], %s::text[]) AS t(k, d)
			ON CONFLICT (key) DO UPDATE SET
				kind = EXCLUDED.kind,
				guild_id = EXCLUDED.guild_id,
				payload = EXCLUDED.payload,
				due_at = EXCLUDED.due_at,
				paused_remaining = NULL,
				attempts = 0,
				last_error = '',
				version = timers.version + 1)`,
			a.add(s.timerKind), a.add(r.GuildID), a.add(textArray(plan.schedule)), a.add(textArray(plan.dueTexts()))))
	}
	var n int
	if err := tx.GetContext(ctx, &n, "WITH "+strings.Join(parts, ",\n")+"\nSELECT count(*) FROM run", a...); err != nil {
		return err
	}
	if n != 1 {
		return workshop.Errorf(workshop.ENOTFOUND, "No such workshop run.")
	}
	for fi, f := range r.Formations {
		if fi < len(before.formations) && sameGroups(before.formations[fi], f) {
			continue
		}
		if err := writeFormation(ctx, tx, r.ID, fi, f); err != nil {
			return fmt.Errorf("save groups of formation %d: %w", fi, err)
		}
	}
	for _, e := range plan.help {
		if err := recordHelpRequest(ctx, tx, r, e, now); err != nil {
			return err
		}
	}
	return nil
}

// runStatement inserts or updates the run's row: the queryable columns
// kept in sync with the snapshot.
func runStatement(a *args, id string, r *workshop.Run, snap []byte, now time.Time, create bool) string {
	var step sql.NullInt64
	if r.StepIndex >= 0 {
		step = sql.NullInt64{Int64: int64(r.StepIndex), Valid: true}
	}
	var pausedAt time.Time
	var remainingUS sql.NullInt64
	if r.Paused {
		pausedAt = r.PausedAt
		remainingUS = sql.NullInt64{Int64: r.Remaining.Microseconds(), Valid: true}
	}
	var started time.Time
	if len(r.Timing) > 0 {
		started = r.Timing[0].StartedAt
	}
	cols := `state, current_step, step_started_at, step_deadline, paused_at, paused_remaining,
		started_at, ended_at, starts_at, seq, rooms_deleted, snapshot, updated_at`
	vals := strings.Join([]string{
		a.add(string(r.State)), a.add(step), a.add(nullTime(r.StepStartedAt)), a.add(nullTime(r.Deadline)),
		a.add(nullTime(pausedAt)), a.add(remainingUS) + "::bigint * interval '1 microsecond'",
		a.add(nullTime(started)), a.add(nullTime(r.EndedAt)), a.add(nullTime(r.StartsAt)),
		a.add(r.Seq), a.add(r.RoomsDeleted), a.add(string(snap)) + "::jsonb", a.add(now),
	}, ", ")
	if !create {
		return `UPDATE workshop_runs SET (` + cols + `) = (` + vals + `) WHERE run_id = ` + id + ` RETURNING run_id`
	}
	c := r.Curriculum
	fixed := strings.Join([]string{
		id, a.add(r.GuildID), a.add(r.MainChannelID), a.add(nullText(r.MainVoiceChannelID)), a.add(r.HostID),
		a.add(c.ID), a.add(c.Hash), a.add(string(c.Source)), a.add(c.File), a.add(r.CreatedAt.UTC()),
	}, ", ")
	return `INSERT INTO workshop_runs (run_id, guild_id, main_channel_id, voice_channel_id, host_id,
			curriculum_id, curriculum_hash, curriculum_toml, curriculum_file, created_at, ` + cols + `)
		VALUES (` + fixed + `, ` + vals + `) RETURNING run_id`
}

// participantsStatement upserts the participants that are new or changed
// since before; "" when none are.
func participantsStatement(a *args, id string, now, before []workshop.Participant) string {
	var users, levels, joined, left []string
	for i, p := range now {
		if i < len(before) && before[i] == p {
			continue
		}
		users = append(users, p.UserID)
		levels = append(levels, string(p.Level))
		joined = append(joined, timeText(p.JoinedAt))
		if p.Left {
			left = append(left, timeText(p.LeftAt))
		} else {
			left = append(left, "")
		}
	}
	if len(users) == 0 {
		return ""
	}
	return fmt.Sprintf(`
		INSERT INTO participants (run_id, user_id, experience_level, joined_at, left_at)
		SELECT %s::bigint, u, nullif(l, ''), j::timestamptz, nullif(x, '')::timestamptz
		FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[]) AS p(u, l, j, x)
		ON CONFLICT (run_id, user_id) DO UPDATE SET
			experience_level = EXCLUDED.experience_level,
			joined_at = EXCLUDED.joined_at,
			left_at = EXCLUDED.left_at`,
		id, a.add(textArray(users)), a.add(textArray(levels)), a.add(textArray(joined)), a.add(textArray(left)))
}

// record is the part of a run written to the record tables, as it was
// before a decision, so a save writes only what the decision changed.
type record struct {
	participants []workshop.Participant
	formations   []workshop.Formation
}

// snapshotRecord copies what saveRun compares: the decision changes
// the run in place.
func snapshotRecord(r *workshop.Run) record {
	rec := record{participants: slices.Clone(r.Participants), formations: make([]workshop.Formation, len(r.Formations))}
	for i, f := range r.Formations {
		f.Groups = slices.Clone(f.Groups)
		for j := range f.Groups {
			f.Groups[j].Members = slices.Clone(f.Groups[j].Members)
		}
		rec.formations[i] = f
	}
	return rec
}

// sameGroups reports whether a formation's groups are unchanged.
func sameGroups(a, b workshop.Formation) bool {
	return a.Step == b.Step && slices.EqualFunc(a.Groups, b.Groups, func(x, y workshop.Group) bool {
		return x.Number == y.Number && x.Name == y.Name && slices.Equal(x.Members, y.Members)
	})
}

// writeFormation makes run_groups and group_members hold formation fi's
// groups as they are now.
func writeFormation(ctx context.Context, tx *sqlx.Tx, runID int64, fi int, f workshop.Formation) error {
	var numbers []int64
	var names []string
	var memberGroups []int64
	var members []string
	for _, g := range f.Groups {
		numbers = append(numbers, int64(g.Number))
		names = append(names, g.Name)
		for _, m := range g.Members {
			memberGroups = append(memberGroups, int64(g.Number))
			members = append(members, m)
		}
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO run_groups (run_id, formed_at_step, formation, number, name)
		SELECT $1, $2, $3, n, name FROM unnest($4::int[], $5::text[]) AS g(n, name)
		ON CONFLICT (run_id, formed_at_step, number) DO UPDATE SET
			name = EXCLUDED.name, formation = EXCLUDED.formation`,
		runID, f.Step, fi, intArray(numbers), textArray(names)); err != nil {
		return err
	}
	// Who left a group goes first: a member who changed groups would
	// otherwise be in two groups of the formation for a moment.
	if _, err := tx.ExecContext(ctx, `
		DELETE FROM group_members gm USING run_groups g
		WHERE gm.group_id = g.group_id AND g.run_id = $1 AND g.formed_at_step = $2
		  AND (g.number, gm.user_id) NOT IN (SELECT * FROM unnest($3::int[], $4::text[]))`,
		runID, f.Step, intArray(memberGroups), textArray(members)); err != nil {
		return err
	}
	if len(members) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO group_members (group_id, run_id, formed_at_step, user_id)
		SELECT g.group_id, $1, $2, m.user_id
		FROM unnest($3::int[], $4::text[]) AS m(number, user_id)
		JOIN run_groups g ON g.run_id = $1 AND g.formed_at_step = $2 AND g.number = m.number
		ON CONFLICT DO NOTHING`,
		runID, f.Step, intArray(memberGroups), textArray(members))
	return err
}

// recordHelpRequest notes a PingHosts decision in help_requests: one open
// request per member, counting how often they asked.
func recordHelpRequest(ctx context.Context, tx *sqlx.Tx, r *workshop.Run, e workshop.PingHosts, now time.Time) error {
	var channel sql.NullString
	if e.Room.IsMain() {
		channel = nullText(r.MainChannelID)
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO help_requests (run_id, group_id, user_id, channel_id, room, seq, created_at)
		VALUES ($1, (SELECT group_id FROM run_groups WHERE run_id = $1 AND formation = $2 AND number = $3),
			$4, $5, $6, $7, $8)
		ON CONFLICT (run_id, user_id) WHERE answered_at IS NULL DO UPDATE SET
			asks = help_requests.asks + 1,
			group_id = EXCLUDED.group_id,
			channel_id = EXCLUDED.channel_id,
			room = EXCLUDED.room,
			seq = EXCLUDED.seq
		WHERE help_requests.seq < EXCLUDED.seq`,
		r.ID, e.Room.Formation, e.Room.Group, e.UserID, channel, e.Room.String(), e.Seq, now)
	if err != nil {
		return fmt.Errorf("record help request of %s: %w", e.UserID, err)
	}
	return nil
}

// nullTime is t as a query argument; the zero time is NULL.
func nullTime(t time.Time) sql.NullTime {
	if t.IsZero() {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: t.UTC(), Valid: true}
}

// nullText is s as a query argument; "" is NULL.
func nullText(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// timeText is t for a text[] argument cast to timestamptz; "" when zero.
func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
