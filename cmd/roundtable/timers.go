package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/roundtable-bot/roundtable/db"
)

// timerDispatch routes durable timers to the feature that scheduled them, by
// kind. One worker serves every feature, as DESIGN.md decision 4 asks: step
// ends, warnings, reminders and digests all use the same mechanism.
type timerDispatch map[string]db.TimerHandler

// fire hands t to its kind's handler. A kind this version does not know
// stays queued with backoff rather than being lost, in case a newer bot
// process shares the database.
func (td timerDispatch) fire(ctx context.Context, t db.Timer) error {
	h, ok := td[t.Kind]
	if !ok {
		return fmt.Errorf("no handler for timers of kind %q", t.Kind)
	}
	return h(ctx, t)
}

// timerWorker runs the durable timer worker until Close.
type timerWorker struct {
	cancel context.CancelFunc
	done   sync.WaitGroup
}

func startTimerWorker(ctx context.Context, d *db.DB, td timerDispatch, log *slog.Logger) *timerWorker {
	ctx, cancel := context.WithCancel(ctx)
	tw := &timerWorker{cancel: cancel}
	worker := db.NewTimerWorker(d, td.fire, db.TimerWorkerOptions{Name: "roundtable", Logger: log})
	tw.done.Add(1)
	go func() {
		defer tw.done.Done()
		if err := worker.Run(ctx); err != nil {
			log.Error("timer worker stopped", "err", err)
		}
	}()
	return tw
}

// Close stops the worker and waits for it: timers in progress are handed
// back for another process (or the next start) to fire.
func (tw *timerWorker) Close() {
	tw.cancel()
	tw.done.Wait()
}
