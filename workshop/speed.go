package workshop

import (
	"math"
	"strings"
	"time"
)

// MaxSpeed is the fastest a run may be compressed: an hour-long curriculum
// then lasts a second.
const MaxSpeed = 3600

// ValidSpeed reports whether speed is a speed a run may have: 0 or 1 (real
// time), or any finite factor between 1 and MaxSpeed.
func ValidSpeed(speed float64) bool {
	return speed == 0 || (speed >= 1 && speed <= MaxSpeed)
}

// Compressed returns a copy of c that runs speed times faster than real
// time: the intro's, every step's (and so every round's) duration and every
// warn reminder are divided by speed, rounded down to the millisecond and
// never below one. A speed of 1 or less (or one not ValidSpeed) returns c
// itself. Rehearsals and tests use it to play a whole workshop in minutes.
//
// {minutes} in the prompts keeps showing the curriculum's own minutes (a
// 4-minute round still reads "4"): a rehearsal shows the text participants
// of the live workshop will read, while the deadlines (<t:UNIX:R>) and the
// timers follow the compressed clock. The copy keeps c's Source and Hash,
// so a stored run still names the exact curriculum version it used; the
// store re-applies the run's Speed when it loads the run.
//
// c is not changed; the copy shares its Tags and Source, which nobody
// changes after parsing.
func (c *Curriculum) Compressed(speed float64) *Curriculum {
	if c == nil || speed <= 1 || !ValidSpeed(speed) {
		return c
	}
	out := *c
	out.Intro.Prompt = strings.ReplaceAll(c.Intro.Prompt, PlaceholderMinutes, formatMinutes(c.Intro.Duration))
	out.Intro.Duration = compress(c.Intro.Duration, speed)
	out.Steps = make([]Step, len(c.Steps))
	for i, s := range c.Steps {
		s.Prompt = strings.ReplaceAll(s.Prompt, PlaceholderMinutes, formatMinutes(s.RoundDuration()))
		s.Duration = compress(s.Duration, speed)
		if len(s.Warn) > 0 {
			warn := make([]time.Duration, len(s.Warn))
			for j, w := range s.Warn {
				warn[j] = compress(w, speed)
			}
			s.Warn = warn
		}
		out.Steps[i] = s
	}
	return &out
}

// compress divides d by speed, to the millisecond (the precision the
// database keeps with room to spare), at least one millisecond.
func compress(d time.Duration, speed float64) time.Duration {
	ms := math.Floor(float64(d) / speed / float64(time.Millisecond))
	return max(time.Duration(ms)*time.Millisecond, time.Millisecond)
}
