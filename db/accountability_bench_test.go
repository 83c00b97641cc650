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

// BenchmarkReminderSweep measures the database time of one minute of the
// reminder sweep for 100,000 members with reminders on, spread over zones
// and minutes of the day: claim what is due (repeating while a batch comes
// back full), decide with ShouldRemind, then MarkReminded or Reschedule.
// Each op is one simulated minute, so ns/op is the sweep's cost per minute;
// db-ms-per-minute says it in the target's unit (< 1000).
func BenchmarkReminderSweep(b *testing.B) {
	d := dbtest.New(b)
	setupChannel(b, d, "g1", "c1", accountability.Daily, "09:00", "UTC")
	ctx := testContext(b)
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	zones := []string{"UTC", "Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles",
		"America/Sao_Paulo", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney", "Africa/Lagos", "Asia/Kathmandu", "Pacific/Auckland"}
	rng := rand.New(rand.NewPCG(1, 2))
	const chunk = 10_000
	for from := 0; from < sweepMembers; from += chunk {
		users, zs, ats, nexts := make([]string, chunk), make([]string, chunk), make([]string, chunk), make([]string, chunk)
		for j := range chunk {
			zone := mustZone(b, zones[rng.IntN(len(zones))])
			at := accountability.LocalTime{Hour: rng.IntN(24), Minute: rng.IntN(60)}
			users[j], zs[j], ats[j] = fmt.Sprintf("u%d", from+j), zone.String(), at.String()
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
	st := db.NewReminderStore(d)
	minute, reminded := 0, 0
	for b.Loop() {
		minute++
		reminded += len(sweep(b, st, start.Add(time.Duration(minute)*time.Minute)))
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "db-ms-per-minute")
	b.ReportMetric(float64(reminded)/float64(b.N), "reminders/minute")
}
