package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
	"github.com/roundtable-bot/roundtable/workshop"
)

// A step started by a timer, not by a host's command, fails for want of a
// permission: nobody is waiting for an answer, so the host is told in the
// main channel, once however often the timer is retried. Once an admin
// grants the permission, the retried step builds the rooms and posts the
// prompts, each once.
func TestTimerStepStuckOnAPermissionTellsTheHostOnceThenCarriesOn(t *testing.T) {
	x := newE2E(t, 4, 60, 500*time.Millisecond, discordtest.WithoutBotPermission(discordgo.PermissionManageChannels))
	seed := x.people.seed
	host := x.people.host.UserID
	runID := x.open() // the begin's own attempt at the rooms is refused

	// The intro ends by timer: the breakout starts, its rooms are refused
	// again, and the timer is retried with backoff.
	x.waitRun(runID, "the first breakout", 30*time.Second, func(r *workshop.Run) bool { return r.StepIndex >= 0 })
	refusedRooms := func() int {
		n := 0
		for _, r := range x.e.Requests() {
			if r.Status == http.StatusForbidden && r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/guilds/"+seed.GuildID+"/channels") {
				n++
			}
		}
		return n
	}
	deadline := time.Now().Add(30 * time.Second)
	for refusedRooms() < 3 { // the begin, the timer, and one retry of it
		if time.Now().After(deadline) {
			t.Fatalf("only %d attempts at the rooms within 30 s; the timer is not retried", refusedRooms())
		}
		time.Sleep(50 * time.Millisecond)
	}
	notices := func() []*discordgo.Message {
		var out []*discordgo.Message
		for _, m := range x.e.Messages(seed.TextChannelID) {
			if strings.Contains(m.Content, "is stuck") {
				out = append(out, m)
			}
		}
		return out
	}
	told := notices()
	if len(told) != 1 {
		t.Fatalf("after %d refused attempts the main channel has %d notices to the host, want 1", refusedRooms(), len(told))
	}
	if m := told[0]; !strings.Contains(m.Content, "Manage Channels") || !strings.Contains(m.Content, "<@"+host+">") {
		t.Errorf("the notice %q does not name the permission and mention the host", m.Content)
	}

	if err := x.e.GrantBotPermission(discordgo.PermissionManageChannels); err != nil {
		t.Fatal(err)
	}
	r := x.run(runID)
	groups := r.Formations[0].Groups
	var rooms map[int][2]string
	x.e.WaitFor(t, 90*time.Second, func(st *discordtest.State) bool {
		for _, c := range st.Channels(seed.GuildID) {
			if c.Name == "group-1" {
				return len(st.Messages(c.ID)) > 0
			}
		}
		return false
	})
	rooms = x.rooms(groups)
	// Read from the request log, not the guild's state: a message is in
	// the state a moment before its request is in the log.
	prompted := func() bool {
		posts := x.log().posts()
		for _, g := range groups {
			n := 0
			for _, p := range posts {
				if p.ChannelID == rooms[g.Number][0] && strings.Contains(p.Content, "**Interview** · round 1 of 2") {
					n++
				}
			}
			if n < len(g.Members) {
				return false
			}
		}
		return true
	}
	for deadline := time.Now().Add(30 * time.Second); !prompted(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("30 s after the grant, not every member has had the first prompt in their room")
		}
	}
	x.checkNothingTwice(groups, rooms, "**Interview** · round 1 of 2")
	if n := len(notices()); n != 1 {
		t.Errorf("the host was told %d times, want once", n)
	}
}
