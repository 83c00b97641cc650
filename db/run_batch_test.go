package db_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/db/dbtest"
	"github.com/roundtable-bot/roundtable/workshop"
)

// Decisions that queue behind a slow one are applied together, in order,
// and one that fails or panics among them leaves no trace while the others
// are saved.
func TestUpdateRunBatchesWaitingDecisions(t *testing.T) {
	d := dbtest.New(t)
	h := newRunHarness(t, d)
	h.start("g1", "main")
	h.join("a", "b")
	id := h.mirror.ID
	join := func(user string) func(*workshop.Run) ([]workshop.Effect, error) {
		return func(r *workshop.Run) ([]workshop.Effect, error) {
			return h.engine.Join(r, user, workshop.ExperienceNew, h.now)
		}
	}
	refused := workshop.Errorf(workshop.ECONFLICT, "no")
	entered, release := make(chan struct{}), make(chan struct{})
	decisions := []func(*workshop.Run) ([]workshop.Effect, error){
		func(r *workshop.Run) ([]workshop.Effect, error) {
			close(entered)
			<-release
			return join("c")(r)
		},
		join("d"),
		func(r *workshop.Run) ([]workshop.Effect, error) {
			r.Seq += 100
			r.Participants = nil
			return []workshop.Effect{workshop.DeleteRooms{RunID: r.ID}}, refused
		},
		func(r *workshop.Run) ([]workshop.Effect, error) {
			r.HelpRequests = 7
			panic("a bug in a decision")
		},
		join("e"),
		func(r *workshop.Run) ([]workshop.Effect, error) {
			t.Error("a decision whose caller gave up while it waited was applied")
			return h.engine.Join(r, "z", workshop.ExperienceNew, h.now)
		},
	}
	gaveUp, cancel := context.WithCancel(h.ctx)
	cancel()
	errs := make([]chan error, len(decisions))
	for i, decide := range decisions {
		errs[i] = make(chan error, 1)
		ctx := h.ctx
		if i == len(decisions)-1 {
			ctx = gaveUp
		}
		go func() { errs[i] <- h.store.UpdateRun(ctx, id, decide) }()
		if i == 0 {
			<-entered
			continue
		}
		for h.store.Waiting(id) < i { // in the queue, in this order
			time.Sleep(time.Millisecond)
		}
	}
	close(release)
	got := make([]error, len(errs))
	for i, ch := range errs {
		got[i] = <-ch
	}
	if got[0] != nil || got[1] != nil || got[4] != nil {
		t.Fatalf("the joins answered %v, %v, %v", got[0], got[1], got[4])
	}
	if got[2] != error(refused) {
		t.Errorf("the refused decision answered %v, want its own error", got[2])
	}
	if got[3] == nil || workshop.ErrorCode(got[3]) != workshop.EINTERNAL {
		t.Errorf("the panicking decision answered %v, want an internal error", got[3])
	}
	if !errors.Is(got[5], context.Canceled) {
		t.Errorf("the caller that gave up got %v, want its context's error", got[5])
	}

	r, err := h.store.FindRun(h.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var users []string
	for _, p := range r.Participants {
		users = append(users, p.UserID)
	}
	if r.Seq != 5 || r.HelpRequests != 0 || !slices.Equal(users, []string{"a", "b", "c", "d", "e"}) {
		t.Fatalf("after the batch: Seq %d, %d help requests, participants %v; want 5, 0, a..e", r.Seq, r.HelpRequests, users)
	}
	pending, err := h.store.PendingEffects(h.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range pending {
		switch e := e.(type) {
		case workshop.DeleteRooms:
			t.Error("the refused decision's effect was queued")
		case workshop.UpdateLobby:
			if e.Participants != 5 {
				t.Errorf("the lobby update shows %d, want 5", e.Participants)
			}
		}
	}
	if h.store.Waiting(id) != 0 {
		t.Error("decisions left waiting")
	}

	// The queue is free again: a decision on its own goes through.
	if err := h.store.UpdateRun(h.ctx, id, join("f")); err != nil {
		t.Fatal(err)
	}
	if err := h.store.UpdateRun(h.ctx, id, func(*workshop.Run) ([]workshop.Effect, error) { return nil, refused }); !errors.Is(err, refused) {
		t.Fatalf("a lone refused decision answered %v", err)
	}
}
