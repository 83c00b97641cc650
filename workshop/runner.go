package workshop

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Runner is the workshop service: it turns a request (a host's command, a
// participant's click, a timer firing) into one Engine decision, has the
// RunStore persist the run with the decision's effects in one transaction,
// and only then has the Effector carry the effects out, in order. An effect
// that fails stays queued and is carried out by the next Drain (the next
// action on the run, or Recover at start-up), so nothing decided is lost
// when Discord answers 5xx or the bot is killed.
type Runner struct {
	Engine   *Engine
	Store    RunStore
	Effector Effector
	Now      func() time.Time
	Log      *slog.Logger

	mu       sync.Mutex
	draining map[int64]*drainState // runs whose effects a goroutine is carrying out now
}

// drainState coalesces Drain calls on one run: while one goroutine carries
// out a run's effects, later callers only ask it to look again, so a burst
// of 300 joins makes a few passes over the outbox instead of 300.
type drainState struct{ again bool }

// Start creates a run in the lobby and carries out its first effects.
func (rn *Runner) Start(ctx context.Context, req StartRequest) (*Run, error) {
	id, err := rn.Store.ReserveRunID(ctx)
	if err != nil {
		return nil, fmt.Errorf("reserve run id: %w", err)
	}
	run, effects, err := rn.Engine.Start(id, req, rn.now())
	if err != nil {
		return nil, err
	}
	if err := rn.Store.CreateRun(ctx, run, effects); err != nil {
		return nil, fmt.Errorf("create run: %w", err)
	}
	return run, rn.Drain(ctx, id)
}

// Do applies one decision to the run and carries out its effects. decide
// receives the Engine, the locked run and the time of the decision.
func (rn *Runner) Do(ctx context.Context, runID int64, decide func(e *Engine, r *Run, now time.Time) ([]Effect, error)) error {
	err := rn.Store.UpdateRun(ctx, runID, func(r *Run) ([]Effect, error) {
		return decide(rn.Engine, r, rn.now())
	})
	if err != nil {
		return err
	}
	return rn.Drain(ctx, runID)
}

// Fire applies a durable timer's firing; a stale firing changes nothing.
func (rn *Runner) Fire(ctx context.Context, timerKey string) error {
	t, err := ParseTimerKey(timerKey)
	if err != nil {
		return fmt.Errorf("timer %q: %w", timerKey, err)
	}
	return rn.Do(ctx, t.RunID, func(e *Engine, r *Run, now time.Time) ([]Effect, error) {
		return e.Fire(r, timerKey, now)
	})
}

// Drain carries out the run's queued effects in order. It stops at the first
// failure and returns it; the failed effect and those after it stay queued.
// If another goroutine is already draining the run, Drain asks it to make
// one more pass and returns at once: that goroutine carries out the
// effects queued meanwhile (and logs a failure, which it also returns).
func (rn *Runner) Drain(ctx context.Context, runID int64) error {
	rn.mu.Lock()
	if st, busy := rn.draining[runID]; busy {
		st.again = true
		rn.mu.Unlock()
		return nil
	}
	if rn.draining == nil {
		rn.draining = map[int64]*drainState{}
	}
	st := &drainState{}
	rn.draining[runID] = st
	rn.mu.Unlock()

	for {
		err := rn.drainOnce(ctx, runID)
		rn.mu.Lock()
		if err != nil || !st.again {
			delete(rn.draining, runID)
			rn.mu.Unlock()
			if err != nil && st.again {
				rn.log().Warn("carrying out a run's effects failed; they stay queued", "run", runID, "err", err)
			}
			return err
		}
		st.again = false
		rn.mu.Unlock()
	}
}

func (rn *Runner) drainOnce(ctx context.Context, runID int64) error {
	pending, err := rn.Store.PendingEffects(ctx, runID)
	if err != nil || len(pending) == 0 {
		return err
	}
	run, err := rn.Store.FindRun(ctx, runID)
	if err != nil {
		return fmt.Errorf("load run %d to carry out effects: %w", runID, err)
	}
	if batch, ok := rn.Effector.(BatchEffector); ok {
		return rn.completeBatch(ctx, runID, pending, batch.ApplyBatch(ctx, run, pending))
	}
	for _, e := range pending {
		if err := rn.Effector.Apply(ctx, run, e); err != nil {
			return fmt.Errorf("run %d: %s: %w", runID, e.Key(), err)
		}
		if err := rn.Store.CompleteEffect(ctx, runID, e.Key()); err != nil {
			return fmt.Errorf("run %d: mark %s done: %w", runID, e.Key(), err)
		}
	}
	return nil
}

// completeBatch marks done the effects a batch carried out and returns the
// first failure; the failed effects stay queued for the next Drain.
func (rn *Runner) completeBatch(ctx context.Context, runID int64, effects []Effect, errs []error) error {
	if len(errs) != len(effects) {
		return fmt.Errorf("run %d: the effector answered %d outcomes for %d effects", runID, len(errs), len(effects))
	}
	var first error
	for i, e := range effects {
		if errs[i] != nil {
			if first == nil {
				first = fmt.Errorf("run %d: %s: %w", runID, e.Key(), errs[i])
			}
			continue
		}
		if err := rn.Store.CompleteEffect(ctx, runID, e.Key()); err != nil {
			return fmt.Errorf("run %d: mark %s done: %w", runID, e.Key(), err)
		}
	}
	return first
}

// Recover carries out what every live run still has queued: effects
// interrupted by a crash or a platform outage. Timers that came due while the
// bot was down fire by themselves once the timer worker runs. Errors are
// logged per run so one broken run does not hold up the others.
func (rn *Runner) Recover(ctx context.Context) error {
	ids, err := rn.Store.LiveRunIDs(ctx)
	if err != nil {
		return fmt.Errorf("list live runs: %w", err)
	}
	for _, id := range ids {
		if err := rn.Drain(ctx, id); err != nil {
			rn.log().Warn("catching up a run failed; it will be retried on its next action", "run", id, "err", err)
		}
	}
	return nil
}

func (rn *Runner) now() time.Time {
	if rn.Now != nil {
		return rn.Now().UTC()
	}
	return time.Now().UTC()
}

func (rn *Runner) log() *slog.Logger {
	if rn.Log != nil {
		return rn.Log
	}
	return slog.New(slog.DiscardHandler)
}
