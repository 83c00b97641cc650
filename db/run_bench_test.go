package db_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
	"github.com/roundtable-bot/roundtable/workshop"
)

// BenchmarkUpdateRun measures one decision on a run in a breakout with
// seven participants: the host extends the step and broadcasts (a notice
// and the step's timers moved: about five effects), saved with the run in
// one transaction. floor-ns is txFloor, measured alongside.
func BenchmarkUpdateRun(b *testing.B) {
	d := dbtest.New(b)
	h := newRunHarness(b, d)
	h.start("g1", "main")
	h.join("a", "b", "c", "d", "e", "f", "g")
	h.begin()
	h.fireNext() // the first breakout opens
	id := h.mirror.ID
	floor := txFloor(b, d)
	effects := 0
	b.ResetTimer()
	for b.Loop() {
		err := h.store.UpdateRun(h.ctx, id, func(r *workshop.Run) ([]workshop.Effect, error) {
			ext, err := h.engine.Extend(r, time.Second, h.now)
			if err != nil {
				return nil, err
			}
			msg, err := h.engine.Broadcast(r, "Five more minutes, then we swap.", h.now)
			effects += len(ext) + len(msg)
			return append(ext, msg...), err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(effects)/float64(b.N), "effects/op")
	b.ReportMetric(float64(floor.Nanoseconds()), "floor-ns")
}

// txFloor is the mean time of the smallest transaction like UpdateRun's:
// BEGIN, one parameterized statement, COMMIT. Beside ns/op it shows how
// much of a decision is the round trips any transaction pays.
func txFloor(b *testing.B, d *db.DB) time.Duration {
	const n = 200
	start := time.Now()
	for range n {
		tx, err := d.BeginTxx(testContext(b), nil)
		if err != nil {
			b.Fatal(err)
		}
		var one int
		if err := tx.GetContext(testContext(b), &one, `SELECT $1::int`, 1); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start) / n
}

// joinBurstSize is the burst: 300 Join clicks within a second.
const joinBurstSize = 300

// BenchmarkJoinBurst has 300 members join one run in the lobby, each from
// its own goroutine through UpdateRun (the row lock serializes them), either
// all at the same instant or arriving evenly over one second as in the
// issue. It reports the joins per second from the first arrival to the
// last commit, and the latency of one join from its arrival (p50, p99,
// max), and checks that all 300 are in Postgres.
func BenchmarkJoinBurst(b *testing.B) {
	d := dbtest.New(b)
	runs := 0
	cases := []struct {
		name   string
		spread time.Duration
		runner bool // through Runner.Do: the decision, then carrying out its effects
	}{
		{"at-once", 0, false},
		{"over-1s", time.Second, false},
		{"over-1s-runner", time.Second, true},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			var latencies []time.Duration
			var total time.Duration
			for b.Loop() {
				h := newRunHarness(b, d)
				runs++
				h.start("g1", fmt.Sprintf("burst-%d", runs))
				join := func(i int) error {
					return h.store.UpdateRun(h.ctx, h.mirror.ID, func(r *workshop.Run) ([]workshop.Effect, error) {
						return h.engine.Join(r, fmt.Sprintf("member-%03d", i), workshop.ExperienceSome, h.now)
					})
				}
				if tc.runner {
					runner := &workshop.Runner{Engine: h.engine, Store: h.store, Effector: discardEffector{}, Now: func() time.Time { return h.now }}
					join = func(i int) error {
						return runner.Do(h.ctx, h.mirror.ID, func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
							return e.Join(r, fmt.Sprintf("member-%03d", i), workshop.ExperienceSome, now)
						})
					}
				}
				lat, took := joinBurst(b, d, h, tc.spread, join)
				latencies = append(latencies, lat...)
				total += took
			}
			slices.Sort(latencies)
			pct := func(p float64) float64 {
				return float64(latencies[int(p*float64(len(latencies)-1))]) / float64(time.Millisecond)
			}
			b.ReportMetric(float64(joinBurstSize*b.N)/total.Seconds(), "joins/s")
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(pct(1), "max-ms")
		})
	}
}

// discardEffector carries out nothing: the benchmark measures the store.
type discardEffector struct{}

func (discardEffector) Apply(context.Context, *workshop.Run, workshop.Effect) error { return nil }

// joinBurst runs one burst and returns each join's latency and the time
// from the first arrival to the last commit.
func joinBurst(b *testing.B, d *db.DB, h *runHarness, spread time.Duration, join func(i int) error) ([]time.Duration, time.Duration) {
	id := h.mirror.ID
	latencies := make([]time.Duration, joinBurstSize)
	errs := make([]error, joinBurstSize)
	var ready, wg sync.WaitGroup
	ready.Add(1)
	var start time.Time
	for i := range joinBurstSize {
		wg.Go(func() {
			ready.Wait()
			arrival := start.Add(spread * time.Duration(i) / joinBurstSize)
			time.Sleep(time.Until(arrival))
			errs[i] = join(i)
			latencies[i] = time.Since(arrival)
		})
	}
	start = time.Now()
	ready.Done()
	wg.Wait()
	took := time.Since(start)
	for _, err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	r, err := h.store.FindRun(h.ctx, id)
	if err != nil {
		b.Fatal(err)
	}
	var rows int
	if err := d.GetContext(h.ctx, &rows, `SELECT count(*) FROM participants WHERE run_id = $1`, id); err != nil {
		b.Fatal(err)
	}
	if r.Seq != joinBurstSize || r.ActiveParticipants() != joinBurstSize || rows != joinBurstSize {
		b.Fatalf("after %d joins: Seq %d, %d participants, %d rows", joinBurstSize, r.Seq, r.ActiveParticipants(), rows)
	}
	return latencies, took
}
