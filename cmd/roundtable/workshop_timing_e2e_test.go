package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/workshop"
)

// timingCurriculum is short enough to play at a speed where one live
// minute is four real seconds, so each event's moment can be told apart
// from its neighbours' with room to spare.
const timingCurriculum = `
id      = "timing-check"
title   = "Timing Check"
summary = "A short pair exercise whose every moment the test checks."
group_size = 2
grouping   = "random"
rooms      = "private"

[intro]
duration = "1m"
prompt   = "Welcome: in a moment you talk in pairs."

[[step]]
id       = "pairs"
title    = "Pair talk"
mode     = "breakout"
duration = "4m"
rounds   = 2
roles    = ["speaker", "listener"]
warn     = ["1m"]
prompt   = "You're the **{role}** for {minutes} minutes, then the {next_role}."

[[step]]
id       = "wrap"
title    = "Wrap up"
mode     = "plenary"
duration = "1m"
prompt   = "What did you hear?"
`

// Each moment of a run, as members see it, comes when the curriculum
// says: from the intro, the breakout's prompts after 1 minute, the role
// swap half-way through, the warning 1 minute before its end, members
// in voice moved back to the main voice channel and the plenary at its
// end, the end after the plenary. (15x: a live minute is 4 s; each moment
// may be 1.5 s off, a third of the gap to its nearest neighbour.)
func TestWorkshopKeepsTimeForSwapsWarningsAndRecall(t *testing.T) {
	const speed = 15
	x := newE2E(t, 4, speed, 500*time.Millisecond)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "timing-check.toml"), []byte(timingCurriculum), 0o644); err != nil {
		t.Fatal(err)
	}
	lib, err := loadLibrary([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	x.stopBot()
	x.lib = lib
	x.startBot()
	seed := x.people.seed

	runID := x.openCurriculum("timing-check")
	r := x.waitRun(runID, "the breakout", 30*time.Second, func(r *workshop.Run) bool { return r.StepIndex >= 0 })
	groups := r.Formations[0].Groups
	rooms := x.rooms(groups)
	if err := waitForCleanEnd(x.ctx, x.d, x.e, runID, len(x.before), time.Minute); err != nil {
		t.Fatal(err)
	}

	posts := x.log().posts()
	var begun time.Time
	for _, p := range posts {
		if p.ChannelID == seed.TextChannelID && strings.Contains(p.Content, "**Timing Check** · welcome") {
			begun = p.At
			break
		}
	}
	if begun.IsZero() {
		t.Fatal("the intro was never posted")
	}
	const tolerance = 1500 * time.Millisecond
	at := func(what string, when time.Time, liveOffset time.Duration) {
		t.Helper()
		want := begun.Add(liveOffset / speed)
		off := when.Sub(want)
		if off < -tolerance || off > tolerance {
			t.Errorf("%s came %v after the intro, want %v (live %v)", what, when.Sub(begun).Round(time.Millisecond), want.Sub(begun), liveOffset)
			return
		}
		t.Logf("%s: %+v off its moment", what, off.Round(time.Millisecond))
	}
	firstPost := func(channel, marker string) time.Time {
		for _, p := range posts {
			if p.ChannelID == channel && strings.Contains(p.Content, marker) {
				return p.At
			}
		}
		t.Errorf("%q never came in %s", marker, channel)
		return time.Time{}
	}
	for _, g := range groups {
		room := rooms[g.Number][0]
		at(g.Name+"'s prompt", firstPost(room, "**Pair talk** · round 1 of 2"), time.Minute)
		at(g.Name+"'s role swap", firstPost(room, "🔄 **Pair talk** · round 2 of 2"), 3*time.Minute)
		at(g.Name+"'s warning", firstPost(room, "⏳"), 4*time.Minute)
	}
	at("the plenary", firstPost(seed.TextChannelID, "**Wrap up** · ends"), 5*time.Minute)
	at("the end", firstPost(seed.TextChannelID, "is over"), 6*time.Minute)

	// Recall: each member moved into a room goes back to the main voice
	// channel when the breakout ends.
	recalled := 0
	for _, m := range x.moves() {
		if m.channelID == seed.VoiceChannelID {
			recalled++
			at("a recall move", m.at, 5*time.Minute)
		}
	}
	inVoice := 0
	for _, m := range x.people.members {
		if m.InVoice {
			inVoice++
		}
	}
	if recalled != inVoice {
		t.Errorf("%d members moved back to the main voice channel, want the %d in voice", recalled, inVoice)
	}
}
