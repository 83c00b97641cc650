package db_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/accountability"
	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
)

// The accountability Service over the real Postgres stores: the wiring cmd
// does, proven end to end. Two Services on two pools stand for two bot
// processes sharing one database and one Discord.

// settableClock is the time of the stores and the Services alike.
type settableClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *settableClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *settableClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t.UTC()
}

// recordingNotifier is an in-memory Discord that keeps what the Service
// asked it to show.
type recordingNotifier struct {
	mu        sync.Mutex
	nextID    int
	posts     map[string]accountability.CheckinPost // message ID -> what it shows now
	edits     []string                              // message IDs edited
	prompts   []accountability.PromptPost
	reminders []accountability.ReminderNotice
	digests   []accountability.DigestPost
}

func newRecordingNotifier() *recordingNotifier {
	return &recordingNotifier{posts: map[string]accountability.CheckinPost{}}
}

func (n *recordingNotifier) id() string { n.nextID++; return fmt.Sprintf("m%d", n.nextID) }

func (n *recordingNotifier) PostPrompt(_ context.Context, p accountability.PromptPost) (string, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.prompts = append(n.prompts, p)
	return n.id(), nil
}

func (n *recordingNotifier) PostCheckin(_ context.Context, p accountability.CheckinPost) (string, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	id := n.id()
	n.posts[id] = p
	return id, nil
}

func (n *recordingNotifier) EditCheckin(_ context.Context, messageID string, p accountability.CheckinPost) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, ok := n.posts[messageID]; !ok {
		return accountability.Errorf(accountability.ENOTFOUND, "message %s is gone", messageID)
	}
	n.posts[messageID] = p
	n.edits = append(n.edits, messageID)
	return nil
}

func (n *recordingNotifier) SendReminder(_ context.Context, r accountability.ReminderNotice) (accountability.ReminderDelivery, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.reminders = append(n.reminders, r)
	return accountability.DeliveredByDM, nil
}

func (n *recordingNotifier) PostDigest(_ context.Context, p accountability.DigestPost) (string, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.digests = append(n.digests, p)
	return n.id(), nil
}

// The support side is not exercised here; it refuses rather than pretends.
func (n *recordingNotifier) OpenSupportThread(context.Context, accountability.SupportQuestion) (string, error) {
	return "", accountability.Errorf(accountability.EFORBIDDEN, "support is not part of this test")
}

func (n *recordingNotifier) PostInThread(context.Context, string, string) error {
	return accountability.Errorf(accountability.EFORBIDDEN, "support is not part of this test")
}

func (n *recordingNotifier) Nudge(context.Context, accountability.Thread) error {
	return accountability.Errorf(accountability.EFORBIDDEN, "support is not part of this test")
}

func (n *recordingNotifier) Thank(context.Context, accountability.Thread) error {
	return accountability.Errorf(accountability.EFORBIDDEN, "support is not part of this test")
}

// newPostgresService wires a Service to the Postgres stores on d's pool.
func newPostgresService(d *db.DB, n accountability.Notifier, clock *settableClock) *accountability.Service {
	return &accountability.Service{
		Channels:  db.NewAccountabilityChannelStore(d),
		Checkins:  db.NewCheckinStore(d),
		Away:      db.NewAwayStore(d),
		Zones:     db.NewMemberZoneStore(d),
		Reminders: db.NewReminderStore(d),
		Support:   db.NewSupportStore(d),
		Digests:   db.NewDigestStore(d),
		Notifier:  n,
		Now:       clock.Now,
	}
}

func TestAccountabilityServiceOverPostgres(t *testing.T) {
	d := dbtest.New(t)
	// Tuesday 3 November 2026; Berlin is UTC+1.
	clock := &settableClock{now: time.Date(2026, 11, 3, 7, 0, 0, 0, time.UTC)}
	d.Now = clock.Now
	other := otherPools(t, d, 1)[0]
	discord := newRecordingNotifier()
	svc := newPostgresService(d, discord, clock)
	processes := []*accountability.Service{svc, newPostgresService(other, discord, clock)}
	ctx := testContext(t)
	admin := accountability.Actor{ID: "admin", Moderator: true}

	// Setup, then members' settings.
	ch, err := svc.Setup(ctx, accountability.SetupRequest{GuildID: "g1", ChannelID: "c1", Cadence: "daily", Time: "09:00", Zone: "Europe/Berlin", By: admin})
	if err != nil || ch.Zone.String() != "Europe/Berlin" || ch.PostTime.String() != "09:00" {
		t.Fatalf("Setup = %+v, %v", ch, err)
	}
	_, err = svc.Setup(ctx, accountability.SetupRequest{GuildID: "g2", ChannelID: "c1", Cadence: "daily", Time: "09:00", Zone: "UTC", By: admin})
	wantAcct(t, err, accountability.ECONFLICT)
	if _, err := svc.SetZone(ctx, "g1", "ana", "Europe/Berlin"); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"ana", "bob"} { // bob has no zone: the channel's is used
		r, err := svc.Remind(ctx, accountability.RemindRequest{GuildID: "g1", ChannelID: "c1", UserID: u, On: true, Time: "18:00"})
		if want := time.Date(2026, 11, 3, 17, 0, 0, 0, time.UTC); err != nil || !r.NextAt.Equal(want) {
			t.Fatalf("Remind(%s) = %+v, %v; want next at %s", u, r, err, want)
		}
	}

	// The day's prompt goes out once from two processes.
	clock.Set(time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC))
	if got := sweepAll(t, processes, (*accountability.Service).PostDuePrompts, clock.Now()); got != 1 || len(discord.prompts) != 1 {
		t.Fatalf("prompts posted = %d (%+v), want 1", got, discord.prompts)
	}

	// A check-in, then an edit the same local day: one message, edited.
	clock.Set(time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC))
	first, err := svc.CheckIn(ctx, accountability.CheckinRequest{GuildID: "g1", ChannelID: "c1", UserID: "ana",
		Input: accountability.CheckinInput{Done: "read the spec", Next: "write tests", Mood: 4}})
	if err != nil || !first.Created || first.MessageID == "" || first.Streak.Current != 1 {
		t.Fatalf("CheckIn = %+v, %v", first, err)
	}
	clock.Set(time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC))
	edit, err := svc.CheckIn(ctx, accountability.CheckinRequest{GuildID: "g1", ChannelID: "c1", UserID: "ana",
		Input: accountability.CheckinInput{Done: "read the spec twice", Blockers: "flaky CI", Mood: 3}})
	if err != nil || edit.Created || edit.MessageID != first.MessageID {
		t.Fatalf("same-day CheckIn = %+v, %v; want an edit of %s", edit, err, first.MessageID)
	}
	if len(discord.posts) != 1 || len(discord.edits) != 1 || discord.posts[first.MessageID].Done != "read the spec twice" || !discord.posts[first.MessageID].Edited {
		t.Fatalf("Discord shows %+v after edits %v, want one edited message", discord.posts, discord.edits)
	}
	stored, err := db.NewCheckinStore(d).Get(ctx, first.Checkin.Key())
	if err != nil || stored.MessageID != first.MessageID || stored.Done != "read the spec twice" || stored.Blockers != "flaky CI" || stored.Date != date(t, "2026-11-03") {
		t.Fatalf("stored check-in = %+v, %v", stored, err)
	}

	// 18:00 in Berlin: bob has not checked in, ana has. Two processes sweep
	// at once, and again later: bob is reminded once.
	clock.Set(time.Date(2026, 11, 3, 17, 0, 0, 0, time.UTC))
	sent := sweepAll(t, processes, (*accountability.Service).SweepReminders, clock.Now())
	sent += sweepAll(t, processes, (*accountability.Service).SweepReminders, clock.Now().Add(10*time.Minute))
	want := accountability.ReminderNotice{GuildID: "g1", UserID: "bob", ChannelID: "c1", Date: date(t, "2026-11-03")}
	if sent != 1 || len(discord.reminders) != 1 || discord.reminders[0] != want {
		t.Fatalf("reminders sent = %d: %+v, want one: %+v", sent, discord.reminders, want)
	}

	// Monday 09:00 in Berlin: last week's digest, claimed once.
	clock.Set(time.Date(2026, 11, 9, 8, 30, 0, 0, time.UTC))
	posted := sweepAll(t, processes, (*accountability.Service).PostDigests, clock.Now())
	posted += sweepAll(t, processes, (*accountability.Service).PostDigests, clock.Now().Add(time.Hour))
	week := accountability.ISOWeek{Year: 2026, Week: 45}
	if posted != 1 || len(discord.digests) != 1 || discord.digests[0].Week != week || discord.digests[0].ChannelID != "c1" {
		t.Fatalf("digests posted = %d: %+v, want one for c1 in %s", posted, discord.digests, week)
	}
	if !strings.Contains(discord.digests[0].Text, "flaky CI") {
		t.Fatalf("digest text %q does not show ana's open blocker", discord.digests[0].Text)
	}
	id, err := db.NewDigestStore(d).DigestMessage(ctx, "c1", week)
	if err != nil || id == "" {
		t.Fatalf("digest message = %q, %v; want the posted message recorded", id, err)
	}
}

// sweepAll runs one scheduled job in every process at the same moment and
// returns how many things they posted in all.
func sweepAll(t *testing.T, processes []*accountability.Service, job func(*accountability.Service, context.Context, time.Time) (int, error), now time.Time) int {
	t.Helper()
	ctx := testContext(t)
	counts := make([]int, len(processes))
	errs := make([]error, len(processes))
	var wg sync.WaitGroup
	for i, s := range processes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			counts[i], errs[i] = job(s, ctx, now)
		}()
	}
	wg.Wait()
	total := 0
	for i := range processes {
		if errs[i] != nil {
			t.Fatalf("process %d: %v", i, errs[i])
		}
		total += counts[i]
	}
	return total
}
