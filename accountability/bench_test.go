package accountability

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkComputeStreak: a member with three years of daily check-ins
// (with a few gaps and away periods), the worst case /streak computes.
func BenchmarkComputeStreak(b *testing.B) {
	today := d("2026-03-29")
	var checkins []CheckinDay
	for i := 3 * 365; i >= 0; i-- {
		if i%97 != 0 { // a missed day now and then
			checkins = append(checkins, CheckinDay{Date: today.AddDays(-i)})
		}
	}
	periods := []AwayPeriod{away("2024-07-01", "2024-07-14"), away("2025-08-01", "2025-08-21")}
	for _, cadence := range Cadences() {
		b.Run(string(cadence), func(b *testing.B) {
			b.ReportAllocs()
			var s Streak
			for b.Loop() {
				s = ComputeStreak(checkins, cadence, periods, today)
			}
			if s.Best == 0 {
				b.Fatalf("no streak computed: %+v", s)
			}
			b.ReportMetric(float64(len(checkins)), "checkins")
		})
	}
}

// BenchmarkNextReminder100k computes next_reminder_at for 100,000 members
// spread over zones with and without DST and over all reminder times: the
// work the adapter does when (re)scheduling everyone, e.g. after a bulk
// import. One op is all 100,000 members.
func BenchmarkNextReminder100k(b *testing.B) {
	const members = 100_000
	names := []string{"Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "America/Los_Angeles",
		"Asia/Tokyo", "Europe/London", "Australia/Sydney", "America/Sao_Paulo", "UTC"}
	zones := loadZones(b, names...)
	type member struct {
		zone *time.Location
		at   LocalTime
	}
	ms := make([]member, members)
	for i := range ms {
		ms[i] = member{zones[names[i%len(names)]], LocalTime{(i / 7) % 24, (i * 13) % 60}}
	}
	after := mustTime("2026-03-28T23:17:00Z") // the eve of Europe's spring-forward
	b.ReportAllocs()
	var last time.Time
	for b.Loop() {
		for _, m := range ms {
			last = NextReminder(after, m.zone, m.at, Daily)
		}
	}
	if !last.After(after) {
		b.Fatalf("NextReminder went backwards: %s", last)
	}
	perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(perOp/members, "ns/member")
	b.ReportMetric(perOp/1e6, "ms/100k")
}

// BenchmarkReminderSweepMinute simulates one minute of the sweep's domain
// work at a busy moment: 5,000 members due (a popular round hour), each
// checked with ShouldRemind and rescheduled with NextReminder.
func BenchmarkReminderSweepMinute(b *testing.B) {
	berlin := loadZones(b, "Europe/Berlin")["Europe/Berlin"]
	now := mustTime("2026-03-30T07:00:00Z")
	due := make([]ReminderState, 5000)
	for i := range due {
		due[i] = ReminderState{Enabled: true, LastCheckinDate: d("2026-03-29"), Away: []AwayPeriod{away(fmt.Sprintf("2026-04-%02d", 1+i%28), "2026-04-29")}}
	}
	b.ReportAllocs()
	sent := 0
	for b.Loop() {
		sent = 0
		for _, m := range due {
			if ShouldRemind(m, now, berlin, Daily) {
				sent++
			}
			_ = NextReminder(now, berlin, LocalTime{9, 0}, Daily)
		}
	}
	if sent != len(due) {
		b.Fatalf("sent %d of %d", sent, len(due))
	}
}
