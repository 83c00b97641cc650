package discord

import (
	"context"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/accountability"
	"github.com/roundtable-bot/roundtable/discord/discordtest"
)

// BenchmarkSendReminderThroughEmulator measures one reminder by DM (open
// the DM channel, post) through discordgo and the emulator, with the
// notifier's own pacing lifted: under the emulator's "realistic" profile
// the figure is what Discord's per-route limits allow one process, under
// "none" the adapter's and the emulator's cost.
func BenchmarkSendReminderThroughEmulator(b *testing.B) {
	for _, profile := range []string{"realistic", "none"} {
		b.Run(profile, func(b *testing.B) { benchmarkSendReminder(b, profile) })
	}
}

func benchmarkSendReminder(b *testing.B, profile string) {
	e := discordtest.New(b, discordtest.WithMembers(50), discordtest.WithProfile(profile))
	s := e.Session(b)
	seed := e.Seed()
	n := NewAccountabilityNotifier(s, AccountabilityNotifierOptions{GlobalLimit: RateLimit{1 << 30, time.Second}})
	d, err := accountability.NewDate(2026, time.March, 30)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	start := time.Now()
	i := 0
	for b.Loop() {
		r := accountability.ReminderNotice{GuildID: seed.GuildID, UserID: seed.MemberIDs[i%len(seed.MemberIDs)], ChannelID: seed.TextChannelID, Date: d}
		if via, err := n.SendReminder(ctx, r); err != nil || via != accountability.DeliveredByDM {
			b.Fatalf("SendReminder = %q, %v", via, err)
		}
		i++
	}
	b.ReportMetric(float64(i)/time.Since(start).Seconds(), "reminders/s")
}
