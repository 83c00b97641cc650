package workshop

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// TestRandomActionsKeepInvariants applies long random sequences of member,
// host and timer actions to runs of every shipped curriculum and checks,
// after each, what must always hold: errors are domain errors, no effect is
// decided twice (the sim checks), the pending timers match the run's
// deadlines, and groups hold each active participant at most once.
func TestRandomActionsKeepInvariants(t *testing.T) {
	for _, id := range []string{"design-thinking", "business-model-canvas", "project-planning"} {
		c := loadShipped(t, id)
		ended, breakouts, effects := 0, 0, 0
		for seed := range uint64(12) {
			rng := rand.New(rand.NewPCG(seed, 11))
			s, _ := newSim(t, c, StartRequest{}, t0.Add(-time.Hour))
			s.e.Seed = seed
			now := t0
			user := func() string { return "u" + strconv.Itoa(rng.IntN(12)) }
			for step := 0; step < 300 && !s.r.RoomsDeleted; step++ {
				now = now.Add(time.Duration(rng.IntN(90)) * time.Second)
				var effs []Effect
				var err error
				before := runState(s.r)
				switch rng.IntN(14) {
				case 0, 1:
					effs, err = s.e.Join(s.r, user(), []Experience{"", ExperienceNew, ExperienceSome, ExperienceExperienced}[rng.IntN(4)], now)
				case 2:
					effs, err = s.e.Leave(s.r, user(), now)
				case 3:
					effs, err = s.e.Begin(s.r, now)
				case 4:
					effs, err = s.e.Pause(s.r, now)
				case 5:
					effs, err = s.e.Resume(s.r, now)
				case 6:
					effs, err = s.e.Extend(s.r, time.Duration(rng.IntN(5)+1)*time.Minute, now)
				case 7:
					effs, err = s.e.Skip(s.r, now)
				case 8:
					_, effs, err = s.e.Submit(s.r, user(), rng.IntN(len(c.Steps)+1)-1, "work", now)
				case 9:
					effs, err = s.e.AskHelp(s.r, user(), now)
				case 10:
					if rng.IntN(20) == 0 {
						effs, err = s.e.End(s.r, now)
					}
				default:
					// Time passes: the worker fires what is due.
					s.runUntil(now)
				}
				if err != nil && ErrorCode(err) == EINTERNAL {
					t.Fatalf("%s seed %d: internal error %v", id, seed, err)
				}
				if err != nil && !bytes.Equal(before, runState(s.r)) {
					t.Fatalf("%s seed %d: an action that failed (%v) changed the run", id, seed, err)
				}
				s.apply(effs)
				checkRunInvariants(t, s, now)
				if t.Failed() {
					t.Fatalf("%s seed %d: invariant broken after action %d", id, seed, step)
				}
			}
			s.runUntil(now.Add(24 * time.Hour))
			if s.r.State.Live() && !s.r.Paused {
				t.Errorf("%s seed %d: run still %s with no pause after a day", id, seed, s.r.State)
			}
			if s.r.State == RunEnded {
				ended++
			}
			breakouts += len(s.r.Formations)
			effects += len(s.log)
		}
		t.Logf("%s: %d of 12 runs ended, %d formations, %d effects", id, ended, breakouts, effects)
		if ended < 6 || breakouts < 6 {
			t.Errorf("%s: the random runs explored too little (%d ended, %d formations)", id, ended, breakouts)
		}
	}
}

func checkRunInvariants(t *testing.T, s *sim, now time.Time) {
	t.Helper()
	r := s.r
	if r.State.Live() && !r.Paused {
		key := "run:42:intro:end"
		if r.State != RunIntro {
			key = (Timer{RunID: r.ID, Kind: TimerStepEnd, Step: r.StepIndex}).Key()
		}
		if due := s.dueOf(key); !due.Equal(r.Deadline) {
			t.Errorf("%s %d: timer %s due %v, want the deadline %v", r.State, r.StepIndex, key, due, r.Deadline)
		}
		if r.Deadline.Before(r.StepStartedAt) || r.RoundDeadline.After(r.Deadline) {
			t.Errorf("deadlines out of order: started %v round %v step %v", r.StepStartedAt, r.RoundDeadline, r.Deadline)
		}
	}
	if r.Paused && len(s.timers) != 0 {
		t.Errorf("timers pending while paused: %v", s.timers)
	}
	if r.State.Over() {
		for k := range s.timers {
			if k != "run:42:cleanup" {
				t.Errorf("timer %s left after the end", k)
			}
		}
	}
	for fi, f := range r.Formations {
		seen := map[string]bool{}
		for _, g := range f.Groups {
			for _, m := range g.Members {
				if seen[m] {
					t.Errorf("formation %d holds %s twice", fi, m)
				}
				seen[m] = true
				if r.formationCurrentOrAhead(fi) && !r.State.Over() && !r.IsParticipant(m) {
					t.Errorf("formation %d still holds %s, who left", fi, m)
				}
			}
		}
	}
}

// runState is the run's state without its curriculum, for comparing.
func runState(r *Run) []byte {
	c := *r
	c.Curriculum = nil
	data, _ := json.Marshal(c)
	return data
}
