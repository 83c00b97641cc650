package discord

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/workshop"
)

func TestPacerHoldsASlidingWindowFromAnswerTimes(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := newPacer()
	p.now = func() time.Time { return now }
	key := paceKey{"moves:g", RateLimit{2, 10 * time.Second}}
	ctx := context.Background()
	expired, cancel := context.WithCancel(ctx)
	cancel()

	r1, err := p.acquire(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := p.acquire(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.acquire(expired, key); err == nil {
		t.Fatal("a third request got a slot while two were in flight")
	}
	r1()
	now = now.Add(9 * time.Second)
	r2()
	if _, err := p.acquire(expired, key); err == nil {
		t.Fatal("a third request got a slot within 10 s of the first answer")
	}
	now = now.Add(time.Second) // 10 s after the first answer
	r3, err := p.acquire(expired, key)
	if err != nil {
		t.Fatalf("no slot 10 s after the first answer: %v", err)
	}
	r3()
	if _, err := p.acquire(expired, key, paceKey{"unlimited", RateLimit{}}); err == nil {
		t.Fatal("the window allowed 2 requests within 10 s of the second answer")
	}
}

func TestSplitAndPackKeepMessagesUnderDiscordsLimit(t *testing.T) {
	long := strings.Repeat("word ", 300) + "\n" + strings.Repeat("é", 2500) + "\nend"
	parts := splitMessage(long)
	if len(parts) < 2 {
		t.Fatalf("a %d-character text was not split", utf8.RuneCountInString(long))
	}
	var joined int
	for _, p := range parts {
		if n := utf8.RuneCountInString(p); n > workshop.MaxMessageLen || n == 0 {
			t.Errorf("part of %d characters", n)
		}
		joined += utf8.RuneCountInString(strings.ReplaceAll(p, "\n", ""))
	}
	if want := utf8.RuneCountInString(strings.ReplaceAll(long, "\n", "")); joined != want {
		t.Errorf("split lost text: %d characters of %d", joined, want)
	}
	entries := []string{strings.Repeat("a", 900), strings.Repeat("b", 900), strings.Repeat("c", 900), strings.Repeat("d", 2500)}
	packed := packEntries("header", entries)
	for _, p := range packed {
		if n := utf8.RuneCountInString(p); n > workshop.MaxMessageLen {
			t.Errorf("packed message of %d characters", n)
		}
	}
	if !strings.HasPrefix(packed[0], "header\n\n"+entries[0]) || !strings.Contains(packed[0], entries[1]) || strings.Contains(packed[0], "c") {
		t.Errorf("entries not packed whole and in order: first message %q…", packed[0][:20])
	}
}

func TestRoomNamesAndCustomIDs(t *testing.T) {
	for in, want := range map[string]string{"Group 1": "group-1", "Les Bleus!": "les-bleus", "  --  ": "group", "Ünïcode Team": "ünïcode-team"} {
		if got := textRoomName(in); got != want {
			t.Errorf("textRoomName(%q) = %q, want %q", in, got, want)
		}
	}
	for got, want := range map[string]string{
		WorkshopCustomID(CustomKindJoin, 42):      "rt1:ws.join:42",
		WorkshopCustomID(CustomKindSubmit, 42, 3): "rt1:ws.submit:42:3",
		WorkshopCustomID(CustomKindRoom, 7, 12):   "rt1:ws.room:7:12",
	} {
		if got != want {
			t.Errorf("custom id %q, want %q", got, want)
		}
	}
}

// A participant who left the server does not keep their group's rooms
// from being made.
func TestRoomsForAGroupWithSomeoneWhoLeftTheServer(t *testing.T) {
	d := newDriver(t, driverOptions{})
	seed := d.e.Seed()
	gone := "100000000000000001"
	rooms := workshop.CreateRooms{RunID: d.run.ID, GuildID: seed.GuildID, Formation: 0, HostID: seed.OwnerID, Privacy: workshop.RoomsPrivate,
		Groups: []workshop.GroupRooms{{Number: 1, Name: "Group 1", Members: []string{seed.MemberIDs[0], gone}}}}
	if err := d.eff.Apply(context.Background(), d.run, rooms); err != nil {
		t.Fatalf("CreateRooms with a departed member: %v", err)
	}
	refused := 0
	for _, r := range d.e.Requests() {
		if r.Route == "POST /api/v9/guilds/{guild_id}/channels" && r.Status == 404 {
			refused++
		}
	}
	if refused == 0 {
		t.Fatal("the emulator never refused the departed member's overwrite; the test proves nothing")
	}
	text := d.room(0, 1, roomText)
	if !d.e.CanSee(text, seed.MemberIDs[0]) || d.e.CanSee(text, seed.MemberIDs[1]) {
		t.Error("the room is not private to the remaining member")
	}
	for _, o := range d.e.Overwrites(text) {
		if o.ID == gone && o.Type == discordgo.PermissionOverwriteTypeMember {
			t.Error("an overwrite for the departed member")
		}
	}
}

// Moves queued by a process that died are made by the next effector
// before the run's next effect.
func TestQueuedMovesSurviveARestart(t *testing.T) {
	d := newDriver(t, driverOptions{})
	users := d.join(4)
	d.joinVoice(users...)
	d.must(d.engine.Begin(d.run, d.now))
	ctx := context.Background()
	f := d.run.Formations[0]
	for _, g := range f.Groups {
		for _, u := range g.Members {
			if err := d.ledger.Record(ctx, d.run.ID, movedKey(0, u), queuedPrefix+d.room(0, g.Number, roomVoice)); err != nil {
				t.Fatal(err)
			}
		}
	}
	restarted := NewWorkshopEffector(d.s, d.ledger, WorkshopEffectorOptions{BotUserID: d.e.Seed().BotUserID})
	defer restarted.Close()
	if err := restarted.Apply(ctx, d.run, workshop.PostNotice{RunID: d.run.ID, Rooms: []workshop.RoomRef{workshop.MainRoom}, Text: "Back!", Tag: "seq:1"}); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := restarted.WaitMoves(wctx, d.run.ID); err != nil {
		t.Fatal(err)
	}
	for _, g := range f.Groups {
		for _, u := range g.Members {
			if got := d.e.VoiceChannelOf(u); got != d.room(0, g.Number, roomVoice) {
				t.Errorf("%s is in %q after the restart, want their room", u, got)
			}
		}
	}
}

// A group's text room deleted by someone mid-run does not hold the run
// up: its posts go to the main channel under the group's name.
func TestPostsToADeletedRoomGoToTheMainChannel(t *testing.T) {
	d := newDriver(t, driverOptions{})
	d.join(4)
	d.must(d.engine.Begin(d.run, d.now))
	if _, err := d.s.ChannelDelete(d.room(0, 1, roomText)); err != nil {
		t.Fatal(err)
	}
	warn := workshop.PostWarning{RunID: d.run.ID, StepIndex: 0, Room: workshop.RoomRef{Formation: 0, Group: 1}, Left: time.Minute, Text: "⏳ one minute left"}
	for range 2 {
		if err := d.eff.Apply(context.Background(), d.run, warn); err != nil {
			t.Fatalf("warning for a deleted room: %v", err)
		}
	}
	n := 0
	for _, m := range d.e.Messages(d.e.Seed().TextChannelID) {
		if m.Content == "**"+d.run.Formations[0].Groups[0].Name+"** · ⏳ one minute left" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d warnings in the main channel, want 1", n)
	}
}

// More than 25 groups fill more than one category (Discord allows 50
// channels in one).
func TestManyGroupsSpreadOverCategories(t *testing.T) {
	d := newDriver(t, driverOptions{})
	seed := d.e.Seed()
	rooms := workshop.CreateRooms{RunID: d.run.ID, GuildID: seed.GuildID, Formation: 0, HostID: seed.OwnerID, Privacy: workshop.RoomsOpen}
	for g := 1; g <= 30; g++ {
		rooms.Groups = append(rooms.Groups, workshop.GroupRooms{Number: g, Name: "Group " + strconv.Itoa(g)})
	}
	if err := d.eff.Apply(context.Background(), d.run, rooms); err != nil {
		t.Fatal(err)
	}
	children := map[string]int{}
	categories := 0
	for _, ch := range workshopChannels(d.e) {
		if ch.Type == discordgo.ChannelTypeGuildCategory {
			categories++
		} else {
			children[ch.ParentID]++
		}
	}
	if categories != 2 || len(children) != 2 {
		t.Fatalf("%d categories holding %v, want 30 groups in 2 categories", categories, children)
	}
	for parent, n := range children {
		if n > 50 || parent == "" {
			t.Errorf("category %q holds %d channels", parent, n)
		}
	}
}

// A gallery longer than one message is split, one entry per group, each
// message within Discord's limit.
func TestLongGalleryIsSplit(t *testing.T) {
	d := newDriver(t, driverOptions{})
	users := d.join(6)
	d.must(d.engine.Begin(d.run, d.now))
	for _, u := range users {
		d.subs.add(workshop.Submission{RunID: d.run.ID, StepIndex: 2, Formation: -1, AuthorID: u, Content: strings.Repeat("insight ", 150)})
	}
	g := workshop.PostGallery{RunID: d.run.ID, StepIndex: 9, Formation: 0, Groups: d.run.Formations[0].Groups,
		Steps: []workshop.GalleryStep{{StepIndex: 2, Title: "Capture findings", Mode: workshop.ModeSolo, Formation: -1}}}
	if err := d.eff.Apply(context.Background(), d.run, g); err != nil {
		t.Fatal(err)
	}
	var gallery []string
	for _, m := range d.e.Messages(d.e.Seed().TextChannelID) {
		if strings.Contains(m.Content, "insight") {
			gallery = append(gallery, m.Content)
		}
	}
	if len(gallery) < 2 {
		t.Fatalf("gallery in %d messages, want it split", len(gallery))
	}
	all := strings.Join(gallery, "\n")
	for _, grp := range d.run.Formations[0].Groups {
		if strings.Count(all, "**"+grp.Name+"**") != 1 {
			t.Errorf("%s appears %d times, want one entry", grp.Name, strings.Count(all, "**"+grp.Name+"**"))
		}
	}
	for _, u := range users {
		if !strings.Contains(all, "<@"+u+">\n> insight") {
			t.Errorf("no submission of %s in the gallery", u)
		}
	}
}
