package workshop

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Host controls. The caller checks Authorize first; these only check that
// the action makes sense in the run's state.

// Pause stops the clock everywhere: every timer of the run is cancelled
// and a notice goes to the main channel and every room. Errors: ECONFLICT
// when the run is not running or already paused.
func (e *Engine) Pause(r *Run, now time.Time) ([]Effect, error) {
	if !r.State.Live() {
		return nil, Errorf(ECONFLICT, "The workshop isn't running, so there is nothing to pause.")
	}
	if r.Paused {
		return nil, Errorf(ECONFLICT, "The workshop is already paused.")
	}
	r.Seq++
	r.Paused, r.PausedAt = true, now
	r.Remaining = max(r.Deadline.Sub(now), 0)
	fx := effects{r: r}
	fx.add(CancelTimers{RunID: r.ID, Prefix: r.KeyPrefix(), Seq: r.Seq})
	fx.add(r.notice("⏸️ **Paused** by the host. The clock is stopped; we'll pick up where we left off."))
	return fx.list, nil
}

// Resume restarts the clock: every deadline moves by the time spent
// paused, the timers are scheduled again, and a notice gives the new end.
// Errors: ECONFLICT unless the run is running and paused.
func (e *Engine) Resume(r *Run, now time.Time) ([]Effect, error) {
	if !r.State.Live() || !r.Paused {
		return nil, Errorf(ECONFLICT, "The workshop isn't paused.")
	}
	r.Seq++
	delta := r.pausedFor(now)
	r.Deadline = r.Deadline.Add(delta)
	r.RoundDeadline = r.RoundDeadline.Add(delta)
	if t := r.timing(r.StepIndex); t != nil {
		t.Paused += delta
	}
	r.Paused, r.PausedAt, r.Remaining = false, time.Time{}, 0
	fx := effects{r: r}
	fx.schedule()
	fx.add(r.notice("▶️ **Resumed.** " + r.phaseTitle() + " now ends " + relTime(r.Deadline) + "."))
	return fx.list, nil
}

// Extend adds d to the current step (or the intro): every deadline moves
// by d (the current round absorbs it), timers move with them, and a notice
// says so. Reminders already sent are not sent again. Errors: ECONFLICT
// when the run is not running; EINVALID unless 0 < d <= MaxExtend.
func (e *Engine) Extend(r *Run, d time.Duration, now time.Time) ([]Effect, error) {
	if !r.State.Live() {
		return nil, Errorf(ECONFLICT, "The workshop isn't running, so there is nothing to extend.")
	}
	if d <= 0 || d > MaxExtend {
		return nil, Errorf(EINVALID, "You can extend by up to %s at a time.", formatDurationWords(MaxExtend))
	}
	r.Seq++
	r.Deadline = r.Deadline.Add(d)
	r.RoundDeadline = r.RoundDeadline.Add(d)
	if t := r.timing(r.StepIndex); t != nil {
		t.Extended += d
	}
	fx := effects{r: r}
	if r.Paused {
		r.Remaining += d
		fx.add(r.notice("⏩ The host added **" + formatDurationWords(d) + "** to " + r.phaseTitle() + ". The clock is still paused."))
		return fx.list, nil
	}
	fx.schedule()
	fx.add(r.notice("⏩ The host added **" + formatDurationWords(d) + "**. " + r.phaseTitle() + " now ends " + relTime(r.Deadline) + "."))
	return fx.list, nil
}

// Skip ends the current step (or the intro) now and starts the next one,
// or ends the run after the last step. A paused run is resumed by it.
// Errors: ECONFLICT when the run is not running.
func (e *Engine) Skip(r *Run, now time.Time) ([]Effect, error) {
	if !r.State.Live() {
		return nil, Errorf(ECONFLICT, "The workshop isn't running, so there is no step to skip.")
	}
	r.Seq++
	if r.Paused {
		if t := r.timing(r.StepIndex); t != nil {
			t.Paused += r.pausedFor(now)
		}
		r.Paused, r.PausedAt, r.Remaining = false, time.Time{}, 0
	}
	fx := effects{r: r}
	prefix := StepTimerPrefix(r.ID, r.StepIndex)
	if r.State == RunIntro {
		prefix = RunKeyPrefix(r.ID) + "intro:"
	}
	fx.add(CancelTimers{RunID: r.ID, Prefix: prefix, Seq: r.Seq})
	e.advance(r, &fx, now, now, true)
	return fx.list, nil
}

// Broadcast posts the host's message in the main channel and every room.
// Errors: ECONFLICT when the run is over; EINVALID for an empty message or
// one longer than MaxBroadcastLen.
func (e *Engine) Broadcast(r *Run, text string, now time.Time) ([]Effect, error) {
	if r.State.Over() {
		return nil, Errorf(ECONFLICT, "The workshop has ended.")
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, Errorf(EINVALID, "The message is empty.")
	}
	if n := utf8.RuneCountInString(text); n > MaxBroadcastLen {
		return nil, Errorf(EINVALID, "The message has %d characters; at most %d fit.", n, MaxBroadcastLen)
	}
	r.Seq++
	return []Effect{r.notice("📣 **From the host:** " + text)}, nil
}

// End finishes the run now. A run that has begun ends with a summary
// (PostSummary), members recalled from breakout rooms, every timer
// cancelled and a cleanup timer that deletes the rooms after the room
// grace. A run still in the lobby is cancelled instead. Errors: ECONFLICT
// when it is already over.
func (e *Engine) End(r *Run, now time.Time) ([]Effect, error) {
	if r.State.Over() {
		return nil, Errorf(ECONFLICT, "The workshop has already ended.")
	}
	r.Seq++
	fx := effects{r: r}
	if r.State == RunLobby {
		r.State, r.EndedAt = RunCancelled, now
		fx.add(CancelTimers{RunID: r.ID, Prefix: r.KeyPrefix(), Seq: r.Seq})
		fx.add(PostNotice{RunID: r.ID, Rooms: []RoomRef{MainRoom}, Tag: "seq:" + strconv.FormatInt(r.Seq, 10),
			Text: "**" + r.Curriculum.Title + "** was cancelled by the host."})
		fx.add(UpdateLobby{RunID: r.ID, Participants: r.ActiveParticipants(), State: r.State})
		if !r.StartsAt.IsZero() {
			fx.add(SetScheduledEventStatus{RunID: r.ID, Status: EventCanceled})
		}
		return fx.list, nil
	}
	e.finish(r, &fx, now)
	return fx.list, nil
}

// notice is a PostNotice of the current action to everywhere.
func (r *Run) notice(text string) PostNotice {
	return PostNotice{RunID: r.ID, Rooms: r.everywhere(), Text: text, Tag: "seq:" + strconv.FormatInt(r.Seq, 10)}
}

// phaseTitle names the current step (or the intro) in bold.
func (r *Run) phaseTitle() string {
	if s, ok := r.Step(); ok {
		return "**" + s.Title + "**"
	}
	return "The intro"
}

// relTime is Discord's live relative time, e.g. "in 4 minutes" for every
// reader in their own locale.
func relTime(t time.Time) string { return "<t:" + strconv.FormatInt(t.Unix(), 10) + ":R>" }

// formatDurationWords writes a duration for people: "1 minute",
// "90 seconds" is "1 minute 30 seconds", "2 hours 5 minutes".
func formatDurationWords(d time.Duration) string {
	d = d.Round(time.Second)
	if d <= 0 {
		return "0 seconds"
	}
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	var parts []string
	unit := func(n int, one string) {
		if n == 1 {
			parts = append(parts, "1 "+one)
		} else if n > 1 {
			parts = append(parts, strconv.Itoa(n)+" "+one+"s")
		}
	}
	unit(h, "hour")
	unit(m, "minute")
	unit(s, "second")
	return strings.Join(parts, " ")
}
