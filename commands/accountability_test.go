package commands

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/accountability"
	"github.com/roundtable-bot/roundtable/discord/discordtest"
)

// acctHarness is the accountability commands on a Service with in-memory
// stores, answering through the emulator; the Service's Discord effects go
// through the same session.
type acctHarness struct {
	e       *discordtest.Emulator
	seed    discordtest.SeedInfo
	svc     *accountability.Service
	store   *accountability.MemoryStore
	session *discordgo.Session
	logs    *bufLogger
	mu      sync.Mutex
	now     time.Time
}

func (h *acctHarness) clock() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.now
}

func (h *acctHarness) setClock(t time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.now = t.UTC()
}

func newAcctHarness(t *testing.T) *acctHarness {
	t.Helper()
	e := discordtest.New(t)
	s := e.Session(t)
	h := &acctHarness{e: e, seed: e.Seed(), session: s, logs: &bufLogger{}, now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("router log:\n%s", h.logs.String())
		}
	})
	h.store = accountability.NewMemoryStore(h.clock)
	h.svc = &accountability.Service{Notifier: sessionNotifier{s}, Now: h.clock, Log: h.logs.logger()}
	h.store.Wire(h.svc)

	acct, err := NewAccountability(AccountabilityDeps{Service: h.svc, Logger: h.logs.logger()})
	if err != nil {
		t.Fatal(err)
	}
	router := NewRouter(RouterOptions{Logger: h.logs.logger(), Now: h.clock})
	reg := NewRegistry()
	acct.Register(reg, router)
	reg.Install(router)
	if err := reg.Register(t.Context(), s, h.seed.ApplicationID, []string{h.seed.GuildID}); err != nil {
		t.Fatalf("register: %v", err)
	}
	remove := s.AddHandler(router.Handle)
	t.Cleanup(func() { remove(); router.Wait() })
	return h
}

func (h *acctHarness) run(t *testing.T, m *discordtest.SimMember, name string, options map[string]any, channelID string) *discordtest.Response {
	t.Helper()
	inter, err := m.RunCommand(name, options, channelID)
	if err != nil {
		t.Fatalf("run /%s: %v", name, err)
	}
	return inter.WaitResponse(t, answerWait)
}

// setup makes the seed's text channel an accountability channel.
func (h *acctHarness) setup(t *testing.T, zone string) {
	t.Helper()
	r := h.run(t, h.e.Owner(), "accountability setup", map[string]any{
		"channel": h.seed.TextChannelID, "cadence": "daily", "time": "09:00", "timezone": zone}, h.seed.TextChannelID)
	if !r.Ephemeral || !strings.Contains(r.Message.Content, "is an accountability channel") {
		t.Fatalf("setup answered %+v", r.Message)
	}
}

func wantEphemeral(t *testing.T, r *discordtest.Response, substr string) {
	t.Helper()
	if !r.Ephemeral || r.Message == nil || !strings.Contains(r.Message.Content, substr) {
		var content string
		if r.Message != nil {
			content = r.Message.Content
		}
		t.Fatalf("answered ephemeral=%v %q, want an ephemeral message containing %q", r.Ephemeral, content, substr)
	}
}

func TestAccountabilitySetupNeedsManageServer(t *testing.T) {
	t.Parallel()
	h := newAcctHarness(t)
	opts := map[string]any{"channel": h.seed.TextChannelID, "cadence": "weekdays", "time": "09:30", "timezone": "Europe/Berlin"}
	r := h.run(t, h.e.Members()[0], "accountability setup", opts, h.seed.TextChannelID)
	wantEphemeral(t, r, "Manage Server")
	if _, err := h.store.Channels().Get(t.Context(), h.seed.GuildID, h.seed.TextChannelID); accountability.ErrorCode(err) != accountability.ENOTFOUND {
		t.Fatalf("a refused setup stored the channel: %v", err)
	}
	r = h.run(t, h.e.Owner(), "accountability setup", opts, h.seed.TextChannelID)
	wantEphemeral(t, r, "every weekday at 09:30 (Europe/Berlin)")
	ch, err := h.store.Channels().Get(t.Context(), h.seed.GuildID, h.seed.TextChannelID)
	if err != nil || ch.Cadence != accountability.Weekdays || ch.Zone.String() != "Europe/Berlin" {
		t.Fatalf("stored %+v, %v", ch, err)
	}
	wantEphemeral(t, h.run(t, h.e.Members()[0], "accountability pause", map[string]any{}, h.seed.TextChannelID), "Manage Server")
	wantEphemeral(t, h.run(t, h.e.Owner(), "accountability pause", map[string]any{}, h.seed.TextChannelID), "Paused")
	bad := map[string]any{"channel": h.seed.TextChannelID, "cadence": "daily", "time": "9h", "timezone": "UTC"}
	wantEphemeral(t, h.run(t, h.e.Owner(), "accountability setup", bad, h.seed.TextChannelID), "HH:MM")
	if failed := h.e.FailedInteractions(); len(failed) > 0 {
		t.Errorf("members saw interactions fail: %+v", failed)
	}
}

func TestCheckinModalRoundTrip(t *testing.T) {
	t.Parallel()
	h := newAcctHarness(t)
	h.setup(t, "UTC")
	ana := h.e.Members()[0]
	inter, err := ana.RunCommand("checkin", nil, h.seed.TextChannelID)
	if err != nil {
		t.Fatal(err)
	}
	r := inter.WaitResponse(t, answerWait)
	if r.Modal == nil || len(r.Modal.Inputs) != 4 {
		t.Fatalf("/checkin answered %+v, want the check-in modal", r)
	}
	for _, in := range r.Modal.Inputs[:3] {
		if in.MaxLength != accountability.MaxCheckinField {
			t.Errorf("input %s max_length %d, want the domain's %d", in.CustomID, in.MaxLength, accountability.MaxCheckinField)
		}
	}
	// Discord itself refuses overlong input, thanks to max_length.
	if _, err := ana.SubmitModal(inter, r.Modal.CustomID, map[string]string{fieldDone: strings.Repeat("x", accountability.MaxCheckinField+1)}); err == nil {
		t.Fatal("the emulator accepted an overlong field: the modal lacks max_length")
	}
	// A bad mood is the domain's to refuse.
	sub, err := ana.SubmitModal(inter, r.Modal.CustomID, map[string]string{fieldDone: "parser", fieldMood: "9"})
	if err != nil {
		t.Fatal(err)
	}
	wantEphemeral(t, sub.WaitResponse(t, answerWait), "Mood must be")

	sub, err = ana.SubmitModal(inter, r.Modal.CustomID, map[string]string{fieldDone: "wrote the parser", fieldBlockers: "flaky CI", fieldMood: "4"})
	if err != nil {
		t.Fatal(err)
	}
	wantEphemeral(t, sub.WaitResponse(t, answerWait), "Checked in for 2026-03-02")
	msgs := h.e.Messages(h.seed.TextChannelID)
	if len(msgs) != 1 || len(msgs[0].Embeds) != 1 || !strings.Contains(msgs[0].Embeds[0].Fields[0].Value, "wrote the parser") {
		t.Fatalf("channel holds %+v, want the check-in embed", msgs)
	}

	// The same day again, from the prompt's button: the message is edited.
	h.setClock(time.Date(2026, 3, 2, 23, 0, 0, 0, time.UTC))
	if _, err := h.svc.PostDuePrompts(t.Context(), time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	var prompt *discordgo.Message
	for _, m := range h.e.Messages(h.seed.TextChannelID) {
		if strings.HasPrefix(m.Content, "Time to check in") {
			prompt = m
		}
	}
	if prompt == nil {
		t.Fatal("no prompt was posted")
	}
	click, err := ana.ClickButton(prompt.ID, accountability.CheckinButtonID)
	if err != nil {
		t.Fatal(err)
	}
	cr := click.WaitResponse(t, answerWait)
	if cr.Modal == nil {
		t.Fatalf("the Check in button answered %+v, want the modal", cr)
	}
	sub, err = ana.SubmitModal(click, cr.Modal.CustomID, map[string]string{fieldDone: "wrote the parser and its tests"})
	if err != nil {
		t.Fatal(err)
	}
	wantEphemeral(t, sub.WaitResponse(t, answerWait), "Updated your check-in for 2026-03-02")
	edited, ok := h.e.Message(msgs[0].ID)
	if !ok || !strings.Contains(edited.Embeds[0].Fields[0].Value, "and its tests") {
		t.Fatalf("the check-in message was not edited: %+v", edited)
	}
	if n := len(h.e.Messages(h.seed.TextChannelID)); n != 2 {
		t.Errorf("channel holds %d messages, want the check-in and the prompt", n)
	}
	if failed := h.e.FailedInteractions(); len(failed) > 0 {
		t.Errorf("members saw interactions fail: %+v", failed)
	}
}

func TestMemberSettingsRefuseBadInput(t *testing.T) {
	t.Parallel()
	h := newAcctHarness(t)
	h.setup(t, "UTC")
	ana := h.e.Members()[0]
	ch := h.seed.TextChannelID
	wantEphemeral(t, h.run(t, ana, "timezone set", map[string]any{"zone": "Mars/Olympus_Mons"}, ch), "Unknown time zone")
	wantEphemeral(t, h.run(t, ana, "timezone set", map[string]any{"zone": "America/New_York"}, ch), "America/New_York")
	wantEphemeral(t, h.run(t, ana, "away", map[string]any{"until": "2026-03-01"}, ch), "in the past")
	wantEphemeral(t, h.run(t, ana, "away", map[string]any{"until": "someday"}, ch), "not a date")
	wantEphemeral(t, h.run(t, ana, "away", map[string]any{"until": "+3d"}, ch), "away from 2026-03-02 to 2026-03-05")
	wantEphemeral(t, h.run(t, ana, "remind on", map[string]any{"time": "7pm"}, ch), "HH:MM")
	wantEphemeral(t, h.run(t, ana, "remind on", map[string]any{"time": "19:00"}, ch), "19:00 (America/New_York)")
	wantEphemeral(t, h.run(t, ana, "remind off", map[string]any{}, ch), "off")

	ac, err := ana.Autocomplete("timezone set", map[string]any{"zone": "new yo"}, "zone", ch)
	if err != nil {
		t.Fatal(err)
	}
	if r := ac.WaitResponse(t, answerWait); len(r.Choices) == 0 || r.Choices[0].Value != "America/New_York" {
		t.Errorf("zone autocomplete for %q answered %+v", "new yo", r.Choices)
	}
}

func TestStreakAttachesHeatmapPNG(t *testing.T) {
	t.Parallel()
	h := newAcctHarness(t)
	h.setup(t, "UTC")
	ana := h.e.Members()[0]
	for day := 1; day <= 3; day++ {
		h.setClock(time.Date(2026, 3, day, 12, 0, 0, 0, time.UTC))
		if _, err := h.svc.CheckIn(t.Context(), accountability.CheckinRequest{GuildID: h.seed.GuildID, ChannelID: h.seed.TextChannelID,
			UserID: ana.UserID, Input: accountability.CheckinInput{Done: "step"}}); err != nil {
			t.Fatal(err)
		}
	}
	r := h.run(t, h.e.Members()[1], "streak", map[string]any{"member": ana.UserID}, h.seed.TextChannelID)
	if r.Ephemeral || r.Message == nil || len(r.Message.Embeds) != 1 || len(r.Message.Attachments) != 1 {
		t.Fatalf("/streak answered %+v", r.Message)
	}
	embed := r.Message.Embeds[0]
	if embed.Fields[0].Value != "3 days" || embed.Image == nil || embed.Image.URL != "attachment://"+streakFile {
		t.Errorf("streak embed %+v", embed)
	}
	png, ok := h.e.Attachment(r.Message.Attachments[0].ID)
	if !ok || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("attachment is not a PNG (%d bytes)", len(png))
	}
}

func TestAskAnswerResolveAndStats(t *testing.T) {
	t.Parallel()
	h := newAcctHarness(t)
	owner, ana, cem := h.e.Owner(), h.e.Members()[0], h.e.Members()[1]
	ch := h.seed.TextChannelID
	wantEphemeral(t, h.run(t, ana, "ask", map[string]any{"topic": "CI", "details": "red"}, ch), "/support setup")
	wantEphemeral(t, h.run(t, ana, "support setup", map[string]any{"channel": ch, "nudge_after": 24}, ch), "Manage Server")
	wantEphemeral(t, h.run(t, owner, "support setup", map[string]any{"channel": ch, "nudge_after": 24}, ch), "24 hours")

	r := h.run(t, ana, "ask", map[string]any{"topic": "CI is red", "details": "tests pass locally"}, ch)
	wantEphemeral(t, r, "Your question is open")
	threads := h.e.Threads(ch)
	if len(threads) != 1 || threads[0].Name != "CI is red" {
		t.Fatalf("threads %+v", threads)
	}
	thread := threads[0].ID

	// The adapter feeds message-create events in threads to the Service;
	// here the test does it for the reply it makes.
	h.setClock(h.clock().Add(45 * time.Minute))
	reply, err := cem.Say(thread, "Try clearing the cache")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.svc.ObserveThreadMessage(t.Context(), reply.ChannelID, reply.Author.ID, reply.Author.Bot, h.clock()); err != nil {
		t.Fatal(err)
	}
	wantEphemeral(t, h.run(t, cem, "resolve", nil, thread), "Only the member who asked")
	wantEphemeral(t, h.run(t, ana, "resolve", nil, ch), "not a support thread")
	wantEphemeral(t, h.run(t, ana, "resolve", nil, thread), "<@"+cem.UserID+"> was thanked")
	var thanked bool
	for _, m := range h.e.Messages(thread) {
		thanked = thanked || strings.Contains(m.Content, "Thank you <@"+cem.UserID+">")
	}
	if !thanked {
		t.Error("no thanks posted in the thread")
	}

	// A second question closed with its "Mark resolved" button.
	h.run(t, cem, "ask", map[string]any{"topic": "Deploy", "details": "how?"}, ch)
	var second string
	for _, th := range h.e.Threads(ch) {
		if th.Name == "Deploy" {
			second = th.ID
		}
	}
	question := h.e.Messages(second)[0]
	click, err := cem.ClickButton(question.ID, accountability.ResolveButtonID)
	if err != nil {
		t.Fatal(err)
	}
	wantEphemeral(t, click.WaitResponse(t, answerWait), "Marked resolved")

	stats := h.run(t, ana, "support stats", map[string]any{}, ch)
	if !stats.Ephemeral || len(stats.Message.Embeds) != 1 {
		t.Fatalf("stats answered %+v", stats.Message)
	}
	fields := stats.Message.Embeds[0].Fields
	if fields[0].Value != "0" || !strings.HasPrefix(fields[2].Value, "45m") || !strings.Contains(fields[3].Value, "<@"+cem.UserID+">: 1") {
		t.Errorf("stats fields %+v", fields)
	}
	if failed := h.e.FailedInteractions(); len(failed) > 0 {
		t.Errorf("members saw interactions fail: %+v", failed)
	}
}

func TestCheckinOverlongFieldRefusedByDomain(t *testing.T) {
	// A modal submitted without the max_length check (an old client, a
	// forged request) still meets the domain's limit.
	store := accountability.NewMemoryStore(nil)
	svc := &accountability.Service{}
	store.Wire(svc)
	acct, err := NewAccountability(AccountabilityDeps{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	r := NewRouter(RouterOptions{})
	reg := NewRegistry()
	acct.Register(reg, r)
	reg.Install(r)
	id, _ := NewID(KindCheckin, "20").Encode()
	resp := onlyReply(t, dispatch(r, modalInteraction(id, map[string]string{fieldDone: strings.Repeat("é", accountability.MaxCheckinField+1)})))
	if resp.Data.Flags != discordgo.MessageFlagsEphemeral || !strings.Contains(resp.Data.Content, "the limit is 1000") {
		t.Fatalf("overlong field answered %q", resp.Data.Content)
	}
}

func TestZoneListLoadsAndDefinitionsValidate(t *testing.T) {
	for _, z := range ianaZones {
		if _, err := accountability.LoadZone(z); err != nil {
			t.Errorf("zone %s: %v", z, err)
		}
	}
	reg := NewRegistry()
	acct, _ := NewAccountability(AccountabilityDeps{Service: &accountability.Service{}})
	acct.Register(reg, NewRouter(RouterOptions{}))
	if err := reg.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := matchZones("berl", 25); len(got) != 1 || got[0].Value != "Europe/Berlin" {
		t.Errorf("matchZones(berl) = %+v", got)
	}
	if got := matchZones("", 25); len(got) != 25 {
		t.Errorf("empty query gives %d choices, want 25", len(got))
	}
}
