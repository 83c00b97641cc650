package db

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/roundtable-bot/roundtable/workshop"
)

// TimerHandler acts on a timer that came due. A nil error means the timer is
// done and is deleted; an error makes the worker try again later. ctx is
// cancelled when the worker stops or the timer's lease runs out.
//
// Handlers must be idempotent: a timer fires exactly once while processes
// and Postgres stay up, but after a crash it may fire again (see
// TimerWorker).
type TimerHandler func(ctx context.Context, t Timer) error

// TimerWorkerOptions tune a TimerWorker; zero values pick the defaults.
type TimerWorkerOptions struct {
	// Name identifies the worker in logs and leases. Default "timers".
	Name string
	// Logger receives database errors and handler failures. Default
	// slog.Default().
	Logger *slog.Logger
	// PollInterval is the longest the worker sleeps without looking at the
	// table, in case a notification was missed. Default 1s.
	PollInterval time.Duration
	// Batch is how many timers the worker claims in one query and runs at
	// once. Default 8.
	Batch int
	// Lease is how long a claimed timer belongs to this worker. The handler's
	// context ends with the lease; if the process dies, another worker fires
	// the timer once the lease has run out. Default 1 minute.
	Lease time.Duration
	// RetryBackoff says how long to wait before retrying a timer whose
	// handler failed for the attempt-th time (1, 2, ...). Default: 1s
	// doubling up to a minute. Waits below 50ms are raised to 50ms so a
	// failing handler never spins.
	RetryBackoff func(attempt int) time.Duration
}

const (
	minRetryBackoff = 50 * time.Millisecond
	// settleTimeout is the least time a worker keeps trying to record a
	// handler's outcome (even past the lease), and the time a stopping
	// worker gives its one attempt, before leaving the timer to its lease.
	settleTimeout = 5 * time.Second
	// maxErrorDelay caps the wait between attempts while the database is
	// unreachable: what came due during a restart (a workshop's next step,
	// with people waiting) fires within about a second of Postgres being
	// back. A failed attempt against a down server costs next to nothing.
	maxErrorDelay = time.Second
)

func (o TimerWorkerOptions) withDefaults() TimerWorkerOptions {
	if o.Name == "" {
		o.Name = "timers"
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.PollInterval <= 0 {
		o.PollInterval = time.Second
	}
	if o.Batch <= 0 {
		o.Batch = 8
	}
	if o.Lease <= 0 {
		o.Lease = time.Minute
	}
	if o.RetryBackoff == nil {
		o.RetryBackoff = DefaultTimerBackoff
	}
	return o
}

// DefaultTimerBackoff waits 1s after the first failure, doubling up to a
// minute: a timer stuck on something a person fixes (a workshop step on a
// missing permission, with people waiting in the room) fires within a
// minute of the fix, and a minute apart a failing timer costs little.
func DefaultTimerBackoff(attempt int) time.Duration {
	const limit = time.Minute
	d := time.Second
	for i := 1; i < attempt && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}

// TimerWorker fires due timers. Any number of workers, in any number of
// processes, may run against one database.
//
// How each timer fires once: a worker claims due rows with
// SELECT ... FOR UPDATE SKIP LOCKED and, in the same statement, gives them a
// lease (claim token and claimed_until) that it commits at once. Row locks
// make concurrent claims exclusive and the lease keeps other workers away
// while the handler runs, without holding a transaction (and row locks)
// open: a handler that cancels or reschedules its own run's timers would
// otherwise wait on its own lock. On success the worker deletes the row only
// if it still holds the lease and nobody re-armed the timer (version); on
// failure it counts the attempt, records the error and moves due_at by
// RetryBackoff. So with no crash every timer fires exactly once.
//
// Under a crash it is at-least-once: if the process dies, or cannot reach
// Postgres to record the outcome before the lease runs out, the lease
// expires and another worker fires the timer again. Handlers must therefore
// be idempotent (the store remembers what an effect already did).
//
// Waking: a trigger calls pg_notify when a timer gets a due time; the worker
// LISTENs with a pq.Listener on d.URL and sleeps until the earliest due time
// (at most PollInterval) unless a notification brings an earlier one. A nil
// notification after a reconnect means "look now". Errors (Postgres
// restarting) are logged and retried with backoff; timers that came due in
// the meantime fire when Postgres is back.
type TimerWorker struct {
	db       *DB
	handler  TimerHandler
	opts     TimerWorkerOptions
	log      *slog.Logger
	instance string // random, so leases of same-named workers never collide

	running atomic.Bool
	claims  atomic.Uint64
}

// NewTimerWorker returns a worker that hands due timers of d to handler.
// Call Run to start it.
func NewTimerWorker(d *DB, handler func(ctx context.Context, t Timer) error, opts TimerWorkerOptions) *TimerWorker {
	opts = opts.withDefaults()
	var id [6]byte
	_, _ = rand.Read(id[:]) // crypto/rand.Read never fails
	return &TimerWorker{
		db:       d,
		handler:  handler,
		opts:     opts,
		log:      opts.Logger.With("worker", opts.Name),
		instance: hex.EncodeToString(id[:]),
	}
}

// Run fires timers until ctx is cancelled, then waits for the handlers it
// started, gives back the timers it still holds, stops its listener and
// returns nil. It returns an EINVALID error at once for a nil handler and
// ECONFLICT if the worker is already running.
func (w *TimerWorker) Run(ctx context.Context) error {
	if w.handler == nil || w.db == nil {
		return workshop.Errorf(workshop.EINVALID, "A timer worker needs a database and a handler.")
	}
	if !w.running.CompareAndSwap(false, true) {
		return workshop.Errorf(workshop.ECONFLICT, "Timer worker %q is already running.", w.opts.Name)
	}
	defer w.running.Store(false)

	wake := listenForTimers(w.db.URL, w.log)
	defer wake.close()

	// Prepared on the first pass of the loop (Postgres may be down now),
	// closed once the handlers that use them are done.
	var q *timerClaims
	defer func() {
		if q != nil {
			q.close()
		}
	}()

	var handlers sync.WaitGroup
	defer handlers.Wait() // runs first: handlers may still be settling

	finished := make(chan struct{}, 1)
	var inFlight atomic.Int64
	var errDelay time.Duration
	failing := 0 // attempts failed in a row, to log an outage once, not every second
	timer := time.NewTimer(0)
	defer timer.Stop()

	for ctx.Err() == nil {
		free := w.opts.Batch - int(inFlight.Load())
		if free <= 0 {
			// Every slot is busy: wait for a handler to finish.
			w.sleep(ctx, timer, time.Now().Add(w.opts.PollInterval), wakeOnFinished, wake, finished)
			continue
		}
		// The same instant on both clocks: now (d.Now, which due times are
		// written in) for the database, started for local sleeps.
		now, started := w.now(), time.Now()
		var claimed []claimedTimer
		var next time.Time
		var err error
		if q == nil {
			q, err = prepareTimerClaims(ctx, w.db)
		}
		if err == nil {
			token := fmt.Sprintf("%s/%s/%d", w.opts.Name, w.instance, w.claims.Add(1))
			claimed, next, err = q.claimDue(ctx, now, free, token, now.Add(w.opts.Lease), started.Add(w.opts.Lease))
		}
		for _, c := range claimed {
			inFlight.Add(1)
			handlers.Go(func() {
				defer func() {
					inFlight.Add(-1)
					select {
					case finished <- struct{}{}:
					default:
					}
				}()
				w.fire(ctx, q, c)
			})
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			errDelay = min(max(2*errDelay, 100*time.Millisecond), maxErrorDelay)
			failing++
			level := slog.LevelDebug
			if failing == 1 || failing%60 == 0 {
				level = slog.LevelWarn
			}
			w.log.Log(ctx, level, "timers: database error; retrying", "retry_in", errDelay, "failed_attempts", failing, "err", err)
			w.sleep(ctx, timer, time.Now().Add(errDelay), 0, wake, finished)
			continue
		}
		if failing > 0 {
			w.log.Info("timers: the database is back", "failed_attempts", failing)
			failing = 0
		}
		switch {
		case len(claimed) == free:
			errDelay = 0 // there may be more due right now
		default:
			// Everything claimable is claimed: sleep until the next one.
			errDelay = 0
			wakeAt := started.Add(w.opts.PollInterval)
			if !next.IsZero() {
				wakeAt = earlier(wakeAt, started.Add(next.Sub(now)))
			}
			w.sleep(ctx, timer, wakeAt, wakeOnNotify, wake, finished)
		}
	}
	return nil
}

// What may cut a worker's sleep short besides its deadline and ctx.
const (
	wakeOnNotify   = 1 << iota // a timer is due before the deadline
	wakeOnFinished             // a handler finished, freeing a slot
)

// sleep waits until wakeAt, ctx ends, or an event in wakeOn happens. While
// backing off from a database error wakeOn is 0: nothing hurries it.
func (w *TimerWorker) sleep(ctx context.Context, timer *time.Timer, wakeAt time.Time, wakeOn int, wake *timerWakeups, finished <-chan struct{}) {
	timer.Reset(max(time.Until(wakeAt), 0))
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
			return
		case <-finished:
			if wakeOn&wakeOnFinished != 0 {
				return
			}
		case due := <-wake.due:
			// Always drained, so the listener never backs up. A zero
			// time means "unknown": look now.
			if wakeOn&wakeOnNotify != 0 && (due.IsZero() || !time.Now().Add(due.Sub(w.now())).After(wakeAt)) {
				return
			}
		}
	}
}

// fire runs the handler for c and records the outcome.
func (w *TimerWorker) fire(ctx context.Context, q *timerClaims, c claimedTimer) {
	hctx, cancel := context.WithDeadline(ctx, c.expires)
	err := w.callHandler(hctx, c.Timer)
	cancel()
	switch {
	case err == nil:
		w.settle(ctx, c, "delete", q.completeFired)
	case ctx.Err() != nil:
		// Stopping: the failure is ours, not the handler's. Give the
		// timer back without counting an attempt.
		w.settle(ctx, c, "release", q.releaseClaim)
	default:
		w.log.Warn("timers: handler failed; will retry",
			"key", c.Key, "kind", c.Kind, "attempt", c.Attempts+1, "err", err)
		backoff := max(w.opts.RetryBackoff(c.Attempts+1), minRetryBackoff)
		w.settle(ctx, c, "reschedule", func(sctx context.Context, c claimedTimer) error {
			return q.retryLater(sctx, c, err, w.now().Add(backoff), backoff)
		})
	}
}

// callHandler runs the handler, turning a panic into an error: one bad timer
// must not take the bot down.
func (w *TimerWorker) callHandler(ctx context.Context, t Timer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			// The stack goes to the log; the row's last_error keeps it short.
			w.log.Error("timers: handler panicked", "key", t.Key, "kind", t.Kind, "panic", r, "stack", string(debug.Stack()))
			err = fmt.Errorf("timer handler panicked: %v", r)
		}
	}()
	return w.handler(ctx, t)
}

// settle records a handler's outcome, retrying while Postgres is away until
// the lease has run out (and for at least settleTimeout); a stopping worker
// tries once. Each write is guarded by the claim token, so a late one never
// touches a timer that another worker has claimed since. If settle gives up,
// the lease runs out and the timer fires again: at-least-once.
func (w *TimerWorker) settle(ctx context.Context, c claimedTimer, what string, op func(context.Context, claimedTimer) error) {
	deadline := c.expires
	if floor := time.Now().Add(settleTimeout); deadline.Before(floor) {
		deadline = floor
	}
	sctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), deadline)
	defer cancel()
	for delay := 100 * time.Millisecond; ; delay = min(2*delay, maxErrorDelay) {
		err := op(sctx, c)
		if err == nil {
			return
		}
		w.log.Warn("timers: could not record outcome; retrying", "op", what, "key", c.Key, "err", err)
		wait := time.NewTimer(delay)
		select {
		case <-wait.C:
			continue
		case <-sctx.Done():
		case <-ctx.Done():
		}
		wait.Stop()
		w.log.Error("timers: gave up recording outcome; the timer fires again when its lease ends",
			"op", what, "key", c.Key)
		return
	}
}

func (w *TimerWorker) now() time.Time {
	if w.db.Now != nil {
		return w.db.Now()
	}
	return time.Now()
}

func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
