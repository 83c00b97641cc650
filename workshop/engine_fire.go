package workshop

import (
	"slices"
	"strconv"
	"time"
)

// Fire applies a timer firing, named by its key (see TimerKind), to the
// run, at now. The timer worker calls it for every due timer of the run.
//
// A firing that no longer matches the run is stale and returns no effects
// and no error: a step that was skipped or already ended, a round already
// begun, a reminder already sent, anything while paused, or a firing
// earlier than the run's deadline for it (by more than EarlyFiringSlack),
// as when Extend moved the deadline after the worker claimed the old one.
// That is what makes restarts and retries safe: firing the same key twice
// does the work once.
//
// A step end advances the run from the deadline that was due, not from
// now, so lateness does not accumulate; steps that ran out entirely while
// the bot was down are recorded as missed (see StepTiming.Missed).
//
// Errors: EINVALID for a key that is not a workshop timer key or names
// another run.
func (e *Engine) Fire(r *Run, key string, now time.Time) ([]Effect, error) {
	t, err := ParseTimerKey(key)
	if err != nil {
		return nil, err
	}
	if t.RunID != r.ID {
		return nil, Errorf(EINVALID, "Timer %q is not for run %d.", key, r.ID)
	}
	early := func(due time.Time) bool { return now.Add(EarlyFiringSlack).Before(due) }
	running := (r.State == RunStep || r.State == RunDebrief) && !r.Paused && r.StepIndex == t.Step
	fx := effects{r: r}
	switch t.Kind {
	case TimerBegin:
		if r.State != RunLobby || r.StartsAt.IsZero() || early(r.StartsAt) {
			return nil, nil
		}
		r.Seq++
		if r.ActiveParticipants() == 0 {
			fx.add(PostNotice{
				RunID: r.ID, Rooms: []RoomRef{MainRoom}, Tag: "seq:" + strconv.FormatInt(r.Seq, 10),
				Text: "It's time for **" + r.Curriculum.Title + "**, but nobody has joined yet. The lobby stays open: the host can begin when people arrive, or end the workshop.",
			})
			return fx.list, nil
		}
		e.begin(r, &fx, now)
	case TimerIntroEnd:
		if r.State != RunIntro || r.Paused || early(r.Deadline) {
			return nil, nil
		}
		r.Seq++
		e.advance(r, &fx, r.Deadline, now, false)
	case TimerStepEnd:
		if !running || early(r.Deadline) {
			return nil, nil
		}
		r.Seq++
		e.advance(r, &fx, r.Deadline, now, false)
	case TimerRound:
		s, _ := r.Step()
		if !running || t.Round <= r.Round || t.Round >= s.Rounds || early(r.roundStart(t.Round)) {
			return nil, nil
		}
		r.Seq++
		for r.Round < t.Round {
			r.nextRound()
		}
		fx.addAll(r.swaps())
	case TimerWarn:
		s, _ := r.Step()
		at := slices.Index(s.Warn, t.Warn)
		if !running || at < r.WarnsSent || early(r.Deadline.Add(-t.Warn)) {
			return nil, nil
		}
		r.Seq++
		r.WarnsSent = at + 1
		fx.addAll(r.warnings(t.Warn))
	case TimerCleanup:
		if !r.State.Over() || r.RoomsDeleted {
			return nil, nil
		}
		r.Seq++
		r.RoomsDeleted = true
		fx.add(DeleteRooms{RunID: r.ID})
	}
	return fx.list, nil
}
