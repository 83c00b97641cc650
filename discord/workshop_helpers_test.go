package discord

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
	"github.com/roundtable-bot/roundtable/workshop"
)

// memLedger is an in-memory workshop.Ledger. failRecord, when set, is
// asked before every Record and may refuse it (a crash between making an
// object and recording it).
type memLedger struct {
	mu         sync.Mutex
	m          map[int64]map[string]string
	failRecord func(key, value string) bool
}

func newMemLedger() *memLedger { return &memLedger{m: map[int64]map[string]string{}} }

func (l *memLedger) Lookup(_ context.Context, runID int64, key string) (string, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.m[runID][key]
	return v, ok, nil
}

var errLedgerDown = errors.New("ledger: simulated crash before recording")

func (l *memLedger) Record(_ context.Context, runID int64, key, value string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.failRecord != nil && l.failRecord(key, value) {
		return errLedgerDown
	}
	if l.m[runID] == nil {
		l.m[runID] = map[string]string{}
	}
	l.m[runID][key] = value
	return nil
}

func (l *memLedger) Entries(_ context.Context, runID int64, prefix string) (map[string]string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]string{}
	for k, v := range l.m[runID] {
		if strings.HasPrefix(k, prefix) {
			out[k] = v
		}
	}
	return out, nil
}

// memSubmissions is a SubmissionLister fed by the test.
type memSubmissions struct {
	mu   sync.Mutex
	subs []workshop.Submission
}

func (s *memSubmissions) add(sub workshop.Submission) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.subs = append(s.subs, sub)
}

func (s *memSubmissions) Submissions(_ context.Context, runID int64) ([]workshop.Submission, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []workshop.Submission
	for _, sub := range s.subs {
		if sub.RunID == runID {
			out = append(out, sub)
		}
	}
	return out, nil
}

func loadCurriculum(tb testing.TB, id string) *workshop.Curriculum {
	tb.Helper()
	lib, diags := workshop.LoadLibrary(os.DirFS("../curricula"))
	if diags.HasErrors() {
		tb.Fatalf("curricula: %v", diags)
	}
	c, err := lib.Get(id)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// driver runs a workshop with the real engine, standing in for the
// runner and the durable timers, and applies every effect through the
// effector.
type driver struct {
	tb     testing.TB
	e      *discordtest.Emulator
	s      *discordgo.Session
	eff    *WorkshopEffector
	ledger *memLedger
	subs   *memSubmissions
	engine *workshop.Engine
	run    *workshop.Run
	timers map[string]time.Time
	now    time.Time
	twice  bool // apply every effect twice, as a retry after a crash would
}

type driverOptions struct {
	members    int
	emulator   []discordtest.Option
	curriculum *workshop.Curriculum
	groupSize  int
	effector   WorkshopEffectorOptions
}

func newDriver(tb testing.TB, o driverOptions) *driver {
	tb.Helper()
	if o.members == 0 {
		o.members = 7
	}
	e := discordtest.New(tb, append([]discordtest.Option{discordtest.WithMembers(o.members)}, o.emulator...)...)
	s := e.Session(tb)
	d := &driver{tb: tb, e: e, s: s, ledger: newMemLedger(), subs: &memSubmissions{},
		engine: &workshop.Engine{RoomGrace: time.Minute}, timers: map[string]time.Time{}, now: time.Now().UTC()}
	opts := o.effector
	opts.BotUserID = e.Seed().BotUserID
	opts.Submissions = d.subs
	d.eff = NewWorkshopEffector(s, d.ledger, opts)
	tb.Cleanup(func() { _ = d.eff.Close() })
	c := o.curriculum
	if c == nil {
		c = loadCurriculum(tb, "design-thinking")
	}
	seed := e.Seed()
	run, effs, err := d.engine.Start(42, workshop.StartRequest{
		GuildID: seed.GuildID, MainChannelID: seed.TextChannelID, MainVoiceChannelID: seed.VoiceChannelID,
		HostID: seed.OwnerID, Curriculum: c, GroupSize: o.groupSize,
	}, d.now)
	if err != nil {
		tb.Fatalf("Start: %v", err)
	}
	d.run = run
	d.apply(effs)
	return d
}

// apply carries out effects in order, as the runner's Drain does.
func (d *driver) apply(effs []workshop.Effect) []workshop.Effect {
	d.tb.Helper()
	ctx := context.Background()
	for _, ef := range effs {
		switch ef := ef.(type) {
		case workshop.ScheduleTimer:
			d.timers[ef.Timer.Key()] = ef.Timer.Due
		case workshop.CancelTimers:
			for k := range d.timers {
				if strings.HasPrefix(k, ef.Prefix) {
					delete(d.timers, k)
				}
			}
		}
		if err := d.eff.Apply(ctx, d.run, ef); err != nil {
			d.tb.Fatalf("apply %s: %v", ef.Key(), err)
		}
		if d.twice {
			if err := d.eff.Apply(ctx, d.run, ef); err != nil {
				d.tb.Fatalf("apply %s again: %v", ef.Key(), err)
			}
		}
	}
	return effs
}

func (d *driver) must(effs []workshop.Effect, err error) []workshop.Effect {
	d.tb.Helper()
	if err != nil {
		d.tb.Fatalf("engine: %v", err)
	}
	return d.apply(effs)
}

// join has the first n seeded members join, with levels in turn.
func (d *driver) join(n int) []string {
	d.tb.Helper()
	levels := []workshop.Experience{workshop.ExperienceNew, workshop.ExperienceSome, workshop.ExperienceExperienced}
	ids := d.e.Seed().MemberIDs[:n]
	for i, u := range ids {
		d.must(d.engine.Join(d.run, u, levels[i%3], d.now))
	}
	return ids
}

// joinVoice puts members in the main voice channel and waits until the
// bot's session has seen it.
func (d *driver) joinVoice(users ...string) {
	d.tb.Helper()
	seed := d.e.Seed()
	for _, u := range users {
		if err := d.e.Member(u).JoinVoice(seed.VoiceChannelID); err != nil {
			d.tb.Fatalf("join voice: %v", err)
		}
	}
	d.waitState(func() bool {
		for _, u := range users {
			if d.eff.voiceChannelOf(seed.GuildID, u) != seed.VoiceChannelID {
				return false
			}
		}
		return true
	})
}

// waitState polls the bot's State (fed by the gateway) until cond holds.
func (d *driver) waitState(cond func() bool) {
	d.tb.Helper()
	for range 500 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	d.tb.Fatal("the bot's State never caught up")
}

// fireUntil fires, in due order, every timer due by until, each at its due
// time, and returns the effects.
func (d *driver) fireUntil(until time.Time) []workshop.Effect {
	d.tb.Helper()
	var out []workshop.Effect
	for {
		key, due, ok := "", time.Time{}, false
		for k, t := range d.timers {
			if !ok || t.Before(due) || (t.Equal(due) && k < key) {
				key, due, ok = k, t, true
			}
		}
		if !ok || due.After(until) {
			return out
		}
		delete(d.timers, key)
		d.now = due
		out = append(out, d.must(d.engine.Fire(d.run, key, due))...)
	}
}

// fireNextStep fires timers until the run enters another step.
func (d *driver) fireNextStep() []workshop.Effect {
	d.tb.Helper()
	from, state := d.run.StepIndex, d.run.State
	var out []workshop.Effect
	for d.run.StepIndex == from && d.run.State == state {
		key, due, ok := "", time.Time{}, false
		for k, t := range d.timers {
			if !ok || t.Before(due) || (t.Equal(due) && k < key) {
				key, due, ok = k, t, true
			}
		}
		if !ok {
			d.tb.Fatalf("no timer left at step %d", from)
		}
		out = append(out, d.fireUntil(due)...)
	}
	return out
}

func (d *driver) room(formation, group int, kind string) string {
	d.tb.Helper()
	v, ok, _ := d.ledger.Lookup(context.Background(), d.run.ID, roomKey(formation, group, kind))
	if !ok || v == "" || v == pending {
		d.tb.Fatalf("no %s room recorded for formation %d group %d", kind, formation, group)
	}
	return v
}

func (d *driver) waitMoves() {
	d.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := d.eff.WaitMoves(ctx, d.run.ID); err != nil {
		d.tb.Fatalf("moves: %v", err)
	}
}

func contents(msgs []*discordgo.Message) []string {
	var out []string
	for _, m := range msgs {
		text := m.Content
		for _, em := range m.Embeds {
			text += "\n" + em.Title + "\n" + em.Description
		}
		out = append(out, text)
	}
	return out
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// rateLimited counts the 429s the emulator answered.
func rateLimited(e *discordtest.Emulator) int {
	n := 0
	for _, st := range e.RateLimiter().Stats() {
		n += st.RateLimited
	}
	return n
}

// countRequests counts requests whose route template is route.
func countRequests(e *discordtest.Emulator, route string) int {
	n := 0
	for _, r := range e.Requests() {
		if r.Route == route {
			n++
		}
	}
	return n
}
