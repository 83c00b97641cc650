package workshop

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// TestRunResumesFromItsSavedState saves a run in the middle of a breakout
// as JSON, loads it back (as a restarted bot would, re-attaching the
// curriculum parsed from its stored TOML) and checks that the loaded run
// decides exactly what the original does, firing for firing, to the end.
func TestRunResumesFromItsSavedState(t *testing.T) {
	s := beginDesignThinking(t, "a", "b", "c", "d", "e", "f", "g")
	s.runUntil(at(10))
	if _, err := s.e.AskHelp(s.r, "a", at(10)); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(s.r)
	if err != nil {
		t.Fatalf("a Run must be plain data: %v", err)
	}
	var loaded Run
	if err := json.Unmarshal(data, &loaded); err != nil {
		t.Fatal(err)
	}
	c, diags := ParseCurriculum(s.r.Curriculum.File, s.r.Curriculum.Source)
	if c == nil || c.Hash != s.r.Curriculum.Hash {
		t.Fatalf("curriculum does not re-parse to the same version: %v", diags)
	}
	loaded.Curriculum = c

	restarted := &sim{tb: t, e: s.e, r: &loaded, timers: map[string]time.Time{}, keys: map[string]bool{}}
	for k, v := range s.timers {
		restarted.timers[k] = v
	}
	for {
		key, due, ok := s.next()
		if !ok {
			break
		}
		delete(s.timers, key)
		delete(restarted.timers, key)
		want, err1 := s.e.Fire(s.r, key, due)
		got, err2 := restarted.e.Fire(restarted.r, key, due)
		if err1 != nil || err2 != nil {
			t.Fatalf("firing %s: %v / %v", key, err1, err2)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("firing %s after a reload decided\n%v\nbut the original decided\n%v", key, got, want)
		}
		s.apply(want)
		restarted.apply(got)
	}
	if loaded.State != RunEnded || loaded.HelpRequests != 1 || !loaded.RoomsDeleted {
		t.Errorf("reloaded run ended as %s with %d help requests", loaded.State, loaded.HelpRequests)
	}
}
