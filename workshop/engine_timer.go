package workshop

import (
	"strconv"
	"strings"
	"time"
)

// TimerKind says what a run's timer does when it fires.
type TimerKind string

// The kinds of a run's timers, with their keys.
const (
	TimerBegin     TimerKind = "workshop_begin"     // run:42:begin — the planned start: begin the run
	TimerIntroEnd  TimerKind = "workshop_intro_end" // run:42:intro:end — the intro is over: first step
	TimerStepEnd   TimerKind = "workshop_step_end"  // run:42:step:3:end — step 3 is over: next step
	TimerRound     TimerKind = "workshop_round"     // run:42:step:3:round:1 — round 1 (from 0) of step 3 begins: swap roles
	TimerWarn      TimerKind = "workshop_warn"      // run:42:step:3:warn:60s — 60s left in step 3: remind
	TimerCleanup   TimerKind = "workshop_cleanup"   // run:42:cleanup — the grace after the end is over: delete rooms
	timerKeyPrefix           = "run:"
)

// Timer is a durable timer of a run. Its key is deterministic, so
// scheduling the same deadline twice is one timer, and a firing names
// exactly what it is for; the Engine ignores a firing that no longer
// matches the run (see Engine.Fire).
type Timer struct {
	RunID int64
	Kind  TimerKind
	Step  int           // step index for step, round and warn timers; -1 otherwise
	Round int           // TimerRound: the round that begins, from 1
	Warn  time.Duration // TimerWarn: the time left when it fires
	Due   time.Time     // when it fires; zero in a timer parsed from a key
}

// Key is the timer's idempotency key, e.g. "run:42:step:3:warn:60s".
func (t Timer) Key() string {
	k := RunKeyPrefix(t.RunID)
	step := "step:" + strconv.Itoa(t.Step)
	switch t.Kind {
	case TimerBegin:
		return k + "begin"
	case TimerIntroEnd:
		return k + "intro:end"
	case TimerStepEnd:
		return k + step + ":end"
	case TimerRound:
		return k + step + ":round:" + strconv.Itoa(t.Round)
	case TimerWarn:
		return k + step + ":warn:" + durationKey(t.Warn)
	case TimerCleanup:
		return k + "cleanup"
	}
	return k + "unknown:" + string(t.Kind)
}

// StepTimerPrefix is the key prefix of step i's timers.
func StepTimerPrefix(runID int64, i int) string {
	return RunKeyPrefix(runID) + "step:" + strconv.Itoa(i) + ":"
}

// ParseTimerKey reads a key made by Timer.Key. The result has no Due. It
// returns EINVALID for anything else.
func ParseTimerKey(key string) (Timer, error) {
	bad := Errorf(EINVALID, "%q is not a workshop timer key.", key)
	rest, ok := strings.CutPrefix(key, timerKeyPrefix)
	if !ok {
		return Timer{}, bad
	}
	parts := strings.Split(rest, ":")
	id, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil || id <= 0 {
		return Timer{}, bad
	}
	t := Timer{RunID: id, Step: -1}
	switch {
	case len(parts) == 2 && parts[1] == "begin":
		t.Kind = TimerBegin
	case len(parts) == 2 && parts[1] == "cleanup":
		t.Kind = TimerCleanup
	case len(parts) == 3 && parts[1] == "intro" && parts[2] == "end":
		t.Kind = TimerIntroEnd
	case len(parts) >= 4 && parts[1] == "step":
		step, err := strconv.Atoi(parts[2])
		if err != nil || step < 0 {
			return Timer{}, bad
		}
		t.Step = step
		switch {
		case len(parts) == 4 && parts[3] == "end":
			t.Kind = TimerStepEnd
		case len(parts) == 5 && parts[3] == "round":
			round, err := strconv.Atoi(parts[4])
			if err != nil || round < 1 {
				return Timer{}, bad
			}
			t.Kind, t.Round = TimerRound, round
		case len(parts) == 5 && parts[3] == "warn":
			d, err := time.ParseDuration(parts[4])
			if err != nil || d <= 0 {
				return Timer{}, bad
			}
			t.Kind, t.Warn = TimerWarn, d
		default:
			return Timer{}, bad
		}
	default:
		return Timer{}, bad
	}
	if t.Key() != key {
		// Only canonical spellings: "step:03" or "warn:1m" would name a
		// timer the engine never schedules.
		return Timer{}, bad
	}
	return t, nil
}

// durationKey writes a duration for a key: whole seconds as "60s", else
// milliseconds as "1500ms".
func durationKey(d time.Duration) string {
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return strconv.FormatInt(int64(d/time.Millisecond), 10) + "ms"
}

// pendingTimers are the timers the current phase still needs, from the
// run's deadlines: the intro's end, or the step's end, its later rounds
// and its unsent reminders. Nothing while paused or outside intro/step.
func (r *Run) pendingTimers() []Timer {
	if r.Paused {
		return nil
	}
	switch r.State {
	case RunIntro:
		return []Timer{{RunID: r.ID, Kind: TimerIntroEnd, Step: -1, Due: r.Deadline}}
	case RunStep, RunDebrief:
	default:
		return nil
	}
	s, ok := r.Step()
	if !ok {
		return nil
	}
	out := []Timer{{RunID: r.ID, Kind: TimerStepEnd, Step: r.StepIndex, Due: r.Deadline}}
	for k := r.Round + 1; k < s.Rounds; k++ {
		out = append(out, Timer{RunID: r.ID, Kind: TimerRound, Step: r.StepIndex, Round: k, Due: r.roundStart(k)})
	}
	for _, w := range s.Warn[min(r.WarnsSent, len(s.Warn)):] {
		out = append(out, Timer{RunID: r.ID, Kind: TimerWarn, Step: r.StepIndex, Warn: w, Due: r.Deadline.Add(-w)})
	}
	return out
}

// roundStart is when round k (> Round) of the current step begins: later
// rounds keep their length, so only the current one absorbs pauses and
// extensions.
func (r *Run) roundStart(k int) time.Time {
	s, _ := r.Step()
	return r.RoundDeadline.Add(time.Duration(k-r.Round-1) * s.RoundDuration())
}
