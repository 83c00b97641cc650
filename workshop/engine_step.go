package workshop

import (
	"strconv"
	"strings"
	"time"
)

// advance ends the current phase (the intro or a step) at `at` and enters
// the next step, or ends the run after the last. Steps that would already
// be over by now (the bot was down) are recorded as missed and passed
// over, so the run catches up with its schedule instead of posting a burst
// of stale prompts.
func (e *Engine) advance(r *Run, fx *effects, at, now time.Time, skipped bool) {
	prev, hadPrev := r.Step()
	if t := r.timing(r.StepIndex); t != nil {
		t.EndedAt, t.Skipped = at, skipped
	}
	steps := r.Curriculum.Steps
	next := r.StepIndex + 1
	for next < len(steps) && !at.Add(steps[next].Duration).After(now) {
		t := r.timing(next)
		t.StartedAt, t.EndedAt, t.Missed = at, at.Add(steps[next].Duration), true
		at = at.Add(steps[next].Duration)
		next++
	}
	if next >= len(steps) {
		e.finish(r, fx, at)
		return
	}
	leaving := -1
	if hadPrev && prev.Mode == ModeBreakout {
		leaving = r.ActiveFormation
	}
	e.enter(r, fx, next, at, now, leaving)
}

// enter starts step i at `at`. leaving is the formation of the breakout
// that just ended, or -1.
func (e *Engine) enter(r *Run, fx *effects, i int, at, now time.Time, leaving int) {
	s := r.Curriculum.Steps[i]
	r.StepIndex, r.Round, r.WarnsSent = i, 0, 0
	r.StepStartedAt = at
	r.Deadline = at.Add(s.Duration)
	r.RoundDeadline = r.Deadline
	if s.Rounds > 1 {
		r.RoundDeadline = at.Add(s.RoundDuration())
	}
	r.State = RunStep
	if i == len(r.Curriculum.Steps)-1 && s.Mode == ModePlenary {
		r.State = RunDebrief
	}
	t := r.timing(i)
	t.StartedAt, t.EndedAt = at, time.Time{}
	// A step entered late (catching up) starts in the round, and past the
	// reminders, that the clock says.
	for r.Round < s.Rounds-1 && !r.RoundDeadline.After(now) {
		r.nextRound()
	}
	for r.WarnsSent < len(s.Warn) && !r.Deadline.Add(-s.Warn[r.WarnsSent]).After(now) {
		r.WarnsSent++
	}

	tag := "step:" + strconv.Itoa(i)
	switch s.Mode {
	case ModeBreakout:
		fi := e.useFormation(r, fx, i)
		t.Formation = fi
		r.ActiveFormation = fi
		f := r.Formations[fi]
		if leaving != fi {
			var moves []MemberMove
			for _, g := range f.Groups {
				for _, m := range g.Members {
					moves = append(moves, MemberMove{UserID: m, Group: g.Number})
				}
			}
			if len(moves) > 0 {
				fx.add(MoveMembers{RunID: r.ID, StepIndex: i, Formation: fi, Moves: moves, Tag: tag})
			}
			if f.Grouping == GroupingSelf {
				fx.add(PostRoomChoice{RunID: r.ID, StepIndex: i, Formation: fi, Groups: cloneGroups(f.Groups)})
			}
		}
		for _, g := range f.Groups {
			fx.addAll(r.groupPrompts(fi, g, g.Members, ""))
		}
	default:
		if leaving >= 0 {
			fx.add(Recall{RunID: r.ID, StepIndex: i, Formation: leaving, VoiceChannelID: r.MainVoiceChannelID})
		}
		text := s.RenderPrompt(PromptVars{Deadline: r.Deadline})
		if s.Mode == ModeBreak {
			fx.add(PostNotice{RunID: r.ID, Rooms: []RoomRef{MainRoom}, Text: text, Tag: tag})
		} else {
			fx.add(PostPrompt{RunID: r.ID, StepIndex: i, Room: MainRoom, Text: text, Deadline: r.Deadline, Submit: s.Deliverable != ""})
		}
		if s.Mode == ModePlenary {
			e.gallery(r, fx, i)
		}
	}
	e.prepare(r, fx, i+1)
	fx.schedule()
}

// nextRound moves the current step on to its next round.
func (r *Run) nextRound() {
	s, _ := r.Step()
	r.Round++
	if r.Round >= s.Rounds-1 {
		r.RoundDeadline = r.Deadline
	} else {
		r.RoundDeadline = r.RoundDeadline.Add(s.RoundDuration())
	}
}

// gallery shows, with plenary step i, the deliverables of the steps since
// the last gallery.
func (e *Engine) gallery(r *Run, fx *effects, i int) {
	var steps []GalleryStep
	for j := r.LastGallery + 1; j < i; j++ {
		s := r.Curriculum.Steps[j]
		if s.Deliverable == "" || (s.Mode != ModeBreakout && s.Mode != ModeSolo && s.Mode != ModePlenary) {
			continue
		}
		steps = append(steps, GalleryStep{StepIndex: j, Title: s.Title, Mode: s.Mode, Deliverable: s.Deliverable, Formation: r.timing(j).Formation})
	}
	if len(steps) == 0 {
		return
	}
	r.LastGallery = i
	g := PostGallery{RunID: r.ID, StepIndex: i, Steps: steps, Formation: r.ActiveFormation}
	if f, ok := r.Formation(r.ActiveFormation); ok {
		g.Groups = cloneGroups(f.Groups)
	}
	fx.add(g)
}

// groupPrompts are the prompts of the current breakout step for readers
// of group g of formation fi: with roles, one per reader rendered with
// their role; without, one for the room mentioning them all. tag is "" for
// the step's own prompts and "seq:N" for someone arriving later.
func (r *Run) groupPrompts(fi int, g Group, readers []string, tag string) []Effect {
	s, ok := r.Step()
	if !ok || len(readers) == 0 {
		return nil
	}
	base := PostPrompt{
		RunID: r.ID, StepIndex: r.StepIndex, Round: r.Round,
		Room:     RoomRef{Formation: fi, Group: g.Number},
		Deadline: r.RoundDeadline, Submit: s.Deliverable != "", Help: true, Tag: tag,
	}
	if len(s.Roles) == 0 {
		p := base
		p.Mentions = append([]string(nil), readers...)
		if tag != "" {
			p.UserID = readers[0]
		}
		p.Text = s.RenderPrompt(PromptVars{Group: g.Name, Round: r.Round + 1, Deadline: r.RoundDeadline})
		return []Effect{p}
	}
	roles := AssignRoles(g.Members, s.Roles, r.Round)
	next := AssignRoles(g.Members, s.Roles, r.Round+1)
	out := make([]Effect, 0, len(readers))
	for _, u := range readers {
		p := base
		p.UserID, p.Mentions = u, []string{u}
		p.Text = s.RenderPrompt(PromptVars{Group: g.Name, Role: roles[u], NextRole: next[u], Round: r.Round + 1, Deadline: r.RoundDeadline})
		out = append(out, p)
	}
	return out
}

// swaps announce the current round in every group of the active formation.
func (r *Run) swaps() []Effect {
	s, ok := r.Step()
	f, fok := r.Formation(r.ActiveFormation)
	if !ok || !fok {
		return nil
	}
	var out []Effect
	for _, g := range f.Groups {
		if len(g.Members) == 0 {
			continue
		}
		roles := AssignRoles(g.Members, s.Roles, r.Round)
		next := AssignRoles(g.Members, s.Roles, r.Round+1)
		var b strings.Builder
		b.WriteString("🔄 **" + s.Title + "** · round " + strconv.Itoa(r.Round+1) + " of " + strconv.Itoa(s.Rounds))
		b.WriteString(" · ends <t:" + strconv.FormatInt(r.RoundDeadline.Unix(), 10) + ":R>\n\n")
		var as []RoleAssignment
		if len(s.Roles) == 0 {
			b.WriteString("Next round!")
		} else {
			b.WriteString("Swap roles!")
			for _, m := range g.Members {
				as = append(as, RoleAssignment{UserID: m, Role: roles[m], NextRole: next[m]})
				b.WriteString("\n• <@" + m + "> is now the **" + roles[m] + "**")
			}
		}
		out = append(out, PostRoleSwap{
			RunID: r.ID, StepIndex: r.StepIndex, Round: r.Round,
			Room: RoomRef{Formation: r.ActiveFormation, Group: g.Number}, Roles: as,
			Text: cut(b.String(), MaxMessageLen), Deadline: r.RoundDeadline,
		})
	}
	return out
}

// warnings remind every room of the current step that it ends in `left`.
func (r *Run) warnings(left time.Duration) []Effect {
	s, ok := r.Step()
	if !ok {
		return nil
	}
	text := "⏳ **" + formatDurationWords(left) + "** left in **" + s.Title + "** (ends <t:" + strconv.FormatInt(r.Deadline.Unix(), 10) + ":R>)."
	rooms := []RoomRef{MainRoom}
	if s.Mode == ModeBreakout {
		rooms = r.everywhere()[1:]
	}
	out := make([]Effect, 0, len(rooms))
	for _, room := range rooms {
		out = append(out, PostWarning{RunID: r.ID, StepIndex: r.StepIndex, Room: room, Left: left, Text: text})
	}
	return out
}

// useFormation returns the formation breakout step i runs with, forming
// it (and asking for its rooms) if it was not prepared.
func (e *Engine) useFormation(r *Run, fx *effects, i int) int {
	if fi, ok := r.formationFor(i); ok {
		e.requestRooms(r, fx, fi)
		return fi
	}
	return e.form(r, fx, i)
}

// prepare forms the groups of step i ahead of time, and asks for their
// rooms, when step i is a breakout that needs new groups: rooms are then
// ready by the time it begins.
func (e *Engine) prepare(r *Run, fx *effects, i int) {
	if i < 0 || i >= len(r.Curriculum.Steps) || r.Curriculum.Steps[i].Mode != ModeBreakout {
		return
	}
	if _, ok := r.formationFor(i); ok {
		return
	}
	e.form(r, fx, i)
}

// formationFor finds the formation breakout step i would use without
// forming one: one prepared for it, else the latest earlier one, unless
// the step regroups or asks for another group size.
func (r *Run) formationFor(i int) (int, bool) {
	for fi := len(r.Formations) - 1; fi >= 0; fi-- {
		if r.Formations[fi].Step == i {
			return fi, true
		}
	}
	if r.Curriculum.Steps[i].Regroup {
		return -1, false
	}
	for fi := len(r.Formations) - 1; fi >= 0; fi-- {
		if f := r.Formations[fi]; f.Step < i {
			return fi, f.Size == r.EffectiveGroupSize(i)
		}
	}
	return -1, false
}

// form groups the active participants for breakout step i and asks for
// the rooms.
func (e *Engine) form(r *Run, fx *effects, i int) int {
	size := r.EffectiveGroupSize(i)
	grouping := r.Curriculum.Grouping
	if grouping == "" {
		grouping = DefaultGrouping
	}
	cands := r.candidates()
	groups, err := FormGroups(cands, size, grouping, r.pairHistory(), e.rng(r, i))
	if err != nil {
		// Unreachable with a validated curriculum and the run's own
		// participants; still, a run must go on: deal in join order.
		groups = nil
		at := 0
		for _, n := range GroupSizes(len(cands), size) {
			var g []string
			for _, c := range cands[at : at+n] {
				g = append(g, c.UserID)
			}
			groups = append(groups, g)
			at += n
		}
	}
	f := Formation{Step: i, Size: size, Grouping: grouping}
	for n, members := range groups {
		f.Groups = append(f.Groups, Group{Number: n + 1, Name: "Group " + strconv.Itoa(n+1), Members: members})
	}
	r.Formations = append(r.Formations, f)
	fi := len(r.Formations) - 1
	e.requestRooms(r, fx, fi)
	return fi
}

// requestRooms emits CreateRooms for formation fi once.
func (e *Engine) requestRooms(r *Run, fx *effects, fi int) {
	f := &r.Formations[fi]
	if f.RoomsRequested || len(f.Groups) == 0 {
		return
	}
	f.RoomsRequested = true
	c := CreateRooms{RunID: r.ID, GuildID: r.GuildID, Formation: fi, HostID: r.HostID, Privacy: r.Curriculum.Rooms}
	if c.Privacy == "" {
		c.Privacy = DefaultRooms
	}
	for _, g := range f.Groups {
		c.Groups = append(c.Groups, GroupRooms{Number: g.Number, Name: g.Name, Members: append([]string(nil), g.Members...)})
	}
	fx.add(c)
}

// finish ends a run that had begun, at `at`.
func (e *Engine) finish(r *Run, fx *effects, at time.Time) {
	if t := r.timing(r.StepIndex); t != nil && t.EndedAt.IsZero() {
		t.EndedAt = at
	}
	if r.Paused {
		if t := r.timing(r.StepIndex); t != nil {
			t.Paused += r.pausedFor(at)
		}
		r.Paused, r.PausedAt, r.Remaining = false, time.Time{}, 0
	}
	fx.add(CancelTimers{RunID: r.ID, Prefix: r.KeyPrefix(), Seq: r.Seq})
	if s, ok := r.Step(); ok && s.Mode == ModeBreakout && r.ActiveFormation >= 0 {
		fx.add(Recall{RunID: r.ID, StepIndex: len(r.Curriculum.Steps), Formation: r.ActiveFormation, VoiceChannelID: r.MainVoiceChannelID})
	}
	r.State = RunEnded
	r.EndedAt = at
	sum := r.Summary()
	fx.add(PostSummary{RunID: r.ID, Summary: sum, Text: sum.Text()})
	fx.add(UpdateLobby{RunID: r.ID, Participants: r.ActiveParticipants(), State: r.State})
	if !r.StartsAt.IsZero() {
		fx.add(SetScheduledEventStatus{RunID: r.ID, Status: EventCompleted})
	}
	if r.hasRooms() {
		fx.add(ScheduleTimer{Timer{RunID: r.ID, Kind: TimerCleanup, Step: -1, Due: at.Add(e.roomGrace())}})
	}
}

// hasRooms reports whether any rooms were asked for.
func (r *Run) hasRooms() bool {
	for _, f := range r.Formations {
		if f.RoomsRequested {
			return true
		}
	}
	return false
}

func cloneGroups(gs []Group) []Group {
	out := make([]Group, len(gs))
	for i, g := range gs {
		out[i] = Group{Number: g.Number, Name: g.Name, Members: append([]string(nil), g.Members...)}
	}
	return out
}
