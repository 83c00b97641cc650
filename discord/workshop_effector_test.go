package discord

import (
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
)

// TestDesignThinkingThroughDiscord runs the shipped design-thinking
// curriculum with 7 members of mixed levels (3 of them in voice) through
// the real engine and the emulator, applying every effect twice, and
// checks what the guild shows at each stage.
func TestDesignThinkingThroughDiscord(t *testing.T) {
	d := newDriver(t, driverOptions{emulator: []discordtest.Option{discordtest.WithStrictRateLimits()}})
	d.twice = true
	seed := d.e.Seed()
	users := d.join(7)
	inVoice, notInVoice := users[:3], users[3:]
	d.joinVoice(inVoice...)

	lobby := d.e.Messages(seed.TextChannelID)
	if len(lobby) != 1 || len(lobby[0].Embeds) != 1 || !strings.Contains(lobby[0].Embeds[0].Title, "Design Thinking") {
		t.Fatalf("main channel after start = %q, want one lobby card", contents(lobby))
	}
	if ids := buttonIDs(lobby[0]); !slices.Equal(ids, []string{"rt1:ws.join:42", "rt1:ws.leave:42"}) {
		t.Errorf("lobby buttons %v", ids)
	}

	// Begin: the intro in the main channel, the first breakout's rooms made meanwhile.
	d.must(d.engine.Begin(d.run, d.now))
	f := d.run.Formations[0]
	if got := countRequests(d.e, "POST /api/v9/guilds/{guild_id}/channels"); got != 1+2*len(f.Groups) {
		t.Errorf("%d channel creations, want %d (a category and two rooms per group, once)", got, 1+2*len(f.Groups))
	}
	var category *discordgo.Channel
	for _, ch := range d.e.Channels(seed.GuildID) {
		if ch.Type == discordgo.ChannelTypeGuildCategory {
			category = ch
		}
	}
	if category == nil || category.Name != "Workshop #42: Design Thinking Crash Course" {
		t.Fatalf("no workshop category: %v", d.e.Channels(seed.GuildID))
	}
	for _, g := range f.Groups {
		want := sorted(append([]string{seed.OwnerID, seed.BotUserID}, g.Members...))
		for _, kind := range []string{roomVoice, roomText} {
			id := d.room(0, g.Number, kind)
			ch, _ := d.e.Channel(id)
			if ch.ParentID != category.ID || strings.ContainsAny(ch.Name, "<:0123456789") && ch.Name != textRoomName(g.Name) && ch.Name != g.Name {
				t.Errorf("room %s: parent %s name %q", id, ch.ParentID, ch.Name)
			}
			if got := sorted(d.e.Visible(id)); !slices.Equal(got, want) {
				t.Errorf("%s %s visible to %v, want exactly the group, the host and the bot %v", g.Name, kind, got, want)
			}
		}
	}
	main := contents(d.e.Messages(seed.TextChannelID))
	if len(main) != 2 || !strings.Contains(main[1], "<t:") {
		t.Fatalf("main channel after begin = %q, want the lobby and the intro with its deadline", main)
	}

	// Interview: members in voice moved to their group's room, the others
	// get a link; a prompt per member with their role in each room.
	d.fireNextStep()
	d.waitMoves()
	for _, g := range f.Groups {
		voice, text := d.room(0, g.Number, roomVoice), d.room(0, g.Number, roomText)
		for _, u := range g.Members {
			got := d.e.VoiceChannelOf(u)
			switch {
			case slices.Contains(inVoice, u) && got != voice:
				t.Errorf("%s in voice is in %q, want their room %s", u, got, voice)
			case slices.Contains(notInVoice, u) && got != "":
				t.Errorf("%s not in voice was moved to %s", u, got)
			}
		}
		msgs := d.e.Messages(text)
		if len(msgs) != len(g.Members) {
			t.Fatalf("%s's room has %d messages, want one prompt per member (%d): %q", g.Name, len(msgs), len(g.Members), contents(msgs))
		}
		for _, m := range msgs {
			if !strings.Contains(m.Content, "<t:") || !strings.Contains(m.Content, "You're the **") || len(m.Mentions) != 1 {
				t.Errorf("prompt in %s: %q, want a deadline, a role and one mention", g.Name, m.Content)
			}
			if ids := buttonIDs(m); !slices.Equal(ids, []string{"rt1:ws.help:42"}) {
				t.Errorf("prompt buttons %v, want the help button", ids)
			}
		}
	}
	main = contents(d.e.Messages(seed.TextChannelID))
	links := strings.Join(main, "\n")
	for _, u := range notInVoice {
		g := f.Groups[d.run.GroupOf(0, u)-1]
		if !strings.Contains(links, "<@"+u+">") || !strings.Contains(links, "<#"+d.room(0, g.Number, roomVoice)+">") {
			t.Errorf("no link to their room for %s (not in voice) in %q", u, main)
		}
	}

	// A help request reaches the host with a jump link to the room.
	asker := f.Groups[0].Members[0]
	d.must(d.engine.AskHelp(d.run, asker, d.now))
	last := d.e.Messages(seed.TextChannelID)
	ping := last[len(last)-1]
	if !strings.Contains(ping.Content, "<@"+seed.OwnerID+">") || !strings.Contains(ping.Content, d.room(0, 1, roomText)) {
		t.Errorf("help ping %q, want the host mentioned and a link to the room", ping.Content)
	}

	// Round two: roles swap in every room.
	d.fireUntil(d.run.RoundDeadline)
	for _, g := range f.Groups {
		msgs := contents(d.e.Messages(d.room(0, g.Number, roomText)))
		if !strings.Contains(msgs[len(msgs)-1], "Swap roles!") {
			t.Errorf("%s's room ends with %q, want the role swap", g.Name, msgs[len(msgs)-1])
		}
	}

	// Capture findings (solo): everyone moved back, the prompt with a
	// Submit button in the main channel.
	for d.run.StepIndex != 2 {
		d.fireNextStep()
	}
	d.waitMoves()
	for _, u := range inVoice {
		if got := d.e.VoiceChannelOf(u); got != seed.VoiceChannelID {
			t.Errorf("after recall %s is in %q, want the main voice channel", u, got)
		}
	}
	msgs := d.e.Messages(seed.TextChannelID)
	if p := msgs[len(msgs)-1]; !strings.Contains(p.Content, "Capture findings") || !slices.Contains(buttonIDs(p), "rt1:ws.submit:42:2") {
		t.Errorf("solo prompt %q with buttons %v, want Capture findings with rt1:ws.submit:42:2", p.Content, buttonIDs(p))
	}
	sub, _, err := d.engine.Submit(d.run, users[0], 2, "Needs: to feel remembered.", d.now)
	if err != nil {
		t.Fatal(err)
	}
	d.subs.add(sub)

	// On to the test breakout; a group hands in its feedback grid.
	for d.run.StepIndex != 8 {
		d.fireNextStep()
	}
	d.waitMoves()
	sub, _, err = d.engine.Submit(d.run, f.Groups[1].Members[0], 8, "Worked: the surprise. Improve: the wrapping.", d.now)
	if err != nil {
		t.Fatal(err)
	}
	d.subs.add(sub)

	// Debrief: the gallery, one entry per group.
	d.fireNextStep()
	d.waitMoves()
	main = contents(d.e.Messages(seed.TextChannelID))
	gallery := ""
	for _, m := range main {
		if strings.Contains(m, "Gallery") {
			gallery = m
		}
	}
	for _, want := range []string{"Needs: to feel remembered.", "Worked: the surprise.", f.Groups[0].Name, f.Groups[2].Name} {
		if !strings.Contains(gallery, want) {
			t.Errorf("gallery %q lacks %q", gallery, want)
		}
	}

	// The end: the summary, and the rooms deleted after the grace.
	d.fireNextStep()
	main = contents(d.e.Messages(seed.TextChannelID))
	if !strings.Contains(strings.Join(main, "\n"), "is over") {
		t.Errorf("no summary in %q", main)
	}
	d.fireUntil(d.now.Add(2 * d.engine.RoomGrace))
	for _, ch := range d.e.Channels(seed.GuildID) {
		if ch.ID == category.ID || ch.ParentID == category.ID {
			t.Errorf("channel %q left after cleanup", ch.Name)
		}
	}
	if n := rateLimited(d.e); n != 0 {
		t.Errorf("%d requests rate limited, want none", n)
	}
	// Every message was posted once although every effect ran twice: a
	// twin would follow its original.
	for i := 1; i < len(main); i++ {
		if main[i] == main[i-1] {
			t.Errorf("posted twice: %q", main[i])
		}
	}
}

func buttonIDs(m *discordgo.Message) []string {
	var out []string
	for _, c := range m.Components {
		row, ok := c.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, b := range row.Components {
			if btn, ok := b.(*discordgo.Button); ok {
				out = append(out, btn.CustomID)
			}
		}
	}
	return out
}
