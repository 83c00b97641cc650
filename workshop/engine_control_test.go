package workshop

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// beginDesignThinking starts a design-thinking run with the given
// participants, begun at t0 and advanced into the interview (5m).
func beginDesignThinking(t *testing.T, users ...string) *sim {
	t.Helper()
	s, _ := newSim(t, loadShipped(t, "design-thinking"), StartRequest{}, t0.Add(-time.Hour))
	s.join(users...)
	s.must(s.e.Begin(s.r, t0))
	s.runUntil(at(5))
	if s.r.StepIndex != 0 {
		t.Fatalf("not in the interview at 5m: step %d", s.r.StepIndex)
	}
	return s
}

func TestPauseResumeShiftsDeadlines(t *testing.T) {
	s := beginDesignThinking(t, "a", "b", "c", "d")
	effs := s.must(s.e.Pause(s.r, at(6)))
	if c := only[CancelTimers](effs); len(c) != 1 || c[0].Prefix != "run:42:" || len(s.timers) != 0 {
		t.Fatalf("Pause effects %#v, timers left %v; want every run timer cancelled", effs, s.timers)
	}
	n := only[PostNotice](effs)
	if len(n) != 1 || len(n[0].Rooms) != 3 || !strings.Contains(n[0].Text, "Paused") {
		t.Errorf("Pause notice %#v, want one to the main channel and both rooms", n)
	}
	if s.r.Remaining != 7*time.Minute {
		t.Errorf("remaining at pause %v, want 7m", s.r.Remaining)
	}
	if _, err := s.e.Pause(s.r, at(7)); ErrorCode(err) != ECONFLICT {
		t.Errorf("second pause: %v, want ECONFLICT", err)
	}
	// Timers a worker had already claimed still arrive: ignored while paused.
	for _, key := range []string{"run:42:step:0:round:1", "run:42:step:0:warn:60s", "run:42:step:0:end"} {
		if got, err := s.e.Fire(s.r, key, at(13)); err != nil || len(got) != 0 {
			t.Errorf("%s while paused: %v, %v; want nothing", key, got, err)
		}
	}
	// Four minutes paused: everything moves by 4m.
	effs = s.must(s.e.Resume(s.r, at(10)))
	for key, want := range map[string]time.Time{"run:42:step:0:end": at(17), "run:42:step:0:round:1": at(13), "run:42:step:0:warn:60s": at(16)} {
		if got := s.dueOf(key); !got.Equal(want) {
			t.Errorf("after resume %s due %v, want %v", key, got, want)
		}
	}
	if n := only[PostNotice](effs); len(n) != 1 || !strings.Contains(n[0].Text, unixTag(at(17))) {
		t.Errorf("Resume notice %#v, want the new end %s", n, unixTag(at(17)))
	}
	if _, err := s.e.Resume(s.r, at(11)); ErrorCode(err) != ECONFLICT {
		t.Errorf("resume when not paused: %v, want ECONFLICT", err)
	}
	if effs := s.runUntil(at(12.9)); len(effs) != 0 {
		t.Errorf("before the shifted round boundary: %#v", effs)
	}
	if effs := s.runUntil(at(13)); len(only[PostRoleSwap](effs)) != 2 {
		t.Errorf("at the shifted round boundary: %#v, want 2 swaps", effs)
	}
	s.runUntil(at(17))
	if s.r.StepIndex != 1 || !s.r.StepStartedAt.Equal(at(17)) || s.r.Timing[1].Paused != 4*time.Minute || s.r.Timing[1].Actual() != 12*time.Minute {
		t.Errorf("after the interview: step %d started %v, timing %+v", s.r.StepIndex, s.r.StepStartedAt, s.r.Timing[1])
	}
}

func TestExtendMovesEveryDeadlineAndOldFiringsAreStale(t *testing.T) {
	s := beginDesignThinking(t, "a", "b", "c", "d")
	effs := s.must(s.e.Extend(s.r, 2*time.Minute, at(6)))
	for key, want := range map[string]time.Time{"run:42:step:0:end": at(15), "run:42:step:0:round:1": at(11), "run:42:step:0:warn:60s": at(14)} {
		if got := s.dueOf(key); !got.Equal(want) {
			t.Errorf("after extend %s due %v, want %v", key, got, want)
		}
	}
	if n := only[PostNotice](effs); len(n) != 1 || !strings.Contains(n[0].Text, "2 minutes") || !strings.Contains(n[0].Text, unixTag(at(15))) {
		t.Errorf("Extend notice %#v", n)
	}
	// The worker had claimed the old timers before they moved: their
	// firings at the old times change nothing.
	for key, old := range map[string]time.Time{"run:42:step:0:round:1": at(9), "run:42:step:0:warn:60s": at(12), "run:42:step:0:end": at(13)} {
		if got, err := s.e.Fire(s.r, key, old); err != nil || len(got) != 0 {
			t.Errorf("old firing of %s: %#v, %v; want nothing", key, got, err)
		}
	}
	for _, bad := range []time.Duration{0, -time.Minute, 3 * time.Hour} {
		if _, err := s.e.Extend(s.r, bad, at(6)); ErrorCode(err) != EINVALID {
			t.Errorf("Extend(%v): %v, want EINVALID", bad, err)
		}
	}
	s.runUntil(at(15))
	if s.r.StepIndex != 1 || s.r.Timing[1].Extended != 2*time.Minute || s.r.Timing[1].Actual() != 10*time.Minute {
		t.Errorf("after the extended interview: step %d timing %+v", s.r.StepIndex, s.r.Timing[1])
	}

	// Extending while paused adds to what is left.
	s.must(s.e.Pause(s.r, at(16)))
	s.must(s.e.Extend(s.r, time.Minute, at(17)))
	if s.r.Remaining != 8*time.Minute || len(s.timers) != 0 {
		t.Errorf("extend while paused: remaining %v timers %v; want 8m and none", s.r.Remaining, s.timers)
	}
	s.must(s.e.Resume(s.r, at(20)))
	if got := s.dueOf("run:42:step:1:end"); !got.Equal(at(28)) {
		t.Errorf("step 1 end after pause+extend: %v, want %v", got, at(28))
	}
}

func TestSkipEndsTheStepNowAndOldTimersAreStale(t *testing.T) {
	s := beginDesignThinking(t, "a", "b", "c", "d")
	old := map[string]time.Time{}
	for k, v := range s.timers {
		old[k] = v
	}
	effs := s.must(s.e.Skip(s.r, at(6)))
	if c := only[CancelTimers](effs); len(c) != 1 || c[0].Prefix != "run:42:step:0:" {
		t.Errorf("Skip cancelled %#v, want the step's timers", c)
	}
	if s.r.StepIndex != 1 || !s.r.Deadline.Equal(at(14)) || len(only[PostPrompt](effs)) != 4 || len(only[MoveMembers](effs)) != 0 {
		t.Fatalf("after skip: step %d deadline %v effects %#v", s.r.StepIndex, s.r.Deadline, effs)
	}
	if !s.r.Timing[1].Skipped || s.r.Timing[1].Actual() != time.Minute {
		t.Errorf("skipped step timing %+v", s.r.Timing[1])
	}
	for key, due := range old {
		if got, err := s.e.Fire(s.r, key, due); err != nil || len(got) != 0 {
			t.Errorf("timer %s of the skipped step: %#v, %v; want nothing", key, got, err)
		}
	}
	// Skipping the last step ends the run.
	for s.r.State != RunEnded {
		s.must(s.e.Skip(s.r, at(7)))
	}
	if _, err := s.e.Skip(s.r, at(8)); ErrorCode(err) != ECONFLICT {
		t.Errorf("skip after the end: %v, want ECONFLICT", err)
	}
	if len(s.timers) != 1 || s.dueOf("run:42:cleanup").IsZero() {
		t.Errorf("timers after skipping to the end: %v, want the cleanup only", s.timers)
	}
}

func TestLateJoinGoesToTheSmallestGroup(t *testing.T) {
	s := beginDesignThinking(t, "a", "b", "c", "d", "e")
	f := s.r.Formations[0]
	small := 1
	if len(f.Groups[0].Members) < len(f.Groups[1].Members) {
		small = 0
	}
	effs := s.must(s.e.Join(s.r, "late", ExperienceNew, at(6)))
	g := s.r.Formations[0].Groups[small]
	if len(g.Members) != 3 || g.Members[2] != "late" {
		t.Fatalf("late joiner not in the smaller group: %+v", s.r.Formations[0].Groups)
	}
	add := only[AddToGroup](effs)
	moves := only[MoveMembers](effs)
	prompts := only[PostPrompt](effs)
	if len(add) != 1 || add[0].Group != g.Number || len(moves) != 1 || moves[0].Moves[0] != (MemberMove{"late", g.Number}) ||
		len(prompts) != 1 || prompts[0].UserID != "late" || len(only[UpdateLobby](effs)) != 1 {
		t.Fatalf("late join effects %#v", effs)
	}
	role := AssignRoles(g.Members, s.r.Curriculum.Steps[0].Roles, 0)["late"]
	if !strings.Contains(prompts[0].Text, "**"+role+"**") {
		t.Errorf("late joiner's prompt lacks their role %s: %q", role, prompts[0].Text)
	}

	// More late joiners keep the groups level.
	s.join("late2", "late3")
	for _, g := range s.r.Formations[0].Groups {
		if len(g.Members) != 4 {
			t.Errorf("after three late joiners: %+v, want two groups of 4", s.r.Formations[0].Groups)
		}
	}

	// Leaving and coming back works; the rejoiner is placed again.
	s.must(s.e.Leave(s.r, "late", at(7)))
	if s.r.GroupOf(0, "late") != 0 || s.r.IsParticipant("late") {
		t.Errorf("leaver still grouped")
	}
	s.must(s.e.Join(s.r, "late", "", at(8)))
	if s.r.GroupOf(0, "late") == 0 {
		t.Errorf("rejoiner not placed")
	}
	if _, err := s.e.Leave(s.r, "nobody", at(8)); ErrorCode(err) != ENOTFOUND {
		t.Errorf("Leave(nobody) = %v, want ENOTFOUND", err)
	}
}

func TestLateJoinDuringTheIntroJoinsThePreparedGroups(t *testing.T) {
	s, _ := newSim(t, loadShipped(t, "design-thinking"), StartRequest{}, t0.Add(-time.Hour))
	s.join("a", "b", "c", "d")
	s.must(s.e.Begin(s.r, t0))
	effs := s.must(s.e.Join(s.r, "e", "", at(1)))
	if len(only[AddToGroup](effs)) != 1 || len(only[MoveMembers](effs)) != 0 || len(only[PostPrompt](effs)) != 0 {
		t.Errorf("join during the intro: %#v; want AddToGroup only (moves come with the breakout)", effs)
	}
	effs = s.runUntil(at(5))
	if m := only[MoveMembers](effs); len(m) != 1 || len(m[0].Moves) != 5 {
		t.Errorf("first breakout moved %#v, want all 5", m)
	}
}

func TestLeaveRehomesALoneMember(t *testing.T) {
	s := beginDesignThinking(t, "a", "b", "c", "d")
	g := s.r.Formations[0].Groups[0]
	leaver, lone := g.Members[0], g.Members[1]
	effs := s.must(s.e.Leave(s.r, leaver, at(6)))
	f := s.r.Formations[0]
	if len(f.Groups[0].Members) != 0 || len(f.Groups[1].Members) != 3 || s.r.GroupOf(0, lone) != 2 {
		t.Fatalf("after leave: %+v; want %s moved into group 2", f.Groups, lone)
	}
	if len(only[RemoveFromGroup](effs)) != 2 || len(only[AddToGroup](effs)) != 1 || len(only[MoveMembers](effs)) != 1 || len(only[PostPrompt](effs)) != 1 {
		t.Errorf("leave effects %#v", effs)
	}
}

func TestAuthorize(t *testing.T) {
	s, _ := newSim(t, loadShipped(t, "design-thinking"), StartRequest{}, t0)
	hostRoles := []string{"r-host"}
	for _, tt := range []struct {
		actor Actor
		ok    bool
	}{
		{Actor{UserID: "host"}, true},
		{Actor{UserID: "co", RoleIDs: []string{"r-x", "r-host"}}, true},
		{Actor{UserID: "mod", ManageEvents: true}, true},
		{Actor{UserID: "u1", RoleIDs: []string{"r-x"}}, false},
		{Actor{}, false},
	} {
		err := s.r.Authorize(tt.actor, hostRoles, "pause")
		if tt.ok != (err == nil) || (err != nil && (ErrorCode(err) != EFORBIDDEN || !strings.Contains(ErrorMessage(err), "Only the workshop's hosts can pause it"))) {
			t.Errorf("Authorize(%+v) = %v, want ok=%v", tt.actor, err, tt.ok)
		}
	}
}

func TestStartValidatesAndStartTimeBeginsTheRun(t *testing.T) {
	c := loadShipped(t, "design-thinking")
	e := &Engine{}
	good := StartRequest{GuildID: "g", MainChannelID: "m", HostID: "h", Curriculum: c}
	for name, mod := range map[string]func(*StartRequest){
		"no guild":        func(r *StartRequest) { r.GuildID = "" },
		"no channel":      func(r *StartRequest) { r.MainChannelID = "" },
		"no host":         func(r *StartRequest) { r.HostID = "" },
		"no curriculum":   func(r *StartRequest) { r.Curriculum = nil },
		"group size 1":    func(r *StartRequest) { r.GroupSize = 1 },
		"group size 26":   func(r *StartRequest) { r.GroupSize = 26 },
		"start in past":   func(r *StartRequest) { r.StartsAt = t0.Add(-time.Minute) },
		"start in a year": func(r *StartRequest) { r.StartsAt = t0.Add(365 * 24 * time.Hour) },
	} {
		req := good
		mod(&req)
		if _, _, err := e.Start(1, req, t0); ErrorCode(err) != EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}

	s, effs := newSim(t, c, StartRequest{StartsAt: at(30), GroupSize: 3}, t0)
	if ev := only[CreateScheduledEvent](effs); len(ev) != 1 || !ev[0].StartsAt.Equal(at(30)) || !ev[0].EndsAt.Equal(at(105)) {
		t.Errorf("scheduled event %#v", ev)
	}
	if got := s.dueOf("run:42:begin"); !got.Equal(at(30)) {
		t.Errorf("begin timer due %v, want %v", got, at(30))
	}
	if _, err := s.e.Begin(s.r, at(1)); ErrorCode(err) != EINVALID {
		t.Errorf("Begin with nobody: %v, want EINVALID", err)
	}
	// The start time arrives with nobody there: the lobby stays open.
	effs = s.runUntil(at(30))
	if s.r.State != RunLobby || len(only[PostNotice](effs)) != 1 {
		t.Errorf("start time with nobody: state %s effects %#v", s.r.State, effs)
	}
	s.join("a", "b", "c", "d", "e", "f")
	effs = s.must(s.e.Begin(s.r, at(31)))
	if s.r.State != RunIntro || len(only[SetScheduledEventStatus](effs)) != 1 {
		t.Errorf("begin: %s %#v", s.r.State, effs)
	}
	if rooms := only[CreateRooms](effs); len(rooms) != 1 || len(rooms[0].Groups) != 2 {
		t.Errorf("host's group size 3 for 6 people gave %#v, want 2 groups", rooms)
	}
	if _, err := s.e.Begin(s.r, at(32)); ErrorCode(err) != ECONFLICT {
		t.Errorf("second Begin: %v, want ECONFLICT", err)
	}

	// A run begun by its timer.
	s2, _ := newSim(t, c, StartRequest{StartsAt: at(30)}, t0)
	s2.join("a", "b")
	if effs := s2.runUntil(at(29)); len(effs) != 0 {
		t.Errorf("before the start time: %#v", effs)
	}
	s2.runUntil(at(30))
	if s2.r.State != RunIntro || !s2.r.Deadline.Equal(at(35)) {
		t.Errorf("at the start time: state %s deadline %v", s2.r.State, s2.r.Deadline)
	}
}

func TestEndInTheLobbyCancels(t *testing.T) {
	s, _ := newSim(t, loadShipped(t, "design-thinking"), StartRequest{StartsAt: at(30)}, t0)
	effs := s.must(s.e.End(s.r, at(1)))
	if s.r.State != RunCancelled || len(s.timers) != 0 || len(only[PostSummary](effs)) != 0 {
		t.Errorf("End in the lobby: state %s timers %v effects %#v", s.r.State, s.timers, effs)
	}
	if st := only[SetScheduledEventStatus](effs); len(st) != 1 || st[0].Status != EventCanceled {
		t.Errorf("scheduled event not cancelled: %#v", effs)
	}
	if _, err := s.e.Join(s.r, "a", "", at(2)); ErrorCode(err) != ECONFLICT {
		t.Errorf("join after cancel: %v, want ECONFLICT", err)
	}
	if _, err := s.e.End(s.r, at(2)); ErrorCode(err) != ECONFLICT {
		t.Errorf("second End: %v, want ECONFLICT", err)
	}
}

func TestEndDuringABreakoutRecallsAndSummarizes(t *testing.T) {
	s := beginDesignThinking(t, "a", "b", "c")
	s.must(s.e.Pause(s.r, at(6)))
	effs := s.must(s.e.End(s.r, at(8)))
	if len(only[Recall](effs)) != 1 || len(only[PostSummary](effs)) != 1 || s.r.Paused {
		t.Errorf("End during a breakout: %#v", effs)
	}
	if tm := s.r.Timing[1]; tm.Paused != 2*time.Minute || tm.Actual() != 3*time.Minute {
		t.Errorf("timing of the interrupted step %+v", tm)
	}
	if _, err := s.e.Pause(s.r, at(9)); ErrorCode(err) != ECONFLICT {
		t.Errorf("pause after the end: %v", err)
	}
	if len(s.timers) != 1 || !s.dueOf("run:42:cleanup").Equal(at(18)) {
		t.Errorf("timers after End: %v", s.timers)
	}
}

func TestBroadcastAndStatus(t *testing.T) {
	s := beginDesignThinking(t, "a", "b", "c", "d")
	effs := s.must(s.e.Broadcast(s.r, "  Five more minutes, then we regroup!  ", at(6)))
	n := only[PostNotice](effs)
	if len(n) != 1 || len(n[0].Rooms) != 3 || !strings.HasSuffix(n[0].Text, "Five more minutes, then we regroup!") {
		t.Errorf("Broadcast %#v, want one notice to main and both rooms", effs)
	}
	effs2 := s.must(s.e.Broadcast(s.r, "again", at(7)))
	if effs2[0].Key() == effs[0].Key() {
		t.Errorf("two broadcasts share key %s", effs[0].Key())
	}
	for _, bad := range []string{"", "   ", strings.Repeat("x", MaxBroadcastLen+1)} {
		if _, err := s.e.Broadcast(s.r, bad, at(7)); ErrorCode(err) != EINVALID {
			t.Errorf("Broadcast(%d chars) = %v, want EINVALID", len(bad), err)
		}
	}
	st := s.e.Status(s.r, at(6))
	for _, want := range []string{"step", "**Interview**", "round 1 of 2", unixTag(at(13)), "Next: **Dig deeper**", "Participants: 4", "Groups: 2"} {
		if !strings.Contains(st, want) {
			t.Errorf("status lacks %q:\n%s", want, st)
		}
	}
}

// TestCatchUpAfterDowntime fires a step's end long after it was due, as
// after the bot was down: the steps that ran out meanwhile are missed, and
// the run lands in the step the clock says, on its original schedule.
func TestCatchUpAfterDowntime(t *testing.T) {
	s := beginDesignThinking(t, "a", "b", "c", "d")
	delete(s.timers, "run:42:step:0:end")
	effs := s.must(s.e.Fire(s.r, "run:42:step:0:end", at(40)))
	// Steps 1..5 (13m..39m) ran out; reflect runs 39m..42m.
	if s.r.StepIndex != 6 || !s.r.StepStartedAt.Equal(at(39)) || !s.r.Deadline.Equal(at(42)) {
		t.Fatalf("caught up to step %d started %v deadline %v; want 6, %v, %v", s.r.StepIndex, s.r.StepStartedAt, s.r.Deadline, at(39), at(42))
	}
	for i := 1; i <= 5; i++ {
		if !s.r.Timing[i+1].Missed {
			t.Errorf("step %d not marked missed", i)
		}
	}
	if len(only[Recall](effs)) != 1 || len(only[PostPrompt](effs)) != 1 {
		t.Errorf("catch-up effects %#v; want a recall and reflect's prompt only", effs)
	}
	// Already past its 1-minute reminder? No: 41m is still ahead.
	if s.dueOf("run:42:step:6:warn:60s").IsZero() {
		t.Errorf("reflect's reminder not scheduled: %v", s.timers)
	}
}

const regroupCurriculum = `
id = "regroup"
title = "Regroup"
group_size = 2
grouping = "mixed-experience"

[intro]
duration = "2m"
prompt = "Hello"

[[step]]
id = "first"
title = "First pairs"
mode = "breakout"
duration = "4m"
rounds = 2
roles = ["speaker", "listener"]
deliverable = "Notes"
prompt = "You are the {role}."

[[step]]
id = "share"
title = "Share"
mode = "plenary"
duration = "3m"
prompt = "Tell us."

[[step]]
id = "second"
title = "New pairs"
mode = "breakout"
duration = "4m"
regroup = true
prompt = "Meet someone new in {group}."

[[step]]
id = "pause"
title = "Break"
mode = "break"
duration = "2m"

[[step]]
id = "close"
title = "Close"
mode = "plenary"
duration = "3m"
prompt = "Bye."
`

func TestRegroupIsPreparedDuringThePlenaryAndAvoidsPairs(t *testing.T) {
	c := parseTestCurriculum(t, regroupCurriculum)
	for seed := range uint64(20) {
		s, _ := newSim(t, c, StartRequest{}, t0.Add(-time.Hour))
		s.e.Seed = seed
		s.join("a", "b", "c", "d", "e", "f")
		s.must(s.e.Begin(s.r, t0))
		s.runUntil(at(2))
		sub, effs, err := s.e.Submit(s.r, "a", 0, "notes", at(3))
		if err != nil || sub.Group == 0 {
			t.Fatalf("group submission: %v %v", sub, err)
		}
		s.apply(effs)
		effs = s.runUntil(at(6))
		if s.r.StepIndex != 1 || len(only[Recall](effs)) != 1 {
			t.Fatalf("share: step %d effects %#v", s.r.StepIndex, effs)
		}
		if g := only[PostGallery](effs); len(g) != 1 || g[0].Steps[0].StepIndex != 0 {
			t.Errorf("share's gallery %#v", g)
		}
		rooms := only[CreateRooms](effs)
		if len(rooms) != 1 || rooms[0].Formation != 1 || len(s.r.Formations) != 2 {
			t.Fatalf("new pairs not prepared during the plenary: %#v", effs)
		}
		first, second := s.r.Formations[0], s.r.Formations[1]
		h := PairHistory{}
		for _, g := range first.Groups {
			h.AddGroups([][]string{g.Members})
		}
		var groups [][]string
		for _, g := range second.Groups {
			groups = append(groups, g.Members)
		}
		if n := RepeatedPairs(groups, h); n != 0 {
			t.Errorf("seed %d: regrouped pairs repeat %d pairs: %v then %v", seed, n, first.Groups, second.Groups)
		}
		effs = s.runUntil(at(9))
		if s.r.StepIndex != 2 || len(only[CreateRooms](effs)) != 0 {
			t.Fatalf("second breakout: step %d effects %#v", s.r.StepIndex, effs)
		}
		if m := only[MoveMembers](effs); len(m) != 1 || m[0].Formation != 1 || len(m[0].Moves) != 6 {
			t.Errorf("second breakout moves %#v", m)
		}
		prompts := only[PostPrompt](effs)
		if len(prompts) != 3 || !strings.Contains(prompts[0].Text, "Meet someone new in Group 1") || len(prompts[0].Mentions) != 2 {
			t.Errorf("role-less prompts %#v, want one per room mentioning its pair", prompts)
		}
		effs = s.runUntil(at(13))
		if len(only[Recall](effs)) != 1 || len(only[PostNotice](effs)) != 1 {
			t.Errorf("break: %#v, want recall and a notice", effs)
		}
		effs = s.runUntil(at(15))
		if s.r.State != RunDebrief || len(only[PostGallery](effs)) != 0 {
			t.Errorf("close: state %s effects %#v (no deliverable since the last gallery)", s.r.State, effs)
		}
		s.runUntil(at(30))
		if !s.r.RoomsDeleted {
			t.Errorf("rooms not deleted")
		}
	}
}

const selfSelectCurriculum = `
id = "pick"
title = "Pick"
group_size = 2
grouping = "self-select"
rooms = "open"

[intro]
duration = "1m"

[[step]]
id = "talk"
title = "Talk"
mode = "breakout"
duration = "4m"
rounds = 2
roles = ["a", "b"]
prompt = "You are {role}."
`

func TestSelfSelect(t *testing.T) {
	s, _ := newSim(t, parseTestCurriculum(t, selfSelectCurriculum), StartRequest{}, t0.Add(-time.Hour))
	s.join("a", "b", "c")
	effs := s.must(s.e.Begin(s.r, t0))
	rooms := only[CreateRooms](effs)
	if len(rooms) != 1 || len(rooms[0].Groups) != 2 || rooms[0].Privacy != RoomsOpen || len(rooms[0].Groups[0].Members) != 0 {
		t.Fatalf("self-select rooms %#v, want 2 empty open rooms", rooms)
	}
	effs = s.must(s.e.ChooseGroup(s.r, "a", 2, at(0.5)))
	if len(only[AddToGroup](effs)) != 1 || len(only[PostPrompt](effs)) != 0 {
		t.Errorf("pick during the intro: %#v", effs)
	}
	effs = s.runUntil(at(1))
	if len(only[PostRoomChoice](effs)) != 1 || len(only[PostPrompt](effs)) != 1 {
		t.Errorf("breakout start: %#v, want the room choice and a's prompt", effs)
	}
	effs = s.must(s.e.ChooseGroup(s.r, "b", 2, at(2)))
	if p := only[PostPrompt](effs); len(p) != 1 || p[0].UserID != "b" || !strings.Contains(p[0].Text, "You are b.") {
		t.Errorf("pick during the breakout: %#v, want b's prompt with role b", effs)
	}
	effs = s.must(s.e.ChooseGroup(s.r, "a", 1, at(2.5)))
	if len(only[RemoveFromGroup](effs)) != 1 || s.r.GroupOf(0, "a") != 1 {
		t.Errorf("switching groups: %#v", effs)
	}
	for _, bad := range []struct {
		user  string
		group int
		code  string
	}{{"a", 1, ECONFLICT}, {"a", 3, ENOTFOUND}, {"zed", 1, EFORBIDDEN}} {
		if _, err := s.e.ChooseGroup(s.r, bad.user, bad.group, at(3)); ErrorCode(err) != bad.code {
			t.Errorf("ChooseGroup(%s, %d) = %v, want %s", bad.user, bad.group, err, bad.code)
		}
	}
	// Late joiners pick for themselves.
	effs = s.must(s.e.Join(s.r, "late", "", at(3)))
	if len(only[AddToGroup](effs)) != 0 {
		t.Errorf("late joiner placed in a self-select run: %#v", effs)
	}
	if !slices.Equal(members(s.r.Formations[0]), []string{"a", "b"}) {
		t.Errorf("members %v", members(s.r.Formations[0]))
	}
}
