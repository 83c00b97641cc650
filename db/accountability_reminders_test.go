package db_test

import (
	"sync"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/accountability"
	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
)

func TestAwayStore(t *testing.T) {
	d := dbtest.New(t)
	st := db.NewAwayStore(d)
	ctx := testContext(t)
	today := date(t, "2026-03-10")

	p, err := accountability.NewAway("+3d", today)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Add(ctx, "g1", "ana", p); err != nil {
		t.Fatal(err)
	}
	later := accountability.AwayPeriod{From: date(t, "2026-04-01"), Until: date(t, "2026-04-02")}
	if err := st.Add(ctx, "g1", "ana", later); err != nil {
		t.Fatal(err)
	}
	// Again from the same day: it extends the period instead of failing.
	if err := st.Add(ctx, "g1", "ana", accountability.AwayPeriod{From: today, Until: today.AddDays(5)}); err != nil {
		t.Fatal(err)
	}
	wantAcct(t, st.Add(ctx, "g1", "ana", accountability.AwayPeriod{From: today, Until: today.AddDays(-1)}), accountability.EINVALID)

	got, ok, err := st.Active(ctx, "g1", "ana", date(t, "2026-03-15"))
	if err != nil || !ok || got.From != today || got.Until != date(t, "2026-03-15") {
		t.Fatalf("Active on the last away day = %+v, %v, %v", got, ok, err)
	}
	if _, ok, err := st.Active(ctx, "g1", "ana", date(t, "2026-03-16")); err != nil || ok {
		t.Fatalf("Active the day after = %v, %v; want not away", ok, err)
	}
	if _, ok, err := st.Active(ctx, "g1", "bob", today); err != nil || ok {
		t.Fatalf("Active for a member never away = %v, %v", ok, err)
	}
	list, err := st.List(ctx, "g1", "ana")
	if err != nil || len(list) != 2 || list[0].Until != date(t, "2026-03-15") || list[1] != later {
		t.Fatalf("List = %+v, %v", list, err)
	}
	if err := st.Add(ctx, "g1", "bob", accountability.AwayPeriod{From: date(t, "2026-01-01"), Until: date(t, "2026-01-02")}); err != nil {
		t.Fatal(err)
	}
	byGuild, err := st.ByGuild(ctx, "g1", today)
	if err != nil || len(byGuild) != 1 || len(byGuild["ana"]) != 2 {
		t.Fatalf("ByGuild since %s = %+v, %v; want ana's two periods only", today, byGuild, err)
	}
	if all, err := st.ByGuild(ctx, "g1", accountability.Date{}); err != nil || len(all) != 2 || len(all["bob"]) != 1 {
		t.Fatalf("ByGuild of all time = %+v, %v", all, err)
	}
}

func TestReminderSetSchedulesInTheMembersZone(t *testing.T) {
	d := dbtest.New(t)
	now := fixedClock(d) // Sunday 2026-03-01 12:00 UTC
	setupChannel(t, d, "g1", "c1", accountability.Daily, "09:00", "UTC")
	st := db.NewReminderStore(d)
	ctx := testContext(t)
	key := accountability.ReminderKey{GuildID: "g1", UserID: "ana"}

	_, err := st.Get(ctx, key)
	wantAcct(t, err, accountability.ENOTFOUND)

	kolkata := mustZone(t, "Asia/Kolkata")
	r, err := st.Set(ctx, accountability.ReminderSettings{GuildID: "g1", UserID: "ana", ChannelID: "c1", Enabled: true,
		At: accountability.LocalTime{Hour: 20, Minute: 0}, Zone: kolkata})
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 3, 1, 14, 30, 0, 0, time.UTC) // 20:00 IST
	if !r.NextAt.Equal(want) {
		t.Fatalf("next reminder = %v, want %v", r.NextAt, want)
	}
	got, err := st.Get(ctx, key)
	if err != nil || !got.NextAt.Equal(want) || got.Zone.String() != "Asia/Kolkata" || got.At.String() != "20:00" || !got.Enabled {
		t.Fatalf("Get = %+v, %v", got, err)
	}

	// A new zone keeps the local time.
	moved, err := st.SetZone(ctx, key, mustZone(t, "Europe/Berlin"))
	if err != nil || !moved.NextAt.Equal(time.Date(2026, 3, 1, 19, 0, 0, 0, time.UTC)) || moved.At.String() != "20:00" {
		t.Fatalf("SetZone = %+v, %v; want 20:00 CET", moved, err)
	}
	_, err = st.SetZone(ctx, accountability.ReminderKey{GuildID: "g1", UserID: "nobody"}, kolkata)
	wantAcct(t, err, accountability.ENOTFOUND)
	if _, err := st.SetZone(ctx, key, kolkata); err != nil {
		t.Fatal(err)
	}

	// Changing the channel's cadence reschedules its members: weekly
	// reminders go out on Mondays.
	setupChannel(t, d, "g1", "c1", accountability.Weekly, "09:00", "UTC")
	got, _ = st.Get(ctx, key)
	if want := time.Date(2026, 3, 2, 14, 30, 0, 0, time.UTC); !got.NextAt.Equal(want) {
		t.Fatalf("after the cadence change next = %v, want %v", got.NextAt, want)
	}

	off, err := st.Set(ctx, accountability.ReminderSettings{GuildID: "g1", UserID: "ana", At: accountability.LocalTime{Hour: 20}})
	// Off without a channel or zone keeps, and reports, the stored ones.
	if err != nil || !off.NextAt.IsZero() || off.Enabled || off.ChannelID != "c1" || off.Zone.String() != "Asia/Kolkata" {
		t.Fatalf("turning reminders off = %+v, %v", off, err)
	}
	if due, err := st.ClaimDue(ctx, now.Add(30*24*time.Hour), 10); err != nil || len(due) != 0 {
		t.Fatalf("a member who turned reminders off is due: %+v, %v", due, err)
	}

	_, err = st.Set(ctx, accountability.ReminderSettings{GuildID: "g1", UserID: "ana", ChannelID: "nope", Enabled: true, Zone: kolkata})
	wantAcct(t, err, accountability.ENOTFOUND)
	_, err = st.Set(ctx, accountability.ReminderSettings{GuildID: "g1", UserID: "ana", ChannelID: "c1", Enabled: true})
	wantAcct(t, err, accountability.EINVALID) // no zone
	_, err = st.Set(ctx, accountability.ReminderSettings{GuildID: "g1", UserID: "ana", ChannelID: "c1", Enabled: true, Zone: kolkata, At: accountability.LocalTime{Hour: 25}})
	wantAcct(t, err, accountability.EINVALID)
}

// sweepBatch is how many reminders sweep claims and settles per round trip.
const sweepBatch = 200

// sweep runs the sweep the way the adapter does at now, a batch at a time,
// and returns the members it reminded with the local date.
func sweep(t testing.TB, st *db.ReminderStore, now time.Time) []string {
	t.Helper()
	ctx := testContext(t)
	var reminded []string
	for {
		due, err := st.ClaimDue(ctx, now, sweepBatch)
		if err != nil {
			t.Fatal(err)
		}
		outcomes := make([]accountability.ReminderOutcome, len(due))
		dates := map[accountability.ReminderKey]accountability.Date{}
		for i, r := range due {
			outcomes[i] = accountability.ReminderOutcome{Key: r.Key, Next: r.Next(),
				Remind: accountability.ShouldRemind(r.State(), r.DueAt, r.Zone, r.Cadence), LocalDate: r.LocalDate()}
			dates[r.Key] = r.LocalDate()
		}
		send, err := st.Settle(ctx, outcomes)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range send {
			reminded = append(reminded, k.UserID+" "+dates[k].String())
		}
		if len(due) < sweepBatch {
			return reminded
		}
	}
}

func TestReminderSweepRemindsThoseWhoHaveNotCheckedInOncePerDay(t *testing.T) {
	d := dbtest.New(t)
	start := time.Date(2026, 10, 30, 0, 0, 0, 0, time.UTC) // New York falls back on 2026-11-01
	d.Now = func() time.Time { return start }
	setupChannel(t, d, "g1", "c1", accountability.Daily, "09:00", "UTC")
	st := db.NewReminderStore(d)
	checkins := db.NewCheckinStore(d)
	ctx := testContext(t)
	ny := mustZone(t, "America/New_York")
	for _, u := range []string{"ana", "bob", "cem"} {
		if _, err := st.Set(ctx, accountability.ReminderSettings{GuildID: "g1", UserID: u, ChannelID: "c1", Enabled: true,
			At: accountability.LocalTime{Hour: 1, Minute: 30}, Zone: ny}); err != nil {
			t.Fatal(err)
		}
	}
	// bob checks in on the 31st before his reminder; cem is away the 1st.
	bobsCheckin := checkin(t, "c1", "bob", accountability.CheckinInput{Done: "x"},
		time.Date(2026, 10, 31, 0, 30, 0, 0, ny), "America/New_York")
	if err := db.NewAwayStore(d).Add(ctx, "g1", "cem", accountability.AwayPeriod{From: date(t, "2026-11-01"), Until: date(t, "2026-11-01")}); err != nil {
		t.Fatal(err)
	}

	counts := map[string]int{}
	for at := start; at.Before(start.Add(4 * 24 * time.Hour)); at = at.Add(10 * time.Minute) {
		if at.Equal(bobsCheckin.At) {
			if _, err := checkins.Upsert(ctx, bobsCheckin); err != nil {
				t.Fatal(err)
			}
		}
		for _, r := range sweep(t, st, at) {
			counts[r]++
		}
	}
	want := map[string]int{
		"ana 2026-10-30": 1, "bob 2026-10-30": 1, "cem 2026-10-30": 1,
		"ana 2026-10-31": 1, "cem 2026-10-31": 1, // bob had checked in
		"ana 2026-11-01": 1, "bob 2026-11-01": 1, // the repeated 01:30 fires once; cem away
		"ana 2026-11-02": 1, "bob 2026-11-02": 1, "cem 2026-11-02": 1,
	}
	if len(counts) != len(want) {
		t.Fatalf("reminders = %v, want %v", counts, want)
	}
	for k, n := range want {
		if counts[k] != n {
			t.Fatalf("reminders = %v, want %v", counts, want)
		}
	}
}

func TestReminderClaimsAreExclusiveAndNeverTwiceADay(t *testing.T) {
	d := dbtest.New(t)
	now := fixedClock(d)
	setupChannel(t, d, "g1", "c1", accountability.Daily, "09:00", "UTC")
	st := db.NewReminderStore(d)
	ctx := testContext(t)
	for i := range 40 {
		if _, err := st.Set(ctx, accountability.ReminderSettings{GuildID: "g1", UserID: "u" + string(rune('A'+i)), ChannelID: "c1",
			Enabled: true, At: accountability.LocalTime{Hour: 12, Minute: 30}, Zone: time.UTC}); err != nil {
			t.Fatal(err)
		}
	}
	dueAt := now.Add(31 * time.Minute)
	var mu sync.Mutex
	claimed := map[accountability.ReminderKey]int{}
	race(otherPools(t, d, 4), func(_ int, p *db.DB) {
		rs := db.NewReminderStore(p)
		for {
			due, err := rs.ClaimDue(testContext(t), dueAt, 7)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			for _, r := range due {
				claimed[r.Key]++
			}
			mu.Unlock()
			if len(due) == 0 {
				return
			}
		}
	})
	if len(claimed) != 40 {
		t.Fatalf("%d members claimed, want 40", len(claimed))
	}
	for k, n := range claimed {
		if n != 1 {
			t.Errorf("%v claimed %d times", k, n)
		}
	}

	// Two processes marking the same member for the same day: one sends.
	key := accountability.ReminderKey{GuildID: "g1", UserID: "uA"}
	day := date(t, "2026-03-01")
	next := now.Add(24 * time.Hour)
	var sent int
	race(otherPools(t, d, 3), func(_ int, p *db.DB) {
		ok, err := db.NewReminderStore(p).MarkReminded(testContext(t), key, day, next)
		if err != nil {
			t.Error(err)
		}
		if ok {
			mu.Lock()
			sent++
			mu.Unlock()
		}
	})
	if sent != 1 {
		t.Fatalf("%d processes may send uA's reminder for %s, want 1", sent, day)
	}
	// An earlier date (a zone change westwards) cannot add a second one.
	if ok, err := st.MarkReminded(ctx, key, day.AddDays(-1), next); err != nil || ok {
		t.Fatalf("MarkReminded for an earlier day = %v, %v; want refused", ok, err)
	}
	_, err := st.MarkReminded(ctx, accountability.ReminderKey{GuildID: "g1", UserID: "nobody"}, day, next)
	wantAcct(t, err, accountability.ENOTFOUND)
	wantAcct(t, st.Reschedule(ctx, accountability.ReminderKey{GuildID: "g1", UserID: "nobody"}, next), accountability.ENOTFOUND)
}

func TestReminderClaimComesBackAfterItsLeaseWithTheSameOccurrence(t *testing.T) {
	d := dbtest.New(t)
	now := fixedClock(d)
	setupChannel(t, d, "g1", "c1", accountability.Daily, "09:00", "UTC")
	st := db.NewReminderStore(d)
	ctx := testContext(t)
	if _, err := st.Set(ctx, accountability.ReminderSettings{GuildID: "g1", UserID: "ana", ChannelID: "c1", Enabled: true,
		At: accountability.LocalTime{Hour: 12, Minute: 30}, Zone: time.UTC}); err != nil {
		t.Fatal(err)
	}
	first, err := st.ClaimDue(ctx, now.Add(40*time.Minute), 10)
	if err != nil || len(first) != 1 {
		t.Fatalf("claim = %+v, %v", first, err)
	}
	if again, err := st.ClaimDue(ctx, now.Add(41*time.Minute), 10); err != nil || len(again) != 0 {
		t.Fatalf("claimed twice within the lease: %+v, %v", again, err)
	}
	// The claimer died; after the lease the same occurrence is handed out.
	later, err := st.ClaimDue(ctx, now.Add(50*time.Minute), 10)
	if err != nil || len(later) != 1 || !later[0].DueAt.Equal(first[0].DueAt) {
		t.Fatalf("after the lease = %+v, %v; want due %v", later, err, first[0].DueAt)
	}
	// Settings changed meanwhile: the sweep's next is ignored.
	if _, err := st.Set(ctx, accountability.ReminderSettings{GuildID: "g1", UserID: "ana", ChannelID: "c1", Enabled: true,
		At: accountability.LocalTime{Hour: 18}, Zone: time.UTC}); err != nil {
		t.Fatal(err)
	}
	if err := st.Reschedule(ctx, later[0].Key, later[0].Next()); err != nil {
		t.Fatal(err)
	}
	got, _ := st.Get(ctx, later[0].Key)
	if want := time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC); !got.NextAt.Equal(want) {
		t.Fatalf("next = %v, want %v from the new settings", got.NextAt, want)
	}
}
