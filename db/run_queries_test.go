package db_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
	"github.com/roundtable-bot/roundtable/workshop"
)

// runToEnd begins the harness's run with people and fires its timers until
// the run has ended (the cleanup timer stays pending).
func runToEnd(t *testing.T, h *runHarness, users ...string) {
	t.Helper()
	h.join(users...)
	h.begin()
	for h.mirror.State != workshop.RunEnded {
		if _, ok := h.fireNext(); !ok {
			t.Fatal("no timer left before the run ended")
		}
	}
}

// completeAll marks every queued effect of the harness's run done.
func completeAll(t *testing.T, h *runHarness) {
	t.Helper()
	pending, err := h.store.PendingEffects(h.ctx, h.mirror.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range pending {
		if err := h.store.CompleteEffect(h.ctx, h.mirror.ID, e.Key()); err != nil {
			t.Fatal(err)
		}
	}
}

// LiveRunIDs lists what a restart must catch up: runs not over, and runs
// over whose rooms still wait for deleting.
func TestLiveRunIDsListsRunsWithWorkLeft(t *testing.T) {
	d := dbtest.New(t)
	lobby := newRunHarness(t, d)
	lobby.start("g1", "lobby")

	cleanupDue := newRunHarness(t, d)
	cleanupDue.start("g1", "cleanup")
	runToEnd(t, cleanupDue, "a", "b")
	completeAll(t, cleanupDue) // only the cleanup timer is left

	queued := newRunHarness(t, d)
	queued.start("g2", "queued")
	runToEnd(t, queued, "a", "b")
	for {
		if _, ok := queued.fireNext(); !ok {
			break
		}
	} // the cleanup fired: DeleteRooms is queued, not yet done

	done := newRunHarness(t, d)
	done.start("g2", "done")
	runToEnd(t, done, "a", "b")
	for {
		if _, ok := done.fireNext(); !ok {
			break
		}
	}
	completeAll(t, done)

	cancelled := newRunHarness(t, d)
	cancelled.start("g1", "cancelled")
	cancelled.do("end", func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
		return e.End(r, now)
	})
	completeAll(t, cancelled)

	ids, err := lobby.store.LiveRunIDs(lobby.ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{lobby.mirror.ID, cleanupDue.mirror.ID, queued.mirror.ID}
	if !slices.Equal(ids, want) {
		t.Fatalf("LiveRunIDs = %v, want %v (lobby, cleanup pending, DeleteRooms queued)", ids, want)
	}
}

func TestRecentRunsNewestFirst(t *testing.T) {
	d := dbtest.New(t)
	var ids []int64
	for i, ch := range []string{"c1", "c2", "c3"} {
		h := newRunHarness(t, d)
		h.now = runT0.Add(time.Duration(i) * time.Hour)
		h.start("g1", ch)
		ids = append(ids, h.mirror.ID)
	}
	other := newRunHarness(t, d)
	other.start("g2", "c1")
	s := other.store

	runs, err := s.RecentRuns(other.ctx, "g1", 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[0].ID != ids[2] || runs[1].ID != ids[1] {
		t.Fatalf("RecentRuns(g1, 2) = %v, want runs %d and %d", runIDs(runs), ids[2], ids[1])
	}
	if runs[0].Curriculum == nil || runs[0].Curriculum.ID != "design-thinking" {
		t.Fatal("a recent run comes without its curriculum")
	}
	if runs, err := s.RecentRuns(other.ctx, "g3", 10); err != nil || len(runs) != 0 {
		t.Fatalf("RecentRuns of a guild with none = %v, %v", runs, err)
	}
	_, err = s.RecentRuns(other.ctx, "g1", 0)
	wantCode(t, err, workshop.EINVALID)
}

func runIDs(runs []*workshop.Run) []int64 {
	ids := make([]int64, len(runs))
	for i, r := range runs {
		ids[i] = r.ID
	}
	return ids
}

// The pair history of a run is made of the guild's earlier runs' groups,
// not later runs' and not other guilds'.
func TestFindRunLoadsThePairHistoryOfEarlierRuns(t *testing.T) {
	d := dbtest.New(t)
	earlier := newRunHarness(t, d)
	earlier.start("g1", "c1")
	runToEnd(t, earlier, "a", "b", "c", "d")

	elsewhere := newRunHarness(t, d)
	elsewhere.start("g2", "c1")
	runToEnd(t, elsewhere, "a", "b", "c", "d")

	h := newRunHarness(t, d)
	h.now = earlier.now.Add(time.Hour)
	h.start("g1", "c2")
	r, err := h.store.FindRun(h.ctx, h.mirror.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := workshop.PairHistory{}
	for _, f := range earlier.mirror.Formations {
		var groups [][]string
		for _, g := range f.Groups {
			groups = append(groups, g.Members)
		}
		want.AddGroups(groups)
	}
	if len(want) == 0 || len(r.History) != len(want) {
		t.Fatalf("History = %v, want %v", r.History, want)
	}
	for p, n := range want {
		if r.History[p] != n {
			t.Errorf("pair %v seen %d times in History, want %d", p, r.History[p], n)
		}
	}

	first, err := h.store.FindRun(h.ctx, earlier.mirror.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.History) != 0 {
		t.Errorf("the guild's first run has history %v", first.History)
	}
}

// recordingEffector carries out effects by remembering their keys, and
// fails the ones it is told to.
type recordingEffector struct {
	done []string
	fail map[string]error
}

func (f *recordingEffector) Apply(_ context.Context, _ *workshop.Run, e workshop.Effect) error {
	if err := f.fail[e.Key()]; err != nil {
		return err
	}
	f.done = append(f.done, e.Key())
	return nil
}

// The store behind a Runner: an effect the platform refused stays queued
// and is carried out by the next Drain, after a restart of the database.
func TestRunnerRecoversQueuedEffectsAfterARestart(t *testing.T) {
	d, restart := dbtest.NewIsolated(t)
	ctx := testContext(t)
	now := runT0
	fx := &recordingEffector{fail: map[string]error{}}
	runner := &workshop.Runner{
		Engine:   &workshop.Engine{},
		Store:    db.NewRunStore(d, db.RunStoreOptions{}),
		Effector: fx,
		Now:      func() time.Time { return now },
	}
	run, err := runner.Start(ctx, workshop.StartRequest{
		GuildID: "g1", MainChannelID: "main", HostID: "host", Curriculum: designThinking(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"a", "b", "c"} {
		err := runner.Do(ctx, run.ID, func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
			return e.Join(r, u, workshop.ExperienceNew, now)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	intro := workshop.PostIntro{RunID: run.ID}.Key()
	outage := errors.New("discord is down")
	fx.fail[intro] = outage
	err = runner.Do(ctx, run.ID, func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
		return e.Begin(r, now)
	})
	if !errors.Is(err, outage) {
		t.Fatalf("Do with the platform down = %v", err)
	}
	store := runner.Store.(*db.RunStore)
	before, err := store.FindRun(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	queued, err := store.PendingEffects(ctx, run.ID)
	if err != nil || len(queued) == 0 || queued[0].Key() != intro {
		t.Fatalf("after the failure the queue is %v (%v), want the intro first", effectKeys(queued), err)
	}

	restart()
	delete(fx.fail, intro)
	runner.Store = db.NewRunStore(d, db.RunStoreOptions{}) // a new process
	if err := runner.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	after, err := runner.Store.FindRun(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if runJSON(t, after) != runJSON(t, before) {
		t.Fatalf("the run changed across the restart:\n got %s\nwant %s", runJSON(t, after), runJSON(t, before))
	}
	if left, err := runner.Store.PendingEffects(ctx, run.ID); err != nil || len(left) != 0 {
		t.Fatalf("after Recover the queue is %v (%v)", effectKeys(left), err)
	}
	if !slices.Contains(fx.done, intro) {
		t.Fatalf("the intro was never posted: %v", fx.done)
	}
	var seen = map[string]bool{}
	for _, k := range fx.done {
		if seen[k] && k != (workshop.UpdateLobby{RunID: run.ID}).Key() {
			t.Errorf("%s carried out twice", k)
		}
		seen[k] = true
	}
	timers, err := db.NewTimerStore(d).List(ctx, run.KeyPrefix())
	if err != nil || len(timers) != 1 || timers[0].Key != (workshop.Timer{RunID: run.ID, Kind: workshop.TimerIntroEnd}).Key() {
		t.Fatalf("timers after the restart: %v (%v), want the intro's end", timers, err)
	}

	// The run goes on from there.
	now = timers[0].DueAt
	if err := runner.Fire(ctx, timers[0].Key); err != nil {
		t.Fatal(err)
	}
	r, err := runner.Store.FindRun(ctx, run.ID)
	if err != nil || r.StepIndex != 0 {
		t.Fatalf("after the intro's end the run is at step %d (%v)", r.StepIndex, err)
	}
}

// A run stopped in the middle of a breakout by a database restart comes
// back exactly as committed (run, timers, queue) and runs on to its end.
func TestRunContinuesAfterADatabaseRestart(t *testing.T) {
	d, restart := dbtest.NewIsolated(t)
	h := newRunHarness(t, d)
	h.start("g1", "main")
	h.join("a", "b", "c", "d", "e")
	h.begin()
	h.fireNext() // the intro ends: the first breakout
	h.fireNext() // its second round
	queued, err := h.store.PendingEffects(h.ctx, h.mirror.ID)
	if err != nil {
		t.Fatal(err)
	}

	restart()
	h.store = db.NewRunStore(d, db.RunStoreOptions{}) // a new process
	h.check()
	after, err := h.store.PendingEffects(h.ctx, h.mirror.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(effectKeys(after), effectKeys(queued)) {
		t.Fatalf("queue after the restart:\n%v\nbefore:\n%v", effectKeys(after), effectKeys(queued))
	}
	for {
		if _, ok := h.fireNext(); !ok {
			break
		}
	}
	if h.mirror.State != workshop.RunEnded || !h.mirror.RoomsDeleted {
		t.Fatalf("the run ended as %s, rooms deleted %v", h.mirror.State, h.mirror.RoomsDeleted)
	}
}
