package commands

import (
	"bytes"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/curricula"
	"github.com/roundtable-bot/roundtable/discord/discordtest"
	"github.com/roundtable-bot/roundtable/workshop"
)

// quickSolo is a small curriculum for tests: a solo step with a
// deliverable, then a plenary.
const quickSolo = `
id      = "quick-solo"
title   = "Quick Solo"
summary = "A tiny workshop for tests."
group_size = 2
grouping   = "random"
rooms      = "open"

[intro]
duration = "2m"

[[step]]
id          = "idea"
title       = "Write your idea"
mode        = "solo"
duration    = "5m"
deliverable = "Your idea in a few sentences."
prompt      = "Write down your idea, then press Submit."

[[step]]
id       = "share"
title    = "Share"
mode     = "plenary"
duration = "5m"
prompt   = "Tell everyone what you wrote."
`

// pickARoom is a curriculum whose breakout lets members pick their room.
const pickARoom = `
id      = "pick-a-room"
title   = "Pick a Room"
group_size = 2
grouping   = "self-select"
rooms      = "open"

[intro]
duration = "1m"

[[step]]
id       = "talk"
title    = "Talk"
mode     = "breakout"
duration = "5m"
prompt   = "Talk about what brought you here."
`

// wsEnv is a bot with the workshop commands, connected to an emulator,
// with the Runner wired to in-memory adapters.
type wsEnv struct {
	e      *discordtest.Emulator
	seed   discordtest.SeedInfo
	s      *discordgo.Session
	store  *workshop.MemoryStore
	ledger *wsLedger
	fx     *wsEffector
	logs   *wsLogs
	// hostRole is the configured host role.
	hostRole string
}

// wsLogs collects the router's and runner's logs, shown when a test fails.
type wsLogs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *wsLogs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *wsLogs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

const wsWait = 5 * time.Second

// newWSEnv starts the bot. Its guild has a "Facilitator" role, configured
// as a host role (env.hostRole), held by nobody yet.
func newWSEnv(t testing.TB, opts ...discordtest.Option) *wsEnv {
	t.Helper()
	e := discordtest.New(t, opts...)
	s := e.Session(t)
	env := &wsEnv{e: e, seed: e.Seed(), s: s, store: workshop.NewMemoryStore(), ledger: &wsLedger{}, logs: &wsLogs{}}
	env.fx = &wsEffector{s: s, ledger: env.ledger}
	logger := slog.New(slog.NewTextHandler(env.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("logs:\n%s", env.logs.String())
		}
	})

	role, err := s.GuildRoleCreate(env.seed.GuildID, &discordgo.RoleParams{Name: "Facilitator"})
	if err != nil {
		t.Fatalf("create the host role: %v", err)
	}
	env.hostRole = role.ID

	lib, diags := workshop.LoadLibrary(curricula.FS, fstest.MapFS{
		"quick-solo.toml":  {Data: []byte(quickSolo)},
		"pick-a-room.toml": {Data: []byte(pickARoom)},
	})
	if diags.HasErrors() {
		t.Fatalf("curricula: %v", diags)
	}
	runner := &workshop.Runner{Engine: &workshop.Engine{}, Store: env.store, Effector: env.fx, Log: logger}
	w, err := NewWorkshop(WorkshopDeps{Runner: runner, Store: env.store, Library: lib, Ledger: env.ledger,
		HostRoles: []string{env.hostRole}, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	router := NewRouter(RouterOptions{Logger: logger})
	reg := NewRegistry()
	w.Register(reg, router)
	reg.Install(router)
	if err := reg.Validate(); err != nil {
		t.Fatalf("definitions: %v", err)
	}
	if err := reg.Register(t.Context(), s, env.seed.ApplicationID, []string{env.seed.GuildID}); err != nil {
		t.Fatalf("register: %v", err)
	}
	remove := s.AddHandler(router.Handle)
	t.Cleanup(func() { remove(); router.Wait() })
	return env
}

// await waits for the app's settled answer to an interaction.
func (env *wsEnv) await(t testing.TB, inter *discordtest.Interaction, err error) *discordtest.Response {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	r, err := inter.Await(wsWait)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// cmd runs a slash command in the main text channel and waits for the answer.
func (env *wsEnv) cmd(t testing.TB, m *discordtest.SimMember, name string, opts map[string]any) *discordtest.Response {
	t.Helper()
	inter, err := m.RunCommand(name, opts, env.seed.TextChannelID)
	return env.await(t, inter, err)
}

// click clicks a button and waits for the answer.
func (env *wsEnv) click(t testing.TB, m *discordtest.SimMember, messageID, customID string) *discordtest.Response {
	t.Helper()
	inter, err := m.ClickButton(messageID, customID)
	return env.await(t, inter, err)
}

// private reports whether only the member saw the answer.
func wsPrivate(r *discordtest.Response) bool {
	if n := len(r.Followups); n > 0 {
		return r.Followups[n-1].Flags&discordgo.MessageFlagsEphemeral != 0
	}
	return r.Ephemeral
}

func wsExpect(t testing.TB, r *discordtest.Response, want string) {
	t.Helper()
	if !strings.Contains(r.Text(), want) {
		t.Errorf("answer %q does not contain %q", r.Text(), want)
	}
	if !wsPrivate(r) {
		t.Errorf("answer %q was public; it concerns one member", r.Text())
	}
}

// messageWith finds the message in channel carrying a component customID.
func (env *wsEnv) messageWith(t testing.TB, channel, customID string) *discordgo.Message {
	t.Helper()
	for _, m := range env.e.Messages(channel) {
		if discordtest.FindComponent(m.Components, customID) != nil {
			return m
		}
	}
	t.Fatalf("no message in %s has a component %q", channel, customID)
	return nil
}

// join clicks the lobby's Join button and picks a level.
func (env *wsEnv) join(t testing.TB, m *discordtest.SimMember, runID, level string) *discordtest.Response {
	t.Helper()
	lobby := env.messageWith(t, env.seed.TextChannelID, "rt1:ws.join:"+runID)
	ask := env.click(t, m, lobby.ID, "rt1:ws.join:"+runID)
	if ask.Message == nil || discordtest.FindComponent(ask.Message.Components, "rt1:ws.level:"+runID) == nil {
		t.Fatalf("Join answered %q without the level select", ask.Text())
	}
	inter, err := m.ChooseSelect(ask.Message.ID, "rt1:ws.level:"+runID, level)
	return env.await(t, inter, err)
}

func (env *wsEnv) run(t testing.TB, id int64) *workshop.Run {
	t.Helper()
	r, err := env.store.FindRun(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (env *wsEnv) noFailures(t testing.TB) {
	t.Helper()
	if failed := env.e.FailedInteractions(); len(failed) > 0 {
		t.Errorf("members saw interactions fail: %+v", failed)
	}
}

func TestWorkshopStartJoinAndBegin(t *testing.T) {
	t.Parallel()
	env := newWSEnv(t)
	host, ana, bo := env.e.Owner(), env.e.Members()[0], env.e.Members()[1]

	wsExpect(t, env.cmd(t, host, "workshop start", map[string]any{"curriculum": "design-thinking"}), "open for joining")
	if lobbies := wsEffects[workshop.PostLobby](env.fx); len(lobbies) != 1 || lobbies[0].Title != "Design Thinking Crash Course" || lobbies[0].HostID != host.UserID {
		t.Fatalf("lobbies posted: %+v", lobbies)
	}

	joined := env.join(t, ana, "1", "some")
	if joined.Type != discordgo.InteractionResponseUpdateMessage || !strings.Contains(joined.Text(), "You've joined **Design Thinking Crash Course**") {
		t.Errorf("picking a level answered type %d %q", joined.Type, joined.Text())
	}
	if len(joined.Message.Components) != 0 {
		t.Errorf("the level select is still there after joining: %+v", joined.Message.Components)
	}
	env.join(t, bo, "1", "none")
	r := env.run(t, 1)
	if p, ok := r.Participant(ana.UserID); !ok || p.Level != workshop.ExperienceSome {
		t.Errorf("ana joined as %+v", p)
	}
	if p, ok := r.Participant(bo.UserID); !ok || p.Level != "" {
		t.Errorf("bo, who would rather not say, joined as %+v", p)
	}

	lobby := env.messageWith(t, env.seed.TextChannelID, "rt1:ws.join:1")
	wsExpect(t, env.click(t, ana, lobby.ID, "rt1:ws.join:1"), "already joined")
	wsExpect(t, env.click(t, host, lobby.ID, "rt1:ws.join:1"), "You're hosting this workshop")

	wsExpect(t, env.cmd(t, host, "workshop begin", nil), "has begun")
	if r := env.run(t, 1); r.State != workshop.RunIntro {
		t.Errorf("after /workshop begin the run is %s", r.State)
	}
	if len(wsEffects[workshop.PostIntro](env.fx)) != 1 || len(wsEffects[workshop.CreateRooms](env.fx)) != 1 {
		t.Errorf("begin did not post the intro and prepare rooms: %d intros, %d room sets",
			len(wsEffects[workshop.PostIntro](env.fx)), len(wsEffects[workshop.CreateRooms](env.fx)))
	}
	wsExpect(t, env.cmd(t, host, "workshop start", map[string]any{"curriculum": "quick-solo"}), "already has a workshop")

	wsExpect(t, env.click(t, bo, lobby.ID, "rt1:ws.leave:1"), "You've left")
	if env.run(t, 1).IsParticipant(bo.UserID) {
		t.Error("bo is still a participant after Leave")
	}
	env.noFailures(t)
}

func TestWorkshopHostActionsAreRefusedToOthers(t *testing.T) {
	t.Parallel()
	env := newWSEnv(t)
	host, ana := env.e.Owner(), env.e.Members()[0]

	wsExpect(t, env.cmd(t, ana, "workshop start", map[string]any{"curriculum": "design-thinking"}), "Only hosts can start a workshop")
	if len(wsEffects[workshop.PostLobby](env.fx)) != 0 {
		t.Fatal("a non-host's start posted a lobby")
	}
	env.cmd(t, host, "workshop start", map[string]any{"curriculum": "design-thinking"})
	env.join(t, ana, "1", "new")
	before, _ := env.store.FindRun(t.Context(), 1)

	for _, c := range []struct {
		name string
		opts map[string]any
		verb string
	}{
		{"workshop pause", nil, "pause"},
		{"workshop begin", nil, "begin"},
		{"workshop end", nil, "end"},
		{"workshop skip", nil, "skip"},
		{"workshop extend", map[string]any{"minutes": 5}, "extend"},
		{"workshop broadcast", map[string]any{"message": "hi"}, "broadcast in"},
		{"workshop panel", nil, "control"},
	} {
		wsExpect(t, env.cmd(t, ana, c.name, c.opts), "Only the workshop's hosts can "+c.verb+" it.")
	}
	if after := env.run(t, 1); after.Seq != before.Seq || after.State != workshop.RunLobby {
		t.Errorf("refused host actions changed the run: seq %d -> %d, state %s", before.Seq, after.Seq, after.State)
	}
	// Status is for everyone.
	wsExpect(t, env.cmd(t, ana, "workshop status", nil), "Participants: 1")
	env.noFailures(t)
}

func TestWorkshopHostRoleMayHost(t *testing.T) {
	t.Parallel()
	env := newWSEnv(t)
	host, ana, bo := env.e.Owner(), env.e.Members()[0], env.e.Members()[1]
	env.cmd(t, host, "workshop start", map[string]any{"curriculum": "quick-solo"})
	env.join(t, bo, "1", "new")
	wsExpect(t, env.cmd(t, ana, "workshop begin", nil), "Only the workshop's hosts can begin it.")

	if err := env.s.GuildMemberRoleAdd(env.seed.GuildID, ana.UserID, env.hostRole); err != nil {
		t.Fatalf("give ana the host role: %v", err)
	}
	// A member with a host role may take over someone else's run...
	wsExpect(t, env.cmd(t, ana, "workshop begin", nil), "has begun")
	if r := env.run(t, 1); r.State != workshop.RunIntro {
		t.Errorf("a co-host's begin left the run %s", r.State)
	}
	// ...and start their own, in another channel.
	other, err := env.s.GuildChannelCreate(env.seed.GuildID, "workshop-2", discordgo.ChannelTypeGuildText)
	if err != nil {
		t.Fatal(err)
	}
	inter, err := ana.RunCommand("workshop start", map[string]any{"curriculum": "quick-solo"}, other.ID)
	wsExpect(t, env.await(t, inter, err), "open for joining")
	env.noFailures(t)
}

func TestWorkshopRoomChoice(t *testing.T) {
	t.Parallel()
	env := newWSEnv(t)
	host, ana, bo, cy := env.e.Owner(), env.e.Members()[0], env.e.Members()[1], env.e.Members()[2]
	env.cmd(t, host, "workshop start", map[string]any{"curriculum": "pick-a-room"})
	for _, m := range []*discordtest.SimMember{ana, bo, cy} {
		env.join(t, m, "1", "some")
	}
	env.cmd(t, host, "workshop begin", nil)
	env.cmd(t, host, "workshop skip", nil) // the breakout opens with its room choice

	choices := wsEffects[workshop.PostRoomChoice](env.fx)
	if len(choices) != 1 || len(choices[0].Groups) < 2 {
		t.Fatalf("room choices posted: %+v", choices)
	}
	card := env.messageWith(t, env.seed.TextChannelID, "rt1:ws.room:1:2")
	wsExpect(t, env.click(t, ana, card.ID, "rt1:ws.room:1:2"), "You're in **"+choices[0].Groups[1].Name+"**")
	wsExpect(t, env.click(t, ana, card.ID, "rt1:ws.room:1:2"), "You're already in")
	wsExpect(t, env.click(t, ana, card.ID, "rt1:ws.room:1:1"), "You're in **"+choices[0].Groups[0].Name+"**")
	r := env.run(t, 1)
	if g := r.GroupOf(r.ActiveFormation, ana.UserID); g != 1 {
		t.Errorf("ana is in group %d after picking group 1", g)
	}
	wsExpect(t, env.click(t, host, card.ID, "rt1:ws.room:1:1"), "Only the workshop's participants can pick a group")
	env.noFailures(t)
}

func TestWorkshopHelpAndSubmit(t *testing.T) {
	t.Parallel()
	env := newWSEnv(t)
	host, ana, bo, cy := env.e.Owner(), env.e.Members()[0], env.e.Members()[1], env.e.Members()[2]

	env.cmd(t, host, "workshop start", map[string]any{"curriculum": "quick-solo"})
	env.join(t, ana, "1", "experienced")
	env.join(t, bo, "1", "new")
	wsExpect(t, env.cmd(t, ana, "help", nil), "isn't running")
	env.cmd(t, host, "workshop begin", nil)

	wsExpect(t, env.cmd(t, ana, "help", nil), "The hosts have been told")
	pings := wsEffects[workshop.PingHosts](env.fx)
	if len(pings) != 1 || pings[0].UserID != ana.UserID || !pings[0].Room.IsMain() || !slices.Contains(pings[0].HostIDs, host.UserID) {
		t.Fatalf("help pinged %+v", pings)
	}
	wsExpect(t, env.cmd(t, cy, "help", nil), "Only the workshop's participants can ask for help")

	wsExpect(t, env.cmd(t, host, "workshop skip", nil), "Skipped")
	prompt := env.messageWith(t, env.seed.TextChannelID, "rt1:ws.submit:1:0")

	click, err := ana.ClickButton(prompt.ID, "rt1:ws.submit:1:0")
	open := env.await(t, click, err)
	if open.Modal == nil || open.Modal.CustomID != "rt1:ws.submit:1:0" || len(open.Modal.Inputs) != 1 {
		t.Fatalf("Submit answered %+v, want the submission modal", open)
	}
	if in := open.Modal.Inputs[0]; in.MaxLength != workshop.MaxSubmissionLen || in.Style != int(discordgo.TextInputParagraph) || !in.Required {
		t.Errorf("submission input: %+v", in)
	}
	sent, err := ana.SubmitModal(click, open.Modal.CustomID, map[string]string{"content": "  A gift-wrapping robot.  "})
	wsExpect(t, env.await(t, sent, err), "Your submission for **Write your idea** is saved")
	subs := env.store.AllSubmissions()
	if len(subs) != 1 || subs[0].AuthorID != ana.UserID || subs[0].Content != "A gift-wrapping robot." || subs[0].StepIndex != 0 {
		t.Errorf("stored submissions: %+v", subs)
	}
	if r := env.run(t, 1); len(r.Submissions) != 1 {
		t.Errorf("the run notes %d submissions", len(r.Submissions))
	}

	wsExpect(t, env.click(t, cy, prompt.ID, "rt1:ws.submit:1:0"), "Only the workshop's participants can hand in work")
	env.noFailures(t)
}

func TestWorkshopHelpFromABreakoutRoom(t *testing.T) {
	t.Parallel()
	env := newWSEnv(t)
	host, ana, bo := env.e.Owner(), env.e.Members()[0], env.e.Members()[1]
	env.cmd(t, host, "workshop start", map[string]any{"curriculum": "design-thinking"})
	env.join(t, ana, "1", "new")
	env.join(t, bo, "1", "some")
	env.cmd(t, host, "workshop begin", nil)
	env.cmd(t, host, "workshop skip", nil) // the intro ends: the first breakout opens

	room, ok, _ := env.ledger.Lookup(t.Context(), 1, workshop.RoomRef{Formation: 0, Group: 1}.String())
	if !ok {
		t.Fatal("no room was made for group 1")
	}
	inter, err := ana.RunCommand("help", nil, room)
	wsExpect(t, env.await(t, inter, err), "The hosts have been told")
	pings := wsEffects[workshop.PingHosts](env.fx)
	if len(pings) != 1 || pings[0].Room != (workshop.RoomRef{Formation: 0, Group: 1}) {
		t.Errorf("help from the room pinged %+v, want group 1's room", pings)
	}

	// The prompt's "Ask for help" button does the same.
	prompt := env.messageWith(t, room, "rt1:ws.help:1")
	wsExpect(t, env.click(t, bo, prompt.ID, "rt1:ws.help:1"), "The hosts have been told")

	// Host commands work from the room too.
	inter, err = host.RunCommand("workshop pause", nil, room)
	wsExpect(t, env.await(t, inter, err), "Paused")
	env.noFailures(t)
}

func TestWorkshopPanel(t *testing.T) {
	t.Parallel()
	env := newWSEnv(t)
	host, ana := env.e.Owner(), env.e.Members()[0]
	env.cmd(t, host, "workshop start", map[string]any{"curriculum": "quick-solo"})
	env.join(t, ana, "1", "some")

	panel := env.cmd(t, host, "workshop panel", nil)
	wsExpect(t, panel, "Host panel")
	click := func(customID string) *discordtest.Response {
		t.Helper()
		if discordtest.FindComponent(panel.Message.Components, customID) == nil {
			t.Fatalf("the panel has no %s button: %q", customID, panel.Text())
		}
		r := env.click(t, host, panel.Message.ID, customID)
		if r.Modal == nil {
			panel = r
		}
		return r
	}
	if r := click("rt1:ws.host.begin:1"); !strings.Contains(r.Text(), "has begun") || r.Type != discordgo.InteractionResponseUpdateMessage {
		t.Errorf("Begin on the panel answered type %d %q", r.Type, r.Text())
	}
	if r := click("rt1:ws.host.pause:1"); !strings.Contains(r.Text(), "Paused") || !env.run(t, 1).Paused {
		t.Errorf("Pause on the panel answered %q", r.Text())
	}
	if r := click("rt1:ws.host.resume:1"); !strings.Contains(r.Text(), "Resumed") || env.run(t, 1).Paused {
		t.Errorf("Resume on the panel answered %q", r.Text())
	}
	if r := click("rt1:ws.host.extend:1:5"); !strings.Contains(r.Text(), "Added 5 minutes") {
		t.Errorf("+5 min on the panel answered %q", r.Text())
	}
	modal := click("rt1:ws.host.broadcast:1")
	if modal.Modal == nil {
		t.Fatalf("Broadcast… answered %q, want a modal", modal.Text())
	}
	opened, err := host.ClickButton(panel.Message.ID, "rt1:ws.host.broadcast:1")
	env.await(t, opened, err)
	sent, err := host.SubmitModal(opened, "rt1:ws.host.broadcast:1", map[string]string{"message": "Five minutes to go!"})
	wsExpect(t, env.await(t, sent, err), "Sent to the main channel and every room")
	found := false
	for _, n := range wsEffects[workshop.PostNotice](env.fx) {
		found = found || strings.Contains(n.Text, "Five minutes to go!")
	}
	if !found {
		t.Error("the broadcast was not posted")
	}
	if r := click("rt1:ws.host.end:1"); !strings.Contains(r.Text(), "has ended") || env.run(t, 1).State != workshop.RunEnded {
		t.Errorf("End on the panel answered %q", r.Text())
	}
	if discordtest.FindComponent(panel.Message.Components, "rt1:ws.host.pause:1") != nil {
		t.Error("an ended run's panel still offers Pause")
	}
	env.noFailures(t)
}

func TestWorkshopAutocompleteListAndHistory(t *testing.T) {
	t.Parallel()
	env := newWSEnv(t)
	host := env.e.Owner()
	ask := func(typed string) []*discordgo.ApplicationCommandOptionChoice {
		t.Helper()
		inter, err := host.Autocomplete("workshop start", map[string]any{"curriculum": typed}, "curriculum", env.seed.TextChannelID)
		return env.await(t, inter, err).Choices
	}
	if got := ask("DESIGN"); len(got) != 1 || got[0].Value != "design-thinking" || !strings.Contains(got[0].Name, "Design Thinking Crash Course") {
		t.Errorf("autocomplete for DESIGN: %+v", got)
	}
	if got := ask(""); len(got) != 5 {
		t.Errorf("autocomplete with nothing typed offered %d curricula, want all 5", len(got))
	}
	if got := ask("no such thing"); len(got) != 0 {
		t.Errorf("autocomplete for nonsense offered %+v", got)
	}

	list := env.cmd(t, env.e.Members()[0], "workshop list", nil)
	for _, want := range []string{"**Design Thinking Crash Course** (`design-thinking`)", "**Quick Solo** (`quick-solo`)\n12m in all · first exercise after 2m"} {
		wsExpect(t, list, want)
	}

	wsExpect(t, env.cmd(t, host, "workshop history", nil), "No workshops have run")
	env.cmd(t, host, "workshop start", map[string]any{"curriculum": "quick-solo"})
	env.cmd(t, host, "workshop end", nil)
	wsExpect(t, env.cmd(t, host, "workshop history", nil), "**Quick Solo** · cancelled")
	env.noFailures(t)
}

func TestWorkshopRefusesInvalidOptions(t *testing.T) {
	t.Parallel()
	env := newWSEnv(t)
	host := env.e.Owner()
	start := func(opts map[string]any) *discordtest.Response {
		t.Helper()
		if _, ok := opts["curriculum"]; !ok {
			opts["curriculum"] = "quick-solo"
		}
		return env.cmd(t, host, "workshop start", opts)
	}
	wsExpect(t, start(map[string]any{"group_size": 1}), "group_size must be between 2 and 25 people; you gave 1.")
	wsExpect(t, start(map[string]any{"group_size": 26}), "group_size must be between 2 and 25")
	wsExpect(t, start(map[string]any{"starts_in": 10081}), "starts_in must be between 0 and 10080 minutes")
	wsExpect(t, start(map[string]any{"starts_in": -1}), "starts_in must be between 0 and 10080 minutes")
	wsExpect(t, start(map[string]any{"curriculum": "nope"}), `No curriculum "nope". Available: business-model-canvas, design-thinking, pick-a-room, project-planning, quick-solo.`)
	wsExpect(t, start(map[string]any{"voice": env.seed.TextChannelID}), "voice must be a voice or stage channel")
	if len(wsEffects[workshop.PostLobby](env.fx)) != 0 {
		t.Fatal("an invalid start posted a lobby")
	}

	wsExpect(t, env.cmd(t, host, "workshop pause", nil), "There's no workshop running in this channel")
	r := start(map[string]any{"voice": env.seed.VoiceChannelID, "starts_in": 30, "group_size": 3})
	wsExpect(t, r, "begins by itself <t:")
	run := env.run(t, 1)
	if run.MainVoiceChannelID != env.seed.VoiceChannelID || run.GroupSize != 3 || run.StartsAt.IsZero() {
		t.Errorf("started run: voice %q, group size %d, starts %v", run.MainVoiceChannelID, run.GroupSize, run.StartsAt)
	}
	if !slices.Contains(env.store.TimerKeys(), "run:1:begin") {
		t.Errorf("no begin timer for a start time: %v", env.store.TimerKeys())
	}

	wsExpect(t, env.cmd(t, host, "workshop extend", map[string]any{"minutes": 0}), "minutes must be a whole number from 1 to 120.")
	wsExpect(t, env.cmd(t, host, "workshop extend", map[string]any{"minutes": 121}), "minutes must be a whole number from 1 to 120.")
	wsExpect(t, env.cmd(t, host, "workshop extend", map[string]any{"minutes": 5}), "isn't running")
	wsExpect(t, env.cmd(t, host, "workshop broadcast", map[string]any{"message": strings.Repeat("x", workshop.MaxBroadcastLen+1)}),
		"The message has 1801 characters; at most 1800 fit.")
	wsExpect(t, env.cmd(t, host, "workshop broadcast", map[string]any{"message": "   "}), "The message is empty.")
	env.noFailures(t)
}

func TestWorkshopMissingPermissionIsToldToTheHost(t *testing.T) {
	t.Parallel()
	env := newWSEnv(t, discordtest.WithoutBotPermission(discordgo.PermissionManageChannels))
	host, ana, bo := env.e.Owner(), env.e.Members()[0], env.e.Members()[1]
	env.cmd(t, host, "workshop start", map[string]any{"curriculum": "design-thinking"})
	env.join(t, ana, "1", "new")
	env.join(t, bo, "1", "some")

	r := env.cmd(t, host, "workshop begin", nil)
	wsExpect(t, r, "has begun")
	wsExpect(t, r, "I need Manage Channels")
	if run := env.run(t, 1); run.State != workshop.RunIntro {
		t.Errorf("the run is %s; the decision should stand while its rooms wait", run.State)
	}
	pending, err := env.store.PendingEffects(t.Context(), 1)
	if err != nil || len(pending) == 0 {
		t.Fatalf("nothing left queued after the rooms failed: %v %v", pending, err)
	}
	if _, ok := pending[0].(workshop.CreateRooms); !ok {
		t.Errorf("first queued effect is %T, want the CreateRooms that failed", pending[0])
	}
	env.noFailures(t)
}

func TestWorkshopUnstoredDecisionIsAnError(t *testing.T) {
	t.Parallel()
	env := newWSEnv(t)
	host, ana := env.e.Owner(), env.e.Members()[0]
	env.cmd(t, host, "workshop start", map[string]any{"curriculum": "quick-solo"})
	env.join(t, ana, "1", "new")

	env.store.FailCommits(workshop.Errorf(workshop.EUNAVAILABLE, ""))
	r := env.cmd(t, host, "workshop begin", nil)
	wsExpect(t, r, MsgUnavailable)
	if strings.Contains(r.Text(), "has begun") {
		t.Errorf("a decision that was not stored was reported done: %q", r.Text())
	}
	if run := env.run(t, 1); run.State != workshop.RunLobby {
		t.Errorf("the run is %s after a failed commit", run.State)
	}
	env.noFailures(t)
}

func TestWorkshopHelpFromElsewhereFindsTheMembersRun(t *testing.T) {
	t.Parallel()
	env := newWSEnv(t)
	host, ana, bo := env.e.Owner(), env.e.Members()[0], env.e.Members()[1]
	env.cmd(t, host, "workshop start", map[string]any{"curriculum": "quick-solo"})
	env.join(t, ana, "1", "new")
	env.cmd(t, host, "workshop begin", nil)

	elsewhere, err := env.s.GuildChannelCreate(env.seed.GuildID, "off-topic", discordgo.ChannelTypeGuildText)
	if err != nil {
		t.Fatal(err)
	}
	inter, err := ana.RunCommand("help", nil, elsewhere.ID)
	wsExpect(t, env.await(t, inter, err), "The hosts have been told")
	if pings := wsEffects[workshop.PingHosts](env.fx); len(pings) != 1 || pings[0].UserID != ana.UserID {
		t.Errorf("help from another channel pinged %+v", pings)
	}
	inter, err = bo.RunCommand("help", nil, elsewhere.ID)
	wsExpect(t, env.await(t, inter, err), "You aren't in a running workshop here")
	env.noFailures(t)
}

func TestWorkshopButtonsOfUnknownRunsAreStale(t *testing.T) {
	t.Parallel()
	env := newWSEnv(t)
	ana := env.e.Members()[0]
	id, err := env.fx.post(t.Context(), env.seed.TextChannelID, "an old card",
		wsButton("Join", "rt1:ws.join:abc"), wsButton("Join", "rt1:ws.join:99"), wsButton("Room", "rt1:ws.room:1:x"))
	if err != nil {
		t.Fatal(err)
	}
	wsExpect(t, env.click(t, ana, id, "rt1:ws.join:abc"), MsgStale)
	wsExpect(t, env.click(t, ana, id, "rt1:ws.room:1:x"), MsgStale)
	wsExpect(t, env.click(t, ana, id, "rt1:ws.join:99"), "No workshop 99.")
	env.noFailures(t)
}
