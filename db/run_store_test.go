package db_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
	"github.com/roundtable-bot/roundtable/workshop"
)

// A whole design-thinking run, host actions and participant actions
// included, goes through the store: after every decision the stored run is
// the in-memory one and the timers table holds the decided timers.
func TestRunStoreKeepsAWholeRunAsTheEngineLeftIt(t *testing.T) {
	d := dbtest.New(t)
	h := newRunHarness(t, d)
	h.start("g1", "main")
	h.join("a", "b", "c", "d", "e", "f", "g")
	h.begin()
	h.fireNext() // the intro ends: the first breakout opens
	if s, ok := h.mirror.Step(); !ok || s.Mode != workshop.ModeBreakout {
		t.Fatalf("after the intro the run is in %v, want a breakout", h.mirror.State)
	}
	h.do("help", func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
		return e.AskHelp(r, "a", now)
	})
	h.do("help again", func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
		return e.AskHelp(r, "a", now)
	})
	h.do("pause", func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
		return e.Pause(r, now)
	})
	h.now = h.now.Add(time.Minute)
	h.do("extend while paused", func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
		return e.Extend(r, 2*time.Minute, now)
	})
	h.do("resume", func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
		return e.Resume(r, now)
	})
	h.do("late join", func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
		return e.Join(r, "h", workshop.ExperienceSome, now)
	})
	h.do("leave", func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
		return e.Leave(r, "b", now)
	})
	submitted := false
	for fired := 0; ; fired++ {
		if fired > 200 {
			t.Fatal("the run never ended")
		}
		if s, ok := h.mirror.Step(); ok && s.Deliverable != "" && !submitted {
			step := h.mirror.StepIndex
			var sub workshop.Submission
			h.do("submit", func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
				var effs []workshop.Effect
				var err error
				sub, effs, err = e.Submit(r, "c", step, "my work", now)
				return effs, err
			})
			if err := h.store.SaveSubmission(h.ctx, sub); err != nil {
				t.Fatalf("SaveSubmission: %v", err)
			}
			submitted = true
		}
		if _, ok := h.fireNext(); !ok {
			break
		}
	}
	if h.mirror.State != workshop.RunEnded || !h.mirror.RoomsDeleted {
		t.Fatalf("run ended as %s, rooms deleted %v", h.mirror.State, h.mirror.RoomsDeleted)
	}
	if !submitted {
		t.Fatal("no step asked for a deliverable")
	}

	// The record tables agree with the run.
	var participants, left int
	if err := d.GetContext(h.ctx, &participants, `SELECT count(*) FROM participants WHERE run_id = $1`, h.mirror.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.GetContext(h.ctx, &left, `SELECT count(*) FROM participants WHERE run_id = $1 AND left_at IS NOT NULL`, h.mirror.ID); err != nil {
		t.Fatal(err)
	}
	if participants != 8 || left != 1 {
		t.Errorf("participants rows: %d, %d left; want 8, 1 left", participants, left)
	}
	assertGroupRows(t, d, h.mirror)
	var asks int
	if err := d.GetContext(h.ctx, &asks, `SELECT coalesce(sum(asks), 0) FROM help_requests WHERE run_id = $1`, h.mirror.ID); err != nil {
		t.Fatal(err)
	}
	if asks != h.mirror.HelpRequests || asks != 2 {
		t.Errorf("help requests record %d asks, the run %d", asks, h.mirror.HelpRequests)
	}
	var state string
	var seq int64
	var ended bool
	if err := d.QueryRowxContext(h.ctx, `SELECT state, seq, ended_at IS NOT NULL FROM workshop_runs WHERE run_id = $1`, h.mirror.ID).Scan(&state, &seq, &ended); err != nil {
		t.Fatal(err)
	}
	if state != "ended" || seq != h.mirror.Seq || !ended {
		t.Errorf("workshop_runs row: state %s, seq %d, ended %v; want ended, %d, true", state, seq, ended, h.mirror.Seq)
	}

	// Every effect decided is queued once, in the order decided.
	pending, err := h.store.PendingEffects(h.ctx, h.mirror.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := effectKeys(pending), uniqueInOrder(h.queued); !slices.Equal(got, want) {
		t.Errorf("outbox holds\n%v\nwant\n%v", got, want)
	}
}

// assertGroupRows checks run_groups and group_members against the run's
// formations.
func assertGroupRows(t *testing.T, d *db.DB, r *workshop.Run) {
	t.Helper()
	for fi, f := range r.Formations {
		for _, g := range f.Groups {
			var members []string
			err := d.SelectContext(testContext(t), &members, `
				SELECT m.user_id FROM group_members m JOIN run_groups g USING (group_id)
				WHERE g.run_id = $1 AND g.formation = $2 AND g.number = $3 AND g.formed_at_step = $4 AND g.name = $5
				ORDER BY m.user_id`, r.ID, fi, g.Number, f.Step, g.Name)
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Clone(g.Members)
			slices.Sort(want)
			if !slices.Equal(members, want) {
				t.Errorf("formation %d group %d: rows hold %v, the run %v", fi, g.Number, members, want)
			}
		}
	}
	var groups int
	if err := d.GetContext(testContext(t), &groups, `SELECT count(*) FROM run_groups WHERE run_id = $1`, r.ID); err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, f := range r.Formations {
		want += len(f.Groups)
	}
	if groups != want || want == 0 {
		t.Errorf("run_groups has %d rows, the run %d groups", groups, want)
	}
}

func effectKeys(effects []workshop.Effect) []string {
	keys := make([]string, len(effects))
	for i, e := range effects {
		keys[i] = e.Key()
	}
	return keys
}

// uniqueInOrder keeps the first of each key: a key queued again while
// still pending keeps its place.
func uniqueInOrder(keys []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// A decision's effects are queued in the order decided, CompleteEffect
// takes one off the queue, and the coalesced lobby update always ends up
// showing the latest count.
func TestOutboxKeepsDecidedOrderAndCoalescesTheLobbyUpdate(t *testing.T) {
	d := dbtest.New(t)
	h := newRunHarness(t, d)
	h.start("g1", "main")
	id := h.mirror.ID
	lobbyPost := workshop.PostLobby{RunID: id}.Key()
	lobbyUpdate := workshop.UpdateLobby{RunID: id}.Key()

	assertQueue := func(want ...string) []workshop.Effect {
		t.Helper()
		pending, err := h.store.PendingEffects(h.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got := effectKeys(pending); !slices.Equal(got, want) {
			t.Fatalf("outbox = %v, want %v", got, want)
		}
		return pending
	}
	lobbyCount := func(effects []workshop.Effect) int {
		for _, e := range effects {
			if u, ok := e.(workshop.UpdateLobby); ok {
				return u.Participants
			}
		}
		t.Fatal("no lobby update queued")
		return 0
	}

	assertQueue(lobbyPost)
	h.join("a")
	pending := assertQueue(lobbyPost, lobbyUpdate)
	if _, ok := pending[0].(workshop.PostLobby); !ok || lobbyCount(pending) != 1 {
		t.Fatalf("pending effects decode as %#v", pending)
	}
	for _, k := range []string{lobbyPost, lobbyUpdate} {
		if err := h.store.CompleteEffect(h.ctx, id, k); err != nil {
			t.Fatal(err)
		}
	}
	assertQueue()
	if err := h.store.CompleteEffect(h.ctx, id, lobbyPost); err != nil {
		t.Errorf("completing a done effect again: %v", err)
	}
	wantCode(t, h.store.CompleteEffect(h.ctx, id, "run:1:never"), workshop.ENOTFOUND)

	// A done lobby update is queued again by the next join...
	h.join("b")
	if got := lobbyCount(assertQueue(lobbyUpdate)); got != 2 {
		t.Fatalf("lobby update shows %d, want 2", got)
	}
	// ...and a pending one takes the latest count in its place.
	h.do("broadcast", func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
		return e.Broadcast(r, "hello", now)
	})
	notice := workshop.PostNotice{RunID: id, Tag: fmt.Sprintf("seq:%d", h.mirror.Seq)}.Key()
	h.join("c")
	read := assertQueue(lobbyUpdate, notice)
	if got := lobbyCount(read); got != 3 {
		t.Fatalf("lobby update shows %d, want 3", got)
	}
	// A join while the Runner carries out the count of 3: marking that
	// done must leave the count of 4 queued.
	h.join("d")
	if err := h.store.CompleteEffect(h.ctx, id, lobbyUpdate); err != nil {
		t.Fatal(err)
	}
	if got := lobbyCount(assertQueue(lobbyUpdate, notice)); got != 4 {
		t.Fatalf("lobby update shows %d, want 4", got)
	}
	if err := h.store.CompleteEffect(h.ctx, id, lobbyUpdate); err != nil {
		t.Fatal(err)
	}
	assertQueue(notice)
}

// A decision that fails stores nothing: not the run's changes, not its
// effects, not its timers.
func TestUpdateRunStoresNothingWhenTheDecisionFails(t *testing.T) {
	d := dbtest.New(t)
	h := newRunHarness(t, d)
	h.start("g1", "main")
	h.join("a", "b")
	id := h.mirror.ID
	before, err := h.store.PendingEffects(h.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	refused := workshop.Errorf(workshop.ECONFLICT, "not now")
	err = h.store.UpdateRun(h.ctx, id, func(r *workshop.Run) ([]workshop.Effect, error) {
		effects, err := h.engine.Begin(r, h.now) // changes the run, schedules a timer
		if err != nil || len(effects) == 0 {
			t.Fatalf("Begin: %v", err)
		}
		return effects, refused
	})
	if !errors.Is(err, refused) || err != error(refused) {
		t.Fatalf("UpdateRun returned %v, want the decision's own error", err)
	}
	h.check() // the run is still in the lobby and has no timers
	after, err := h.store.PendingEffects(h.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(effectKeys(after), effectKeys(before)) {
		t.Fatalf("outbox went from %v to %v", effectKeys(before), effectKeys(after))
	}

	// A decision whose effects cannot be stored rolls back the run too.
	err = h.store.UpdateRun(h.ctx, id, func(r *workshop.Run) ([]workshop.Effect, error) {
		r.Seq++
		return []workshop.Effect{
			workshop.PostNotice{RunID: id, Rooms: []workshop.RoomRef{workshop.MainRoom}, Text: "x", Tag: "seq:99"},
			workshop.CancelTimers{RunID: id, Prefix: "run:"},
		}, nil
	})
	wantCode(t, err, workshop.EINVALID)
	h.check()

	called := false
	err = h.store.UpdateRun(h.ctx, id+1000, func(r *workshop.Run) ([]workshop.Effect, error) {
		called = true
		return nil, nil
	})
	wantCode(t, err, workshop.ENOTFOUND)
	if called {
		t.Error("decide was called for a run that does not exist")
	}
	_, err = h.store.FindRun(h.ctx, id+1000)
	wantCode(t, err, workshop.ENOTFOUND)
}

// One live run per main channel: a second is ECONFLICT and leaves nothing
// behind; once the first is over the channel is free again.
func TestOneLiveRunPerChannel(t *testing.T) {
	d := dbtest.New(t)
	first := newRunHarness(t, d)
	first.start("g1", "main")

	second := newRunHarness(t, d)
	id, err := second.store.ReserveRunID(second.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if id <= first.mirror.ID {
		t.Fatalf("reserved id %d after run %d", id, first.mirror.ID)
	}
	r, effects, err := second.engine.Start(id, workshop.StartRequest{
		GuildID: "g1", MainChannelID: "main", HostID: "host2", Curriculum: designThinking(t),
		StartsAt: runT0.Add(time.Hour),
	}, runT0)
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, second.store.CreateRun(second.ctx, r, effects), workshop.ECONFLICT)
	_, err = second.store.FindRun(second.ctx, id)
	wantCode(t, err, workshop.ENOTFOUND)
	if timers, err := second.timers.List(second.ctx, r.KeyPrefix()); err != nil || len(timers) != 0 {
		t.Fatalf("the refused run left timers %v (%v)", timers, err)
	}

	live, err := first.store.LiveRunInChannel(first.ctx, "g1", "main")
	if err != nil || live.ID != first.mirror.ID {
		t.Fatalf("LiveRunInChannel = %v, %v; want run %d", live, err, first.mirror.ID)
	}
	_, err = first.store.LiveRunInChannel(first.ctx, "g1", "other")
	wantCode(t, err, workshop.ENOTFOUND)
	_, err = first.store.LiveRunInChannel(first.ctx, "g2", "main")
	wantCode(t, err, workshop.ENOTFOUND)

	first.do("end", func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
		return e.End(r, now)
	})
	_, err = first.store.LiveRunInChannel(first.ctx, "g1", "main")
	wantCode(t, err, workshop.ENOTFOUND)
	if err := second.store.CreateRun(second.ctx, r, effects); err != nil {
		t.Fatalf("a new run in a channel whose run was cancelled: %v", err)
	}
	second.mirror = cloneRun(t, r)
	second.note(effects)
	second.check() // its begin timer is in the table
}

// Twenty actions on one run at once: each decides on the run the previous
// one saved, so none is lost.
func TestUpdateRunSerializesConcurrentActions(t *testing.T) {
	d := dbtest.New(t)
	h := newRunHarness(t, d)
	h.start("g1", "main")
	id := h.mirror.ID
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			errs <- h.store.UpdateRun(h.ctx, id, func(r *workshop.Run) ([]workshop.Effect, error) {
				return h.engine.Join(r, fmt.Sprintf("u%02d", i), workshop.ExperienceSome, runT0)
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	r, err := h.store.FindRun(h.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if r.Seq != n || len(r.Participants) != n {
		t.Fatalf("after %d concurrent joins: Seq %d, %d participants", n, r.Seq, len(r.Participants))
	}
	var rows int
	if err := d.GetContext(h.ctx, &rows, `SELECT count(*) FROM participants WHERE run_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if rows != n {
		t.Fatalf("%d participants rows, want %d", rows, n)
	}
}

func TestLedgerRecordsLooksUpAndLists(t *testing.T) {
	d := dbtest.New(t)
	h := newRunHarness(t, d)
	h.start("g1", "main")
	id := h.mirror.ID
	s := h.store

	if _, ok, err := s.Lookup(h.ctx, id, "room:0:1:text"); err != nil || ok {
		t.Fatalf("Lookup of nothing = %v, %v", ok, err)
	}
	for k, v := range map[string]string{"room:0:1:text": "c1", "room:0:1:voice": "v1", "room:0:2:text": "c2", "msg:lobby": "m1"} {
		if err := s.Record(h.ctx, id, k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Record(h.ctx, id, "room:0:1:text", "c1b"); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := s.Lookup(h.ctx, id, "room:0:1:text"); err != nil || !ok || v != "c1b" {
		t.Fatalf("Lookup = %q, %v, %v; want the replaced value", v, ok, err)
	}
	got, err := s.Entries(h.ctx, id, "room:0:1:")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["room:0:1:text"] != "c1b" || got["room:0:1:voice"] != "v1" {
		t.Fatalf("Entries(room:0:1:) = %v", got)
	}
	if all, err := s.Entries(h.ctx, id, ""); err != nil || len(all) != 4 {
		t.Fatalf("Entries(\"\") = %v, %v", all, err)
	}
	if other, err := s.Entries(h.ctx, id+1, ""); err != nil || len(other) != 0 {
		t.Fatalf("another run's entries = %v, %v", other, err)
	}
	wantCode(t, s.Record(h.ctx, id+1000, "k", "v"), workshop.ENOTFOUND)
	wantCode(t, s.Record(h.ctx, id, "", "v"), workshop.EINVALID)
}

// Handing in again replaces a group's (or a solo author's) submission and
// keeps its place.
func TestSubmissionsAreReplacedOnResubmit(t *testing.T) {
	d := dbtest.New(t)
	h := newRunHarness(t, d)
	h.start("g1", "main")
	h.join("a", "b", "c", "d")
	h.begin() // forms the first breakout's groups
	id := h.mirror.ID
	g1 := h.mirror.Formations[0].Groups[0]
	at := runT0.Add(time.Minute)
	subs := []workshop.Submission{
		{RunID: id, StepIndex: 0, Formation: 0, Group: 1, AuthorID: g1.Members[0], Content: "first", At: at},
		{RunID: id, StepIndex: 2, Formation: -1, AuthorID: "c", Content: "solo c", At: at.Add(time.Minute)},
		{RunID: id, StepIndex: 2, Formation: -1, AuthorID: "d", Content: "solo d", At: at.Add(2 * time.Minute)},
		{RunID: id, StepIndex: 0, Formation: 0, Group: 1, AuthorID: g1.Members[1], Content: "second", At: at.Add(3 * time.Minute)},
		{RunID: id, StepIndex: 2, Formation: -1, AuthorID: "c", Content: "solo c again", At: at.Add(4 * time.Minute)},
	}
	for _, s := range subs {
		if err := h.store.SaveSubmission(h.ctx, s); err != nil {
			t.Fatalf("SaveSubmission(%+v): %v", s, err)
		}
	}
	got, err := h.store.Submissions(h.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want := []workshop.Submission{subs[3], subs[4], subs[2]}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Submissions =\n%v\nwant\n%v", got, want)
	}
	wantCode(t, h.store.SaveSubmission(h.ctx, workshop.Submission{RunID: id, StepIndex: 0, Formation: 0, Group: 9, AuthorID: "a", Content: "x"}), workshop.ENOTFOUND)
	wantCode(t, h.store.SaveSubmission(h.ctx, workshop.Submission{RunID: id + 1000, StepIndex: 2, Formation: -1, AuthorID: "a", Content: "x"}), workshop.ENOTFOUND)
	wantCode(t, h.store.SaveSubmission(h.ctx, workshop.Submission{RunID: id, StepIndex: 2, Formation: -1, AuthorID: "a", Content: ""}), workshop.EINVALID)
	if other, err := h.store.Submissions(h.ctx, id+1); err != nil || len(other) != 0 {
		t.Fatalf("another run's submissions = %v, %v", other, err)
	}
}
