package db_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
)

// fireTimeout is how long a test waits for something that should happen in
// milliseconds; it is generous so a loaded machine does not fail tests.
const fireTimeout = 30 * time.Second

// fireLog records which timers fired, how often, and with what attempt count.
type fireLog struct {
	mu       sync.Mutex
	count    map[string]int
	attempts map[string][]int
	changed  chan struct{}
}

func newFireLog() *fireLog {
	return &fireLog{count: map[string]int{}, attempts: map[string][]int{}, changed: make(chan struct{}, 1)}
}

func (f *fireLog) record(t db.Timer) {
	f.mu.Lock()
	f.count[t.Key]++
	f.attempts[t.Key] = append(f.attempts[t.Key], t.Attempts)
	f.mu.Unlock()
	select {
	case f.changed <- struct{}{}:
	default:
	}
}

func (f *fireLog) snapshot() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]int, len(f.count))
	for k, v := range f.count {
		out[k] = v
	}
	return out
}

// waitFor waits until cond holds on the fired counts, or fails the test.
func (f *fireLog) waitFor(t *testing.T, what string, cond func(map[string]int) bool) {
	t.Helper()
	deadline := time.After(fireTimeout)
	for !cond(f.snapshot()) {
		select {
		case <-f.changed:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("timed out waiting for %s; fired so far: %v", what, f.snapshot())
		}
	}
}

func timerTestLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// startTimerWorker runs w until the test ends; the test fails if Run errs.
func startTimerWorker(t *testing.T, w *db.TimerWorker) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(fireTimeout):
				t.Errorf("Run did not return after its context was cancelled")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// openTimerPool opens another connection pool on d's database, as another process
// would.
func openTimerPool(t *testing.T, d *db.DB) *db.DB {
	t.Helper()
	other, err := db.Open(context.Background(), d.URL)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { other.Close() })
	return other
}

func TestTimerWorkerFiresEachTimerOnceAcrossWorkers(t *testing.T) {
	d := dbtest.New(t)
	fired := newFireLog()
	handler := func(ctx context.Context, tm db.Timer) error {
		fired.record(tm)
		return nil
	}
	var stops []func()
	for i := range 3 {
		pool := openTimerPool(t, d)
		stops = append(stops, startTimerWorker(t, db.NewTimerWorker(pool, handler, db.TimerWorkerOptions{
			Name: fmt.Sprintf("w%d", i), Logger: timerTestLogger(t), Batch: 4,
		})))
	}

	const n = 150
	s := db.NewTimerStore(d)
	start := time.Now()
	for i := range n {
		scheduleTimer(t, s, fmt.Sprintf("run:%d:end", i), start.Add(time.Duration(i%50)*10*time.Millisecond))
	}
	fired.waitFor(t, "every timer to fire", func(m map[string]int) bool { return len(m) == n })
	for _, stop := range stops {
		stop()
	}

	for key, c := range fired.snapshot() {
		if c != 1 {
			t.Errorf("timer %s fired %d times, want once", key, c)
		}
	}
	left, err := s.List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("%d timers left after firing, want none: %+v", len(left), left[0])
	}
}

func TestTimerWorkerRetriesAFailingHandler(t *testing.T) {
	d := dbtest.New(t)
	fired := newFireLog()
	handler := func(ctx context.Context, tm db.Timer) error {
		fired.record(tm)
		switch tm.Attempts {
		case 0:
			return errors.New("discord is down")
		case 1:
			panic("a bug in the handler")
		}
		return nil
	}
	var backoffs []int
	var mu sync.Mutex
	startTimerWorker(t, db.NewTimerWorker(d, handler, db.TimerWorkerOptions{
		Logger: timerTestLogger(t),
		RetryBackoff: func(attempt int) time.Duration {
			mu.Lock()
			backoffs = append(backoffs, attempt)
			mu.Unlock()
			return 0 // raised to the minimum: no hot loop
		},
	}))

	s := db.NewTimerStore(d)
	scheduleTimer(t, s, "run:1:end", time.Now())
	fired.waitFor(t, "the third attempt", func(m map[string]int) bool { return m["run:1:end"] >= 3 })

	// The third attempt succeeded, so the timer is gone.
	deadline := time.Now().Add(fireTimeout)
	for {
		_, err := s.Get(context.Background(), "run:1:end")
		if err != nil {
			wantTimerCode(t, "Get after success", err, "not_found")
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("timer still stored after its handler succeeded")
		}
		time.Sleep(20 * time.Millisecond)
	}
	fired.mu.Lock()
	attempts := fmt.Sprint(fired.attempts["run:1:end"])
	fired.mu.Unlock()
	mu.Lock()
	defer mu.Unlock()
	if attempts != "[0 1 2]" || fmt.Sprint(backoffs) != "[1 2]" {
		t.Fatalf("handler saw attempts %s and backoff was asked for %v; want [0 1 2] and [1 2]", attempts, backoffs)
	}
}

func TestTimerWorkerRecordsTheFailure(t *testing.T) {
	d := dbtest.New(t)
	fired := newFireLog()
	handler := func(ctx context.Context, tm db.Timer) error {
		fired.record(tm)
		return errors.New("discord is down")
	}
	startTimerWorker(t, db.NewTimerWorker(d, handler, db.TimerWorkerOptions{
		Logger:       timerTestLogger(t),
		RetryBackoff: func(int) time.Duration { return time.Hour },
	}))
	s := db.NewTimerStore(d)
	due := time.Now()
	scheduleTimer(t, s, "run:1:end", due)

	// The failure is recorded just after the handler returns.
	var tm db.Timer
	for deadline := time.Now().Add(fireTimeout); ; time.Sleep(20 * time.Millisecond) {
		if tm = getTimer(t, s, "run:1:end"); tm.Attempts > 0 || time.Now().After(deadline) {
			break
		}
	}
	if tm.Attempts != 1 || tm.LastError != "discord is down" || !tm.DueAt.After(due.Add(59*time.Minute)) {
		t.Fatalf("after one failure: %+v; want 1 attempt, the error, due in an hour", tm)
	}
	if c := fired.snapshot()["run:1:end"]; c != 1 {
		t.Fatalf("handler ran %d times, want once (the retry is an hour away)", c)
	}
}

// A handler that re-arms or cancels its own run's timers must not wait on
// the worker (no row lock is held while it runs), and a timer it re-armed
// fires again.
func TestTimerWorkerHandlerMayChangeItsOwnTimers(t *testing.T) {
	d := dbtest.New(t)
	s := db.NewTimerStore(d)
	fired := newFireLog()
	handler := func(ctx context.Context, tm db.Timer) error {
		fired.record(tm)
		if fired.snapshot()[tm.Key] == 1 {
			if _, err := s.CancelPrefix(ctx, "run:1:other"); err != nil {
				return err
			}
			return s.Schedule(ctx, db.Timer{Key: tm.Key, Kind: tm.Kind, DueAt: time.Now().Add(50 * time.Millisecond)})
		}
		return nil
	}
	startTimerWorker(t, db.NewTimerWorker(d, handler, db.TimerWorkerOptions{Logger: timerTestLogger(t)}))

	scheduleTimer(t, s, "run:1:step", time.Now())
	scheduleTimer(t, s, "run:1:other", time.Now().Add(time.Hour))
	fired.waitFor(t, "the re-armed timer to fire again", func(m map[string]int) bool { return m["run:1:step"] == 2 })
	left, err := s.List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	for len(left) > 0 { // the second firing's delete may still be on its way
		time.Sleep(20 * time.Millisecond)
		if left, err = s.List(context.Background(), ""); err != nil {
			t.Fatal(err)
		}
	}
}

// With polling at a minute, only the NOTIFY trigger can wake the worker in
// time for the test's wait.
func TestTimerWorkerIsWokenByNotify(t *testing.T) {
	d := dbtest.New(t)
	fired := newFireLog()
	handler := func(ctx context.Context, tm db.Timer) error {
		fired.record(tm)
		return nil
	}
	startTimerWorker(t, db.NewTimerWorker(d, handler, db.TimerWorkerOptions{Logger: timerTestLogger(t), PollInterval: time.Minute}))
	// Let the worker go to sleep with nothing to do (and LISTEN).
	time.Sleep(300 * time.Millisecond)
	scheduleTimer(t, db.NewTimerStore(d), "run:1:end", time.Now().Add(100*time.Millisecond))
	fired.waitFor(t, "the notified timer", func(m map[string]int) bool { return m["run:1:end"] == 1 })
}

func TestTimerWorkerSurvivesPostgresRestart(t *testing.T) {
	d, restart := dbtest.NewIsolated(t)
	fired := newFireLog()
	handler := func(ctx context.Context, tm db.Timer) error {
		fired.record(tm)
		return nil
	}
	startTimerWorker(t, db.NewTimerWorker(d, handler, db.TimerWorkerOptions{
		Logger: slog.New(slog.DiscardHandler), // errors are expected while the server is down
		// Only a reconnected listener (or the error backoff) can wake the
		// worker within the test's waits.
		PollInterval: time.Minute,
	}))
	s := db.NewTimerStore(d)
	scheduleTimer(t, s, "before", time.Now())
	fired.waitFor(t, "the first timer", func(m map[string]int) bool { return m["before"] == 1 })

	// Due while the server goes down and comes back.
	scheduleTimer(t, s, "during", time.Now().Add(100*time.Millisecond))
	restart()
	fired.waitFor(t, "the timer due during the restart", func(m map[string]int) bool { return m["during"] == 1 })

	// Scheduled after the restart: the listener and pool have reconnected.
	var err error
	for deadline := time.Now().Add(fireTimeout); ; time.Sleep(100 * time.Millisecond) {
		err = s.Schedule(context.Background(), db.Timer{Key: "after", Kind: "k", DueAt: time.Now()})
		if err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatalf("Schedule after restart: %v", err)
	}
	fired.waitFor(t, "the timer scheduled after the restart", func(m map[string]int) bool { return m["after"] == 1 })
	if c := fired.snapshot(); c["before"] != 1 || c["during"] != 1 {
		t.Fatalf("fired %v, want each once", c)
	}
}

// Run must stop everything it started: its loop, its handlers and the
// pq.Listener's goroutines.
func TestTimerWorkerRunLeavesNoGoroutines(t *testing.T) {
	d := dbtest.New(t)
	release := make(chan struct{})
	handler := func(ctx context.Context, tm db.Timer) error {
		select { // a slow handler: the worker has to wait for it
		case <-release:
		case <-ctx.Done():
		}
		return ctx.Err()
	}
	w := db.NewTimerWorker(d, handler, db.TimerWorkerOptions{Logger: timerTestLogger(t)})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()

	s := db.NewTimerStore(d)
	scheduleTimer(t, s, "slow", time.Now())
	for deadline := time.Now().Add(fireTimeout); goroutinesMatching("TimerWorker).callHandler") == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the handler never started")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(fireTimeout):
		t.Fatal("Run did not return after cancel")
	}
	close(release)

	// pq's connection goroutine may still be between closing its channel
	// and returning, so allow a moment for the count to reach zero.
	owned := []string{"roundtable/db.(*TimerWorker)", "roundtable/db.(*timerWakeups)", "lib/pq.(*Listener", "lib/pq.(*ListenerConn"}
	for deadline := time.Now().Add(5 * time.Second); goroutinesMatching(owned...) != 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("worker or listener goroutines still running after Run returned:\n%s", goroutineStacks())
		}
	}
	// The interrupted timer was given back, not counted as a failure.
	tm := getTimer(t, s, "slow")
	if tm.Attempts != 0 || tm.DueAt.IsZero() {
		t.Fatalf("interrupted timer = %+v; want it due again with no attempt counted", tm)
	}
	if err := w.Run(ctx); err != nil {
		t.Fatalf("Run again with a cancelled context: %v", err)
	}
}

func goroutineStacks() string {
	buf := make([]byte, 1<<20)
	return string(buf[:runtime.Stack(buf, true)])
}

// goroutinesMatching counts goroutines whose stack mentions any of the
// function names.
func goroutinesMatching(names ...string) int {
	n := 0
	for g := range strings.SplitSeq(goroutineStacks(), "\n\n") {
		for _, name := range names {
			if strings.Contains(g, name) {
				n++
				break
			}
		}
	}
	return n
}

// A worker that dies holding a lease must not strand its timer: once the
// lease runs out another worker fires it (at-least-once under crashes).
func TestTimerWorkerFiresATimerWhoseLeaseRanOut(t *testing.T) {
	d := dbtest.New(t)
	s := db.NewTimerStore(d)
	scheduleTimer(t, s, "run:1:end", time.Now())
	// What a crashed worker leaves behind: a claim nobody will settle.
	if _, err := d.Exec(`UPDATE timers SET claim = 'crashed', claimed_until = now() + interval '300 milliseconds'`); err != nil {
		t.Fatal(err)
	}
	fired := newFireLog()
	startTimerWorker(t, db.NewTimerWorker(d, func(ctx context.Context, tm db.Timer) error {
		fired.record(tm)
		return nil
	}, db.TimerWorkerOptions{Logger: timerTestLogger(t)}))
	fired.waitFor(t, "the orphaned timer", func(m map[string]int) bool { return m["run:1:end"] == 1 })
}

// A run paused while its timer's handler runs stays paused when the handler
// fails: the retry's wait becomes the time left, not a due time.
func TestTimerWorkerFailureWhilePausedStaysPaused(t *testing.T) {
	d := dbtest.New(t)
	s := db.NewTimerStore(d)
	started, fail := make(chan struct{}), make(chan struct{})
	startTimerWorker(t, db.NewTimerWorker(d, func(ctx context.Context, tm db.Timer) error {
		close(started)
		<-fail
		return errors.New("discord is down")
	}, db.TimerWorkerOptions{
		Logger:       timerTestLogger(t),
		RetryBackoff: func(int) time.Duration { return time.Hour },
	}))
	scheduleTimer(t, s, "run:1:end", time.Now())
	select {
	case <-started:
	case <-time.After(fireTimeout):
		t.Fatal("the handler never started")
	}
	if n, err := s.Pause(context.Background(), "run:1:", time.Now()); err != nil || n != 1 {
		t.Fatalf("Pause = %d, %v; want 1", n, err)
	}
	close(fail)

	var tm db.Timer
	for deadline := time.Now().Add(fireTimeout); ; time.Sleep(20 * time.Millisecond) {
		if tm = getTimer(t, s, "run:1:end"); tm.Attempts > 0 || time.Now().After(deadline) {
			break
		}
	}
	wantPaused(t, tm, time.Hour)
	if tm.Attempts != 1 {
		t.Fatalf("attempts = %d, want 1", tm.Attempts)
	}
}
