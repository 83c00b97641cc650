package db_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/workshop"
)

// runT0 is when the test runs are started.
var runT0 = time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC)

// designThinking loads the shipped design-thinking curriculum.
func designThinking(tb testing.TB) *workshop.Curriculum {
	tb.Helper()
	lib, diags := workshop.LoadLibrary(os.DirFS("../curricula"))
	if diags.HasErrors() {
		tb.Fatalf("shipped curricula: %v", diags)
	}
	c, err := lib.Get("design-thinking")
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// runHarness drives one run through the store the way the Runner and the
// timer worker do, and applies every decision to an in-memory mirror too:
// the run the store loads must always equal the mirror, and the timers
// table must always hold exactly the timers the decisions left.
type runHarness struct {
	tb     testing.TB
	ctx    context.Context
	store  *db.RunStore
	timers *db.TimerStore
	engine *workshop.Engine
	mirror *workshop.Run
	want   map[string]time.Time // the mirror's pending timers
	now    time.Time
	queued []string // keys of the non-timer effects decided, in order
}

func newRunHarness(tb testing.TB, d *db.DB) *runHarness {
	return &runHarness{
		tb:     tb,
		ctx:    testContext(tb),
		store:  db.NewRunStore(d, db.RunStoreOptions{}),
		timers: db.NewTimerStore(d),
		engine: &workshop.Engine{},
		want:   map[string]time.Time{},
		now:    runT0,
	}
}

// start creates a run in the lobby of guild g1's channel.
func (h *runHarness) start(guild, channel string) {
	h.tb.Helper()
	id, err := h.store.ReserveRunID(h.ctx)
	if err != nil {
		h.tb.Fatal(err)
	}
	r, effects, err := h.engine.Start(id, workshop.StartRequest{
		GuildID: guild, MainChannelID: channel, MainVoiceChannelID: "voice-" + channel, HostID: "host",
		Curriculum: designThinking(h.tb),
	}, h.now)
	if err != nil {
		h.tb.Fatal(err)
	}
	if err := h.store.CreateRun(h.ctx, r, effects); err != nil {
		h.tb.Fatalf("CreateRun: %v", err)
	}
	h.mirror = cloneRun(h.tb, r)
	h.note(effects)
	h.check()
}

// note applies a decision's effects to the expected timers and queue.
func (h *runHarness) note(effects []workshop.Effect) {
	for _, e := range effects {
		switch e := e.(type) {
		case workshop.ScheduleTimer:
			h.want[e.Timer.Key()] = e.Timer.Due
		case workshop.CancelTimers:
			for k := range h.want {
				if strings.HasPrefix(k, e.Prefix) {
					delete(h.want, k)
				}
			}
		default:
			h.queued = append(h.queued, e.Key())
		}
	}
}

// do applies one decision to the mirror and, through UpdateRun, to the
// stored run; both must decide the same.
func (h *runHarness) do(what string, decide func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error)) []workshop.Effect {
	h.tb.Helper()
	want, wantErr := decide(h.engine, h.mirror, h.now)
	var got []workshop.Effect
	err := h.store.UpdateRun(h.ctx, h.mirror.ID, func(r *workshop.Run) ([]workshop.Effect, error) {
		var err error
		got, err = decide(h.engine, r, h.now)
		return got, err
	})
	if workshop.ErrorCode(err) != workshop.ErrorCode(wantErr) {
		h.tb.Fatalf("%s: stored run answered %v, the in-memory run %v", what, err, wantErr)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		h.tb.Fatalf("%s: the stored run decided\n%v\nthe in-memory run\n%v", what, got, want)
	}
	if err == nil {
		h.note(want)
	}
	h.check()
	return want
}

// fireNext fires the earliest timer in the timers table as the timer
// worker would, with the clock at its due time.
func (h *runHarness) fireNext() (string, bool) {
	h.tb.Helper()
	pending, err := h.timers.List(h.ctx, h.mirror.KeyPrefix())
	if err != nil {
		h.tb.Fatal(err)
	}
	if len(pending) == 0 {
		return "", false
	}
	t := pending[0]
	if t.Kind != db.DefaultRunTimerKind || t.GuildID != h.mirror.GuildID {
		h.tb.Fatalf("timer %s has kind %q and guild %q", t.Key, t.Kind, t.GuildID)
	}
	if t.DueAt.After(h.now) {
		h.now = t.DueAt
	}
	// The worker deletes a fired timer unless its handler re-armed it.
	if err := h.timers.Cancel(h.ctx, t.Key); err != nil {
		h.tb.Fatal(err)
	}
	delete(h.want, t.Key)
	h.do("fire "+t.Key, func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
		return e.Fire(r, t.Key, now)
	})
	return t.Key, true
}

// check compares the stored run with the mirror, and the timers table
// with the timers decided.
func (h *runHarness) check() {
	h.tb.Helper()
	found, err := h.store.FindRun(h.ctx, h.mirror.ID)
	if err != nil {
		h.tb.Fatalf("FindRun: %v", err)
	}
	if got, want := runJSON(h.tb, found), runJSON(h.tb, h.mirror); got != want {
		h.tb.Fatalf("stored run differs from the in-memory run:\n got %s\nwant %s", got, want)
	}
	pending, err := h.timers.List(h.ctx, h.mirror.KeyPrefix())
	if err != nil {
		h.tb.Fatal(err)
	}
	got := map[string]time.Time{}
	for _, t := range pending {
		got[t.Key] = t.DueAt
	}
	if len(got) != len(h.want) {
		h.tb.Fatalf("timers table holds %v, want %v", sortedKeys(got), sortedKeys(h.want))
	}
	for k, due := range h.want {
		if g, ok := got[k]; !ok || !g.Equal(due.Round(time.Microsecond)) {
			h.tb.Fatalf("timer %s is due %v in the table, want %v", k, g, due)
		}
	}
}

// cloneRun copies a run through its JSON form, keeping the curriculum.
func cloneRun(tb testing.TB, r *workshop.Run) *workshop.Run {
	tb.Helper()
	data, err := json.Marshal(r)
	if err != nil {
		tb.Fatal(err)
	}
	var c workshop.Run
	if err := json.Unmarshal(data, &c); err != nil {
		tb.Fatal(err)
	}
	c.Curriculum = r.Curriculum
	return &c
}

// runJSON is the run's JSON, curriculum included.
func runJSON(tb testing.TB, r *workshop.Run) string {
	tb.Helper()
	data, err := json.Marshal(r)
	if err != nil {
		tb.Fatal(err)
	}
	return string(data)
}

func sortedKeys(m map[string]time.Time) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// join has users join with levels cycling through new, some, experienced.
func (h *runHarness) join(users ...string) {
	h.tb.Helper()
	levels := []workshop.Experience{workshop.ExperienceNew, workshop.ExperienceSome, workshop.ExperienceExperienced}
	for i, u := range users {
		h.do("join "+u, func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
			return e.Join(r, u, levels[i%len(levels)], now)
		})
	}
}

// begin starts the intro.
func (h *runHarness) begin() {
	h.tb.Helper()
	h.do("begin", func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
		return e.Begin(r, now)
	})
}
