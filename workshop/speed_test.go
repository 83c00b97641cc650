package workshop

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestCompressedDividesEveryDuration(t *testing.T) {
	c := loadShipped(t, "design-thinking")
	fast := c.Compressed(60)
	if fast == c {
		t.Fatal("Compressed(60) returned the curriculum itself")
	}
	if fast.Intro.Duration != c.Intro.Duration/60 {
		t.Errorf("intro lasts %s at speed 60, want %s", fast.Intro.Duration, c.Intro.Duration/60)
	}
	if fast.TotalDuration() != c.TotalDuration()/60 {
		t.Errorf("the run lasts %s at speed 60, want %s", fast.TotalDuration(), c.TotalDuration()/60)
	}
	for i, s := range c.Steps {
		f := fast.Steps[i]
		if f.Duration != s.Duration/60 || f.RoundDuration() != s.RoundDuration()/60 {
			t.Errorf("step %s: %s (rounds of %s), want %s (rounds of %s)", s.ID, f.Duration, f.RoundDuration(), s.Duration/60, s.RoundDuration()/60)
		}
		if len(f.Warn) != len(s.Warn) {
			t.Fatalf("step %s has %d reminders compressed, %d before", s.ID, len(f.Warn), len(s.Warn))
		}
		for j := range s.Warn {
			if f.Warn[j] != s.Warn[j]/60 {
				t.Errorf("step %s reminder %d: %s, want %s", s.ID, j, f.Warn[j], s.Warn[j]/60)
			}
		}
	}
	if fast.Hash != c.Hash || string(fast.Source) != string(c.Source) {
		t.Error("the compressed copy no longer names the curriculum version it came from")
	}
	if c.Steps[0].Duration != 8*time.Minute || c.Intro.Duration != 5*time.Minute {
		t.Errorf("Compressed changed the original: intro %s, first step %s", c.Intro.Duration, c.Steps[0].Duration)
	}
}

func TestCompressedKeepsTheCurriculumsMinutesInPrompts(t *testing.T) {
	c := loadShipped(t, "design-thinking")
	s := c.Compressed(60).Steps[0]
	if strings.Contains(s.Prompt, PlaceholderMinutes) {
		t.Fatalf("compressed prompt still has %s: %q", PlaceholderMinutes, s.Prompt)
	}
	got := s.RenderPrompt(PromptVars{Group: "Group 1", Role: "Interviewer", NextRole: "Interviewee", Round: 1})
	if !strings.Contains(got, "for the next 4 minutes") {
		t.Errorf("a 4-minute round compressed 60 times should still read \"4 minutes\":\n%s", got)
	}
	if !strings.Contains(c.Steps[0].Prompt, PlaceholderMinutes) {
		t.Error("Compressed replaced the placeholder in the original")
	}
}

func TestCompressedAtRealTimeIsTheCurriculum(t *testing.T) {
	c := loadShipped(t, "design-thinking")
	for _, speed := range []float64{0, 1, 0.5, -3, MaxSpeed + 1} {
		if got := c.Compressed(speed); got != c {
			t.Errorf("Compressed(%v) made a copy; only speeds above 1 compress", speed)
		}
	}
	var nilCurriculum *Curriculum
	if nilCurriculum.Compressed(60) != nil {
		t.Error("a nil curriculum compressed is not nil")
	}
	if d := compress(10*time.Second, MaxSpeed); d < time.Millisecond {
		t.Errorf("a 10 s step at the top speed lasts %s; nothing may last less than a millisecond", d)
	}
}

func TestRunAtSpeedHasShorterDeadlinesAndKeepsItsSpeed(t *testing.T) {
	c := loadShipped(t, "design-thinking")
	e := &Engine{}
	req := StartRequest{GuildID: "g", MainChannelID: "main", HostID: "host", Curriculum: c, Speed: 60}
	r, _, err := e.Start(1, req, t0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Speed != 60 {
		t.Errorf("run speed %v, want 60", r.Speed)
	}
	if _, err := e.Join(r, "a", ExperienceNew, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Join(r, "b", ExperienceSome, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Begin(r, t0); err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(c.Intro.Duration / 60); !r.Deadline.Equal(want) {
		t.Errorf("intro ends at %s, want %s (60 times sooner)", r.Deadline, want)
	}
	if r.Timing[1].Planned != c.Steps[0].Duration/60 {
		t.Errorf("the first step is planned for %s, want %s", r.Timing[1].Planned, c.Steps[0].Duration/60)
	}
	if _, err := e.Fire(r, Timer{RunID: 1, Kind: TimerIntroEnd, Step: -1, Due: r.Deadline}.Key(), r.Deadline); err != nil {
		t.Fatal(err)
	}
	started := r.StepStartedAt
	if got, want := r.Deadline.Sub(started), c.Steps[0].Duration/60; got != want {
		t.Errorf("first breakout lasts %s, want %s", got, want)
	}
	if got, want := r.RoundDeadline.Sub(started), c.Steps[0].RoundDuration()/60; got != want {
		t.Errorf("first round lasts %s, want %s", got, want)
	}

	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back Run
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Speed != 60 {
		t.Errorf("speed after a JSON round trip: %v", back.Speed)
	}
}

func TestStartRefusesImpossibleSpeeds(t *testing.T) {
	c := loadShipped(t, "design-thinking")
	for _, speed := range []float64{0.5, -1, MaxSpeed * 2} {
		_, _, err := (&Engine{}).Start(1, StartRequest{GuildID: "g", MainChannelID: "m", HostID: "h", Curriculum: c, Speed: speed}, t0)
		if ErrorCode(err) != EINVALID {
			t.Errorf("speed %v: %v, want EINVALID", speed, err)
		}
	}
	r, _, err := (&Engine{Speed: 120}).Start(1, StartRequest{GuildID: "g", MainChannelID: "m", HostID: "h", Curriculum: c}, t0)
	if err != nil || r.Speed != 120 || r.Curriculum.Intro.Duration != c.Intro.Duration/120 {
		t.Errorf("the engine's speed was not used for a run without one: %v, %+v", err, r)
	}
	r, _, err = (&Engine{}).Start(1, StartRequest{GuildID: "g", MainChannelID: "m", HostID: "h", Curriculum: c, Speed: 1}, t0)
	if err != nil || r.Speed != 0 || r.Curriculum != c {
		t.Errorf("speed 1 should be real time, stored as 0: %v, speed %v", err, r.Speed)
	}
}
