package main

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
	"github.com/roundtable-bot/roundtable/workshop"
)

// The "Many runs" figure of issue 4: 100 runs live at once in one process,
// their step and round changes fired by the one shared durable timer
// worker, with the real engine, run store and Postgres. Only Discord is
// left out (BenchmarkBreakoutOpens measures that side).
const (
	manyRunsCount   = 100
	manyRunsMembers = 6
	// manyRunsSpeed compresses the 75-minute design-thinking curriculum so
	// each run makes about eight step and round changes in the window.
	manyRunsSpeed  = 60
	manyRunsWindow = 40 * time.Second
	// manyRunsGrace is how long changes due at the end of the window may
	// take before the worker stops; any still pending are counted unfired.
	manyRunsGrace = 5 * time.Second
)

// stepChange names the part of a run a timer starts: step Step (-1 for
// none), round Round.
type stepChange struct {
	run         int64
	step, round int
}

// changeOf is the step change a firing of t makes, if it makes one:
// warnings, the planned begin and the cleanup do not change steps.
func changeOf(t workshop.Timer) (stepChange, bool) {
	switch t.Kind {
	case workshop.TimerIntroEnd:
		return stepChange{t.RunID, 0, 0}, true
	case workshop.TimerStepEnd:
		return stepChange{t.RunID, t.Step + 1, 0}, true
	case workshop.TimerRound:
		return stepChange{t.RunID, t.Step, t.Round}, true
	}
	return stepChange{}, false
}

// changeTimes is when a step change was due, when its timer's handler
// started and when its first prompt (or role swap) was carried out.
type changeTimes struct{ due, fired, prompted time.Time }

// lateness collects the times of every step change of the runs.
type lateness struct {
	mu       sync.Mutex
	changes  map[stepChange]*changeTimes
	failures int
	firstErr error
}

func newLateness() *lateness { return &lateness{changes: map[stepChange]*changeTimes{}} }

// wrap notes each step-change firing before handing it to next. A timer
// fired again (after a failure) keeps its first start.
func (l *lateness) wrap(next db.TimerHandler) db.TimerHandler {
	return func(ctx context.Context, t db.Timer) error {
		started := time.Now()
		if wt, err := workshop.ParseTimerKey(t.Key); err == nil {
			if c, ok := changeOf(wt); ok {
				l.mu.Lock()
				if _, seen := l.changes[c]; !seen {
					l.changes[c] = &changeTimes{due: t.DueAt, fired: started}
				}
				l.mu.Unlock()
			}
		}
		err := next(ctx, t)
		// A firing cut short by the worker stopping is handed back, not
		// failed: the next worker fires it again.
		if err != nil && ctx.Err() == nil {
			l.mu.Lock()
			l.failures++
			if l.firstErr == nil {
				l.firstErr = fmt.Errorf("timer %s: %w", t.Key, err)
			}
			l.mu.Unlock()
		}
		return err
	}
}

// promptPosted notes the instant the first prompt of change c went out.
// The handler that made the change recorded it before deciding it, so the
// change is known here.
func (l *lateness) promptPosted(c stepChange, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ct, ok := l.changes[c]; ok && ct.prompted.IsZero() {
		ct.prompted = at
	}
}

// inWindow returns the sorted latenesses of the changes due in [from, to]:
// of the handler's start, and of the first prompt.
func (l *lateness) inWindow(from, to time.Time) (fired, prompted []time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, ct := range l.changes {
		if ct.due.Before(from) || ct.due.After(to) {
			continue
		}
		fired = append(fired, ct.fired.Sub(ct.due))
		if !ct.prompted.IsZero() {
			prompted = append(prompted, ct.prompted.Sub(ct.due))
		}
	}
	slices.Sort(fired)
	slices.Sort(prompted)
	return fired, prompted
}

// recordingEffector carries out nothing on a platform: it notes when each
// step's first prompt is carried out, which is the instant members would
// see the step change.
type recordingEffector struct{ late *lateness }

func (e recordingEffector) Apply(_ context.Context, _ *workshop.Run, eff workshop.Effect) error {
	switch p := eff.(type) {
	case workshop.PostPrompt:
		if p.Tag == "" {
			e.late.promptPosted(stepChange{p.RunID, p.StepIndex, p.Round}, time.Now())
		}
	case workshop.PostRoleSwap:
		e.late.promptPosted(stepChange{p.RunID, p.StepIndex, p.Round}, time.Now())
	}
	return nil
}

// heapPeak samples HeapInuse until stopped and keeps the highest.
type heapPeak struct {
	stop chan struct{}
	done chan uint64
}

func watchHeap(every time.Duration) *heapPeak {
	h := &heapPeak{stop: make(chan struct{}), done: make(chan uint64, 1)}
	go func() {
		var peak uint64
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-h.stop:
				h.done <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

func (h *heapPeak) Stop() uint64 {
	close(h.stop)
	return <-h.done
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkManyRuns starts 100 runs of the design-thinking curriculum at
// 60x, each with six members, begins them, and lets the shared timer
// worker drive them for 40 s. Lateness of a step change is the instant its
// timer's handler starts minus the timer's due time (the run's Deadline or
// RoundDeadline before the change).
func BenchmarkManyRuns(b *testing.B) {
	lib, err := loadLibrary(nil)
	if err != nil {
		b.Fatal(err)
	}
	curriculum, err := lib.Get("design-thinking")
	if err != nil {
		b.Fatal(err)
	}
	d := dbtest.New(b)
	log := slog.New(slog.DiscardHandler)
	for round := range b.N {
		manyRunsOnce(b, d, curriculum, log, round)
	}
}

func manyRunsOnce(b *testing.B, d *db.DB, curriculum *workshop.Curriculum, log *slog.Logger, round int) {
	ctx, cancel := context.WithCancel(b.Context())
	defer cancel()
	late := newLateness()
	store := db.NewRunStore(d, db.RunStoreOptions{})
	runner := &workshop.Runner{
		Engine:   &workshop.Engine{Speed: manyRunsSpeed},
		Store:    store,
		Effector: recordingEffector{late: late},
		Log:      log,
	}
	// The bot's own timer handler for runs; its Discord effector is the
	// only part this benchmark has no use for.
	lw := &liveWorkshops{runner: runner, log: log}
	dispatch := timerDispatch{db.DefaultRunTimerKind: late.wrap(lw.fire)}

	worker := startTimerWorker(ctx, d, dispatch, log)
	defer worker.Close() // on a failed setup; closing twice is harmless

	setupStart := time.Now()
	ids := make([]int64, 0, manyRunsCount)
	for i := range manyRunsCount {
		tag := strconv.Itoa(round) + "-" + strconv.Itoa(i)
		run, err := runner.Start(ctx, workshop.StartRequest{
			GuildID: "guild-" + tag, MainChannelID: "channel-" + tag, HostID: "host-" + tag, Curriculum: curriculum,
		})
		if err != nil {
			b.Fatalf("starting run %d: %v", i, err)
		}
		for m := range manyRunsMembers {
			member := "member-" + tag + "-" + strconv.Itoa(m)
			if err := runner.Do(ctx, run.ID, func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
				return e.Join(r, member, "", now)
			}); err != nil {
				b.Fatalf("joining run %d: %v", run.ID, err)
			}
		}
		if err := runner.Do(ctx, run.ID, func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
			return e.Begin(r, now)
		}); err != nil {
			b.Fatalf("beginning run %d: %v", run.ID, err)
		}
		ids = append(ids, run.ID)
	}
	setup := time.Since(setupStart)

	// The window starts once every run is live; changes due in it count.
	// Allocations are counted over the window alone, not the setup.
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	windowStart := time.Now()
	peak := watchHeap(250 * time.Millisecond)
	select {
	case <-time.After(manyRunsWindow):
	case <-ctx.Done():
	}
	windowEnd := time.Now()
	runtime.ReadMemStats(&after)
	peakHeap := peak.Stop()
	if err := ctx.Err(); err != nil {
		b.Fatal(err)
	}
	time.Sleep(manyRunsGrace)
	worker.Close()

	late.mu.Lock()
	failures, firstErr := late.failures, late.firstErr
	late.mu.Unlock()
	if failures > 0 {
		b.Fatalf("%d timer firings failed; the first: %v", failures, firstErr)
	}
	fired, prompted := late.inWindow(windowStart, windowEnd)
	if len(fired) == 0 {
		b.Fatal("no step changed in the window")
	}

	// A change due in the window that has not fired by now is later than
	// the grace; it is reported, not hidden.
	unfired := 0
	timers := db.NewTimerStore(d)
	for _, id := range ids {
		pending, err := timers.List(context.Background(), workshop.RunKeyPrefix(id))
		if err != nil {
			b.Fatalf("listing run %d's timers: %v", id, err)
		}
		for _, t := range pending {
			wt, err := workshop.ParseTimerKey(t.Key)
			if err != nil {
				continue
			}
			if _, change := changeOf(wt); change && !t.DueAt.IsZero() && !t.DueAt.Before(windowStart) && !t.DueAt.After(windowEnd) {
				unfired++
			}
		}
	}

	n := float64(len(fired))
	b.ReportMetric(ms(percentile(fired, 0.50)), "p50-late-ms")
	b.ReportMetric(ms(percentile(fired, 0.99)), "p99-late-ms")
	b.ReportMetric(ms(fired[len(fired)-1]), "max-late-ms")
	b.ReportMetric(ms(percentile(prompted, 0.99)), "p99-prompt-late-ms")
	b.ReportMetric(n, "step-changes")
	b.ReportMetric(float64(unfired), "unfired")
	b.ReportMetric(float64(peakHeap)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/n/1024, "alloc-KB/change")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/n, "allocs/change")
	b.Logf("%d runs at %dx, setup %s: %d step changes in %s, lateness p50 %.1f ms p99 %.1f ms max %.1f ms (first prompt p99 %.1f ms), %d unfired; peak HeapInuse %.1f MB; %.0f KB and %.0f allocations per change (whole process)",
		manyRunsCount, manyRunsSpeed, setup.Round(time.Millisecond), len(fired), manyRunsWindow,
		ms(percentile(fired, 0.50)), ms(percentile(fired, 0.99)), ms(fired[len(fired)-1]), ms(percentile(prompted, 0.99)), unfired,
		float64(peakHeap)/(1<<20), float64(after.TotalAlloc-before.TotalAlloc)/n/1024, float64(after.Mallocs-before.Mallocs)/n)
}
