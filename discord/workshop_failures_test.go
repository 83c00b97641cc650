package discord

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
	"github.com/roundtable-bot/roundtable/discord/discordtest/fault"
	"github.com/roundtable-bot/roundtable/workshop"
)

// begin has n members join and the host begin; it returns the begin
// effects without applying them.
func (d *driver) begin(n int) []workshop.Effect {
	d.tb.Helper()
	d.join(n)
	effs, err := d.engine.Begin(d.run, d.now)
	if err != nil {
		d.tb.Fatalf("Begin: %v", err)
	}
	return effs
}

func only[T workshop.Effect](effs []workshop.Effect) []T {
	var out []T
	for _, e := range effs {
		if t, ok := e.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

// workshopChannels are the guild's channels the effector made.
func workshopChannels(e *discordtest.Emulator) []*discordgo.Channel {
	seed := e.Seed()
	var out []*discordgo.Channel
	for _, ch := range e.Channels(seed.GuildID) {
		if ch.ID != seed.TextChannelID && ch.ID != seed.VoiceChannelID {
			out = append(out, ch)
		}
	}
	return out
}

func TestCreateRoomsWithoutManageChannelsTellsTheHost(t *testing.T) {
	d := newDriver(t, driverOptions{emulator: []discordtest.Option{discordtest.WithoutBotPermission(discordgo.PermissionManageChannels)}})
	rooms := only[workshop.CreateRooms](d.begin(7))[0]
	err := d.eff.Apply(context.Background(), d.run, rooms)
	if workshop.ErrorCode(err) != workshop.EFORBIDDEN || !strings.Contains(workshop.ErrorMessage(err), "Manage Channels") {
		t.Fatalf("CreateRooms without Manage Channels: %v; want EFORBIDDEN naming the permission", err)
	}
	if chs := workshopChannels(d.e); len(chs) != 0 {
		t.Errorf("channels left behind: %v", chs)
	}
}

// A formation Discord refuses halfway (here: a host role that was deleted)
// is taken down again: no half-built set of rooms is left.
func TestCreateRoomsRefusedHalfwayLeavesNothing(t *testing.T) {
	d := newDriver(t, driverOptions{effector: WorkshopEffectorOptions{Concurrency: 1, HostRoleIDs: func(string) []string { return nil }}})
	rooms := only[workshop.CreateRooms](d.begin(7))[0]
	// The last group's rooms name a role that does not exist.
	calls := 0
	d.eff.opts.HostRoleIDs = func(string) []string {
		calls++
		if calls > 2*(len(rooms.Groups)-1) {
			return []string{"1234567890123"}
		}
		return nil
	}
	err := d.eff.Apply(context.Background(), d.run, rooms)
	if err == nil {
		t.Fatal("CreateRooms with an unknown role succeeded")
	}
	if workshop.ErrorCode(err) == workshop.EUNAVAILABLE {
		t.Errorf("a refusal reported as unavailable: %v", err)
	}
	if chs := workshopChannels(d.e); len(chs) != 0 {
		t.Errorf("half-built rooms left: %d channels", len(chs))
	}
	// Once the configuration is fixed, a retry builds them all.
	d.eff.opts.HostRoleIDs = nil
	if err := d.eff.Apply(context.Background(), d.run, rooms); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if got := len(workshopChannels(d.e)); got != 1+2*len(rooms.Groups) {
		t.Errorf("%d channels after the retry, want %d", got, 1+2*len(rooms.Groups))
	}
}

// Discord failing for good (5xx) returns an error so the runner keeps the
// effect queued; once Discord is back the retry posts exactly once.
func TestPersistentServerErrorKeepsTheEffectQueued(t *testing.T) {
	d := newDriver(t, driverOptions{emulator: []discordtest.Option{discordtest.WithFaults(fault.Options{
		Statuses: []int{http.StatusInternalServerError},
		Rand:     rand.New(rand.NewPCG(1, 2)),
		Match: func(r *http.Request) bool {
			return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/messages")
		},
	})}})
	intro := only[workshop.PostIntro](d.begin(3))[0]
	d.e.Faults().SetErrorRate(1)
	err := d.eff.Apply(context.Background(), d.run, intro)
	if workshop.ErrorCode(err) != workshop.EUNAVAILABLE {
		t.Fatalf("posting through a 500: %v, want EUNAVAILABLE", err)
	}
	d.e.Faults().SetErrorRate(0)
	for range 2 {
		if err := d.eff.Apply(context.Background(), d.run, intro); err != nil {
			t.Fatalf("retry: %v", err)
		}
	}
	n := 0
	for _, m := range d.e.Messages(d.e.Seed().TextChannelID) {
		if m.Content == intro.Text {
			n++
		}
	}
	if n != 1 {
		t.Errorf("intro posted %d times, want once", n)
	}
}

// A crash between making an object and recording it leaves "pending" in
// the ledger; the retry finds the object instead of making a twin.
func TestCrashBetweenCreateAndRecordMakesNoTwins(t *testing.T) {
	d := newDriver(t, driverOptions{})
	effs := d.begin(7)
	rooms, intro := only[workshop.CreateRooms](effs)[0], only[workshop.PostIntro](effs)[0]
	crashed := map[string]bool{}
	d.ledger.failRecord = func(key, value string) bool {
		// The first real ID of a text room and of the intro is lost.
		if value == pending || crashed[key] || !(strings.HasSuffix(key, ":text") || strings.Contains(key, "intro")) {
			return false
		}
		crashed[key] = true
		return true
	}
	ctx := context.Background()
	if err := d.eff.Apply(ctx, d.run, rooms); err == nil {
		t.Fatal("CreateRooms succeeded although recording failed")
	}
	if err := d.eff.Apply(ctx, d.run, intro); err == nil {
		t.Fatal("PostIntro succeeded although recording failed")
	}
	d.ledger.failRecord = nil
	for _, ef := range []workshop.Effect{rooms, intro} {
		if err := d.eff.Apply(ctx, d.run, ef); err != nil {
			t.Fatalf("retry %s: %v", ef.Key(), err)
		}
	}
	if got := len(workshopChannels(d.e)); got != 1+2*len(rooms.Groups) {
		t.Errorf("%d channels, want %d: a twin was made", got, 1+2*len(rooms.Groups))
	}
	n := 0
	for _, m := range d.e.Messages(d.e.Seed().TextChannelID) {
		if m.Content == intro.Text {
			n++
		}
	}
	if n != 1 {
		t.Errorf("intro posted %d times, want once", n)
	}
}

// A burst of lobby updates becomes few edits, and the last count shows.
func TestLobbyUpdatesAreCoalesced(t *testing.T) {
	d := newDriver(t, driverOptions{members: 30, effector: WorkshopEffectorOptions{LobbyUpdateEvery: time.Hour}})
	d.join(30) // 30 UpdateLobby effects: one edit now, the rest waiting
	const edit = "PATCH /api/v9/channels/{channel_id}/messages/{message_id}"
	if got := countRequests(d.e, edit); got != 1 {
		t.Errorf("%d edits during the burst, want 1", got)
	}
	if err := d.eff.Close(); err != nil {
		t.Fatal(err)
	}
	if got := countRequests(d.e, edit); got != 2 {
		t.Errorf("%d edits after Close, want 2 (the pending update flushed)", got)
	}
	card := d.e.Messages(d.e.Seed().TextChannelID)[0]
	if got := card.Embeds[0].Fields[1].Value; got != "30" {
		t.Errorf("lobby shows %s participants, want 30", got)
	}
}

// The flusher shows the latest count by itself once the interval passes.
func TestLobbyFlusherShowsTheLastCount(t *testing.T) {
	d := newDriver(t, driverOptions{members: 12, effector: WorkshopEffectorOptions{LobbyUpdateEvery: 50 * time.Millisecond}})
	d.join(12)
	id := d.e.Messages(d.e.Seed().TextChannelID)[0].ID
	d.e.WaitFor(t, 5*time.Second, func(st *discordtest.State) bool {
		m, ok := st.Message(id)
		return ok && len(m.Embeds) == 1 && m.Embeds[0].Fields[1].Value == "12"
	})
}

// Open rooms are visible to everyone and need no overwrites; in private
// rooms AddToGroup and RemoveFromGroup change who sees them.
func TestRoomPrivacyAndGroupChanges(t *testing.T) {
	c := *loadCurriculum(t, "design-thinking")
	c.Rooms = workshop.RoomsOpen
	open := newDriver(t, driverOptions{curriculum: &c})
	open.apply(open.begin(4))
	seed := open.e.Seed()
	for _, ch := range workshopChannels(open.e) {
		if !open.e.CanSee(ch.ID, seed.MemberIDs[5]) {
			t.Errorf("open room %q hidden from a non-participant", ch.Name)
		}
	}

	d := newDriver(t, driverOptions{})
	d.apply(d.begin(4))
	seed = d.e.Seed()
	outsider := seed.MemberIDs[5]
	text := d.room(0, 1, roomText)
	if d.e.CanSee(text, outsider) {
		t.Fatal("a private room is visible to someone outside the group")
	}
	ctx := context.Background()
	add := workshop.AddToGroup{RunID: d.run.ID, Formation: 0, Group: 1, UserID: outsider, Seq: 99}
	if err := d.eff.Apply(ctx, d.run, add); err != nil {
		t.Fatal(err)
	}
	if !d.e.CanSee(text, outsider) || !d.e.CanSee(d.room(0, 1, roomVoice), outsider) {
		t.Error("AddToGroup did not open the group's rooms to the member")
	}
	rm := workshop.RemoveFromGroup{RunID: d.run.ID, Formation: 0, Group: 1, UserID: outsider, Seq: 100}
	for range 2 {
		if err := d.eff.Apply(ctx, d.run, rm); err != nil {
			t.Fatal(err)
		}
	}
	if d.e.CanSee(text, outsider) {
		t.Error("RemoveFromGroup left the room visible")
	}
}

// A run with a start time gets a scheduled event that goes active at the
// start and completed at the end; a self-select breakout gets a button
// per room.
func TestScheduledEventAndRoomChoice(t *testing.T) {
	d := newDriver(t, driverOptions{})
	seed := d.e.Seed()
	c := loadCurriculum(t, "design-thinking")
	c.Grouping = workshop.GroupingSelf
	run, effs, err := d.engine.Start(43, workshop.StartRequest{
		GuildID: seed.GuildID, MainChannelID: seed.TextChannelID, MainVoiceChannelID: seed.VoiceChannelID,
		HostID: seed.OwnerID, Curriculum: c, StartsAt: d.now.Add(time.Hour),
	}, d.now)
	if err != nil {
		t.Fatal(err)
	}
	d.run = run
	d.timers = map[string]time.Time{}
	d.apply(effs)
	evs := d.e.ScheduledEvents(seed.GuildID)
	if len(evs) != 1 || evs[0].Name != c.Title || evs[0].ChannelID != seed.VoiceChannelID {
		t.Fatalf("scheduled events %v, want one for the run in the main voice channel", evs)
	}
	d.join(4)
	d.fireUntil(d.now.Add(time.Hour)) // the start time begins the run
	if st := d.e.ScheduledEvents(seed.GuildID)[0].Status; st != discordgo.GuildScheduledEventStatusActive {
		t.Errorf("event status %v after the start, want active", st)
	}
	d.fireNextStep()
	var choice *discordgo.Message
	for _, m := range d.e.Messages(seed.TextChannelID) {
		if strings.Contains(m.Content, "Pick your room") {
			choice = m
		}
	}
	if choice == nil {
		t.Fatal("no room choice posted")
	}
	if ids := buttonIDs(choice); len(ids) != len(d.run.Formations[0].Groups) || ids[0] != "rt1:ws.room:43:1" {
		t.Errorf("room choice buttons %v", ids)
	}
	d.must(d.engine.End(d.run, d.now))
	if st := d.e.ScheduledEvents(seed.GuildID)[0].Status; st != discordgo.GuildScheduledEventStatusCompleted {
		t.Errorf("event status %v after the end, want completed", st)
	}
}

// Without Move Members nobody is moved: everyone gets a link to their
// room, and the post names the missing permission for the hosts.
func TestMovesWithoutMoveMembersPostLinks(t *testing.T) {
	d := newDriver(t, driverOptions{emulator: []discordtest.Option{discordtest.WithoutBotPermission(discordgo.PermissionVoiceMoveMembers)}})
	users := d.join(4)
	d.joinVoice(users...)
	d.must(d.engine.Begin(d.run, d.now))
	d.fireNextStep()
	d.waitMoves()
	seed := d.e.Seed()
	for _, u := range users {
		if got := d.e.VoiceChannelOf(u); got != seed.VoiceChannelID {
			t.Errorf("%s moved to %q without the permission", u, got)
		}
	}
	var links string
	for _, m := range d.e.Messages(seed.TextChannelID) {
		if strings.Contains(m.Content, "rooms are ready") {
			links = m.Content
		}
	}
	if !strings.Contains(links, "Move Members") {
		t.Errorf("links post %q does not name the missing permission", links)
	}
	for _, u := range users {
		if !strings.Contains(links, "<@"+u+">") {
			t.Errorf("no link for %s", u)
		}
	}
}
