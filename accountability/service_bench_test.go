package accountability

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkServiceCheckIn measures the Service's own cost of a check-in
// (validation, zone lookup, store, streak, post) on the in-memory store: the
// overhead the modal-submit path adds on top of Postgres.
func BenchmarkServiceCheckIn(b *testing.B) {
	start := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	h := newHarness(b, start)
	ctx := context.Background()
	if _, err := h.svc.Setup(ctx, SetupRequest{GuildID: "g", ChannelID: "acc", Cadence: "daily", Time: "09:00", Zone: "Europe/Berlin", By: admin}); err != nil {
		b.Fatal(err)
	}
	in := CheckinInput{Done: "wrote the parser", Next: "tests", Blockers: "none", Mood: 4}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := h.svc.CheckIn(ctx, CheckinRequest{GuildID: "g", ChannelID: "acc", UserID: fmt.Sprint("u", i%1000), Input: in}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "checkins/s")
}

// BenchmarkSweepReminders measures one reminder sweep over members all due
// in the same minute (the worst case, a popular round hour), on the
// in-memory store: the Service's decision cost per member, without
// Postgres.
func BenchmarkSweepReminders(b *testing.B) {
	const members = 5000
	ctx := context.Background()
	due := time.Date(2026, 3, 2, 20, 0, 0, 0, time.UTC)
	for b.Loop() {
		b.StopTimer()
		h := newHarness(b, due.Add(-time.Hour))
		if _, err := h.svc.Setup(ctx, SetupRequest{GuildID: "g", ChannelID: "acc", Cadence: "daily", Time: "09:00", Zone: "UTC", By: admin}); err != nil {
			b.Fatal(err)
		}
		for i := range members {
			if _, err := h.svc.Remind(ctx, RemindRequest{GuildID: "g", ChannelID: "acc", UserID: fmt.Sprint("u", i), On: true, Time: "20:00"}); err != nil {
				b.Fatal(err)
			}
		}
		h.clock.Set(due)
		b.StartTimer()
		sent, err := h.svc.SweepReminders(ctx, due)
		if err != nil || sent != members {
			b.Fatalf("sent %d of %d: %v", sent, members, err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)/members*1e6, "us/member")
}
