package db

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roundtable-bot/roundtable/workshop"
)

// Decisions on one run are serialized by its row lock (SELECT ... FOR
// UPDATE), which keeps several bot processes correct. Within a process,
// UpdateRun also queues the decisions on each run, and the caller at the
// head of the queue (the leader) applies every decision waiting, one after
// the other on the same loaded run, and saves them in one transaction: a
// burst of 300 Join clicks costs a handful of transactions instead of 300
// waiting on one row lock, and holds one pool connection instead of all of
// them, so other runs' timers are not held up behind the burst. Each
// decision still sees the run as the previous one left it, and one that
// fails leaves no trace.

// batchTimeout bounds one batch's transaction. It does not follow the
// leader's context: the leader's caller giving up must not fail the
// decisions of the others in its batch.
const batchTimeout = 30 * time.Second

// updateRequest is one UpdateRun call waiting in its run's queue.
type updateRequest struct {
	ctx    context.Context
	decide func(*workshop.Run) ([]workshop.Effect, error)
	err    error         // the outcome, set before done is closed
	done   chan struct{} // closed once the decision was saved or refused
	lead   chan struct{} // closed to make this caller lead the next batch
}

// runQueues holds the waiting decisions of every run being updated.
type runQueues struct {
	mu      sync.Mutex
	waiting map[int64][]*updateRequest // not yet taken by a leader
	busy    map[int64]bool             // a leader is applying a batch
}

func newRunQueues() *runQueues {
	return &runQueues{waiting: map[int64][]*updateRequest{}, busy: map[int64]bool{}}
}

// UpdateRun applies decide to the run and saves the result with decide's
// effects in one transaction, after the decisions queued before it on the
// same run (see the comment at the top of run_batch.go). decide's error is
// returned as is, and then nothing of that decision is stored. A caller
// whose ctx ends while its decision waits is refused with ctx's error when
// its turn comes; once its batch has begun, the decision is saved or
// refused whatever ctx does, and UpdateRun says which.
func (s *RunStore) UpdateRun(ctx context.Context, id int64, decide func(*workshop.Run) ([]workshop.Effect, error)) error {
	req := &updateRequest{ctx: ctx, decide: decide, done: make(chan struct{}), lead: make(chan struct{})}
	q := s.queues
	q.mu.Lock()
	q.waiting[id] = append(q.waiting[id], req)
	leader := !q.busy[id]
	q.busy[id] = true
	q.mu.Unlock()
	if !leader {
		select {
		case <-req.done:
			return req.err
		case <-req.lead:
		}
	}
	s.leadBatch(id)
	<-req.done // the batch just led held this request
	return req.err
}

// leadBatch applies every decision waiting on run id, then hands the lead
// to the first caller that arrived meanwhile, if any.
func (s *RunStore) leadBatch(id int64) {
	q := s.queues
	q.mu.Lock()
	batch := q.waiting[id]
	delete(q.waiting, id)
	q.mu.Unlock()

	s.applyBatch(id, batch)

	q.mu.Lock()
	if next := q.waiting[id]; len(next) > 0 {
		close(next[0].lead)
	} else {
		delete(q.busy, id)
	}
	q.mu.Unlock()
}

// errNothingDecided rolls back a batch in which every decision failed.
var errNothingDecided = errors.New("no decision to save")

// applyBatch loads the run under its row lock, applies the batch's
// decisions in order and saves the run once, then tells every caller its
// outcome.
func (s *RunStore) applyBatch(id int64, batch []*updateRequest) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(batch[0].ctx), batchTimeout)
	defer cancel()
	refused := make([]error, len(batch)) // each decision's own error
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		r, err := s.loadRun(ctx, tx, id, true)
		if err != nil {
			return err
		}
		before := snapshotRecord(r)
		var effects []workshop.Effect
		decided := 0
		for i, req := range batch {
			if err := req.ctx.Err(); err != nil {
				refused[i] = err
				continue
			}
			// A failed decision must leave no trace for the next one in
			// the batch; the Engine promises that, but decide is any code.
			var backup []byte
			if len(batch) > 1 {
				if backup, err = runSnapshot(r); err != nil {
					return err
				}
			}
			effs, err := decideSafely(req.decide, r)
			if err == nil && r.ID != id {
				err = workshop.Errorf(workshop.EINVALID, "A decision may not change the run's ID.")
			}
			if err != nil {
				refused[i] = err
				if backup != nil {
					if r, err = restoreRun(backup, r); err != nil {
						return err
					}
				}
				continue
			}
			effects = append(effects, effs...)
			decided++
		}
		if decided == 0 {
			return errNothingDecided
		}
		return s.saveRun(ctx, tx, r, before, effects, s.now(), false)
	})
	for i, req := range batch {
		switch {
		case refused[i] != nil:
			req.err = refused[i]
		case err != nil:
			req.err = fmt.Errorf("update run %d: %w", id, translateRun(err))
		}
		close(req.done)
	}
}

// decideSafely runs decide, turning a panic into an error: the leader runs
// other callers' decisions, and one of them must not take the others down.
func decideSafely(decide func(*workshop.Run) ([]workshop.Effect, error), r *workshop.Run) (effects []workshop.Effect, err error) {
	defer func() {
		if p := recover(); p != nil {
			effects, err = nil, fmt.Errorf("decision on run %d panicked: %v", r.ID, p)
		}
	}()
	return decide(r)
}

// restoreRun rebuilds the run saved in backup (runSnapshot), with the
// curriculum and history of r.
func restoreRun(backup []byte, r *workshop.Run) (*workshop.Run, error) {
	var restored workshop.Run
	if err := json.Unmarshal(backup, &restored); err != nil {
		return nil, fmt.Errorf("run %d: restore after a failed decision: %w", r.ID, err)
	}
	restored.Curriculum, restored.History = r.Curriculum, r.History
	return &restored, nil
}
