package db_test

import (
	"testing"

	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
	"github.com/roundtable-bot/roundtable/workshop"
)

// A rehearsal's run goes 60 times faster; loaded back from Postgres (by a
// restarted bot, say) it must keep the same short deadlines for the steps
// still to come, not fall back to the curriculum's real minutes.
func TestRunAtSpeedKeepsItsCompressedCurriculumThroughTheStore(t *testing.T) {
	d := dbtest.New(t)
	ctx := testContext(t)
	store := db.NewRunStore(d, db.RunStoreOptions{})
	c := designThinking(t)
	engine := &workshop.Engine{}
	id, err := store.ReserveRunID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r, effects, err := engine.Start(id, workshop.StartRequest{
		GuildID: "g1", MainChannelID: "main", HostID: "host", Curriculum: c, Speed: 60,
	}, runT0)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.CreateRun(ctx, r, effects); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"a", "b", "c"} {
		if err := store.UpdateRun(ctx, id, func(r *workshop.Run) ([]workshop.Effect, error) {
			return engine.Join(r, u, workshop.ExperienceSome, runT0)
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.UpdateRun(ctx, id, func(r *workshop.Run) ([]workshop.Effect, error) {
		return engine.Begin(r, runT0)
	}); err != nil {
		t.Fatal(err)
	}

	// A fresh store has no cache: the curriculum is re-parsed from the TOML.
	loaded, err := db.NewRunStore(d, db.RunStoreOptions{}).FindRun(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Speed != 60 {
		t.Fatalf("loaded run has speed %v, want 60", loaded.Speed)
	}
	if want := runT0.Add(c.Intro.Duration / 60); !loaded.Deadline.Equal(want) {
		t.Errorf("loaded intro deadline %s, want %s", loaded.Deadline, want)
	}
	if loaded.Curriculum.Hash != c.Hash {
		t.Errorf("loaded curriculum hash %s, want %s", loaded.Curriculum.Hash, c.Hash)
	}
	for i, s := range c.Steps {
		if got := loaded.Curriculum.Steps[i].Duration; got != s.Duration/60 {
			t.Errorf("loaded step %s lasts %s, want %s", s.ID, got, s.Duration/60)
		}
	}

	// The next decision, made on the loaded run, keeps the pace.
	introEnd := loaded.Deadline
	if err := store.UpdateRun(ctx, id, func(r *workshop.Run) ([]workshop.Effect, error) {
		return engine.Fire(r, workshop.Timer{RunID: id, Kind: workshop.TimerIntroEnd, Step: -1, Due: introEnd}.Key(), introEnd)
	}); err != nil {
		t.Fatal(err)
	}
	after, err := store.FindRun(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := after.Deadline.Sub(after.StepStartedAt), c.Steps[0].Duration/60; got != want {
		t.Errorf("the first breakout, decided on a reloaded run, lasts %s, want %s", got, want)
	}

	// A real-time run of the same curriculum in the same store is not
	// served the compressed copy from the cache.
	id2, err := store.ReserveRunID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r2, effects2, err := engine.Start(id2, workshop.StartRequest{GuildID: "g1", MainChannelID: "other", HostID: "host", Curriculum: c}, runT0)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.CreateRun(ctx, r2, effects2); err != nil {
		t.Fatal(err)
	}
	real, err := store.FindRun(ctx, id2)
	if err != nil {
		t.Fatal(err)
	}
	if real.Speed != 0 || real.Curriculum.Intro.Duration != c.Intro.Duration {
		t.Errorf("a real-time run loaded with speed %v and an intro of %s", real.Speed, real.Curriculum.Intro.Duration)
	}
}
