package db_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/accountability"
	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
)

// checkin builds a valid check-in by userID in channel c1 of g1 at at.
func checkin(t testing.TB, channelID, userID string, in accountability.CheckinInput, at time.Time, zone string) accountability.Checkin {
	t.Helper()
	c, err := accountability.NewCheckin("g1", channelID, userID, in, at, mustZone(t, zone))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCheckinSameLocalDayEditsThatDaysCheckin(t *testing.T) {
	d := dbtest.New(t)
	setupChannel(t, d, "g1", "c1", accountability.Daily, "09:00", "UTC")
	st := db.NewCheckinStore(d)
	ctx := testContext(t)

	// 23:30 in New York on 2026-03-02 is already 04:30 UTC on the 3rd.
	first := checkin(t, "c1", "ana", accountability.CheckinInput{Done: "wrote tests", Blockers: "CI is red", Mood: 2},
		time.Date(2026, 3, 2, 23, 30, 0, 0, mustZone(t, "America/New_York")), "America/New_York")
	rec, err := st.Upsert(ctx, first)
	if err != nil || !rec.Created || rec.MessageID != "" || !slices.Equal(rec.Days, days(t, "2026-03-02")) || len(rec.Away) != 0 {
		t.Fatalf("first Upsert = %+v, %v; want created on 2026-03-02 with no message yet", rec, err)
	}
	if err := st.SetMessageID(ctx, first.Key(), "msg1"); err != nil {
		t.Fatal(err)
	}
	edit := checkin(t, "c1", "ana", accountability.CheckinInput{Done: "wrote more tests", Next: "ship"},
		time.Date(2026, 3, 2, 23, 50, 0, 0, mustZone(t, "America/New_York")), "America/New_York")
	if edit.Key() != first.Key() {
		t.Fatalf("keys differ: %+v vs %+v", edit.Key(), first.Key())
	}
	rec, err = st.Upsert(ctx, edit)
	if err != nil || rec.Created || rec.MessageID != "msg1" || !slices.Equal(rec.Days, days(t, "2026-03-02")) {
		t.Fatalf("same-day Upsert = %+v, %v; want an edit of msg1's day, counted once", rec, err)
	}
	got, err := st.Get(ctx, first.Key())
	if err != nil {
		t.Fatal(err)
	}
	if got.Date != date(t, "2026-03-02") || got.Done != "wrote more tests" || got.Next != "ship" || got.Blockers != "" ||
		got.Mood != 0 || got.MessageID != "msg1" || !got.At.Equal(edit.At) || got.Zone != "America/New_York" {
		t.Fatalf("after the edit: %+v", got)
	}
	var rows, nullMoods int
	if err := d.GetContext(ctx, &rows, `SELECT count(*) FROM checkins`); err != nil {
		t.Fatal(err)
	}
	if err := d.GetContext(ctx, &nullMoods, `SELECT count(*) FROM checkins WHERE mood IS NULL`); err != nil {
		t.Fatal(err)
	}
	if rows != 1 || nullMoods != 1 {
		t.Fatalf("%d rows, %d with NULL mood; want 1 and 1 (mood 0 is stored as NULL)", rows, nullMoods)
	}

	// The next local day is a new check-in; the history read with it holds
	// both days and the member's away periods.
	away := accountability.AwayPeriod{From: date(t, "2026-03-10"), Until: date(t, "2026-03-12")}
	if err := db.NewAwayStore(d).Add(ctx, "g1", "ana", away); err != nil {
		t.Fatal(err)
	}
	next := checkin(t, "c1", "ana", accountability.CheckinInput{Done: "day two", Mood: 5},
		time.Date(2026, 3, 3, 8, 0, 0, 0, mustZone(t, "America/New_York")), "America/New_York")
	rec, err = st.Upsert(ctx, next)
	if err != nil || !rec.Created || rec.MessageID != "" || !slices.Equal(rec.Days, days(t, "2026-03-02", "2026-03-03")) ||
		!slices.Equal(rec.Away, []accountability.AwayPeriod{away}) {
		t.Fatalf("next-day Upsert = %+v, %v; want created, two days, one away period", rec, err)
	}
	if g, err := st.Get(ctx, next.Key()); err != nil || g.Mood != 5 || g.MessageID != "" {
		t.Fatalf("day two = %+v, %v", g, err)
	}
}

func TestCheckinStoreRejectsBadInput(t *testing.T) {
	d := dbtest.New(t)
	setupChannel(t, d, "g1", "c1", accountability.Daily, "09:00", "UTC")
	st := db.NewCheckinStore(d)
	ctx := testContext(t)
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

	_, err := st.Upsert(ctx, checkin(t, "elsewhere", "ana", accountability.CheckinInput{Done: "x"}, at, "UTC"))
	wantAcct(t, err, accountability.ENOTFOUND) // not an accountability channel

	c := checkin(t, "c1", "ana", accountability.CheckinInput{Done: "x"}, at, "UTC")
	long := c
	long.Done = strings.Repeat("a", accountability.MaxCheckinField+1)
	_, err = st.Upsert(ctx, long)
	wantAcct(t, err, accountability.EINVALID)
	noDate := c
	noDate.Date = accountability.Date{}
	_, err = st.Upsert(ctx, noDate)
	wantAcct(t, err, accountability.EINVALID)

	badMood := c
	badMood.Mood = 9
	_, err = st.Upsert(ctx, badMood)
	wantAcct(t, err, accountability.EINVALID)

	wantAcct(t, st.SetMessageID(ctx, c.Key(), "m"), accountability.ENOTFOUND)
	_, err = st.Get(ctx, c.Key())
	wantAcct(t, err, accountability.ENOTFOUND)
}

func TestCheckinDaysRoundTripForStreaks(t *testing.T) {
	d := dbtest.New(t)
	setupChannel(t, d, "g1", "c1", accountability.Daily, "09:00", "UTC")
	setupChannel(t, d, "g1", "c2", accountability.Daily, "09:00", "UTC")
	st := db.NewCheckinStore(d)
	ctx := testContext(t)

	// Four days in a row: Berlin, then Kolkata (a zone change keeps the days
	// earned), then New York; one of them also in c2.
	days := []struct {
		channel string
		at      time.Time
		zone    string
	}{
		{"c1", time.Date(2026, 3, 27, 20, 0, 0, 0, time.UTC), "Europe/Berlin"},
		{"c1", time.Date(2026, 3, 28, 20, 0, 0, 0, time.UTC), "Europe/Berlin"},
		{"c2", time.Date(2026, 3, 28, 21, 0, 0, 0, time.UTC), "Europe/Berlin"},
		{"c1", time.Date(2026, 3, 29, 10, 0, 0, 0, time.UTC), "Asia/Kolkata"},
		{"c1", time.Date(2026, 3, 30, 20, 0, 0, 0, time.UTC), "America/New_York"},
	}
	for _, dd := range days {
		if _, err := st.Upsert(ctx, checkin(t, dd.channel, "ana", accountability.CheckinInput{Done: "x"}, dd.at, dd.zone)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Upsert(ctx, checkin(t, "c1", "bob", accountability.CheckinInput{Done: "y"}, days[0].at, "UTC")); err != nil {
		t.Fatal(err)
	}
	c1, err := st.Days(ctx, "g1", "ana", "c1")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2026-03-27", "2026-03-28", "2026-03-29", "2026-03-30"}
	if len(c1) != len(want) {
		t.Fatalf("Days = %v, want %v", c1, want)
	}
	for i, w := range want {
		if c1[i].Date.String() != w {
			t.Fatalf("Days = %v, want %v", c1, want)
		}
	}
	all, err := st.Days(ctx, "g1", "ana", "")
	if err != nil || len(all) != 4 {
		t.Fatalf("Days across channels = %v, %v; want 4 distinct days", all, err)
	}
	streak := accountability.ComputeStreak(c1, accountability.Daily, nil, date(t, "2026-03-30"))
	if streak.Current != 4 || streak.Best != 4 {
		t.Fatalf("streak from stored days = %+v, want 4", streak)
	}
	byMember, err := st.ChannelDays(ctx, "c1", date(t, "2026-03-28"))
	if err != nil || len(byMember) != 1 || len(byMember["ana"]) != 3 || byMember["ana"][0].Date != date(t, "2026-03-28") {
		t.Fatalf("ChannelDays since 2026-03-28 = %+v, %v", byMember, err)
	}
	if everyone, err := st.ChannelDays(ctx, "c1", accountability.Date{}); err != nil || len(everyone) != 2 || len(everyone["bob"]) != 1 {
		t.Fatalf("ChannelDays = %+v, %v", everyone, err)
	}
	if none, err := st.Days(ctx, "g1", "nobody", "c1"); err != nil || len(none) != 0 {
		t.Fatalf("Days of a member without check-ins = %v, %v", none, err)
	}
}

func TestCheckinsForWeekAndExport(t *testing.T) {
	d := dbtest.New(t)
	setupChannel(t, d, "g1", "c1", accountability.Weekly, "09:00", "UTC")
	st := db.NewCheckinStore(d)
	ctx := testContext(t)
	if _, err := d.ExecContext(ctx, `INSERT INTO guilds (guild_id) VALUES ('g1') ON CONFLICT DO NOTHING;
		INSERT INTO members (guild_id, user_id, display_name) VALUES ('g1', 'ana', 'Ana')`); err != nil {
		t.Fatal(err)
	}
	put := func(user, day, blockers string, mood int) {
		t.Helper()
		at, _ := time.Parse("2006-01-02 15:04", day+" 12:00")
		if _, err := st.Upsert(ctx, checkin(t, "c1", user, accountability.CheckinInput{Done: "d", Blockers: blockers, Mood: mood}, at, "UTC")); err != nil {
			t.Fatal(err)
		}
	}
	put("ana", "2026-03-10", "old blocker", 0) // week 11
	put("bob", "2026-03-04", "bob's old blocker", 0)
	put("bob", "2026-03-11", "", 0)
	put("ana", "2026-03-16", "", 3) // week 12
	put("ana", "2026-03-18", "stuck", 4)
	put("bob", "2026-03-23", "next week", 0) // week 13: ignored

	week := date(t, "2026-03-16").ISOWeek()
	got, err := st.ForWeek(ctx, "c1", week)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, c := range got {
		lines = append(lines, c.UserID+"/"+c.Name+"/"+c.Date.String()+"/"+c.Blockers)
	}
	want := "ana/Ana/2026-03-10/old blocker|bob//2026-03-11/|ana/Ana/2026-03-16/|ana/Ana/2026-03-18/stuck"
	if strings.Join(lines, "|") != want {
		t.Fatalf("ForWeek =\n%s\nwant\n%s", strings.Join(lines, "|"), want)
	}
	dg := accountability.BuildDigest(week, got, nil)
	if dg.Checkins != 2 || len(dg.OpenBlockers) != 1 || dg.OpenBlockers[0].UserID != "ana" {
		t.Fatalf("digest from stored check-ins = %+v", dg)
	}

	recs, err := st.Export(ctx, "g1", date(t, "2026-03-11"))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 || recs[0].Date.String() != "2026-03-11" || recs[0].UserID != "bob" || recs[2].Mood != 4 || recs[2].Zone != "UTC" {
		t.Fatalf("Export since 2026-03-11 = %+v", recs)
	}
	allRecs, err := st.Export(ctx, "g1", accountability.Date{})
	if err != nil || len(allRecs) != 6 {
		t.Fatalf("Export of everything = %d records, %v; want 6", len(allRecs), err)
	}
	if other, err := st.Export(ctx, "g2", accountability.Date{}); err != nil || len(other) != 0 {
		t.Fatalf("Export of another guild = %+v, %v", other, err)
	}
}
