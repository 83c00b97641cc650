package workshop

import "time"

// IntroID is the StepID of the intro in a timeline. No step may use it.
const IntroID = "intro"

// TimelineEntry is one part of a run as planned: the intro or a step.
type TimelineEntry struct {
	Offset    time.Duration // from the moment the host begins the run
	Duration  time.Duration
	StepID    string // IntroID for the intro
	Title     string
	Mode      Mode // the intro is plenary
	Rounds    int
	GroupSize int // 0 unless the step is a breakout
}

// Timeline lists the intro and then every step, back to back, with the
// offset at which each begins.
func (c *Curriculum) Timeline() []TimelineEntry {
	out := make([]TimelineEntry, 0, len(c.Steps)+1)
	out = append(out, TimelineEntry{
		Duration: c.Intro.Duration,
		StepID:   IntroID,
		Title:    "Intro",
		Mode:     ModePlenary,
		Rounds:   1,
	})
	offset := c.Intro.Duration
	for _, s := range c.Steps {
		out = append(out, TimelineEntry{
			Offset:    offset,
			Duration:  s.Duration,
			StepID:    s.ID,
			Title:     s.Title,
			Mode:      s.Mode,
			Rounds:    s.Rounds,
			GroupSize: s.GroupSize,
		})
		offset += s.Duration
	}
	return out
}

// TotalDuration is how long a run lasts when nothing is paused, extended or
// skipped: the intro plus every step.
func (c *Curriculum) TotalDuration() time.Duration {
	total := c.Intro.Duration
	for _, s := range c.Steps {
		total += s.Duration
	}
	return total
}

// FirstExerciseOffset is when participants first start working: the offset
// of the first breakout or solo step. A curriculum without one returns
// TotalDuration, since nobody works before the run ends.
func (c *Curriculum) FirstExerciseOffset() time.Duration {
	offset := c.Intro.Duration
	for _, s := range c.Steps {
		if s.Mode == ModeBreakout || s.Mode == ModeSolo {
			return offset
		}
		offset += s.Duration
	}
	return offset
}
