package workshop

import (
	"os"
	"slices"
	"testing"
	"time"
)

// t0 is when the host begins in the engine tests.
var t0 = time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC)

func at(minutes float64) time.Time { return t0.Add(time.Duration(minutes * float64(time.Minute))) }

func loadShipped(tb testing.TB, id string) *Curriculum {
	tb.Helper()
	lib, diags := LoadLibrary(os.DirFS("../curricula"))
	if diags.HasErrors() {
		tb.Fatalf("shipped curricula: %v", diags)
	}
	c, err := lib.Get(id)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func parseTestCurriculum(tb testing.TB, src string) *Curriculum {
	tb.Helper()
	c, diags := ParseCurriculum("test.toml", []byte(src))
	if c == nil {
		tb.Fatalf("test curriculum: %v", diags)
	}
	return c
}

// sim stands in for the adapters around the engine: a durable timer table
// fed by ScheduleTimer and CancelTimers effects, a worker that fires due
// timers in order with the clock set to their due time, and a log of every
// other effect, which it checks is never decided twice.
type sim struct {
	tb     testing.TB
	e      *Engine
	r      *Run
	timers timerTable
	log    []Effect
	keys   map[string]bool
}

func newSim(tb testing.TB, c *Curriculum, req StartRequest, now time.Time) (*sim, []Effect) {
	tb.Helper()
	s := &sim{tb: tb, e: &Engine{}, timers: timerTable{}, keys: map[string]bool{}}
	if req.Curriculum == nil {
		req.Curriculum = c
	}
	if req.GuildID == "" {
		req.GuildID, req.MainChannelID, req.MainVoiceChannelID, req.HostID = "g1", "main", "voice", "host"
	}
	r, effs, err := s.e.Start(42, req, now)
	if err != nil {
		tb.Fatalf("Start: %v", err)
	}
	s.r = r
	s.apply(effs)
	return s, effs
}

// apply records effects as the adapters would carry them out.
func (s *sim) apply(effs []Effect) []Effect {
	s.tb.Helper()
	for _, e := range effs {
		if s.timers.apply(e) {
			continue
		}
		if _, ok := e.(UpdateLobby); ok {
			continue // coalesced by design
		}
		if s.keys[e.Key()] {
			s.tb.Errorf("effect decided twice: %s (%T)", e.Key(), e)
		}
		s.keys[e.Key()] = true
		s.log = append(s.log, e)
	}
	return effs
}

func (s *sim) must(effs []Effect, err error) []Effect {
	s.tb.Helper()
	if err != nil {
		s.tb.Fatalf("unexpected error: %v", err)
	}
	return s.apply(effs)
}

func (s *sim) join(users ...string) {
	s.tb.Helper()
	for _, u := range users {
		level := Experience("")
		switch u[len(u)-1] % 3 {
		case 0:
			level = ExperienceNew
		case 1:
			level = ExperienceSome
		case 2:
			level = ExperienceExperienced
		}
		s.must(s.e.Join(s.r, u, level, t0.Add(-time.Minute)))
	}
}

// next returns the earliest pending timer.
func (s *sim) next() (string, time.Time, bool) {
	key, due, ok := "", time.Time{}, false
	for k, d := range s.timers {
		if !ok || d.Before(due) || (d.Equal(due) && k < key) {
			key, due, ok = k, d, true
		}
	}
	return key, due, ok
}

// runUntil fires, in order, every timer due at or before until, each at
// its due time, and returns the effects they produced.
func (s *sim) runUntil(until time.Time) []Effect {
	s.tb.Helper()
	var out []Effect
	for {
		key, due, ok := s.next()
		if !ok || due.After(until) {
			return out
		}
		delete(s.timers, key)
		out = append(out, s.must(s.e.Fire(s.r, key, due))...)
	}
}

// dueOf is the due time of the pending timer key, or the zero time.
func (s *sim) dueOf(key string) time.Time { return s.timers[key] }

// only returns the effects of type T.
func only[T Effect](effs []Effect) []T {
	var out []T
	for _, e := range effs {
		if t, ok := e.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

func members(f Formation) []string {
	var out []string
	for _, g := range f.Groups {
		out = append(out, g.Members...)
	}
	slices.Sort(out)
	return out
}
