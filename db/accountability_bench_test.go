package db_test

import (
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lib/pq"
	"github.com/roundtable-bot/roundtable/accountability"
	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
)

// benchMembers is how many members the check-in benchmarks spread over:
// each op is a new day for one of them, so most upserts insert and the
// member rows already exist, as in a community that checks in daily.
const benchMembers = 5000

// reportCheckins prints the throughput in the unit issue 5 states.
func reportCheckins(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "checkins/s")
}

// BenchmarkCheckinUpsert measures CheckinStore.Upsert, the write behind the
// check-in modal, from parallel goroutines sharing one pool (one process).
func BenchmarkCheckinUpsert(b *testing.B) {
	d := dbtest.New(b)
	setupChannel(b, d, "g1", "c1", accountability.Daily, "09:00", "UTC")
	st := db.NewCheckinStore(d)
	ctx := testContext(b)
	start := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	in := accountability.CheckinInput{Done: "shipped the login page", Next: "tests for signup", Blockers: "waiting on review", Mood: 4}
	var seq atomic.Int64
	b.SetParallelism(5) // 10 goroutines on 2 cores: the pool's 10 connections stay busy
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(seq.Add(1))
			at := start.Add(time.Duration(i/benchMembers) * 24 * time.Hour)
			c, err := accountability.NewCheckin("g1", "c1", fmt.Sprintf("u%d", i%benchMembers), in, at, time.UTC)
			if err == nil {
				_, err = st.Upsert(ctx, c)
			}
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	reportCheckins(b)
}

// BenchmarkPlainInsert is the baseline for BenchmarkCheckinUpsert: a plain
// INSERT of the same row into the same table, one after another, with the
// member rows made beforehand.
func BenchmarkPlainInsert(b *testing.B) {
	d := dbtest.New(b)
	setupChannel(b, d, "g1", "c1", accountability.Daily, "09:00", "UTC")
	ctx := testContext(b)
	users := make([]string, benchMembers)
	for i := range users {
		users[i] = fmt.Sprintf("u%d", i)
	}
	if _, err := d.ExecContext(ctx, `INSERT INTO members (guild_id, user_id) SELECT 'g1', unnest($1::text[])`, pq.StringArray(users)); err != nil {
		b.Fatal(err)
	}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	i := 0
	for b.Loop() {
		day := start.AddDate(0, 0, i/benchMembers).Format("2006-01-02")
		if _, err := d.ExecContext(ctx, `
			INSERT INTO checkins (guild_id, channel_id, user_id, local_date, done, next, blockers, mood, time_zone, created_at, updated_at)
			VALUES ('g1', 'c1', $1, $2::date, $3, $4, $5, $6, 'UTC', $7, $7)`,
			users[i%benchMembers], day, "shipped the login page", "tests for signup", "waiting on review", 4, start); err != nil {
			b.Fatal(err)
		}
		i++
	}
	reportCheckins(b)
}

// sweepMembers is the community size of issue 5's sweep target.
const sweepMembers = 100_000

// benchZones spread the sweep benchmarks' members around the world,
// daylight saving and half-hour offsets included.
var benchZones = []string{"UTC", "Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles",
	"America/Sao_Paulo", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney", "Africa/Lagos", "Asia/Kathmandu", "Pacific/Auckland"}

// seedReminders gives sweepMembers members of guild g1 a daily reminder in
// channel c1, each at the zone and local time pick returns for it, scheduled
// from start, in bulk.
func seedReminders(b *testing.B, d *db.DB, start time.Time, pick func(i int) (zone string, at accountability.LocalTime)) {
	b.Helper()
	setupChannel(b, d, "g1", "c1", accountability.Daily, "09:00", "UTC")
	ctx := testContext(b)
	const chunk = 10_000
	for from := 0; from < sweepMembers; from += chunk {
		users, zs, ats, nexts := make([]string, chunk), make([]string, chunk), make([]string, chunk), make([]string, chunk)
		for j := range chunk {
			name, at := pick(from + j)
			zone := mustZone(b, name)
			users[j], zs[j], ats[j] = fmt.Sprintf("u%d", from+j), name, at.String()
			nexts[j] = accountability.NextReminder(start, zone, at, accountability.Daily).Format(time.RFC3339)
		}
		if _, err := d.ExecContext(ctx, `
			WITH m AS (INSERT INTO members (guild_id, user_id, time_zone) SELECT 'g1', u, z FROM unnest($1::text[], $2::text[]) AS x (u, z))
			INSERT INTO member_reminders (guild_id, user_id, enabled, remind_at, channel_id, time_zone, next_reminder_at)
			SELECT 'g1', u, true, a::time, 'c1', z, n FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) AS x (u, z, a, n)`,
			pq.StringArray(users), pq.StringArray(zs), pq.StringArray(ats), pq.StringArray(nexts)); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := d.ExecContext(ctx, `ANALYZE member_reminders`); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkReminderSweep measures the database time of one minute of the
// reminder sweep for 100,000 members with reminders on, spread over zones
// and minutes of the day: claim what is due (repeating while a batch comes
// back full), decide with ShouldRemind, then MarkReminded or Reschedule.
// Each op is one simulated minute, so ns/op is the sweep's cost per minute;
// db-ms-per-minute says it in the target's unit (< 1000).
func BenchmarkReminderSweep(b *testing.B) {
	d := dbtest.New(b)
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(1, 2))
	seedReminders(b, d, start, func(int) (string, accountability.LocalTime) {
		return benchZones[rng.IntN(len(benchZones))], accountability.LocalTime{Hour: rng.IntN(24), Minute: rng.IntN(60)}
	})
	st := db.NewReminderStore(d)
	minute, reminded := 0, 0
	for b.Loop() {
		minute++
		reminded += len(sweep(b, st, start.Add(time.Duration(minute)*time.Minute)))
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "db-ms-per-minute")
	b.ReportMetric(float64(reminded)/float64(b.N), "reminders/minute")
}

// BenchmarkReminderSweepPeakMinute is the worst minute instead of the
// average: 5% of the 100,000 members (5,000) chose 09:00 in Europe/Berlin.
// Each op sweeps that minute; the claims are re-armed between ops, untimed.
func BenchmarkReminderSweepPeakMinute(b *testing.B) {
	d := dbtest.New(b)
	nine := accountability.LocalTime{Hour: 9}
	peak := accountability.NextReminder(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), mustZone(b, "Europe/Berlin"), nine, accountability.Daily)
	rng := rand.New(rand.NewPCG(3, 4))
	// Scheduled from just before the peak, so what is due then is the
	// peak's members (and the others whose time happens to be that minute),
	// not a backlog.
	seedReminders(b, d, peak.Add(-time.Second), func(i int) (string, accountability.LocalTime) {
		if i%20 == 0 {
			return "Europe/Berlin", nine
		}
		return benchZones[rng.IntN(len(benchZones))], accountability.LocalTime{Hour: rng.IntN(24), Minute: rng.IntN(60)}
	})
	st := db.NewReminderStore(d)
	reminded := 0
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		if _, err := d.ExecContext(testContext(b), `
			UPDATE member_reminders SET next_reminder_at = $1, claimed_due_at = NULL, last_reminded_on = NULL
			WHERE time_zone = 'Europe/Berlin' AND remind_at = '09:00'`, peak); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		reminded += len(sweep(b, st, peak))
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "db-ms-per-minute")
	b.ReportMetric(float64(reminded)/float64(b.N), "reminders/minute")
}
