package workshop

import (
	"slices"
	"strconv"
	"time"
)

// RunState is where a run is in its life. The values are the ones the
// database stores.
//
//	lobby -> intro -> step ... step [-> debrief] -> ended
//	lobby -> cancelled
//
// There is no separate debrief phase in a curriculum: RunDebrief is simply
// RunStep while the current step is the last one and is a plenary, so a
// list of live runs can tell which are wrapping up.
type RunState string

// The states of a run.
const (
	RunLobby     RunState = "lobby"     // people join; nothing has begun
	RunIntro     RunState = "intro"     // the plenary opening; the first rooms are prepared
	RunStep      RunState = "step"      // a step of the curriculum is running
	RunDebrief   RunState = "debrief"   // the last step, a plenary, is running
	RunEnded     RunState = "ended"     // the run finished (or the host ended it) after beginning
	RunCancelled RunState = "cancelled" // the host ended the run before it began
)

// Live reports whether the run has begun and not yet finished: the clock
// runs (or is paused) and host controls apply.
func (s RunState) Live() bool { return s == RunIntro || s == RunStep || s == RunDebrief }

// Over reports whether the run is finished, one way or the other.
func (s RunState) Over() bool { return s == RunEnded || s == RunCancelled }

// Run is one live (or past) workshop: the aggregate the store saves and
// the Engine changes. Every change goes through an Engine method, which
// takes the current time as an argument and returns the effects to carry
// out; a Run never reads the clock. Runs are not safe for concurrent use:
// the caller serializes the actions on one run (e.g. by loading it FOR
// UPDATE in the transaction that saves it).
type Run struct {
	ID                 int64
	GuildID            string
	MainChannelID      string // the text channel the host started the run in
	MainVoiceChannelID string // the voice channel members return to; may be empty
	HostID             string
	Curriculum         *Curriculum
	GroupSize          int       // the host's group_size for every breakout; 0 keeps the curriculum's
	StartsAt           time.Time // when the run begins by itself; zero when the host begins it by hand
	// Speed is how many times faster than real time the run goes (a
	// rehearsal's); 0 is real time. Curriculum is then the curriculum
	// Compressed by it, which the store re-applies on load.
	Speed     float64
	CreatedAt time.Time

	State RunState
	// StepIndex is the index in Curriculum.Steps of the current step, -1 in
	// the lobby and during the intro. After the run ends it stays at the
	// last step that ran.
	StepIndex int
	// Round is the current round of the step, from 0.
	Round int
	// StepStartedAt is when the current step (or the intro) began.
	StepStartedAt time.Time
	// Deadline is when the current step (or the intro) ends; RoundDeadline
	// is when the current round ends (Deadline in the last round). While
	// paused both keep the values they had at the pause.
	Deadline      time.Time
	RoundDeadline time.Time
	// WarnsSent counts the current step's reminders already sent (Step.Warn
	// is ordered earliest reminder first).
	WarnsSent int

	Paused    bool
	PausedAt  time.Time     // zero unless Paused
	Remaining time.Duration // of the current step when paused; zero unless Paused

	Participants []Participant
	// Formations are the breakout groupings, in the order they were formed.
	Formations []Formation
	// ActiveFormation indexes Formations: the groups of the breakout running
	// now or, between breakouts, of the last one. -1 before the first.
	ActiveFormation int
	// Timing has one entry per part of the run, aligned with
	// Curriculum.Timeline(): [0] is the intro, [i+1] is step i.
	Timing       []StepTiming
	Submissions  []SubmissionRef
	HelpRequests int
	// LastGallery is the index of the last step whose post showed a gallery
	// of deliverables; -1 before any. The next plenary shows what was
	// handed in after it.
	LastGallery  int
	RoomsDeleted bool // the DeleteRooms effect was emitted
	EndedAt      time.Time

	// Seq counts the actions applied to the run. Effects that an action may
	// repeat (notices, moves of one member) carry it in their key so that
	// each is done once.
	Seq int64

	// History holds the pairs of people grouped together in the guild's
	// earlier runs. The store loads it with the run; it is an input to group
	// formation, not part of the run's own state.
	History PairHistory `json:"-"`
}

// Participant is someone who joined a run. Hosts are never participants.
type Participant struct {
	UserID   string
	Level    Experience // "" when not given
	JoinedAt time.Time
	Left     bool
	LeftAt   time.Time // zero unless Left
}

// Formation is one grouping of the participants for breakouts, kept by
// later breakouts until one regroups.
type Formation struct {
	// Step is the index of the breakout step the groups were formed for
	// (run_groups.formed_at_step); it names the formation in effect keys.
	Step     int
	Size     int
	Grouping Grouping
	Groups   []Group
	// RoomsRequested is set once CreateRooms was emitted for it.
	RoomsRequested bool
}

// Group is one breakout group.
type Group struct {
	Number int    // from 1
	Name   string // "Group 1"; at most MaxGroupNameLen characters
	// Members are the user IDs in the group now, in the order they came;
	// roles rotate over this order (AssignRoles). People who leave are
	// taken out.
	Members []string
}

// StepTiming records a part of the run as planned and as it happened.
type StepTiming struct {
	StepID    string        // IntroID for the intro
	Title     string        //
	Mode      Mode          //
	Planned   time.Duration // from the curriculum
	StartedAt time.Time     // zero if it never began
	EndedAt   time.Time     // zero while running or if it never began
	Paused    time.Duration // time spent paused
	Extended  time.Duration // time added by the host
	Skipped   bool          // the host ended it early
	Missed    bool          // it ran out while the bot was down, so nothing was posted
	Formation int           // breakout: index in Run.Formations of the groups used; -1 otherwise
}

// Actual is how long the part really lasted, pauses included; zero until
// it ended.
func (t StepTiming) Actual() time.Duration {
	if t.StartedAt.IsZero() || t.EndedAt.IsZero() {
		return 0
	}
	return t.EndedAt.Sub(t.StartedAt)
}

// SubmissionRef notes that a deliverable was handed in: by a group
// (Group > 0, of formation Formation) or by one participant (Group 0).
// Handing in again replaces the content and is not counted twice.
type SubmissionRef struct {
	StepIndex int
	Formation int
	Group     int
	AuthorID  string
}

// KeyPrefix is the prefix of the keys of the run's timers and effects:
// "run:42:".
func (r *Run) KeyPrefix() string { return RunKeyPrefix(r.ID) }

// RunKeyPrefix is the prefix of every timer and effect key of run id.
func RunKeyPrefix(id int64) string { return "run:" + strconv.FormatInt(id, 10) + ":" }

// Step returns the current step, or false in the lobby and the intro.
func (r *Run) Step() (Step, bool) {
	if r.Curriculum == nil || r.StepIndex < 0 || r.StepIndex >= len(r.Curriculum.Steps) {
		return Step{}, false
	}
	return r.Curriculum.Steps[r.StepIndex], true
}

// Participant returns the participant with the user ID, left or not.
func (r *Run) Participant(userID string) (*Participant, bool) {
	for i := range r.Participants {
		if r.Participants[i].UserID == userID {
			return &r.Participants[i], true
		}
	}
	return nil, false
}

// IsParticipant reports whether the user joined and has not left.
func (r *Run) IsParticipant(userID string) bool {
	p, ok := r.Participant(userID)
	return ok && !p.Left
}

// ActiveParticipants counts those who joined and have not left.
func (r *Run) ActiveParticipants() int {
	n := 0
	for _, p := range r.Participants {
		if !p.Left {
			n++
		}
	}
	return n
}

// candidates are the active participants, for group formation.
func (r *Run) candidates() []GroupCandidate {
	out := make([]GroupCandidate, 0, len(r.Participants))
	for _, p := range r.Participants {
		if !p.Left {
			out = append(out, GroupCandidate{UserID: p.UserID, Level: p.Level, Host: p.UserID == r.HostID})
		}
	}
	return out
}

// Formation returns the formation at index i of Formations.
func (r *Run) Formation(i int) (*Formation, bool) {
	if i < 0 || i >= len(r.Formations) {
		return nil, false
	}
	return &r.Formations[i], true
}

// GroupOf returns the number of the group of formation f the user is in,
// or 0.
func (r *Run) GroupOf(f int, userID string) int {
	fm, ok := r.Formation(f)
	if !ok {
		return 0
	}
	for _, g := range fm.Groups {
		if slices.Contains(g.Members, userID) {
			return g.Number
		}
	}
	return 0
}

// EffectiveGroupSize is the group size breakout step i uses: the host's
// override, else the step's own.
func (r *Run) EffectiveGroupSize(i int) int {
	if r.GroupSize > 0 {
		return r.GroupSize
	}
	if r.Curriculum == nil || i < 0 || i >= len(r.Curriculum.Steps) {
		return DefaultGroupSize
	}
	if s := r.Curriculum.Steps[i].GroupSize; s > 0 {
		return s
	}
	return r.Curriculum.GroupSize
}

// timing returns the Timing entry of step i (-1 for the intro).
func (r *Run) timing(i int) *StepTiming {
	if i+1 < 0 || i+1 >= len(r.Timing) {
		return nil
	}
	return &r.Timing[i+1]
}

// pairHistory is the guild's history plus the groups this run has formed
// so far, which a regrouping should not repeat either.
func (r *Run) pairHistory() PairHistory {
	h := make(PairHistory, len(r.History))
	for p, n := range r.History {
		h[p] = n
	}
	for _, f := range r.Formations {
		groups := make([][]string, len(f.Groups))
		for i, g := range f.Groups {
			groups[i] = g.Members
		}
		h.AddGroups(groups)
	}
	return h
}

// pausedFor is how long the current pause has lasted at now.
func (r *Run) pausedFor(now time.Time) time.Duration {
	if !r.Paused || now.Before(r.PausedAt) {
		return 0
	}
	return now.Sub(r.PausedAt)
}

// Roles says who in the group plays which role in round (from 0) of
// breakout step s; see AssignRoles.
func (g Group) Roles(s Step, round int) map[string]string {
	return AssignRoles(g.Members, s.Roles, round)
}
