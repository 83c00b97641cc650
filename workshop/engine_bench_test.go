package workshop

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkFire applies timer firings across 100 concurrent
// design-thinking runs of 7 participants each, in due order per run, the
// way the timer worker feeds them. One op is one firing; ns/10k_firings is
// the cost of 10,000 of them. A run that ends is started afresh (outside
// the timing).
func BenchmarkFire(b *testing.B) {
	c := loadShipped(b, "design-thinking")
	const runs = 100
	sims := make([]*sim, runs)
	fresh := func(i int) *sim {
		s, _ := newSim(b, c, StartRequest{}, t0.Add(-time.Hour))
		s.r.ID = int64(i + 1)

		for u := range 7 {
			s.must(s.e.Join(s.r, fmt.Sprintf("u%d", u), "", t0))
		}
		s.timers = map[string]time.Time{}
		s.must(s.e.Begin(s.r, t0))
		return s
	}
	for i := range sims {
		sims[i] = fresh(i)
	}
	effects, firings := 0, 0
	i := 0
	for b.Loop() {
		s := sims[i%runs]
		i++
		key, due, ok := s.next()
		if !ok {
			b.StopTimer()
			s = fresh(i % runs)
			sims[i%runs] = s
			key, due, _ = s.next()
			b.StartTimer()
		}
		delete(s.timers, key)
		effs, err := s.e.Fire(s.r, key, due)
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range effs {
			switch e := e.(type) {
			case ScheduleTimer:
				s.timers[e.Timer.Key()] = e.Timer.Due
			case CancelTimers:
				for k := range s.timers {
					if len(k) >= len(e.Prefix) && k[:len(e.Prefix)] == e.Prefix {
						delete(s.timers, k)
					}
				}
			}
		}
		effects += len(effs)
		firings++
	}
	perFiring := float64(b.Elapsed().Nanoseconds()) / float64(firings)
	b.ReportMetric(perFiring*10000, "ns/10k_firings")
	b.ReportMetric(float64(effects)/float64(firings), "effects/firing")
}
