package workshop

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func unixTag(t time.Time) string { return "<t:" + strconv.FormatInt(t.Unix(), 10) + ":R>" }

// TestDesignThinkingRun drives the shipped design-thinking curriculum from
// lobby to cleanup with 7 participants and checks what happens when.
func TestDesignThinkingRun(t *testing.T) {
	c := loadShipped(t, "design-thinking")
	s, effs := newSim(t, c, StartRequest{}, t0.Add(-10*time.Minute))
	if lobby := only[PostLobby](effs); len(lobby) != 1 || lobby[0].Title != c.Title || len(lobby[0].Timeline) != len(c.Steps)+1 {
		t.Fatalf("Start effects = %#v, want one PostLobby with the timeline", effs)
	}
	if len(s.timers) != 0 {
		t.Errorf("a run begun by hand scheduled timers: %v", s.timers)
	}

	users := []string{"u1", "u2", "u3", "u4", "u5", "u6", "u7"}
	s.join(users...)
	if _, err := s.e.Join(s.r, "u3", ExperienceNew, t0); ErrorCode(err) != ECONFLICT {
		t.Errorf("second join: %v, want ECONFLICT", err)
	}
	if _, err := s.e.Join(s.r, "host", "", t0); ErrorCode(err) != ECONFLICT {
		t.Errorf("host joining: %v, want ECONFLICT", err)
	}

	// Begin: the intro, and the first breakout's rooms made meanwhile.
	effs = s.must(s.e.Begin(s.r, t0))
	intro := only[PostIntro](effs)
	if len(intro) != 1 || !strings.Contains(intro[0].Text, unixTag(at(5))) || !strings.Contains(intro[0].Text, c.Title) {
		t.Fatalf("PostIntro = %#v, want the title and the deadline %s", intro, unixTag(at(5)))
	}
	rooms := only[CreateRooms](effs)
	if len(rooms) != 1 || len(rooms[0].Groups) != 3 || rooms[0].Privacy != RoomsPrivate {
		t.Fatalf("CreateRooms at begin = %#v, want 3 private groups (7 in pairs)", rooms)
	}
	if s.r.State != RunIntro || s.r.StepIndex != -1 {
		t.Errorf("after Begin: state %s step %d, want intro -1", s.r.State, s.r.StepIndex)
	}
	if got := s.dueOf("run:42:intro:end"); !got.Equal(at(5)) {
		t.Errorf("intro end due %v, want %v", got, at(5))
	}
	f := s.r.Formations[0]
	if got := members(f); !slices.Equal(got, users) {
		t.Errorf("formation members %v, want %v", got, users)
	}
	var sizes []int
	for _, g := range f.Groups {
		sizes = append(sizes, len(g.Members))
	}
	if !slices.Equal(sizes, []int{2, 2, 3}) {
		t.Errorf("group sizes %v, want [2 2 3]", sizes)
	}

	// Interview: everyone moved, a prompt per member with their role.
	effs = s.runUntil(at(5))
	if s.r.StepIndex != 0 || s.r.State != RunStep {
		t.Fatalf("at 5m: step %d state %s, want 0 step", s.r.StepIndex, s.r.State)
	}
	if len(only[CreateRooms](effs)) != 0 {
		t.Errorf("rooms made again when the breakout began")
	}
	moves := only[MoveMembers](effs)
	if len(moves) != 1 || len(moves[0].Moves) != 7 {
		t.Fatalf("MoveMembers at the first breakout = %#v, want all 7", moves)
	}
	prompts := only[PostPrompt](effs)
	if len(prompts) != 7 {
		t.Fatalf("%d prompts at the first breakout, want one per member (7)", len(prompts))
	}
	for _, p := range prompts {
		g := f.Groups[p.Room.Group-1]
		role := AssignRoles(g.Members, c.Steps[0].Roles, 0)[p.UserID]
		if !strings.Contains(p.Text, "You're the **"+role+"**") || !strings.Contains(p.Text, "round 1 of 2") ||
			!strings.Contains(p.Text, unixTag(at(9))) || !p.Help || p.Submit {
			t.Errorf("prompt for %s in %s: %q; want role %s, round 1 of 2, ends %s, help, no submit", p.UserID, p.Room, p.Text, role, unixTag(at(9)))
		}
	}
	for key, want := range map[string]time.Time{"run:42:step:0:end": at(13), "run:42:step:0:round:1": at(9), "run:42:step:0:warn:60s": at(12)} {
		if got := s.dueOf(key); !got.Equal(want) {
			t.Errorf("timer %s due %v, want %v", key, got, want)
		}
	}

	// Round boundary: roles swap in every group.
	effs = s.runUntil(at(9))
	swaps := only[PostRoleSwap](effs)
	if len(swaps) != 3 || len(effs) != 3 {
		t.Fatalf("at 9m: %#v, want 3 role swaps and nothing else", effs)
	}
	for _, sw := range swaps {
		g := f.Groups[sw.Room.Group-1]
		want := AssignRoles(g.Members, c.Steps[0].Roles, 1)
		for _, a := range sw.Roles {
			if a.Role != want[a.UserID] || a.Role == AssignRoles(g.Members, c.Steps[0].Roles, 0)[a.UserID] && len(g.Members) == 2 {
				t.Errorf("swap in %s gives %s %s, want %s (a new role)", sw.Room, a.UserID, a.Role, want[a.UserID])
			}
		}
		if !strings.Contains(sw.Text, "round 2 of 2") || !strings.Contains(sw.Text, unixTag(at(13))) {
			t.Errorf("swap text %q", sw.Text)
		}
	}
	// Warning a minute before the end, in every room.
	effs = s.runUntil(at(12))
	if w := only[PostWarning](effs); len(w) != 3 || len(effs) != 3 || !strings.Contains(w[0].Text, "1 minute") {
		t.Fatalf("at 12m: %#v, want 3 warnings", effs)
	}

	// Dig deeper keeps the groups: no move, no new rooms.
	effs = s.runUntil(at(13))
	if s.r.StepIndex != 1 || len(only[MoveMembers](effs)) != 0 || len(only[CreateRooms](effs)) != 0 || len(only[PostPrompt](effs)) != 7 {
		t.Fatalf("at 13m: step %d, effects %#v; want step 1, 7 prompts, nobody moved", s.r.StepIndex, effs)
	}

	// Capture findings (solo): recall, one prompt in the main channel.
	s.runUntil(at(20.5))
	effs = s.runUntil(at(21))
	recall := only[Recall](effs)
	prompts = only[PostPrompt](effs)
	if len(recall) != 1 || recall[0].VoiceChannelID != "voice" || len(prompts) != 1 || !prompts[0].Room.IsMain() || !prompts[0].Submit {
		t.Fatalf("at 21m: %#v; want a recall to the main voice channel and one main prompt with Submit", effs)
	}
	sub, effs2, err := s.e.Submit(s.r, "u1", 2, "  To feel remembered.  ", at(22))
	if err != nil || sub.Group != 0 || sub.Content != "To feel remembered." || len(only[Acknowledge](effs2)) != 1 {
		t.Fatalf("solo Submit = %#v, %v, %v", sub, effs2, err)
	}
	s.apply(effs2)
	for _, bad := range []struct {
		user string
		step int
		text string
		code string
	}{
		{"u1", 0, "x", EINVALID},   // no deliverable
		{"u1", 8, "x", EINVALID},   // not begun
		{"u1", 2, "   ", EINVALID}, // empty
		{"u1", 2, strings.Repeat("x", 4001), EINVALID},
		{"stranger", 2, "x", EFORBIDDEN},
		{"u1", 99, "x", ENOTFOUND},
	} {
		if _, _, err := s.e.Submit(s.r, bad.user, bad.step, bad.text, at(22)); ErrorCode(err) != bad.code {
			t.Errorf("Submit(%s, step %d) = %v, want %s", bad.user, bad.step, err, bad.code)
		}
	}

	// Share sketches: back into the same rooms.
	effs = s.runUntil(at(31))
	if s.r.StepIndex != 5 {
		t.Fatalf("at 31m: step %d, want 5", s.r.StepIndex)
	}
	if m := only[MoveMembers](effs); len(m) != 1 || len(m[0].Moves) != 7 || len(only[CreateRooms](effs)) != 0 {
		t.Errorf("at 31m: %#v, want everyone moved to the existing rooms", effs)
	}
	effs = s.runUntil(at(39))
	if len(only[Recall](effs)) != 1 {
		t.Errorf("no recall when share-sketches ended")
	}

	// Test (breakout, deliverable): a group submission.
	s.runUntil(at(52))
	if s.r.StepIndex != 8 {
		t.Fatalf("at 52m: step %d, want 8", s.r.StepIndex)
	}
	sub, effs2, err = s.e.Submit(s.r, "u2", 8, "Worked: the card. Improve: timing.", at(55))
	if err != nil || sub.Group != s.r.GroupOf(0, "u2") || sub.Formation != 0 {
		t.Fatalf("group Submit = %#v, %v", sub, err)
	}
	s.apply(effs2)
	help := s.must(s.e.AskHelp(s.r, "u3", at(55)))
	if ph := only[PingHosts](help); len(ph) != 1 || ph[0].Room.Group != s.r.GroupOf(0, "u3") || !slices.Equal(ph[0].HostIDs, []string{"host"}) {
		t.Errorf("AskHelp = %#v, want the hosts pinged with u3's room", help)
	}

	// Debrief: recall, the gallery of everything handed in, the prompt.
	effs = s.runUntil(at(60))
	if s.r.State != RunDebrief {
		t.Errorf("at 60m: state %s, want debrief", s.r.State)
	}
	gal := only[PostGallery](effs)
	if len(gal) != 1 || len(only[Recall](effs)) != 1 {
		t.Fatalf("at 60m: %#v, want a recall and a gallery", effs)
	}
	var galSteps []int
	for _, g := range gal[0].Steps {
		galSteps = append(galSteps, g.StepIndex)
	}
	if !slices.Equal(galSteps, []int{2, 3, 4, 7, 8}) || len(gal[0].Groups) != 3 || gal[0].Steps[4].Formation != 0 {
		t.Errorf("gallery steps %v groups %d, want [2 3 4 7 8] over 3 groups", galSteps, len(gal[0].Groups))
	}

	// The end: summary, cleanup after the grace.
	effs = s.runUntil(at(75))
	if s.r.State != RunEnded || !s.r.EndedAt.Equal(at(75)) {
		t.Fatalf("at 75m: state %s ended %v", s.r.State, s.r.EndedAt)
	}
	sum := only[PostSummary](effs)
	if len(sum) != 1 {
		t.Fatalf("at 75m: %#v, want a summary", effs)
	}
	t.Logf("summary:\n%s", sum[0].Text)
	for _, want := range []string{"7 joined", "**Submissions:** 2", "**Help requests:** 1", "Interview: 8m → 8m", "**Total:** 1h15m planned, 1h15m actual"} {
		if !strings.Contains(sum[0].Text, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum[0].Text)
		}
	}
	if got := s.dueOf("run:42:cleanup"); !got.Equal(at(85)) || len(s.timers) != 1 {
		t.Errorf("timers after the end: %v, want only cleanup at %v", s.timers, at(85))
	}
	effs = s.runUntil(at(85))
	if len(only[DeleteRooms](effs)) != 1 || len(s.timers) != 0 {
		t.Errorf("at 85m: %#v, want DeleteRooms and no timer left", effs)
	}
	for i, tm := range s.r.Timing {
		if tm.Actual() != tm.Planned {
			t.Errorf("timing[%d] %s: actual %v, planned %v", i, tm.Title, tm.Actual(), tm.Planned)
		}
	}

	// Every warning came a minute before its step ended.
	var warned []string
	for _, e := range s.log {
		if w, ok := e.(PostWarning); ok && w.Room.IsMain() {
			warned = append(warned, c.Steps[w.StepIndex].ID)
		}
	}
	if want := []string{"capture-findings", "define-problem", "sketch", "reflect", "prototype", "debrief"}; !slices.Equal(warned, want) {
		t.Errorf("main-channel warnings for %v, want %v", warned, want)
	}
}

// TestFireIsIdempotent fires every timer of a run twice: the second firing
// of each is ignored.
func TestFireIsIdempotent(t *testing.T) {
	c := loadShipped(t, "design-thinking")
	s, _ := newSim(t, c, StartRequest{}, t0)
	s.join("a", "b", "c", "d")
	s.must(s.e.Begin(s.r, t0))
	fired := 0
	for {
		key, due, ok := s.next()
		if !ok {
			break
		}
		delete(s.timers, key)
		s.must(s.e.Fire(s.r, key, due))
		again, err := s.e.Fire(s.r, key, due.Add(time.Second))
		if err != nil || len(again) != 0 {
			t.Errorf("second firing of %s: %v, %v; want nothing", key, again, err)
		}
		fired++
	}
	if s.r.State != RunEnded || !s.r.RoomsDeleted || fired < 20 {
		t.Errorf("after %d firings: state %s, rooms deleted %v", fired, s.r.State, s.r.RoomsDeleted)
	}
}

func TestTimerKeys(t *testing.T) {
	for _, tm := range []Timer{
		{RunID: 42, Kind: TimerBegin, Step: -1},
		{RunID: 42, Kind: TimerIntroEnd, Step: -1},
		{RunID: 42, Kind: TimerStepEnd, Step: 3},
		{RunID: 42, Kind: TimerRound, Step: 3, Round: 1},
		{RunID: 42, Kind: TimerWarn, Step: 3, Warn: time.Minute},
		{RunID: 42, Kind: TimerWarn, Step: 0, Warn: 1500 * time.Millisecond},
		{RunID: 7, Kind: TimerCleanup, Step: -1},
	} {
		got, err := ParseTimerKey(tm.Key())
		if err != nil || got != tm {
			t.Errorf("ParseTimerKey(%q) = %+v, %v; want %+v", tm.Key(), got, err, tm)
		}
	}
	if k := (Timer{RunID: 42, Kind: TimerWarn, Step: 3, Warn: time.Minute}).Key(); k != "run:42:step:3:warn:60s" {
		t.Errorf("warn key %q", k)
	}
	for _, bad := range []string{"", "run:", "run:x:begin", "run:0:begin", "run:42", "run:42:step:3", "run:42:step:-1:end",
		"run:42:step:03:end", "run:42:step:3:round:0", "run:42:step:3:warn:1m", "run:42:step:3:warn:0s", "timer:42:begin", "run:42:intro"} {
		if _, err := ParseTimerKey(bad); ErrorCode(err) != EINVALID {
			t.Errorf("ParseTimerKey(%q) = %v, want EINVALID", bad, err)
		}
	}
	c := loadShipped(t, "design-thinking")
	s, _ := newSim(t, c, StartRequest{}, t0)
	if _, err := s.e.Fire(s.r, "run:43:begin", t0); ErrorCode(err) != EINVALID {
		t.Errorf("a timer of another run: %v, want EINVALID", err)
	}
	if _, err := s.e.Fire(s.r, "nonsense", t0); ErrorCode(err) != EINVALID {
		t.Errorf("a bad key: %v, want EINVALID", err)
	}
}

func ExampleTimer_Key() {
	fmt.Println(Timer{RunID: 42, Kind: TimerRound, Step: 3, Round: 1}.Key())
	// Output: run:42:step:3:round:1
}
