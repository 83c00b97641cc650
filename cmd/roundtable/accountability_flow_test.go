package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/accountability"
	"github.com/roundtable-bot/roundtable/commands"
	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
	"github.com/roundtable-bot/roundtable/db/pgcluster"
	"github.com/roundtable-bot/roundtable/discord"
	"github.com/roundtable-bot/roundtable/discord/discordtest"
)

// These tests run the accountability wiring of the bot (startAccountabilityAt,
// the same pieces `roundtable run` builds) over real Postgres and the Discord
// emulator, with an unmodified discordgo session. A flowing clock, shared by
// the emulator, the router and the Service, lets the sweep run at chosen
// instants across days and a daylight-saving change.

// flowClock is a clock that runs at real speed from an instant the test
// chooses; Set jumps it forward. It keeps flowing so the emulator's
// deadlines and rate limits behave as they do in real time.
type flowClock struct {
	mu       sync.Mutex
	base     time.Time
	realBase time.Time
}

func newFlowClock(start time.Time) *flowClock {
	return &flowClock{base: start, realBase: time.Now()}
}

func (c *flowClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base.Add(time.Since(c.realBase))
}

// Set moves the clock to at; only forward, since snowflakes and the
// emulator's interaction deadlines assume time does not run backwards.
func (c *flowClock) Set(t *testing.T, at time.Time) {
	t.Helper()
	if now := c.Now(); at.Before(now) {
		t.Fatalf("clock: %v is before now (%v)", at, now)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.base, c.realBase = at, time.Now()
}

// flowBot is the bot's accountability feature connected to an emulator.
type flowBot struct {
	e      *discordtest.Emulator
	seed   discordtest.SeedInfo
	s      *discordgo.Session
	d      *db.DB
	clock  *flowClock
	la     *liveAccountability
	router *commands.Router
	ctx    context.Context
	logs   *syncBuffer
}

// answerWithin bounds every wait for the bot's answer.
const answerWithin = 10 * time.Second

func newFlowBot(t *testing.T, d *db.DB, start time.Time) *flowBot {
	t.Helper()
	clock := newFlowClock(start)
	// The stores stamp rows and schedule prompts on the database's clock.
	d.Now = func() time.Time { return clock.Now().UTC() }
	e := discordtest.New(t, discordtest.WithProfile("none"), discordtest.WithMembers(5), discordtest.WithClock(clock.Now))
	s := e.Session(t)
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("bot log:\n%s", logs.String())
		}
	})
	seed := e.Seed()
	reg := commands.NewRegistry()
	router := commands.NewRouter(commands.RouterOptions{Logger: log, Now: clock.Now})
	la, err := startAccountabilityAt(ctx, d, &discord.Session{Session: s, ApplicationID: seed.ApplicationID},
		reg, router, timerDispatch{}, log, clock.Now)
	if err != nil {
		t.Fatalf("start accountability: %v", err)
	}
	reg.Install(router)
	if err := reg.Register(ctx, s, seed.ApplicationID, []string{seed.GuildID}); err != nil {
		t.Fatalf("register commands: %v", err)
	}
	remove := s.AddHandler(router.Handle)
	t.Cleanup(func() { remove(); router.Wait() })
	return &flowBot{e: e, seed: seed, s: s, d: d, clock: clock, la: la, router: router, ctx: ctx, logs: logs}
}

// member returns the i-th seeded ordinary member.
func (b *flowBot) member(i int) *discordtest.SimMember { return b.e.Member(b.seed.MemberIDs[i]) }

// answer waits for the bot's complete answer to an interaction: a deferred
// one counts once its message has been edited in.
func (b *flowBot) answer(t *testing.T, it *discordtest.Interaction) *discordtest.Response {
	t.Helper()
	r, err := it.Await(answerWithin)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// run has m run a slash command in channelID and returns the bot's answer.
func (b *flowBot) run(t *testing.T, m *discordtest.SimMember, name string, opts map[string]any, channelID string) *discordtest.Response {
	t.Helper()
	it, err := m.RunCommand(name, opts, channelID)
	if err != nil {
		t.Fatalf("/%s %v: %v", name, opts, err)
	}
	return b.answer(t, it)
}

// text is what an answer says: its content and its embeds' text.
func answerText(r *discordtest.Response) string {
	if r == nil || r.Message == nil {
		return ""
	}
	parts := []string{r.Message.Content}
	for _, em := range r.Message.Embeds {
		parts = append(parts, em.Title, em.Description)
		for _, f := range em.Fields {
			parts = append(parts, f.Name+": "+f.Value)
		}
	}
	return strings.Join(parts, "\n")
}

// wantPrivate fails unless r is an ephemeral message saying want.
func wantPrivate(t *testing.T, what string, r *discordtest.Response, want string) {
	t.Helper()
	if r == nil || !r.Ephemeral || !strings.Contains(answerText(r), want) {
		t.Fatalf("%s: want an ephemeral answer saying %q, got %+v: %q", what, want, r, answerText(r))
	}
}

// checkinFields fills the check-in modal.
func checkinFields(done string) map[string]string {
	return map[string]string{"done": done, "next": "keep going", "blockers": "", "mood": "4"}
}

// submit fills and submits the modal that `opened` was answered with.
func (b *flowBot) submit(t *testing.T, m *discordtest.SimMember, opened *discordtest.Interaction, fields map[string]string) *discordtest.Response {
	t.Helper()
	r := b.answer(t, opened)
	if r.Modal == nil {
		t.Fatalf("no modal opened: %+v %q", r, answerText(r))
	}
	it, err := m.SubmitModal(opened, r.Modal.CustomID, fields)
	if err != nil {
		t.Fatalf("submit the check-in: %v", err)
	}
	return b.answer(t, it)
}

// checkIn has m check in with /checkin at the clock's current instant.
func (b *flowBot) checkIn(t *testing.T, m *discordtest.SimMember, done string) *discordtest.Response {
	t.Helper()
	opened, err := m.RunCommand("checkin", nil, b.seed.TextChannelID)
	if err != nil {
		t.Fatalf("/checkin: %v", err)
	}
	return b.submit(t, m, opened, checkinFields(done))
}

// sweepAt runs the minute sweep at the instant at.
func (b *flowBot) sweepAt(t *testing.T, at time.Time) {
	t.Helper()
	b.clock.Set(t, at)
	if err := b.la.sweep(b.ctx, db.Timer{}); err != nil {
		t.Fatalf("sweep at %v: %v", at, err)
	}
}

// messagesWhere returns the channel's messages that match keep.
func (b *flowBot) messagesWhere(channelID string, keep func(*discordgo.Message) bool) []*discordgo.Message {
	var out []*discordgo.Message
	for _, m := range b.e.Messages(channelID) {
		if keep(m) {
			out = append(out, m)
		}
	}
	return out
}

// wantPrompts fails unless the channel holds n check-in prompts.
func (b *flowBot) wantPrompts(t *testing.T, n int) {
	t.Helper()
	if got := len(b.messagesWhere(b.seed.TextChannelID, isPrompt)); got != n {
		t.Fatalf("%d check-in prompts in the channel, want %d", got, n)
	}
}

// checkinButton returns the custom ID of m's "Check in" button, or "".
func checkinButton(m *discordgo.Message) string {
	for _, row := range m.Components {
		r, ok := row.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range r.Components {
			if btn, ok := c.(*discordgo.Button); ok && strings.HasPrefix(btn.CustomID, accountability.CheckinButtonID) {
				return btn.CustomID
			}
		}
	}
	return ""
}

func isPrompt(m *discordgo.Message) bool { return checkinButton(m) != "" }

func hasPNG(b *flowBot, m *discordgo.Message) bool {
	for _, a := range m.Attachments {
		data, ok := b.e.Attachment(a.ID)
		if ok && bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
			return true
		}
	}
	return false
}

func utc(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// wantDays fails unless the member's check-in dates in the channel are want.
func (b *flowBot) wantDays(t *testing.T, userID string, want ...string) {
	t.Helper()
	days, err := db.NewCheckinStore(b.d).Days(b.ctx, b.seed.GuildID, userID, b.seed.TextChannelID)
	if err != nil {
		t.Fatalf("check-in days of %s: %v", userID, err)
	}
	var got []string
	for _, d := range days {
		got = append(got, d.Date.String())
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("check-in days of %s: got %v, want %v", userID, got, want)
	}
}

// Setup, the prompt on schedule, three members in three zones checking in
// (one editing hers), a streak across Berlin's spring-forward night, one
// reminder to the member who did not check in, and one weekly digest with
// its chart even when two sweeps race.
func TestAccountabilityFlowAcrossZonesAndDST(t *testing.T) {
	d := newFlowDB(t)
	// Thursday 26 March 2026, 08:00 in Berlin (CET, UTC+1).
	b := newFlowBot(t, d, utc(t, "2026-03-26 07:00"))
	owner, text := b.e.Owner(), b.seed.TextChannelID
	ana, ben, chitra, dora := b.member(0), b.member(1), b.member(2), b.member(3)
	eve := b.member(4) // her DMs are closed: her reminder is a mention in the channel
	eve.CloseDMs()

	wantPrivate(t, "setup", b.run(t, owner, "accountability setup", map[string]any{"channel": text, "cadence": "daily",
		"time": "09:00", "timezone": "Europe/Berlin"}, text), "")
	for m, zone := range map[*discordtest.SimMember]string{ana: "Europe/Berlin", ben: "America/New_York",
		chitra: "Asia/Kolkata", dora: "Europe/Berlin", eve: "Europe/Berlin"} {
		wantPrivate(t, "zone of "+m.UserID, b.run(t, m, "timezone set", map[string]any{"zone": zone}, text), zone)
	}
	for _, m := range []*discordtest.SimMember{ana, dora, eve} {
		wantPrivate(t, "remind on", b.run(t, m, "remind on", map[string]any{"time": "20:00"}, text), "20:00")
	}

	// The prompt: not at 08:59, once at 09:00 however often the minute is swept.
	b.sweepAt(t, utc(t, "2026-03-26 07:59"))
	if n := len(b.messagesWhere(text, isPrompt)); n != 0 {
		t.Fatalf("%d prompts before 09:00", n)
	}
	b.sweepAt(t, utc(t, "2026-03-26 08:00"))
	b.sweepAt(t, utc(t, "2026-03-26 08:00").Add(30*time.Second))
	prompts := b.messagesWhere(text, isPrompt)
	if len(prompts) != 1 {
		t.Fatalf("%d prompts at 09:00, want 1", len(prompts))
	}

	// Ana checks in through the prompt's button.
	opened, err := ana.ClickButton(prompts[0].ID, checkinButton(prompts[0]))
	if err != nil {
		t.Fatalf("click Check in: %v", err)
	}
	wantPrivate(t, "ana's check-in", b.submit(t, ana, opened, checkinFields("sketched the onboarding")), "Checked in for 2026-03-26")

	// 20:00 in Berlin: Dora, who has not checked in, is reminded once by DM
	// over several sweeps; Ana, who has, is not.
	for _, at := range []string{"2026-03-26 19:00", "2026-03-26 19:01", "2026-03-26 19:05"} {
		b.sweepAt(t, utc(t, at))
	}
	if dm := b.e.DMChannel(dora.UserID); dm == "" || len(b.e.Messages(dm)) != 1 {
		t.Fatalf("dora's reminder DMs: channel %q, %d messages; want exactly 1", dm, len(b.e.Messages(b.e.DMChannel(dora.UserID))))
	}
	if dm := b.e.DMChannel(ana.UserID); dm != "" && len(b.e.Messages(dm)) != 0 {
		t.Fatalf("ana checked in but got %d reminders", len(b.e.Messages(dm)))
	}
	if dm := b.e.DMChannel(eve.UserID); dm != "" && len(b.e.Messages(dm)) != 0 {
		t.Fatalf("eve's DMs are closed, yet %d reminders reached them", len(b.e.Messages(dm)))
	}
	mentions := b.messagesWhere(text, func(m *discordgo.Message) bool { return strings.Contains(m.Content, "<@"+eve.UserID+">") })
	if len(mentions) != 1 || len(mentions[0].Mentions) != 1 || mentions[0].Mentions[0].ID != eve.UserID {
		t.Fatalf("eve, whose DMs are closed, was reminded by %d channel mentions, want exactly 1 pinging only her", len(mentions))
	}

	// One instant, three local days: 03:30 UTC is 23:30 on the 26th in New
	// York and 09:00 on the 27th in Kolkata.
	b.clock.Set(t, utc(t, "2026-03-27 03:30"))
	wantPrivate(t, "ben's check-in", b.checkIn(t, ben, "fixed the login bug"), "Checked in for 2026-03-26")
	wantPrivate(t, "chitra's check-in", b.checkIn(t, chitra, "wrote the pricing page"), "Checked in for 2026-03-27")

	// Ana across the spring-forward night of 29 March (02:00 CET -> 03:00
	// CEST): 23:50 on the 28th and 00:10 on the 29th are two days twenty
	// minutes apart; 23:55 on the 29th edits that day's check-in.
	// The prompt follows Berlin's 09:00: 08:00 UTC before the change,
	// 07:00 UTC after it.
	b.sweepAt(t, utc(t, "2026-03-27 08:00"))
	b.wantPrompts(t, 2)
	b.clock.Set(t, utc(t, "2026-03-27 08:30"))
	wantPrivate(t, "ana 27th", b.checkIn(t, ana, "day two"), "2026-03-27")
	b.sweepAt(t, utc(t, "2026-03-28 08:00"))
	b.wantPrompts(t, 3)
	b.clock.Set(t, utc(t, "2026-03-28 22:50"))
	wantPrivate(t, "ana 28th", b.checkIn(t, ana, "day three"), "2026-03-28")
	b.clock.Set(t, utc(t, "2026-03-28 23:10"))
	wantPrivate(t, "ana 29th", b.checkIn(t, ana, "day four, just after midnight"), "Checked in for 2026-03-29")
	b.sweepAt(t, utc(t, "2026-03-29 06:59"))
	b.wantPrompts(t, 3)
	b.sweepAt(t, utc(t, "2026-03-29 07:00"))
	b.wantPrompts(t, 4)
	before := len(b.e.Messages(text))
	b.clock.Set(t, utc(t, "2026-03-29 21:55"))
	wantPrivate(t, "ana 29th again", b.checkIn(t, ana, "day four, edited at night"), "Updated your check-in for 2026-03-29")
	if after := len(b.e.Messages(text)); after != before {
		t.Fatalf("the same-day check-in added %d messages; want it edited in place", after-before)
	}
	stored, err := db.NewCheckinStore(d).Get(b.ctx, accountability.CheckinKey{ChannelID: text, UserID: ana.UserID,
		Date: mustDate(t, "2026-03-29")})
	if err != nil {
		t.Fatalf("ana's check-in of the 29th: %v", err)
	}
	if m, ok := b.e.Message(stored.MessageID); !ok || !strings.Contains(answerText(&discordtest.Response{Message: m}), "edited at night") {
		t.Fatalf("the check-in message of the 29th was not edited: %+v", m)
	}
	b.clock.Set(t, utc(t, "2026-03-29 22:05"))
	wantPrivate(t, "ana 30th", b.checkIn(t, ana, "day five"), "Checked in for 2026-03-30")

	b.wantDays(t, ana.UserID, "2026-03-26", "2026-03-27", "2026-03-28", "2026-03-29", "2026-03-30")
	b.wantDays(t, ben.UserID, "2026-03-26")
	b.wantDays(t, chitra.UserID, "2026-03-27")

	b.clock.Set(t, utc(t, "2026-03-30 05:00"))
	streak := b.run(t, ana, "streak", nil, text)
	if streak.Ephemeral || !strings.Contains(answerText(streak), "Current: 5 days") || !strings.Contains(answerText(streak), "Best: 5 days") {
		t.Fatalf("/streak: want a public 5-day streak, got %q", answerText(streak))
	}
	if streak.Message == nil || !hasPNG(b, streak.Message) {
		t.Fatalf("/streak has no PNG heatmap attached: %+v", streak.Message)
	}

	// Monday 30 March, 09:00 CEST: the digest of the week of the DST change,
	// posted once although two sweeps race, and not again a minute later.
	b.clock.Set(t, utc(t, "2026-03-30 07:00"))
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for range 2 {
		wg.Go(func() { errs <- b.la.sweep(b.ctx, db.Timer{}) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("racing sweeps: %v", err)
		}
	}
	b.sweepAt(t, utc(t, "2026-03-30 07:01"))
	digests := b.messagesWhere(text, func(m *discordgo.Message) bool {
		return len(m.Attachments) > 0 && m.ID != streak.Message.ID
	})
	if len(digests) != 1 || !hasPNG(b, digests[0]) {
		t.Fatalf("%d digests with an attachment, want exactly 1 carrying a PNG", len(digests))
	}
	b.wantPrompts(t, 5)
}

func mustDate(t *testing.T, s string) accountability.Date {
	t.Helper()
	d, err := accountability.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// newFlowDB is a fresh migrated database for one test.
func newFlowDB(t *testing.T) *db.DB { return dbtest.New(t) }

// supportThread reads a support thread as stored.
func (b *flowBot) supportThread(t *testing.T, threadID string) accountability.Thread {
	t.Helper()
	th, err := db.NewSupportStore(b.d).Update(b.ctx, threadID, func(*accountability.Thread) (bool, error) { return false, nil })
	if err != nil {
		t.Fatalf("support thread %s: %v", threadID, err)
	}
	return th
}

// ask has m open a support question and returns its thread's ID.
func (b *flowBot) ask(t *testing.T, m *discordtest.SimMember, supportID, topic string) string {
	t.Helper()
	threads := len(b.e.Threads(supportID))
	wantPrivate(t, "/ask", b.run(t, m, "ask", map[string]any{"topic": topic, "details": "Tried the docs; still stuck."}, b.seed.TextChannelID),
		"Your question is open in")
	all := b.e.Threads(supportID)
	if len(all) != threads+1 {
		t.Fatalf("/ask opened %d threads, want 1", len(all)-threads)
	}
	return all[len(all)-1].ID
}

// A question answered by a peer and resolved with thanks, another left
// unanswered and nudged exactly once, and /support stats that says so.
func TestSupportThreadsFollowedToResolution(t *testing.T) {
	testSupportFollowedToResolution(t, discordgo.ChannelTypeGuildText)
}

// The same in a forum channel: each question is a post, and a nudge goes
// into the post (a forum takes no messages of its own).
func TestSupportPostsInAForumFollowedToResolution(t *testing.T) {
	testSupportFollowedToResolution(t, discordgo.ChannelTypeGuildForum)
}

func testSupportFollowedToResolution(t *testing.T, kind discordgo.ChannelType) {
	b := newFlowBot(t, newFlowDB(t), utc(t, "2026-04-01 10:00"))
	owner := b.e.Owner()
	ana, ben, chitra := b.member(0), b.member(1), b.member(2)
	support, err := b.s.GuildChannelCreate(b.seed.GuildID, "support", kind)
	if err != nil {
		t.Fatalf("create the support channel: %v", err)
	}
	// nudgesOf counts the nudges about a thread where members see them.
	nudgesOf := func(thread string) int {
		where := support.ID
		if kind == discordgo.ChannelTypeGuildForum {
			where = thread
		}
		return len(b.messagesWhere(where, func(m *discordgo.Message) bool {
			return m.Author.ID == b.seed.BotUserID && strings.Contains(m.Content, "<#"+thread+">")
		}))
	}
	wantPrivate(t, "support setup", b.run(t, owner, "support setup", map[string]any{"channel": support.ID, "nudge_after": 2}, b.seed.TextChannelID),
		"2 hours")

	// Ana asks; Ben answers half an hour later; the answer is noticed from
	// MESSAGE_CREATE alone.
	first := b.ask(t, ana, support.ID, "Postgres migrations fail on deploy")
	if _, err := ana.Say(first, "Here is the log, in case it helps."); err != nil {
		t.Fatalf("ana writes in her thread: %v", err)
	}
	b.clock.Set(t, utc(t, "2026-04-01 10:30"))
	if _, err := ben.Say(first, "Run goose with the right DSN."); err != nil {
		t.Fatalf("ben answers: %v", err)
	}
	deadline := time.Now().Add(answerWithin)
	for b.supportThread(t, first).FirstAnswerBy != ben.UserID {
		if time.Now().After(deadline) {
			t.Fatalf("the thread was not marked answered by ben: %+v", b.supportThread(t, first))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if th := b.supportThread(t, first); th.State != accountability.Answered {
		t.Fatalf("state after ben's answer: %q, want answered", th.State)
	}

	wantPrivate(t, "/resolve", b.run(t, ana, "resolve", map[string]any{"helper": ben.UserID}, first), "was thanked")
	thanks := b.messagesWhere(first, func(m *discordgo.Message) bool {
		return strings.Contains(m.Content, "Thank you <@"+ben.UserID+">")
	})
	if len(thanks) != 1 {
		t.Fatalf("%d thanks to ben in the thread, want 1", len(thanks))
	}
	if th := b.supportThread(t, first); th.State != accountability.Resolved || th.HelperID != ben.UserID {
		t.Fatalf("after /resolve: %+v", th)
	}

	// Chitra's question waits; after two hours one nudge, never a second.
	b.clock.Set(t, utc(t, "2026-04-01 10:40"))
	second := b.ask(t, chitra, support.ID, "How do I price a side project?")
	nudges := func() int { return nudgesOf(second) }
	for _, at := range []string{"2026-04-01 12:00", "2026-04-01 12:39"} {
		b.sweepAt(t, utc(t, at))
	}
	if n := nudges(); n != 0 {
		t.Fatalf("%d nudges before nudge_after", n)
	}
	for _, at := range []string{"2026-04-01 12:41", "2026-04-01 12:42", "2026-04-01 15:00", "2026-04-02 09:00"} {
		b.sweepAt(t, utc(t, at))
	}
	if n := nudges(); n != 1 {
		t.Fatalf("%d nudges for the unanswered question, want exactly 1", n)
	}
	if n := nudgesOf(first); n != 0 {
		t.Fatalf("the answered question was nudged %d times", n)
	}

	stats := answerText(b.run(t, owner, "support stats", nil, b.seed.TextChannelID))
	for _, want := range []string{"Open: 1", "Unanswered: 1, oldest waiting", "Median time to first answer: 30m (1 answered)",
		"Top helpers: 1. <@" + ben.UserID + ">: 1"} {
		if !strings.Contains(stats, want) {
			t.Errorf("/support stats lacks %q:\n%s", want, stats)
		}
	}
}

// restartableDB is a migrated database on a private cluster the test can
// stop and start again, for what a member sees while Postgres is down.
type restartableDB struct {
	d       *db.DB
	dataDir string
	cluster *pgcluster.Cluster
}

func newRestartableDB(t *testing.T) *restartableDB {
	t.Helper()
	if os.Getenv("TEST_DATABASE_URL") != "" {
		t.Skip("needs a private cluster to stop; TEST_DATABASE_URL points at a server this test cannot stop")
	}
	r := &restartableDB{dataDir: t.TempDir()}
	r.start(t)
	t.Cleanup(func() {
		if r.cluster != nil {
			if err := r.cluster.Stop(context.Background()); err != nil {
				t.Errorf("stop the cluster: %v", err)
			}
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := db.Open(ctx, r.cluster.URL())
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	if err := db.Migrate(ctx, d); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	r.d = d
	return r
}

// start starts (or starts again) the cluster; the *db.DB reconnects on its
// next use, since the socket path depends only on the data folder.
func (r *restartableDB) start(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: r.dataDir, Ephemeral: true})
	if err != nil {
		t.Fatalf("start the cluster: %v", err)
	}
	r.cluster = c
}

// stop stops the cluster (pg_ctl stop -m fast: committed rows are kept).
func (r *restartableDB) stop(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := r.cluster.Stop(ctx); err != nil {
		t.Fatalf("stop the cluster: %v", err)
	}
	r.cluster = nil
}

// Bad input gets a clear private answer, and a check-in submitted while
// Postgres is down tells the member to try again without losing any
// check-in accepted before.
func TestAccountabilityBadInputAndPostgresDown(t *testing.T) {
	pg := newRestartableDB(t)
	b := newFlowBot(t, pg.d, utc(t, "2026-03-02 08:00"))
	owner, text := b.e.Owner(), b.seed.TextChannelID
	ana, ben, chitra := b.member(0), b.member(1), b.member(2)
	wantPrivate(t, "setup", b.run(t, owner, "accountability setup", map[string]any{"channel": text, "cadence": "daily",
		"time": "09:00", "timezone": "Europe/Berlin"}, text), "")

	wantPrivate(t, "unknown zone", b.run(t, ana, "timezone set", map[string]any{"zone": "Mars/Olympus_Mons"}, text),
		`Unknown time zone "Mars/Olympus_Mons"`)
	wantPrivate(t, "away in the past", b.run(t, ana, "away", map[string]any{"until": "2026-02-01"}, text),
		"That date is in the past")

	// Discord's client refuses a field over the max_length the bot's modal
	// declares; a submit that bypasses it meets the Service's own limit.
	opened, err := ana.RunCommand("checkin", nil, text)
	if err != nil {
		t.Fatal(err)
	}
	modal := b.answer(t, opened).Modal
	if modal == nil {
		t.Fatal("/checkin opened no modal")
	}
	overlong := strings.Repeat("x", accountability.MaxCheckinField+1)
	if _, err := ana.SubmitModal(opened, modal.CustomID, checkinFields(overlong)); err == nil || !strings.Contains(err.Error(), "1000") {
		t.Fatalf("the modal accepted %d characters (err %v); its max_length should be %d", len(overlong), err, accountability.MaxCheckinField)
	}
	forged := &memoryResponder{}
	b.router.Dispatch(b.ctx, forged, b.s, modalSubmit(b.seed.GuildID, text, ana.UserID, checkinFields(overlong)))
	if said, eph, ok := forged.answer(); !ok || !eph || !strings.Contains(said, "the limit is 1000") {
		t.Fatalf("an overlong field: want a private answer naming the limit, got %q (ephemeral %v)", said, eph)
	}
	bad := checkinFields("fine")
	bad["mood"] = "9"
	wantPrivate(t, "mood out of range", b.submit(t, ana, opened, bad), "Mood must be a whole number from 1 to 5")

	// Two check-ins accepted, then Postgres goes down under Chitra's submit.
	wantPrivate(t, "ana", b.checkIn(t, ana, "first"), "Checked in")
	wantPrivate(t, "ben", b.checkIn(t, ben, "second"), "Checked in")
	opened, err = chitra.RunCommand("checkin", nil, text)
	if err != nil {
		t.Fatal(err)
	}
	b.answer(t, opened)
	pg.stop(t)
	wantPrivate(t, "check-in while Postgres is down", b.submit(t, chitra, opened, checkinFields("third")), "try again")
	pg.start(t)

	b.wantDays(t, ana.UserID, "2026-03-02")
	b.wantDays(t, ben.UserID, "2026-03-02")
	b.wantDays(t, chitra.UserID)
	wantPrivate(t, "chitra again", b.checkIn(t, chitra, "third, again"), "Checked in")
	b.wantDays(t, chitra.UserID, "2026-03-02")
}
