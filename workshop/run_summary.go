package workshop

import (
	"strconv"
	"strings"
	"time"
)

// Summary is the record of a finished run that the end-of-run post shows.
type Summary struct {
	RunID        int64
	Title        string
	Joined       int     // everyone who joined
	Left         int     // those who left before the end
	Groups       []Group // the last formation's groups, as they ended
	Submissions  int     // deliverables handed in (a replaced one counts once)
	HelpRequests int     //
	Timing       []StepTiming
	Planned      time.Duration // the curriculum's total
	Actual       time.Duration // from the intro's start to the end
}

// Summary describes the run as it stands.
func (r *Run) Summary() Summary {
	s := Summary{RunID: r.ID, Joined: len(r.Participants), Submissions: len(r.Submissions), HelpRequests: r.HelpRequests}
	if r.Curriculum != nil {
		s.Title = r.Curriculum.Title
		s.Planned = r.Curriculum.TotalDuration()
	}
	for _, p := range r.Participants {
		if p.Left {
			s.Left++
		}
	}
	if f, ok := r.Formation(r.ActiveFormation); ok {
		s.Groups = cloneGroups(f.Groups)
	}
	s.Timing = append([]StepTiming(nil), r.Timing...)
	if len(r.Timing) > 0 && !r.Timing[0].StartedAt.IsZero() && !r.EndedAt.IsZero() {
		s.Actual = r.EndedAt.Sub(r.Timing[0].StartedAt)
	}
	return s
}

// Text renders the summary as one Discord message (cut to MaxMessageLen).
func (s Summary) Text() string {
	var b strings.Builder
	b.WriteString("🏁 **" + s.Title + "** is over. Thank you all!\n\n")
	b.WriteString("**Attendance:** " + strconv.Itoa(s.Joined) + " joined")
	if s.Left > 0 {
		b.WriteString(", " + strconv.Itoa(s.Left) + " left early")
	}
	b.WriteString(".\n**Submissions:** " + strconv.Itoa(s.Submissions) + " · **Help requests:** " + strconv.Itoa(s.HelpRequests) + "\n")
	b.WriteString("\n**Timing** (planned → actual)\n")
	for _, t := range s.Timing {
		b.WriteString(t.Title + ": " + shortDuration(t.Planned) + " → ")
		switch {
		case t.StartedAt.IsZero():
			b.WriteString("not reached")
		case t.Missed:
			b.WriteString("missed")
		case t.EndedAt.IsZero():
			b.WriteString("running")
		default:
			b.WriteString(shortDuration(t.Actual()))
		}
		var notes []string
		if t.Skipped {
			notes = append(notes, "skipped")
		}
		if t.Extended > 0 {
			notes = append(notes, "extended "+shortDuration(t.Extended))
		}
		if t.Paused > 0 {
			notes = append(notes, "paused "+shortDuration(t.Paused))
		}
		if len(notes) > 0 {
			b.WriteString(" (" + strings.Join(notes, ", ") + ")")
		}
		b.WriteString("\n")
	}
	b.WriteString("**Total:** " + shortDuration(s.Planned) + " planned, " + shortDuration(s.Actual) + " actual\n")
	if len(s.Groups) > 0 {
		b.WriteString("\n**Groups**\n")
		for _, g := range s.Groups {
			b.WriteString(g.Name + ": ")
			for i, m := range g.Members {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString("<@" + m + ">")
			}
			b.WriteString("\n")
		}
	}
	return cutLines(strings.TrimRight(b.String(), "\n"), MaxMessageLen)
}

// Status is a short text for the host: where the run is, how long is left,
// and how many take part.
func (e *Engine) Status(r *Run, now time.Time) string {
	var b strings.Builder
	b.WriteString("**" + r.Curriculum.Title + "** · " + string(r.State))
	if r.Paused {
		b.WriteString(" · ⏸️ paused")
	}
	b.WriteString("\n")
	switch {
	case r.State == RunLobby:
		if !r.StartsAt.IsZero() {
			b.WriteString("Starts " + relTime(r.StartsAt) + ".\n")
		} else {
			b.WriteString("Waiting for the host to begin.\n")
		}
	case r.State.Live():
		b.WriteString("Now: " + r.phaseTitle())
		if s, ok := r.Step(); ok && s.Rounds > 1 {
			b.WriteString(" · round " + strconv.Itoa(r.Round+1) + " of " + strconv.Itoa(s.Rounds))
		}
		if r.Paused {
			b.WriteString(" · " + shortDuration(r.Remaining) + " left when resumed")
		} else {
			b.WriteString(" · ends " + relTime(r.Deadline))
		}
		b.WriteString("\n")
		if next := r.StepIndex + 1; next < len(r.Curriculum.Steps) {
			n := r.Curriculum.Steps[next]
			b.WriteString("Next: **" + n.Title + "** (" + string(n.Mode) + ", " + shortDuration(n.Duration) + ")\n")
		} else {
			b.WriteString("Next: the end\n")
		}
	case r.State.Over():
		b.WriteString("Ended " + relTime(r.EndedAt) + ".\n")
	}
	active := r.ActiveParticipants()
	b.WriteString("Participants: " + strconv.Itoa(active))
	if left := len(r.Participants) - active; left > 0 {
		b.WriteString(" (" + strconv.Itoa(left) + " left)")
	}
	if f, ok := r.Formation(r.ActiveFormation); ok {
		b.WriteString(" · Groups: " + strconv.Itoa(len(f.Groups)))
	}
	b.WriteString(" · Submissions: " + strconv.Itoa(len(r.Submissions)) + " · Help requests: " + strconv.Itoa(r.HelpRequests))
	return cutLines(b.String(), MaxMessageLen)
}

// shortDuration writes "8m", "1m30s", "1h15m", "45s".
func shortDuration(d time.Duration) string {
	d = d.Round(time.Second)
	if d <= 0 {
		return "0m"
	}
	h, m, sec := int64(d/time.Hour), int64(d%time.Hour/time.Minute), int64(d%time.Minute/time.Second)
	var b strings.Builder
	if h > 0 {
		b.WriteString(strconv.FormatInt(h, 10) + "h")
	}
	if m > 0 {
		b.WriteString(strconv.FormatInt(m, 10) + "m")
	}
	if sec > 0 {
		b.WriteString(strconv.FormatInt(sec, 10) + "s")
	}
	return b.String()
}

// cutLines shortens text to at most n characters, dropping whole lines
// from the end and marking the cut.
func cutLines(text string, n int) string {
	if len([]rune(text)) <= n {
		return text
	}
	const more = "\n…"
	lines := strings.Split(text, "\n")
	for len(lines) > 1 {
		lines = lines[:len(lines)-1]
		if s := strings.Join(lines, "\n") + more; len([]rune(s)) <= n {
			return s
		}
	}
	return cut(text, n)
}
