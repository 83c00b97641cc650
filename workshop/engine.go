package workshop

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// Engine applies host actions, participant actions and timer firings to a
// Run and returns the effects to carry out. It is the whole decision-making
// of a live workshop, without I/O: every method takes the current time,
// never sleeps, never reads the clock, and leaves the run unchanged when it
// returns an error.
//
// The flow around it (DESIGN.md, "Data flows one way"): load the run (FOR
// UPDATE), call one Engine method, save the run and its effects in one
// transaction, then carry the effects out in order. Effects have stable
// keys, so carrying them out again after a crash does nothing twice.
//
// An Engine holds only configuration and is safe for concurrent use;
// concurrent actions on the same Run must be serialized by the caller.
//
// What each adapter does with it:
//
//   - commands: for a host action, Run.Authorize first; then the Engine
//     method; an *Error's Message is what the member sees.
//   - db: saves every exported field of Run except History (which it
//     loads: pairs from the guild's earlier runs) and Curriculum (re-parsed
//     from the stored TOML; Curriculum.Hash must match). It may keep each
//     decision's effects with the run (MarshalEffects) and mark them done
//     by Key. ScheduleTimer is TimerStore.Schedule (Key, Kind, Due);
//     CancelTimers is TimerStore.CancelPrefix. The timer worker's handler
//     parses the key (ParseTimerKey) to find the run, loads it, calls Fire.
//   - discord: carries out the room, member and post effects, resolving a
//     RoomRef to a channel with the rooms it made, and records the IDs.
type Engine struct {
	// RoomGrace is how long rooms stay after a run ends, so groups can
	// finish talking; DefaultRoomGrace when zero.
	RoomGrace time.Duration
	// Seed mixes into the randomness of group formation, which is otherwise
	// fixed by run and step, so retrying a decision forms the same groups.
	Seed uint64
	// Speed is the speed of runs started without one of their own
	// (StartRequest.Speed 0); 0 or 1 is real time. Rehearsals and tests
	// set it; the bot's configuration has no key for it.
	Speed float64
}

// Defaults and limits of the engine.
const (
	DefaultRoomGrace = 10 * time.Minute
	// MaxStartDelay is how far ahead a start time may be.
	MaxStartDelay = 7 * 24 * time.Hour
	// MaxExtend is the most one Extend may add.
	MaxExtend = 2 * time.Hour
	// MaxSubmissionLen is the longest deliverable text, in characters.
	MaxSubmissionLen = 4000
	// MaxBroadcastLen is the longest host broadcast, in characters; the
	// rest of Discord's 2000 is the notice's own header.
	MaxBroadcastLen = 1800
	// EarlyFiringSlack is how early a timer may fire and still count:
	// database timestamps keep microseconds and clocks differ a little.
	// Any real change of a deadline (Extend, Resume) moves it by more.
	EarlyFiringSlack = 500 * time.Millisecond
)

func (e *Engine) roomGrace() time.Duration {
	if e.RoomGrace > 0 {
		return e.RoomGrace
	}
	return DefaultRoomGrace
}

// rng is the randomness for forming groups at step i of run r.
func (e *Engine) rng(r *Run, i int) *rand.Rand {
	return rand.New(rand.NewPCG(e.Seed^uint64(r.ID), uint64(int64(i)+1)))
}

// StartRequest is what a host gives to start a run.
type StartRequest struct {
	GuildID            string
	MainChannelID      string
	MainVoiceChannelID string // optional: where members return after breakouts
	HostID             string
	Curriculum         *Curriculum
	GroupSize          int       // optional override for every breakout, MinGroupSize..MaxGroupSize
	StartsAt           time.Time // optional: the run begins by itself then
	// Speed compresses the run's clock (see Curriculum.Compressed): 0 takes
	// the Engine's Speed; 1 is real time.
	Speed float64
}

// Start creates a run in the lobby; the caller has checked CanHost for the
// member starting it. id is the run's ID, reserved by the
// store beforehand (e.g. nextval of the run sequence), because every
// effect and timer key names it. Effects: PostLobby; with a start time,
// CreateScheduledEvent and a TimerBegin timer. Errors: EINVALID for a
// missing guild, channel, host or curriculum, a group size out of range,
// a speed that is not ValidSpeed, or a start time not in the future or
// more than MaxStartDelay ahead. A run with a speed above 1 keeps it in
// Run.Speed and runs its curriculum Compressed by it.
func (e *Engine) Start(id int64, req StartRequest, now time.Time) (*Run, []Effect, error) {
	switch {
	case id <= 0:
		return nil, nil, Errorf(EINVALID, "A run needs an ID.")
	case req.GuildID == "":
		return nil, nil, Errorf(EINVALID, "Workshops run in a server, not in direct messages.")
	case req.MainChannelID == "":
		return nil, nil, Errorf(EINVALID, "A workshop needs a text channel to run in.")
	case req.HostID == "":
		return nil, nil, Errorf(EINVALID, "A workshop needs a host.")
	case req.Curriculum == nil || len(req.Curriculum.Steps) == 0:
		return nil, nil, Errorf(EINVALID, "A workshop needs a curriculum with at least one step.")
	case req.GroupSize != 0 && (req.GroupSize < MinGroupSize || req.GroupSize > MaxGroupSize):
		return nil, nil, Errorf(EINVALID, "The group size must be between %d and %d.", MinGroupSize, MaxGroupSize)
	case !ValidSpeed(req.Speed) || !ValidSpeed(e.Speed):
		return nil, nil, Errorf(EINVALID, "The speed must be between 1 and %d times real time.", MaxSpeed)
	case !req.StartsAt.IsZero() && !req.StartsAt.After(now):
		return nil, nil, Errorf(EINVALID, "The start time must be in the future.")
	case !req.StartsAt.IsZero() && req.StartsAt.Sub(now) > MaxStartDelay:
		return nil, nil, Errorf(EINVALID, "A workshop can start at most %d days ahead.", int(MaxStartDelay/(24*time.Hour)))
	}
	speed := req.Speed
	if speed == 0 {
		speed = e.Speed
	}
	if speed <= 1 {
		speed = 0 // real time has one spelling, so runs compare and store alike
	}
	c := req.Curriculum.Compressed(speed)
	r := &Run{
		ID:                 id,
		GuildID:            req.GuildID,
		MainChannelID:      req.MainChannelID,
		MainVoiceChannelID: req.MainVoiceChannelID,
		HostID:             req.HostID,
		Curriculum:         c,
		GroupSize:          req.GroupSize,
		StartsAt:           req.StartsAt,
		Speed:              speed,
		CreatedAt:          now,
		State:              RunLobby,
		StepIndex:          -1,
		ActiveFormation:    -1,
		LastGallery:        -1,
	}
	for _, t := range c.Timeline() {
		r.Timing = append(r.Timing, StepTiming{StepID: t.StepID, Title: t.Title, Mode: t.Mode, Planned: t.Duration, Formation: -1})
	}
	fx := effects{r: r}
	fx.add(PostLobby{RunID: id, HostID: r.HostID, Title: c.Title, Summary: c.Summary, Timeline: c.Timeline(), StartsAt: r.StartsAt})
	if !r.StartsAt.IsZero() {
		fx.add(CreateScheduledEvent{
			RunID: id, GuildID: r.GuildID, VoiceChannelID: r.MainVoiceChannelID,
			Name: c.Title, Description: c.Summary,
			StartsAt: r.StartsAt, EndsAt: r.StartsAt.Add(c.TotalDuration()),
		})
		fx.add(ScheduleTimer{Timer{RunID: id, Kind: TimerBegin, Step: -1, Due: r.StartsAt}})
	}
	return r, fx.list, nil
}

// Join adds a participant. In the lobby that is all; once the run has
// begun the newcomer goes to the smallest group of the current (or
// prepared) formation, and during a breakout is moved there and given the
// prompt. level may be "" (not told). Effects: UpdateLobby, and for a late
// joiner AddToGroup, MoveMembers and PostPrompt. Errors: ECONFLICT for a
// second join, the host joining, or a run that is over; EINVALID for an
// empty user ID or an unknown level.
func (e *Engine) Join(r *Run, userID string, level Experience, now time.Time) ([]Effect, error) {
	switch {
	case r.State.Over():
		return nil, Errorf(ECONFLICT, "This workshop has ended; you can no longer join it.")
	case userID == "":
		return nil, Errorf(EINVALID, "Joining needs a user ID.")
	case level != "" && level.Validate() != nil:
		return nil, level.Validate()
	case userID == r.HostID:
		return nil, Errorf(ECONFLICT, "You're hosting this workshop, so you aren't placed in a group. Use the host panel to run it.")
	case r.IsParticipant(userID):
		return nil, Errorf(ECONFLICT, "You've already joined %s.", r.Curriculum.Title)
	}
	r.Seq++
	if p, ok := r.Participant(userID); ok {
		p.Left, p.LeftAt = false, time.Time{}
		if level != "" {
			p.Level = level
		}
	} else {
		r.Participants = append(r.Participants, Participant{UserID: userID, Level: level, JoinedAt: now})
	}
	fx := effects{r: r}
	fx.add(UpdateLobby{RunID: r.ID, Participants: r.ActiveParticipants(), State: r.State})
	if r.State.Live() {
		e.placeLateJoiner(r, &fx, userID)
	}
	return fx.list, nil
}

// Leave marks a participant as gone. During the run they leave their
// current and prepared groups; a group left with one member while others
// have people sends that member to the smallest other group. Effects:
// UpdateLobby, RemoveFromGroup, and for a regrouped member AddToGroup,
// MoveMembers and PostPrompt. Errors: ENOTFOUND if the user has not
// joined, ECONFLICT when the run is over.
func (e *Engine) Leave(r *Run, userID string, now time.Time) ([]Effect, error) {
	if r.State.Over() {
		return nil, Errorf(ECONFLICT, "This workshop has already ended.")
	}
	p, ok := r.Participant(userID)
	if !ok || p.Left {
		return nil, Errorf(ENOTFOUND, "You haven't joined this workshop.")
	}
	r.Seq++
	p.Left, p.LeftAt = true, now
	fx := effects{r: r}
	fx.add(UpdateLobby{RunID: r.ID, Participants: r.ActiveParticipants(), State: r.State})
	for fi := range r.Formations {
		if !r.formationCurrentOrAhead(fi) {
			continue
		}
		f := &r.Formations[fi]
		for gi := range f.Groups {
			g := &f.Groups[gi]
			at := slices.Index(g.Members, userID)
			if at < 0 {
				continue
			}
			g.Members = slices.Delete(g.Members, at, at+1)
			if f.RoomsRequested {
				fx.add(RemoveFromGroup{RunID: r.ID, Formation: fi, Group: g.Number, UserID: userID, Seq: r.Seq})
			}
			if len(g.Members) == 1 && f.Grouping != GroupingSelf {
				e.rehome(r, &fx, fi, gi)
			}
		}
	}
	return fx.list, nil
}

// formationCurrentOrAhead reports whether formation fi is in use or
// prepared for a step to come, so membership changes still matter.
func (r *Run) formationCurrentOrAhead(fi int) bool {
	return fi == r.ActiveFormation || r.Formations[fi].Step > r.StepIndex
}

// rehome moves the lone member of group gi of formation fi to the smallest
// other group that has people, so nobody works alone.
func (e *Engine) rehome(r *Run, fx *effects, fi, gi int) {
	f := &r.Formations[fi]
	target := -1
	for j, g := range f.Groups {
		if j != gi && len(g.Members) > 0 && (target < 0 || len(g.Members) < len(f.Groups[target].Members)) {
			target = j
		}
	}
	if target < 0 {
		return
	}
	lone := f.Groups[gi].Members[0]
	f.Groups[gi].Members = nil
	if f.RoomsRequested {
		fx.add(RemoveFromGroup{RunID: r.ID, Formation: fi, Group: f.Groups[gi].Number, UserID: lone, Seq: r.Seq})
	}
	e.addToGroup(r, fx, fi, target, lone)
}

// placeLateJoiner puts someone who joined after the start into the
// smallest group of the formation in use or prepared. Self-select
// formations leave the choice to them.
func (e *Engine) placeLateJoiner(r *Run, fx *effects, userID string) {
	fi := r.lateJoinFormation()
	if fi < 0 || r.Formations[fi].Grouping == GroupingSelf || r.GroupOf(fi, userID) != 0 {
		return
	}
	f := &r.Formations[fi]
	groups := make([][]string, len(f.Groups))
	for i, g := range f.Groups {
		groups[i] = g.Members
	}
	gi := SmallestGroup(groups)
	if gi < 0 {
		return
	}
	e.addToGroup(r, fx, fi, gi, userID)
}

// lateJoinFormation is the formation a late joiner is added to: the one
// of the breakout running now, else the latest formed (which the next
// breakout uses or was prepared for it); -1 if none.
func (r *Run) lateJoinFormation() int {
	if s, ok := r.Step(); ok && s.Mode == ModeBreakout {
		return r.ActiveFormation
	}
	return len(r.Formations) - 1
}

// addToGroup appends userID to group gi of formation fi and, when the
// formation's breakout is running, moves them there with their prompt.
func (e *Engine) addToGroup(r *Run, fx *effects, fi, gi int, userID string) {
	f := &r.Formations[fi]
	g := &f.Groups[gi]
	g.Members = append(g.Members, userID)
	if f.RoomsRequested {
		fx.add(AddToGroup{RunID: r.ID, Formation: fi, Group: g.Number, UserID: userID, Seq: r.Seq})
	}
	s, ok := r.Step()
	if !ok || s.Mode != ModeBreakout || r.ActiveFormation != fi || r.State.Over() {
		return
	}
	tag := "seq:" + strconv.FormatInt(r.Seq, 10)
	fx.add(MoveMembers{RunID: r.ID, StepIndex: r.StepIndex, Formation: fi, Moves: []MemberMove{{UserID: userID, Group: g.Number}}, Tag: tag})
	fx.addAll(r.groupPrompts(fi, *g, []string{userID}, tag))
}

// Begin ends the lobby and starts the intro: PostIntro, the intro's end
// timer, CreateRooms for the first breakout (formed now from who has
// joined, so rooms are ready when it begins), UpdateLobby and, for a run
// with a start time, its scheduled event goes active. Errors: ECONFLICT
// unless in the lobby; EINVALID when nobody has joined.
func (e *Engine) Begin(r *Run, now time.Time) ([]Effect, error) {
	if r.State != RunLobby {
		return nil, Errorf(ECONFLICT, "This workshop has already begun.")
	}
	if r.ActiveParticipants() == 0 {
		return nil, Errorf(EINVALID, "Nobody has joined yet. Wait for participants, or end the workshop.")
	}
	r.Seq++
	fx := effects{r: r}
	e.begin(r, &fx, now)
	return fx.list, nil
}

func (e *Engine) begin(r *Run, fx *effects, now time.Time) {
	if !r.StartsAt.IsZero() {
		fx.add(CancelTimers{RunID: r.ID, Prefix: Timer{RunID: r.ID, Kind: TimerBegin}.Key(), Seq: r.Seq})
	}
	r.State = RunIntro
	r.StepIndex, r.Round, r.WarnsSent = -1, 0, 0
	r.StepStartedAt = now
	r.Deadline = now.Add(r.Curriculum.Intro.Duration)
	r.RoundDeadline = r.Deadline
	r.Timing[0].StartedAt = now
	fx.add(PostIntro{RunID: r.ID, Text: r.Curriculum.RenderIntro(r.Deadline), Deadline: r.Deadline})
	fx.add(UpdateLobby{RunID: r.ID, Participants: r.ActiveParticipants(), State: r.State})
	if !r.StartsAt.IsZero() {
		fx.add(SetScheduledEventStatus{RunID: r.ID, Status: EventActive})
	}
	e.prepare(r, fx, 0)
	fx.schedule()
}

// effects collects what one action decides.
type effects struct {
	r    *Run
	list []Effect
}

func (fx *effects) add(e Effect)       { fx.list = append(fx.list, e) }
func (fx *effects) addAll(es []Effect) { fx.list = append(fx.list, es...) }

// schedule adds the timers the run's current phase needs.
func (fx *effects) schedule() {
	for _, t := range fx.r.pendingTimers() {
		fx.add(ScheduleTimer{Timer: t})
	}
}

// everywhere lists the main channel and the rooms of the active
// formation's groups that have people.
func (r *Run) everywhere() []RoomRef {
	out := []RoomRef{MainRoom}
	if f, ok := r.Formation(r.ActiveFormation); ok && f.RoomsRequested {
		for _, g := range f.Groups {
			if len(g.Members) > 0 {
				out = append(out, RoomRef{Formation: r.ActiveFormation, Group: g.Number})
			}
		}
	}
	return out
}
