package workshop

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Submission is a deliverable handed in, for the store to save. A breakout
// step's deliverable belongs to the group (Group >= 1 of Formation): any
// member hands it in and handing in again replaces it. A solo (or plenary)
// step's belongs to its author (Group 0, Formation -1).
type Submission struct {
	RunID     int64
	StepIndex int
	Formation int
	Group     int
	AuthorID  string
	Content   string
	At        time.Time
}

// Submit checks a deliverable and returns it for the store, with an
// Acknowledge effect. The engine keeps only a note that it was handed in
// (Run.Submissions), not the text. Steps that have begun may be handed in
// until the run ends, so a group that runs over can still submit. Errors:
// ECONFLICT when the run is not running; EFORBIDDEN for someone who is not
// a participant or was in no group at that breakout; ENOTFOUND for a step
// that does not exist; EINVALID for a step that has not begun or asks for
// no deliverable, or an empty or too long text.
func (e *Engine) Submit(r *Run, userID string, stepIndex int, text string, now time.Time) (Submission, []Effect, error) {
	if !r.State.Live() {
		return Submission{}, nil, Errorf(ECONFLICT, "The workshop isn't running, so nothing can be handed in.")
	}
	if !r.IsParticipant(userID) {
		return Submission{}, nil, Errorf(EFORBIDDEN, "Only the workshop's participants can hand in work. Join first.")
	}
	if stepIndex < 0 || stepIndex >= len(r.Curriculum.Steps) {
		return Submission{}, nil, Errorf(ENOTFOUND, "This workshop has no step %d.", stepIndex+1)
	}
	s := r.Curriculum.Steps[stepIndex]
	switch {
	case stepIndex > r.StepIndex:
		return Submission{}, nil, Errorf(EINVALID, "**%s** hasn't started yet.", s.Title)
	case s.Deliverable == "":
		return Submission{}, nil, Errorf(EINVALID, "**%s** doesn't ask you to hand anything in.", s.Title)
	}
	text = strings.TrimSpace(text)
	if n := utf8.RuneCountInString(text); n == 0 || n > MaxSubmissionLen {
		return Submission{}, nil, Errorf(EINVALID, "Your submission must have 1 to %d characters; it has %d.", MaxSubmissionLen, n)
	}
	sub := Submission{RunID: r.ID, StepIndex: stepIndex, Formation: -1, AuthorID: userID, Content: text, At: now}
	ack := "Thanks! Your submission for **" + s.Title + "** is saved."
	if s.Mode == ModeBreakout {
		fi := r.timing(stepIndex).Formation
		g := r.GroupOf(fi, userID)
		if g == 0 {
			return Submission{}, nil, Errorf(EFORBIDDEN, "You weren't in a group during **%s**, so there is no group submission to make.", s.Title)
		}
		sub.Formation, sub.Group = fi, g
		ack = "Thanks! Your group's submission for **" + s.Title + "** is saved. Anyone in your group can replace it by submitting again."
	}
	r.Seq++
	ref := SubmissionRef{StepIndex: stepIndex, Formation: sub.Formation, Group: sub.Group, AuthorID: userID}
	if sub.Group > 0 {
		ref.AuthorID = ""
	}
	if !slices.Contains(r.Submissions, ref) {
		r.Submissions = append(r.Submissions, ref)
	}
	return sub, []Effect{Acknowledge{RunID: r.ID, UserID: userID, Text: ack, Seq: r.Seq}}, nil
}

// AskHelp pings the hosts for a participant, pointing at their group's
// room during a breakout and at the main channel otherwise. Effects:
// PingHosts and an Acknowledge. Errors: ECONFLICT when the run is not
// running; EFORBIDDEN for someone who is not a participant.
func (e *Engine) AskHelp(r *Run, userID string, now time.Time) ([]Effect, error) {
	if !r.State.Live() {
		return nil, Errorf(ECONFLICT, "The workshop isn't running.")
	}
	if !r.IsParticipant(userID) {
		return nil, Errorf(EFORBIDDEN, "Only the workshop's participants can ask for help here.")
	}
	r.Seq++
	r.HelpRequests++
	room, where := MainRoom, "the main channel"
	if s, ok := r.Step(); ok && s.Mode == ModeBreakout {
		if g := r.GroupOf(r.ActiveFormation, userID); g > 0 {
			room, where = RoomRef{Formation: r.ActiveFormation, Group: g}, "Group "+strconv.Itoa(g)
			if f, ok := r.Formation(r.ActiveFormation); ok {
				where = f.Groups[g-1].Name
			}
		}
	}
	return []Effect{
		PingHosts{RunID: r.ID, HostIDs: []string{r.HostID}, UserID: userID, Room: room, Seq: r.Seq,
			Text: "🙋 <@" + userID + "> asks for help in " + where + " (" + r.phaseTitle() + ")."},
		Acknowledge{RunID: r.ID, UserID: userID, Seq: r.Seq, Text: "The hosts have been told; someone will join you shortly."},
	}, nil
}

// ChooseGroup puts a participant into the group they picked in a
// self-select formation (the current or the prepared one), out of any
// group they were in. Effects: RemoveFromGroup, AddToGroup and, during the
// breakout, MoveMembers and their prompt. Errors: ECONFLICT when the run
// is not running or no self-select groups are open; EFORBIDDEN for someone
// who is not a participant; ENOTFOUND for a group that does not exist.
func (e *Engine) ChooseGroup(r *Run, userID string, group int, now time.Time) ([]Effect, error) {
	if !r.State.Live() {
		return nil, Errorf(ECONFLICT, "The workshop isn't running.")
	}
	if !r.IsParticipant(userID) {
		return nil, Errorf(EFORBIDDEN, "Only the workshop's participants can pick a group. Join first.")
	}
	fi := r.lateJoinFormation()
	f, ok := r.Formation(fi)
	if !ok || f.Grouping != GroupingSelf {
		return nil, Errorf(ECONFLICT, "There are no groups to pick right now.")
	}
	if group < 1 || group > len(f.Groups) {
		return nil, Errorf(ENOTFOUND, "There is no group %d.", group)
	}
	if r.GroupOf(fi, userID) == group {
		return nil, Errorf(ECONFLICT, "You're already in %s.", f.Groups[group-1].Name)
	}
	r.Seq++
	fx := effects{r: r}
	if old := r.GroupOf(fi, userID); old > 0 {
		g := &f.Groups[old-1]
		g.Members = slices.DeleteFunc(g.Members, func(m string) bool { return m == userID })
		if f.RoomsRequested {
			fx.add(RemoveFromGroup{RunID: r.ID, Formation: fi, Group: old, UserID: userID, Seq: r.Seq})
		}
	}
	e.addToGroup(r, &fx, fi, group-1, userID)
	return fx.list, nil
}
