package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
	"github.com/roundtable-bot/roundtable/discord/discordtest"
	"github.com/roundtable-bot/roundtable/workshop"
)

// e2e is the bot, wired as `roundtable run` wires it, against an emulator
// with Discord's realistic rate limits (a 429 fails the test) and a fresh
// Postgres database; the cast are the host (the server's owner) and
// simulated participants.
type e2e struct {
	t      testing.TB
	ctx    context.Context
	e      *discordtest.Emulator
	d      *db.DB
	store  *db.RunStore
	cfg    Config
	lib    *workshop.Library
	opts   emulatedBotOptions
	logs   *syncBuffer
	people *cast
	bot    *emulatedBot
	proc   *exec.Cmd            // the bot when it runs as a process of its own
	before []*discordgo.Channel // the server's channels before any run
}

// newE2E starts the bot's wiring against a realistic, strict emulator with
// participants members; extra options (e.g. WithoutBotPermission) go to the
// emulator.
func newE2E(t testing.TB, participants int, speed float64, grace time.Duration, extra ...discordtest.Option) *e2e {
	t.Helper()
	opts := append([]discordtest.Option{discordtest.WithProfile("realistic"), discordtest.WithStrictRateLimits(),
		discordtest.WithMembers(participants)}, extra...)
	e := discordtest.New(t, opts...)
	x := &e2e{t: t, ctx: t.Context(), e: e, d: dbtest.New(t), logs: &syncBuffer{}}
	x.store = db.NewRunStore(x.d, db.RunStoreOptions{})
	x.cfg = DefaultConfig()
	x.cfg.Workshop.RoomGrace = Duration{grace}
	lib, err := loadLibrary(nil)
	if err != nil {
		t.Fatal(err)
	}
	x.lib = lib
	seed := e.Seed()
	base, err := url.Parse(seed.APIBase)
	if err != nil {
		t.Fatal(err)
	}
	x.opts = emulatedBotOptions{APIBase: base.Scheme + "://" + base.Host, Token: seed.Token, GuildIDs: []string{seed.GuildID}, Speed: speed}
	if x.people, err = newCast(e, participants); err != nil {
		t.Fatal(err)
	}
	x.before = e.Channels(seed.GuildID)
	x.startBot()
	t.Cleanup(func() {
		x.stopBot()
		if t.Failed() {
			t.Logf("bot log:\n%s", x.logs.String())
		}
	})
	return x
}

func (x *e2e) startBot() {
	x.t.Helper()
	log := newLogger(LogConfig{Level: "info", Format: "text"}, x.logs)
	bot, err := startEmulatedBot(x.ctx, x.cfg, x.d, x.lib, x.opts, log)
	if err != nil {
		x.t.Fatalf("starting the bot: %v\n%s", err, x.logs.String())
	}
	x.bot = bot
}

func (x *e2e) stopBot() {
	if x.bot != nil {
		x.bot.Close()
		x.bot = nil
	}
}

func (x *e2e) run(id int64) *workshop.Run {
	x.t.Helper()
	r, err := x.store.FindRun(x.ctx, id)
	if err != nil {
		x.t.Fatal(err)
	}
	return r
}

// waitRun waits until cond holds for the stored run.
func (x *e2e) waitRun(id int64, what string, timeout time.Duration, cond func(*workshop.Run) bool) *workshop.Run {
	x.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		r := x.run(id)
		if cond(r) {
			return r
		}
		if time.Now().After(deadline) {
			x.t.Fatalf("waited %s for %s; the run is %s at step %d", timeout, what, r.State, r.StepIndex)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// open has the host start design-thinking, everyone join and the host
// begin; it returns the run's ID.
func (x *e2e) open() int64 {
	x.t.Helper()
	return x.openCurriculum("design-thinking")
}

// openCurriculum is open with another curriculum of the bot's library.
func (x *e2e) openCurriculum(curriculum string) int64 {
	x.t.Helper()
	runID := x.lobby(curriculum)
	if _, err := x.people.command(x.people.host, "workshop begin", nil, x.people.seed.TextChannelID); err != nil {
		x.t.Fatal(err)
	}
	return runID
}

// lobby has the host start curriculum and everyone join; the run waits in
// its lobby. It returns the run's ID.
func (x *e2e) lobby(curriculum string) int64 {
	x.t.Helper()
	id, err := x.people.startWorkshop(curriculum)
	if err != nil {
		x.t.Fatal(err)
	}
	if err := x.people.assemble(id); err != nil {
		x.t.Fatal(err)
	}
	runID, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		x.t.Fatal(err)
	}
	return runID
}

// rooms maps the rooms of the run's first formation: group number -> its
// text and voice channel IDs, found by the names the bot gives them.
func (x *e2e) rooms(groups []workshop.Group) map[int][2]string {
	x.t.Helper()
	out := map[int][2]string{}
	for _, g := range groups {
		var text, voice string
		for _, c := range x.e.Channels(x.people.seed.GuildID) {
			switch {
			case c.Type == discordgo.ChannelTypeGuildText && c.Name == "group-"+strconv.Itoa(g.Number):
				text = c.ID
			case c.Type == discordgo.ChannelTypeGuildVoice && c.Name == g.Name:
				voice = c.ID
			}
		}
		if text == "" || voice == "" {
			x.t.Fatalf("%s has no rooms (text %q, voice %q)", g.Name, text, voice)
		}
		out[g.Number] = [2]string{text, voice}
	}
	return out
}

// log reads what the bot did from the emulator's request log.
func (x *e2e) log() *rehearsalLog {
	return newRehearsalLog(x.e.Requests(), x.before, x.people.usernames())
}

// checkRequests fails the test for a 429 and for any request Discord
// would not have answered with 2xx.
func (x *e2e) checkRequests() {
	x.t.Helper()
	for _, s := range x.e.RateLimiter().Stats() {
		if s.RateLimited > 0 {
			x.t.Errorf("%d of %d calls to %s were answered 429", s.RateLimited, s.Calls, s.Route)
		}
	}
	for _, f := range x.log().refusals() {
		if documentedRefusal(f) {
			continue
		}
		x.t.Errorf("%d requests to %s were refused with %d: %s", f.Count, f.Route, f.Status, f.Error)
	}
	if failed := x.e.FailedInteractions(); len(failed) > 0 {
		x.t.Errorf("members saw interactions fail: %+v", failed)
	}
}

// documentedRefusal reports whether Discord refused a request in a way
// the bot expects and handles: moving a member who has just left voice
// (40032; the effector then simply does not move them).
func documentedRefusal(f refusal) bool {
	return f.Status == http.StatusBadRequest && strings.HasSuffix(f.Route, "/guilds/{guild_id}/members/{user_id}") &&
		strings.Contains(f.Error, `"code":40032`)
}

// memberMove is one move of a member into a voice channel by the bot.
type memberMove struct {
	userID, channelID string
	at                time.Time
}

// moves lists the bot's member moves, oldest first.
func (x *e2e) moves() []memberMove {
	var out []memberMove
	for _, r := range x.e.Requests() {
		if r.Method != http.MethodPatch || !routeIs(r, "/guilds/{guild_id}/members/{user_id}") || !ok2xx(r.Status) {
			continue
		}
		var body struct {
			ChannelID *string `json:"channel_id"`
		}
		if json.Unmarshal(r.Body, &body) != nil || body.ChannelID == nil {
			continue
		}
		out = append(out, memberMove{userID: r.Path[strings.LastIndex(r.Path, "/")+1:], channelID: *body.ChannelID, at: r.Time})
	}
	return out
}

// memberMoves lists, per user, the voice channels the bot moved them to,
// in order.
func (x *e2e) memberMoves() map[string][]string {
	out := map[string][]string{}
	for _, m := range x.moves() {
		out[m.userID] = append(out[m.userID], m.channelID)
	}
	return out
}

// A design-thinking run, 120 times faster than real time, with seven
// participants of mixed levels, through the real wiring, the emulator and
// Postgres: the "Done when", checked on what Discord and the
// database hold.
func TestWorkshopEndToEnd(t *testing.T) {
	// At 300x the server's member-move limit (10 per 10 s) cannot keep up
	// with four voice members moved in and out of breakouts seconds apart:
	// recall moves wait for slots, the run ends meanwhile, and deleteRooms
	// (discord/workshop_rooms.go) drops the queued recalls (forgetRun) and
	// deletes the voice rooms without waiting for them, so members are
	// disconnected instead of brought back. 120x stays within the limit
	// and keeps the run under a minute.
	const speed = 120
	x := newE2E(t, 7, speed, time.Second)
	host := x.people.host
	seed := x.people.seed
	c, err := x.lib.Get("design-thinking")
	if err != nil {
		t.Fatal(err)
	}
	runID := x.open()

	// The first breakout: pairs (seven people: 2 + 2 + 3) in private rooms.
	r := x.waitRun(runID, "the first breakout", 30*time.Second, func(r *workshop.Run) bool { return r.StepIndex >= 0 })
	groups := r.Formations[0].Groups
	if len(groups) != 3 {
		t.Fatalf("seven people in pairs make %d groups: %+v", len(groups), groups)
	}
	rooms := x.rooms(groups)
	everyone := []string{host.UserID}
	for _, m := range x.people.members {
		everyone = append(everyone, m.UserID)
	}
	for _, g := range groups {
		for i, room := range rooms[g.Number] {
			for _, user := range everyone {
				want := user == host.UserID || slices.Contains(g.Members, user)
				if got := x.e.CanSee(room, user); got != want {
					t.Errorf("%s room %d of %s: %s can see it: %v, want %v", []string{"text", "voice"}[i], g.Number, g.Name, user, got, want)
				}
			}
			if !x.e.CanSee(room, seed.BotUserID) {
				t.Errorf("the bot cannot see its own room %s", room)
			}
		}
	}

	// A participant asks for help from their room; the host is pinged in
	// the main channel with a link to that room.
	asker := x.people.members[0]
	askRoom := rooms[groupOf(groups, asker.UserID)][0]
	x.e.WaitFor(t, 30*time.Second, func(st *discordtest.State) bool {
		_, ok := messageWithComponent(st.Messages(askRoom), "rt1:ws.help:"+strconv.FormatInt(runID, 10))
		return ok
	})
	prompt, _ := x.people.messageWith(askRoom, "rt1:ws.help:"+strconv.FormatInt(runID, 10))
	if _, err := x.people.answer(asker.ClickButton(prompt.ID, "rt1:ws.help:"+strconv.FormatInt(runID, 10))); err != nil {
		t.Fatal(err)
	}
	jump := "https://discord.com/channels/" + seed.GuildID + "/" + askRoom
	x.e.WaitFor(t, 30*time.Second, func(st *discordtest.State) bool {
		for _, m := range st.Messages(seed.TextChannelID) {
			if strings.Contains(m.Content, "<@"+host.UserID+">") && strings.Contains(m.Content, jump) {
				return true
			}
		}
		return false
	})

	// A participant hands in the first solo step's deliverable.
	capture := slices.IndexFunc(c.Steps, func(s workshop.Step) bool { return s.Mode == workshop.ModeSolo && s.Deliverable != "" })
	submitID := fmt.Sprintf("rt1:ws.submit:%d:%d", runID, capture)
	x.e.WaitFor(t, 30*time.Second, func(st *discordtest.State) bool {
		_, ok := messageWithComponent(st.Messages(seed.TextChannelID), submitID)
		return ok
	})
	author := x.people.members[1]
	withButton, _ := x.people.messageWith(seed.TextChannelID, submitID)
	click, err := author.ClickButton(withButton.ID, submitID)
	open, err := x.people.answer(click, err)
	if err != nil || open.Modal == nil {
		t.Fatalf("Submit opened %+v (%v), want a modal", open, err)
	}
	const finding = "They love gifts that show someone listened."
	sent, err := x.people.answer(author.SubmitModal(click, open.Modal.CustomID, map[string]string{"content": finding}))
	if err != nil || !strings.Contains(sent.Text(), "is saved") {
		t.Fatalf("submitting answered %q (%v)", sent.Text(), err)
	}

	// The run plays to its end; the rooms go after the grace.
	budget := time.Duration(float64(c.TotalDuration())/speed) + x.cfg.Workshop.RoomGrace.Duration + 45*time.Second
	if err := waitForCleanEnd(x.ctx, x.d, x.e, runID, len(x.before), budget); err != nil {
		t.Fatal(err)
	}
	r = x.run(runID)
	if r.State != workshop.RunEnded || !r.RoomsDeleted {
		t.Errorf("the run is %s, rooms deleted %v", r.State, r.RoomsDeleted)
	}

	posts := x.log().posts()
	inRoom := func(channel, want string) int {
		n := 0
		for _, p := range posts {
			if p.ChannelID == channel && strings.Contains(p.Content, want) {
				n++
			}
		}
		return n
	}
	for _, g := range groups {
		text := rooms[g.Number][0]
		for _, want := range []string{"**Interview** · round 1 of 2 · ends <t:", "🔄 **Interview** · round 2 of 2", "⏳", "You're the **interviewer**", "You're the **interviewee**"} {
			if inRoom(text, want) == 0 {
				t.Errorf("%s's room never showed %q", g.Name, want)
			}
		}
		if n := inRoom(text, "**Interview** · round 1 of 2 · ends <t:"); n != len(g.Members) {
			t.Errorf("%s's room showed the first prompt %d times for %d members", g.Name, n, len(g.Members))
		}
	}
	for _, want := range []string{"**Design Thinking Crash Course** · welcome", "🖼️ **Gallery**", finding, "is over"} {
		if inRoom(seed.TextChannelID, want) == 0 {
			t.Errorf("the main channel never showed %q", want)
		}
	}

	// Members in voice went to their group's voice room and came back;
	// the others were not moved (they got links).
	moves := x.memberMoves()
	for _, m := range x.people.members {
		got := moves[m.UserID]
		if !m.InVoice {
			if len(got) > 0 {
				t.Errorf("%s was not in voice, yet moved to %v", m.Username, got)
			}
			continue
		}
		room := rooms[groupOf(groups, m.UserID)][1]
		if len(got) < 2 || got[0] != room || got[len(got)-1] != seed.VoiceChannelID {
			t.Errorf("%s (in voice) was moved to %v; want their room %s first and the main voice channel %s last", m.Username, got, room, seed.VoiceChannelID)
		}
		if now := x.e.VoiceChannelOf(m.UserID); now != seed.VoiceChannelID {
			t.Errorf("%s is in voice channel %q after the run, want the main one", m.Username, now)
		}
	}

	// Every row in Postgres.
	var row struct {
		State   string     `db:"state"`
		EndedAt *time.Time `db:"ended_at"`
	}
	if err := x.d.GetContext(x.ctx, &row, `SELECT state, ended_at FROM workshop_runs WHERE run_id = $1`, runID); err != nil {
		t.Fatal(err)
	}
	if row.State != "ended" || row.EndedAt == nil {
		t.Errorf("workshop_runs row: %+v", row)
	}
	for query, want := range map[string]int{
		`SELECT count(*) FROM participants WHERE run_id = $1 AND left_at IS NULL`:  7,
		`SELECT count(*) FROM run_groups WHERE run_id = $1 AND formed_at_step = 0`: 3,
		`SELECT count(DISTINCT user_id) FROM group_members WHERE run_id = $1`:      7,
		`SELECT count(*) FROM submissions WHERE run_id = $1`:                       1,
		`SELECT count(*) FROM help_requests WHERE run_id = $1`:                     1,
	} {
		var n int
		if err := x.d.GetContext(x.ctx, &n, query, runID); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		if n != want {
			t.Errorf("%s: %d, want %d", query, n, want)
		}
	}
	var content string
	if err := x.d.GetContext(x.ctx, &content, `SELECT content FROM submissions WHERE run_id = $1`, runID); err != nil || content != finding {
		t.Errorf("stored submission %q (%v)", content, err)
	}
	x.checkRequests()
}

func groupOf(groups []workshop.Group, user string) int {
	for _, g := range groups {
		if slices.Contains(g.Members, user) {
			return g.Number
		}
	}
	return 0
}

// The bot stops in the middle of a breakout and starts again on the same
// database and Discord: the run carries on on its schedule (the round's
// role swap, the next step), and nothing is posted or created twice.
func TestWorkshopResumesAfterARestartMidBreakout(t *testing.T) {
	testResumeMidBreakout(t, botLife{start: (*e2e).startBot, stop: (*e2e).stopBot})
}

// botLife starts and stops the bot of an e2e test: in this process, or as
// a process of its own that is killed.
type botLife struct{ start, stop func(x *e2e) }

// testResumeMidBreakout stops the bot in the middle of a breakout and
// starts it again as life says, then checks the run went on on its
// schedule with nothing posted or created twice.
func testResumeMidBreakout(t *testing.T, life botLife) {
	const speed = 60 // the first breakout lasts 8 s: room for a restart inside it
	x := newE2E(t, 4, speed, 500*time.Millisecond)
	x.stopBot() // newE2E's, in this process
	life.start(x)
	t.Cleanup(func() { life.stop(x) })
	seed := x.people.seed
	runID := x.open()

	r := x.waitRun(runID, "the first breakout", 30*time.Second, func(r *workshop.Run) bool { return r.StepIndex >= 0 })
	if r.StepIndex != 0 || r.Round != 0 {
		t.Fatalf("the run is already at step %d round %d; the test needs the first round of the first breakout", r.StepIndex, r.Round)
	}
	groups := r.Formations[0].Groups
	rooms := x.rooms(groups)
	x.e.WaitFor(t, 30*time.Second, func(st *discordtest.State) bool {
		for _, g := range groups {
			n := 0
			for _, m := range st.Messages(rooms[g.Number][0]) {
				if strings.Contains(m.Content, "**Interview** · round 1 of 2") {
					n++
				}
			}
			if n < len(g.Members) {
				return false
			}
		}
		return true
	})

	life.stop(x)
	r = x.run(runID)
	if r.StepIndex != 0 {
		t.Fatalf("the breakout ended before the restart (step %d); the test proves nothing", r.StepIndex)
	}
	// Down across the round's end: the role swap comes due while no bot
	// runs, and must be caught up as soon as one is back.
	swapDue := r.RoundDeadline
	if !swapDue.Before(r.Deadline) {
		t.Fatalf("the breakout is in its last round (round deadline %v, step deadline %v); the test needs the swap ahead", swapDue, r.Deadline)
	}
	time.Sleep(time.Until(swapDue) + 200*time.Millisecond)
	restarted := time.Now()
	life.start(x)
	t.Logf("the bot was back %v after it was started again", time.Since(restarted).Round(time.Millisecond))

	// On schedule after the restart: the role swap, then the next step.
	x.waitRun(runID, "the second breakout step", 30*time.Second, func(r *workshop.Run) bool { return r.StepIndex >= 1 })
	x.e.WaitFor(t, 30*time.Second, func(st *discordtest.State) bool {
		for _, g := range groups {
			swapped, next := false, 0
			for _, m := range st.Messages(rooms[g.Number][0]) {
				swapped = swapped || strings.Contains(m.Content, "🔄 **Interview** · round 2 of 2")
				if strings.Contains(m.Content, "**Dig deeper** · round 1 of 2") {
					next++
				}
			}
			if !swapped || next < len(g.Members) {
				return false
			}
		}
		return true
	})
	if _, err := x.people.command(x.people.host, "workshop end", nil, seed.TextChannelID); err != nil {
		t.Fatal(err)
	}
	if err := waitForCleanEnd(x.ctx, x.d, x.e, runID, len(x.before), 30*time.Second); err != nil {
		t.Fatal(err)
	}

	x.checkNothingTwice(groups, rooms, "**Interview** · round 1 of 2")
	for _, p := range x.log().posts() {
		if strings.Contains(p.Content, "🔄 **Interview** · round 2 of 2") {
			t.Logf("the role swap, due %v before the restart, was posted %v after it",
				restarted.Sub(swapDue).Round(time.Millisecond), p.At.Sub(restarted).Round(time.Millisecond))
			break
		}
	}
	if r := x.run(runID); r.State != workshop.RunEnded {
		t.Errorf("after /workshop end the run is %s", r.State)
	}
	x.checkRequests()
}

// checkNothingTwice fails the test when the bot made a room twice or
// posted a message twice, or when a group's room did not get firstPrompt
// once per member (each member's prompt names their role).
func (x *e2e) checkNothingTwice(groups []workshop.Group, rooms map[int][2]string, firstPrompt string) {
	t := x.t
	t.Helper()
	log := x.log()
	created := map[string]int{}
	for _, id := range slices.Sorted(maps.Keys(log.names)) {
		if !slices.ContainsFunc(x.before, func(c *discordgo.Channel) bool { return c.ID == id }) {
			created[log.names[id]]++
		}
	}
	if want := 1 + 2*len(groups); len(created) != want {
		t.Errorf("the bot made %d distinct rooms, want %d (a category and two rooms per group): %v", len(created), want, created)
	}
	for name, n := range created {
		if n > 1 {
			t.Errorf("room %q was made %d times", name, n)
		}
	}
	x.checkPostsOnce(log, groups, rooms, firstPrompt)
}

// checkPostsOnce fails the test when the bot posted a message twice in one
// channel, or when a group's room did not get firstPrompt once per member.
func (x *e2e) checkPostsOnce(log *rehearsalLog, groups []workshop.Group, rooms map[int][2]string, firstPrompt string) {
	t := x.t
	t.Helper()
	seen := map[string]int{}
	for _, p := range log.posts() {
		seen[p.ChannelID+"\x00"+p.Content]++
	}
	for key, n := range seen {
		if n > 1 {
			channel, content, _ := strings.Cut(key, "\x00")
			t.Errorf("posted %d times in %s: %q", n, channel, firstLine(content, 120))
		}
	}
	for _, g := range groups {
		n := 0
		for _, p := range log.posts() {
			if p.ChannelID == rooms[g.Number][0] && strings.Contains(p.Content, firstPrompt) {
				n++
			}
		}
		if n != len(g.Members) {
			t.Errorf("%s's room got the first prompt %d times for %d members", g.Name, n, len(g.Members))
		}
	}
}
