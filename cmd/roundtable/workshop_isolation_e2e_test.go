package main

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
	"github.com/roundtable-bot/roundtable/workshop"
)

// isolatedRun is one of two runs held at once in one guild: its own text
// channel, its own participants, its rooms as the emulator holds them.
type isolatedRun struct {
	people *cast
	id     int64
	groups []workshop.Group
	rooms  map[int][2]string // group number -> text and voice room IDs
	cat    string            // the run's category
}

// splitCast gives a run its own participants (none in voice, so the
// member-move limit plays no part) and its own main text channel.
func splitCast(all *cast, members []*castMember, channel string) *cast {
	c := *all
	c.seed.TextChannelID = channel
	c.members = nil
	for _, m := range members {
		mm := *m
		mm.InVoice = false
		c.members = append(c.members, &mm)
	}
	return &c
}

// openIn has the cast's host start design-thinking in the cast's channel,
// everyone join and the host begin.
func openIn(t *testing.T, c *cast) int64 {
	t.Helper()
	id, err := c.startWorkshop("design-thinking")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.assemble(id); err != nil {
		t.Fatal(err)
	}
	if _, err := c.command(c.host, "workshop begin", nil, c.seed.TextChannelID); err != nil {
		t.Fatal(err)
	}
	runID, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return runID
}

// runRooms finds the run's category by the name the bot gives it
// ("Workshop #<id>: ...") and, under it, each group's text and voice room.
// Both runs have a "group-1", so rooms are told apart by their category.
func runRooms(t *testing.T, e *discordtest.Emulator, guild string, runID int64, groups []workshop.Group) (string, map[int][2]string) {
	t.Helper()
	var cat string
	for _, c := range e.Channels(guild) {
		if c.Type == discordgo.ChannelTypeGuildCategory && strings.HasPrefix(c.Name, "Workshop #"+strconv.FormatInt(runID, 10)+":") {
			cat = c.ID
		}
	}
	if cat == "" {
		t.Fatalf("run %d has no category", runID)
	}
	out := map[int][2]string{}
	for _, g := range groups {
		var text, voice string
		for _, c := range e.Channels(guild) {
			switch {
			case c.ParentID != cat:
			case c.Type == discordgo.ChannelTypeGuildText && c.Name == "group-"+strconv.Itoa(g.Number):
				text = c.ID
			case c.Type == discordgo.ChannelTypeGuildVoice && c.Name == g.Name:
				voice = c.ID
			}
		}
		if text == "" || voice == "" {
			t.Fatalf("run %d: %s has no rooms under its category (text %q, voice %q)", runID, g.Name, text, voice)
		}
		out[g.Number] = [2]string{text, voice}
	}
	return cat, out
}

// channelsUnder lists the channels that are the category or in it.
func channelsUnder(e *discordtest.Emulator, guild, cat string) []string {
	var out []string
	for _, c := range e.Channels(guild) {
		if c.ID == cat || c.ParentID == cat {
			out = append(out, c.ID)
		}
	}
	return out
}

// Two runs at once in one guild, from two text channels with their own
// participants: each run's rooms are seen only by its own groups, the
// hosts and the bot; each run's prompts reach only its own rooms; ending
// one run deletes its rooms and leaves the other's standing.
func TestWorkshopTwoRunsInOneGuildStayApart(t *testing.T) {
	const speed = 60
	x := newE2E(t, 8, speed, 500*time.Millisecond)
	seed := x.people.seed

	rest, err := x.e.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	second, err := rest.GuildChannelCreate(seed.GuildID, "second-workshop", discordgo.ChannelTypeGuildText)
	if err != nil {
		t.Fatalf("creating the second run's channel: %v", err)
	}
	x.before = x.e.Channels(seed.GuildID)

	runs := []*isolatedRun{
		{people: splitCast(x.people, x.people.members[:4], seed.TextChannelID)},
		{people: splitCast(x.people, x.people.members[4:], second.ID)},
	}
	for _, run := range runs {
		run.id = openIn(t, run.people)
	}
	if runs[0].id == runs[1].id {
		t.Fatalf("both channels got run %d", runs[0].id)
	}
	for _, run := range runs {
		r := x.waitRun(run.id, "the first breakout", 30*time.Second, func(r *workshop.Run) bool { return r.StepIndex >= 0 })
		run.groups = r.Formations[0].Groups
		run.cat, run.rooms = runRooms(t, x.e, seed.GuildID, run.id, run.groups)
	}

	everyone := []string{x.people.host.UserID}
	for _, m := range x.people.members {
		everyone = append(everyone, m.UserID)
	}
	for _, run := range runs {
		for _, g := range run.groups {
			for i, room := range run.rooms[g.Number] {
				for _, user := range everyone {
					want := user == x.people.host.UserID || slices.Contains(g.Members, user)
					if got := x.e.CanSee(room, user); got != want {
						t.Errorf("run %d, %s room of %s: %s can see it: %v, want %v", run.id, []string{"text", "voice"}[i], g.Name, user, got, want)
					}
				}
				if !x.e.CanSee(room, seed.BotUserID) {
					t.Errorf("run %d: the bot cannot see its own room %s", run.id, room)
				}
			}
		}
	}

	// Every group of both runs gets its first prompt, once per member.
	x.e.WaitFor(t, 30*time.Second, func(st *discordtest.State) bool {
		for _, run := range runs {
			for _, g := range run.groups {
				n := 0
				for _, m := range st.Messages(run.rooms[g.Number][0]) {
					if strings.Contains(m.Content, "**Interview** · round 1 of 2") {
						n++
					}
				}
				if n < len(g.Members) {
					return false
				}
			}
		}
		return true
	})
	// A room's messages name only its own group's members and the host
	// (the prompts name who plays which role, so some name someone).
	for _, run := range runs {
		named := 0
		for _, g := range run.groups {
			for _, m := range x.e.Messages(run.rooms[g.Number][0]) {
				named += len(m.Mentions)
				for _, u := range m.Mentions {
					if u.ID != x.people.host.UserID && !slices.Contains(g.Members, u.ID) {
						t.Errorf("run %d, %s's room: a message names %s, who is not in the group: %q", run.id, g.Name, u.ID, firstLine(m.Content, 120))
					}
				}
			}
		}
		if named == 0 {
			t.Errorf("run %d: no message in its rooms names anyone, so the check above proves nothing", run.id)
		}
	}

	// Ending the first run deletes its rooms only.
	first, other := runs[0], runs[1]
	if _, err := first.people.command(x.people.host, "workshop end", nil, first.people.seed.TextChannelID); err != nil {
		t.Fatal(err)
	}
	x.waitRun(first.id, "the first run's rooms deleted", 30*time.Second, func(r *workshop.Run) bool { return r.RoomsDeleted })
	waitChannelsGone(t, x.e, seed.GuildID, first.cat)
	if r := x.run(other.id); r.State.Over() || r.RoomsDeleted {
		t.Fatalf("ending run %d touched run %d: it is %s, rooms deleted %v", first.id, other.id, r.State, r.RoomsDeleted)
	}
	if got, want := len(channelsUnder(x.e, seed.GuildID, other.cat)), 1+2*len(other.groups); got != want {
		t.Errorf("after run %d ended, run %d has %d of its %d channels", first.id, other.id, got, want)
	}
	for _, post := range x.log().posts() {
		if post.ChannelID == other.people.seed.TextChannelID && strings.Contains(post.Content, "is over") {
			t.Errorf("run %d's channel was told %q when run %d ended", other.id, firstLine(post.Content, 120), first.id)
		}
	}

	if _, err := other.people.command(x.people.host, "workshop end", nil, other.people.seed.TextChannelID); err != nil {
		t.Fatal(err)
	}
	if err := waitForCleanEnd(x.ctx, x.d, x.e, other.id, len(x.before), 30*time.Second); err != nil {
		t.Fatal(err)
	}
	for _, run := range runs {
		if r := x.run(run.id); r.State != workshop.RunEnded || !r.RoomsDeleted {
			t.Errorf("run %d is %s, rooms deleted %v", run.id, r.State, r.RoomsDeleted)
		}
	}
	x.checkRequests()
}

// A member who is not a host cannot begin a run, by command or by the
// host panel: they are told privately who may, and the run stays in the
// lobby.
func TestWorkshopRefusesANonHostsHostCommand(t *testing.T) {
	x := newE2E(t, 3, 60, 500*time.Millisecond)
	seed := x.people.seed
	runID := x.lobby("design-thinking")
	intruder := x.people.members[0].SimMember

	refused := func(what string, r *discordtest.Response) {
		t.Helper()
		if !r.Ephemeral {
			t.Errorf("%s was answered in public: %q", what, r.Text())
		}
		if !strings.Contains(r.Text(), "Only the workshop's hosts can begin it") {
			t.Errorf("%s was answered %q; want a refusal saying only the hosts can begin it", what, r.Text())
		}
	}
	r, err := x.people.command(intruder, "workshop begin", nil, seed.TextChannelID)
	if err != nil {
		t.Fatal(err)
	}
	refused("/workshop begin by a participant", r)

	// The host panel is an ephemeral message: Discord shows it, and lets
	// its buttons be clicked, only by the host who opened it. A
	// participant's way to the panel is /workshop panel, which is refused.
	panel, err := x.people.command(x.people.host, "workshop panel", nil, seed.TextChannelID)
	if err != nil {
		t.Fatal(err)
	}
	beginID := "rt1:ws.host.begin:" + strconv.FormatInt(runID, 10)
	if panel.Message == nil {
		t.Fatalf("/workshop panel answered %q with no panel", panel.Text())
	}
	if got, ok := customIDWithPrefix(panel.Message.Components, beginID); !ok || got != beginID {
		t.Fatalf("the host panel has no Begin button %q", beginID)
	}
	if _, err := intruder.ClickButton(panel.Message.ID, beginID); err == nil {
		t.Errorf("a participant could click Begin on the host's own panel")
	}
	r, err = x.people.command(intruder, "workshop panel", nil, seed.TextChannelID)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Ephemeral || !strings.Contains(r.Text(), "Only the workshop's hosts can control it") {
		t.Errorf("/workshop panel by a participant was answered (ephemeral %v) %q; want a private refusal", r.Ephemeral, r.Text())
	}
	if r.Message != nil {
		if _, ok := customIDWithPrefix(r.Message.Components, beginID); ok {
			t.Errorf("a participant was given a panel with the Begin button")
		}
	}

	if r := x.run(runID); r.State != workshop.RunLobby || r.StepIndex != -1 {
		t.Errorf("after a participant's begin the run is %s at step %d, want the lobby", r.State, r.StepIndex)
	}
	var state string
	if err := x.d.GetContext(x.ctx, &state, `SELECT state FROM workshop_runs WHERE run_id = $1`, runID); err != nil || state != "lobby" {
		t.Errorf("workshop_runs.state is %q (%v), want lobby", state, err)
	}
	for _, m := range x.e.Messages(seed.TextChannelID) {
		if strings.Contains(m.Content, "welcome") {
			t.Errorf("the intro was posted: %q", firstLine(m.Content, 120))
		}
	}
	x.checkRequests()
}

// A bot without Manage Channels: the host begins a run and is told which
// permission is missing, and no category or room of the run is left in
// the server.
func TestWorkshopWithoutManageChannelsTellsTheHost(t *testing.T) {
	x := newE2E(t, 3, 60, 500*time.Millisecond, discordtest.WithoutBotPermission(discordgo.PermissionManageChannels))
	seed := x.people.seed
	runID := x.lobby("design-thinking")
	r, err := x.people.command(x.people.host, "workshop begin", nil, seed.TextChannelID)
	if err != nil {
		t.Fatal(err)
	}
	told := strings.Contains(r.Text(), "Manage Channels")
	if !told {
		// The rooms may be made after the answer: then the host hears in
		// the main channel.
		x.e.WaitFor(t, 30*time.Second, func(st *discordtest.State) bool {
			for _, m := range st.Messages(seed.TextChannelID) {
				if strings.Contains(m.Content, "Manage Channels") {
					return true
				}
			}
			return false
		})
	}

	// Wait past the intro, when the first breakout would need its rooms,
	// so a later attempt to make them is caught too.
	run := x.run(runID)
	x.waitRun(runID, "the intro's deadline", 30*time.Second, func(r *workshop.Run) bool {
		return r.StepIndex >= 0 || time.Now().After(run.Deadline.Add(2*time.Second))
	})
	if got := x.e.Channels(seed.GuildID); len(got) != len(x.before) {
		var names []string
		for _, c := range got {
			if !slices.ContainsFunc(x.before, func(b *discordgo.Channel) bool { return b.ID == c.ID }) {
				names = append(names, c.Name)
			}
		}
		t.Errorf("the server has %d channels, %d before the run; left behind: %v", len(got), len(x.before), names)
	}
	for _, s := range x.e.RateLimiter().Stats() {
		if s.RateLimited > 0 {
			t.Errorf("%d of %d calls to %s were answered 429", s.RateLimited, s.Calls, s.Route)
		}
	}
	for _, f := range x.log().refusals() {
		if f.Status == http.StatusForbidden && strings.HasPrefix(f.Route, http.MethodPost+" ") && strings.HasSuffix(f.Route, "/guilds/{guild_id}/channels") {
			continue // making the category, refused: what the test is about
		}
		t.Errorf("%d requests to %s with %d: %s", f.Count, f.Route, f.Status, f.Error)
	}
}

// waitChannelsGone waits until no channel of the guild is under cat.
func waitChannelsGone(t *testing.T, e *discordtest.Emulator, guild, cat string) {
	t.Helper()
	// (Not WaitFor: its condition runs under the emulator's lock, which
	// Emulator.Channels takes too.)
	for deadline := time.Now().Add(30 * time.Second); len(channelsUnder(e, guild, cat)) > 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("channels %v under %s are still there", channelsUnder(e, guild, cat), cat)
		}
	}
}

// One bot serving two servers (two guild_ids), a run in each at once:
// each run's rooms are made in its own server; ending one, and the
// start-up sweep of a restarted bot, leave the other's rooms standing.
func TestWorkshopRunsInTwoGuildsStayApart(t *testing.T) {
	const speed = 60
	x := newE2E(t, 4, speed, 500*time.Millisecond)
	other := x.e.AddGuild("Second Server")
	x.stopBot()
	x.opts.GuildIDs = append(x.opts.GuildIDs, other.GuildID)
	x.startBot()

	otherCast, err := newCastIn(x.e, other, 4)
	if err != nil {
		t.Fatal(err)
	}
	runs := []*isolatedRun{{people: x.people}, {people: otherCast}}
	for _, run := range runs {
		run.id = openIn(t, run.people)
	}
	for _, run := range runs {
		guild := run.people.seed.GuildID
		r := x.waitRun(run.id, "the first breakout", 30*time.Second, func(r *workshop.Run) bool { return r.StepIndex >= 0 })
		if r.GuildID != guild {
			t.Fatalf("run %d is stored as guild %s's, want %s", run.id, r.GuildID, guild)
		}
		run.groups = r.Formations[0].Groups
		run.cat, run.rooms = runRooms(t, x.e, guild, run.id, run.groups)
	}
	// Every group of both runs gets its first prompt in its own room.
	x.e.WaitFor(t, 30*time.Second, func(st *discordtest.State) bool {
		for _, run := range runs {
			for _, g := range run.groups {
				if len(st.Messages(run.rooms[g.Number][0])) < len(g.Members) {
					return false
				}
			}
		}
		return true
	})
	for i, run := range runs {
		elsewhere := runs[1-i].people.seed.GuildID
		for _, c := range x.e.Channels(elsewhere) {
			if strings.HasPrefix(c.Name, "Workshop #"+strconv.FormatInt(run.id, 10)+":") {
				t.Errorf("run %d made its category in the other server", run.id)
			}
		}
		for _, g := range run.groups {
			for _, m := range g.Members {
				if x.e.CanSee(runs[1-i].rooms[1][0], m) {
					t.Errorf("%s of run %d can see a room of the other server's run", m, run.id)
				}
			}
		}
	}

	first, second := runs[0], runs[1]
	want := len(channelsUnder(x.e, other.GuildID, second.cat))
	if _, err := first.people.command(first.people.host, "workshop end", nil, first.people.seed.TextChannelID); err != nil {
		t.Fatal(err)
	}
	x.waitRun(first.id, "the first run's rooms deleted", 30*time.Second, func(r *workshop.Run) bool { return r.RoomsDeleted })
	waitChannelsGone(t, x.e, first.people.seed.GuildID, first.cat)
	// A restart sweeps both servers for rooms no run needs: the live run's
	// are needed.
	x.stopBot()
	x.startBot()
	if got := len(channelsUnder(x.e, other.GuildID, second.cat)); got != want {
		t.Errorf("after the first run ended and the bot restarted, the second server's run has %d of its %d channels", got, want)
	}
	if r := x.run(second.id); r.State.Over() || r.RoomsDeleted {
		t.Fatalf("run %d in the other server is %s, rooms deleted %v", second.id, r.State, r.RoomsDeleted)
	}
	if _, err := second.people.command(second.people.host, "workshop end", nil, second.people.seed.TextChannelID); err != nil {
		t.Fatal(err)
	}
	waitChannelsGone(t, x.e, other.GuildID, second.cat)
	x.checkRequests()
}
