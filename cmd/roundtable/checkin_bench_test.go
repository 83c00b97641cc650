package main

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/accountability"
	"github.com/roundtable-bot/roundtable/commands"
	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
)

// memoryResponder answers one interaction in memory and remembers its
// initial response, so the router can be driven without a network.
type memoryResponder struct {
	mu    sync.Mutex
	first *discordgo.InteractionResponse
	edits []*discordgo.WebhookEdit
}

func (m *memoryResponder) Respond(_ context.Context, _ *discordgo.Interaction, r *discordgo.InteractionResponse) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.first != nil {
		return fmt.Errorf("memory responder: a second initial response (type %d)", r.Type)
	}
	m.first = r
	return nil
}

func (m *memoryResponder) EditOriginal(_ context.Context, _ *discordgo.Interaction, e *discordgo.WebhookEdit) (*discordgo.Message, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.edits = append(m.edits, e)
	return &discordgo.Message{ID: "original"}, nil
}

func (m *memoryResponder) DeleteOriginal(context.Context, *discordgo.Interaction) error { return nil }

func (m *memoryResponder) Followup(context.Context, *discordgo.Interaction, *discordgo.WebhookParams) (*discordgo.Message, error) {
	return &discordgo.Message{ID: "followup"}, nil
}

// answer is what the member was told: the initial response's content, or
// the edited-in content of a deferred one.
func (m *memoryResponder) answer() (text string, ephemeral bool, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.first == nil || m.first.Data == nil {
		return "", false, false
	}
	text = m.first.Data.Content
	for _, e := range m.edits {
		if e.Content != nil {
			text = *e.Content
		}
	}
	return text, m.first.Data.Flags&discordgo.MessageFlagsEphemeral != 0, true
}

// modalSubmit is a check-in modal submitted by userID in channelID, as
// discordgo decodes it from the gateway.
func modalSubmit(guildID, channelID, userID string, fields map[string]string) *discordgo.Interaction {
	id, _ := commands.NewID(commands.KindCheckin, channelID).Encode()
	var rows []discordgo.MessageComponent
	for k, v := range fields {
		rows = append(rows, &discordgo.ActionsRow{Components: []discordgo.MessageComponent{&discordgo.TextInput{CustomID: k, Value: v}}})
	}
	return &discordgo.Interaction{ID: "1", AppID: "2", Type: discordgo.InteractionModalSubmit, GuildID: guildID, ChannelID: channelID,
		Token: "token", Member: &discordgo.Member{User: &discordgo.User{ID: userID, Username: "member" + userID}},
		Data: discordgo.ModalSubmitInteractionData{CustomID: id, Components: rows}}
}

// discardNotifier accepts every Discord effect at once, so the benchmark
// measures the router, the handler, the Service and Postgres.
type discardNotifier struct{ n atomic.Int64 }

func (d *discardNotifier) id() string { return fmt.Sprint(d.n.Add(1)) }
func (d *discardNotifier) PostPrompt(context.Context, accountability.PromptPost) (string, error) {
	return d.id(), nil
}
func (d *discardNotifier) PostCheckin(context.Context, accountability.CheckinPost) (string, error) {
	return d.id(), nil
}
func (d *discardNotifier) EditCheckin(context.Context, string, accountability.CheckinPost) error {
	return nil
}
func (d *discardNotifier) SendReminder(context.Context, accountability.ReminderNotice) (accountability.ReminderDelivery, error) {
	return accountability.DeliveredByDM, nil
}
func (d *discardNotifier) PostDigest(context.Context, accountability.DigestPost) (string, error) {
	return d.id(), nil
}
func (d *discardNotifier) OpenSupportThread(context.Context, accountability.SupportQuestion) (string, error) {
	return d.id(), nil
}
func (d *discardNotifier) PostInThread(context.Context, string, string) error { return nil }
func (d *discardNotifier) Nudge(context.Context, accountability.Thread) error { return nil }
func (d *discardNotifier) Thank(context.Context, accountability.Thread) error { return nil }

// benchService is the Service over the real Postgres stores, with one
// accountability channel set up.
func benchService(b *testing.B, d *db.DB) *accountability.Service {
	b.Helper()
	svc := &accountability.Service{
		Channels:  db.NewAccountabilityChannelStore(d),
		Checkins:  db.NewCheckinStore(d),
		Away:      db.NewAwayStore(d),
		Zones:     db.NewMemberZoneStore(d),
		Reminders: db.NewReminderStore(d),
		Support:   db.NewSupportStore(d),
		Digests:   db.NewDigestStore(d),
		Notifier:  &discardNotifier{},
	}
	if _, err := svc.Setup(context.Background(), accountability.SetupRequest{GuildID: "10", ChannelID: "20", Cadence: "daily",
		Time: "09:00", Zone: "Europe/Berlin", By: accountability.Actor{ID: "admin", Moderator: true}}); err != nil {
		b.Fatalf("setup: %v", err)
	}
	return svc
}

// benchParallelism is how many submits per CPU are in flight at once
// (b.SetParallelism), in the router benchmark and its plain INSERT loop.
const benchParallelism = 16

// BenchmarkCheckinThroughRouterIntoPostgres submits check-in modals through
// the commands router (Dispatch with an in-memory responder), the handler,
// the Service and the Postgres stores, in parallel as Discord delivers
// interactions. Every submit is a new member's day (an INSERT, a post, a
// message ID saved, a streak read). It reports check-ins per second and the
// p99 time to answer an interaction (Discord allows 3 s), then a plain
// INSERT loop into the same checkins table with as many workers, and
// the ratio of the two.
//
// Run it sustained with a count, e.g. -benchtime 20000x.
func BenchmarkCheckinThroughRouterIntoPostgres(b *testing.B) {
	benchCheckins(b, dbtest.New(b))
}

// benchCheckins runs the check-in benchmark on d.
func benchCheckins(b *testing.B, d *db.DB) {
	svc := benchService(b, d)
	acct, err := commands.NewAccountability(commands.AccountabilityDeps{Service: svc})
	if err != nil {
		b.Fatal(err)
	}
	router := commands.NewRouter(commands.RouterOptions{})
	reg := commands.NewRegistry()
	acct.Register(reg, router)
	reg.Install(router)

	// Discord delivers interactions concurrently and discordgo handles each
	// on its own goroutine: many submits are in flight at once, each
	// waiting on Postgres most of its time.
	b.SetParallelism(benchParallelism)
	var next atomic.Int64
	var mu sync.Mutex
	var latencies []time.Duration
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			user := fmt.Sprintf("u%d", next.Add(1))
			i := modalSubmit("10", "20", user, map[string]string{"done": "wrote the parser", "next": "tests", "blockers": "", "mood": "4"})
			m := &memoryResponder{}
			began := time.Now()
			router.Dispatch(context.Background(), m, nil, i)
			mine = append(mine, time.Since(began))
			if text, eph, ok := m.answer(); !ok || !eph || !strings.Contains(text, "Checked in") {
				b.Errorf("member %s was answered %q (ephemeral %v, answered %v)", user, text, eph, ok)
				return
			}
		}
		mu.Lock()
		latencies = append(latencies, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	routed := float64(len(latencies)) / elapsed.Seconds()
	slices.Sort(latencies)
	p99 := percentile(latencies, 0.99)

	inserts := plainInserts(b, d, len(latencies))
	b.ReportMetric(routed, "checkins/s")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-answer-ms")
	b.ReportMetric(inserts, "inserts/s")
	if inserts > 0 {
		b.ReportMetric(routed/inserts, "routed/insert")
	}
	b.Logf("%d check-ins through the router: %.0f/s, p99 answer %v; plain INSERT loop: %.0f/s; ratio %.2f",
		len(latencies), routed, p99, inserts, routed/inserts)
}

// plainInserts INSERTs n check-ins straight into the checkins table at the
// benchmark's parallelism (after the member rows the foreign key needs) and
// returns the rate.
func plainInserts(b *testing.B, d *db.DB, n int) float64 {
	b.Helper()
	n = max(n, 1000)
	ctx := context.Background()
	if _, err := d.ExecContext(ctx, `INSERT INTO members (guild_id, user_id) SELECT '10', 'p' || g FROM generate_series(1, $1) g
		ON CONFLICT DO NOTHING`, n); err != nil {
		b.Fatalf("plain insert members: %v", err)
	}
	var next atomic.Int64
	workers := benchParallelism * runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for {
				k := next.Add(1)
				if k > int64(n) {
					return
				}
				if _, err := d.ExecContext(ctx, `INSERT INTO checkins (guild_id, channel_id, user_id, local_date, done, next, mood)
					VALUES ('10', '20', $1, '2026-03-02', 'wrote the parser', 'tests', 4)`, fmt.Sprintf("p%d", k)); err != nil {
					b.Errorf("plain insert: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	return float64(n) / time.Since(start).Seconds()
}
