package db_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
	"github.com/roundtable-bot/roundtable/workshop"
)

// timerBase is a fixed instant so expectations are exact; Postgres keeps
// microseconds, so nothing finer is used.
var timerBase = time.Date(2026, 3, 28, 12, 0, 0, 0, time.UTC)

func scheduleTimer(t *testing.T, s *db.TimerStore, key string, due time.Time) {
	t.Helper()
	err := s.Schedule(context.Background(), db.Timer{Key: key, Kind: "step_end", GuildID: "g1", DueAt: due})
	if err != nil {
		t.Fatalf("Schedule(%q): %v", key, err)
	}
}

func getTimer(t *testing.T, s *db.TimerStore, key string) db.Timer {
	t.Helper()
	tm, err := s.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	return tm
}

func wantTimerCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := workshop.ErrorCode(err); got != code {
		t.Fatalf("%s: error code %q (%v), want %q", what, got, err, code)
	}
}

func wantDue(t *testing.T, tm db.Timer, due time.Time) {
	t.Helper()
	if !tm.DueAt.Equal(due) || tm.Remaining != 0 {
		t.Fatalf("timer %q: due %v remaining %v, want due %v and running", tm.Key, tm.DueAt, tm.Remaining, due)
	}
}

func wantPaused(t *testing.T, tm db.Timer, remaining time.Duration) {
	t.Helper()
	if !tm.DueAt.IsZero() || tm.Remaining != remaining {
		t.Fatalf("timer %q: due %v remaining %v, want paused with %v left", tm.Key, tm.DueAt, tm.Remaining, remaining)
	}
}

func TestTimerScheduleIsIdempotentByKey(t *testing.T) {
	ctx := context.Background()
	s := db.NewTimerStore(dbtest.New(t))

	first := db.Timer{Key: "run:1:end", Kind: "run_end", GuildID: "g1", Payload: json.RawMessage(`{"step":1}`), DueAt: timerBase}
	if err := s.Schedule(ctx, first); err != nil {
		t.Fatal(err)
	}
	second := db.Timer{Key: "run:1:end", Kind: "run_end", GuildID: "g2", Payload: json.RawMessage(`{"step": 2}`), DueAt: timerBase.Add(time.Hour)}
	if err := s.Schedule(ctx, second); err != nil {
		t.Fatal(err)
	}

	all, err := s.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 {
		t.Fatalf("List after scheduling one key twice: %d timers, want 1: %+v", len(all), all)
	}
	got := all[0]
	wantDue(t, got, second.DueAt)
	if got.GuildID != "g2" || got.Kind != "run_end" || got.ID == 0 {
		t.Fatalf("replaced timer = %+v, want the second schedule", got)
	}
	var payload struct{ Step int }
	if err := json.Unmarshal(got.Payload, &payload); err != nil || payload.Step != 2 {
		t.Fatalf("payload %s (%v), want step 2", got.Payload, err)
	}
}

func TestTimerScheduleNilPayloadIsJSONNull(t *testing.T) {
	s := db.NewTimerStore(dbtest.New(t))
	scheduleTimer(t, s, "k", timerBase)
	if got := string(getTimer(t, s, "k").Payload); got != "null" {
		t.Fatalf("payload = %q, want null", got)
	}
}

func TestTimerScheduleRejectsInvalidTimers(t *testing.T) {
	s := db.NewTimerStore(dbtest.New(t))
	for name, tm := range map[string]db.Timer{
		"no key":       {Kind: "k", DueAt: timerBase},
		"no kind":      {Key: "k", DueAt: timerBase},
		"no due time":  {Key: "k", Kind: "k"},
		"invalid json": {Key: "k", Kind: "k", DueAt: timerBase, Payload: json.RawMessage(`{"a":`)},
	} {
		wantTimerCode(t, name, s.Schedule(context.Background(), tm), workshop.EINVALID)
	}
	wantTimerCode(t, "Reschedule to zero time", s.Reschedule(context.Background(), "k", time.Time{}), workshop.EINVALID)
}

func TestTimerCancel(t *testing.T) {
	ctx := context.Background()
	s := db.NewTimerStore(dbtest.New(t))
	scheduleTimer(t, s, "run:1:a", timerBase)
	scheduleTimer(t, s, "run:1:b", timerBase)

	if err := s.Cancel(ctx, "run:1:a"); err != nil {
		t.Fatal(err)
	}
	_, err := s.Get(ctx, "run:1:a")
	wantTimerCode(t, "Get after Cancel", err, workshop.ENOTFOUND)
	wantTimerCode(t, "second Cancel", s.Cancel(ctx, "run:1:a"), workshop.ENOTFOUND)
	getTimer(t, s, "run:1:b")
}

func TestTimerCancelPrefixCancelsOneRun(t *testing.T) {
	ctx := context.Background()
	s := db.NewTimerStore(dbtest.New(t))
	scheduleTimer(t, s, "run:1:a", timerBase)
	scheduleTimer(t, s, "run:1:b", timerBase.Add(time.Minute))
	scheduleTimer(t, s, "run:10:a", timerBase)

	n, err := s.CancelPrefix(ctx, "run:1:")
	if err != nil || n != 2 {
		t.Fatalf("CancelPrefix = %d, %v; want 2", n, err)
	}
	left, err := s.List(ctx, "run:")
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 || left[0].Key != "run:10:a" {
		t.Fatalf("left after CancelPrefix: %+v, want only run:10:a", left)
	}
	_, err = s.CancelPrefix(ctx, "")
	wantTimerCode(t, "CancelPrefix(\"\")", err, workshop.EINVALID)
}

func TestTimerReschedule(t *testing.T) {
	ctx := context.Background()
	s := db.NewTimerStore(dbtest.New(t))
	scheduleTimer(t, s, "run:1:a", timerBase)

	if err := s.Reschedule(ctx, "run:1:a", timerBase.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	wantDue(t, getTimer(t, s, "run:1:a"), timerBase.Add(time.Hour))

	wantTimerCode(t, "Reschedule of a missing key", s.Reschedule(ctx, "nope", timerBase), workshop.ENOTFOUND)

	// A paused timer that is given a due time runs again.
	if _, err := s.Pause(ctx, "run:1:", timerBase); err != nil {
		t.Fatal(err)
	}
	if err := s.Reschedule(ctx, "run:1:a", timerBase.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	wantDue(t, getTimer(t, s, "run:1:a"), timerBase.Add(2*time.Hour))
}

func TestTimerShiftMovesEveryDeadlineOfARun(t *testing.T) {
	ctx := context.Background()
	s := db.NewTimerStore(dbtest.New(t))
	scheduleTimer(t, s, "run:1:step:1", timerBase)
	scheduleTimer(t, s, "run:1:step:2", timerBase.Add(10*time.Minute))
	scheduleTimer(t, s, "run:2:step:1", timerBase)

	n, err := s.Shift(ctx, "run:1:", 5*time.Minute)
	if err != nil || n != 2 {
		t.Fatalf("Shift = %d, %v; want 2", n, err)
	}
	wantDue(t, getTimer(t, s, "run:1:step:1"), timerBase.Add(5*time.Minute))
	wantDue(t, getTimer(t, s, "run:1:step:2"), timerBase.Add(15*time.Minute))
	wantDue(t, getTimer(t, s, "run:2:step:1"), timerBase)

	// Paused timers keep more (or less, never below zero) time.
	if _, err := s.Pause(ctx, "run:1:", timerBase); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Shift(ctx, "run:1:", time.Minute); err != nil {
		t.Fatal(err)
	}
	wantPaused(t, getTimer(t, s, "run:1:step:2"), 16*time.Minute)
	if _, err := s.Shift(ctx, "run:1:", -10*time.Minute); err != nil {
		t.Fatal(err)
	}
	wantPaused(t, getTimer(t, s, "run:1:step:1"), 0)
	wantPaused(t, getTimer(t, s, "run:1:step:2"), 6*time.Minute)

	_, err = s.Shift(ctx, "", time.Minute)
	wantTimerCode(t, "Shift(\"\")", err, workshop.EINVALID)
}

func TestTimerPauseAndResume(t *testing.T) {
	ctx := context.Background()
	s := db.NewTimerStore(dbtest.New(t))
	scheduleTimer(t, s, "run:1:a", timerBase.Add(10*time.Minute))
	scheduleTimer(t, s, "run:1:overdue", timerBase)
	scheduleTimer(t, s, "run:2:a", timerBase.Add(10*time.Minute))

	pausedAt := timerBase.Add(4 * time.Minute)
	n, err := s.Pause(ctx, "run:1:", pausedAt)
	if err != nil || n != 2 {
		t.Fatalf("Pause = %d, %v; want 2", n, err)
	}
	wantPaused(t, getTimer(t, s, "run:1:a"), 6*time.Minute)
	wantPaused(t, getTimer(t, s, "run:1:overdue"), 0)
	wantDue(t, getTimer(t, s, "run:2:a"), timerBase.Add(10*time.Minute))

	// Pausing twice does not lose time.
	if n, err := s.Pause(ctx, "run:1:", pausedAt.Add(time.Hour)); err != nil || n != 0 {
		t.Fatalf("second Pause = %d, %v; want 0", n, err)
	}

	resumedAt := timerBase.Add(time.Hour)
	if n, err := s.Resume(ctx, "run:1:", resumedAt); err != nil || n != 2 {
		t.Fatalf("Resume = %d, %v; want 2", n, err)
	}
	wantDue(t, getTimer(t, s, "run:1:a"), resumedAt.Add(6*time.Minute))
	wantDue(t, getTimer(t, s, "run:1:overdue"), resumedAt)
	if n, err := s.Resume(ctx, "run:1:", resumedAt); err != nil || n != 0 {
		t.Fatalf("second Resume = %d, %v; want 0", n, err)
	}
}

// A pause across a daylight-saving change must keep the exact time left, even
// when the session's time zone has one.
func TestTimerPauseKeepsExactDurationAcrossDST(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	tx, err := d.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SET LOCAL TIME ZONE 'Europe/Paris'`); err != nil {
		t.Fatal(err)
	}
	s := db.NewTimerStore(d).WithTx(tx)
	// Paris moves its clocks forward on 2026-03-29.
	scheduleTimer(t, s, "run:1:a", timerBase.Add(48*time.Hour))
	if _, err := s.Pause(ctx, "run:1:", timerBase); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Resume(ctx, "run:1:", timerBase); err != nil {
		t.Fatal(err)
	}
	wantDue(t, getTimer(t, s, "run:1:a"), timerBase.Add(48*time.Hour))
}

func TestTimerStoreWithTxCommitsWithTheCaller(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	s := db.NewTimerStore(d)

	rolledBack, err := d.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	scheduleTimer(t, s.WithTx(rolledBack), "run:1:a", timerBase)
	if err := rolledBack.Rollback(); err != nil {
		t.Fatal(err)
	}
	_, err = s.Get(ctx, "run:1:a")
	wantTimerCode(t, "Get after rollback", err, workshop.ENOTFOUND)

	committed, err := d.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	scheduleTimer(t, s.WithTx(committed), "run:1:a", timerBase)
	if err := committed.Commit(); err != nil {
		t.Fatal(err)
	}
	wantDue(t, getTimer(t, s, "run:1:a"), timerBase)
}
