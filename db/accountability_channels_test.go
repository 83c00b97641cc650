package db_test

import (
	"sync"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/accountability"
	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
)

func TestAccountabilityChannelStore(t *testing.T) {
	d := dbtest.New(t)
	now := fixedClock(d) // 2026-03-01 12:00 UTC, a Sunday
	st := db.NewAccountabilityChannelStore(d)
	ctx := testContext(t)

	_, err := st.Get(ctx, "g1", "c1")
	wantAcct(t, err, accountability.ENOTFOUND)

	s := setupChannel(t, d, "g1", "c1", accountability.Daily, "09:30", "Europe/Berlin")
	if s.Cadence != accountability.Daily || s.PostTime.String() != "09:30" || s.Zone.String() != "Europe/Berlin" || s.Paused {
		t.Fatalf("setup returned %+v", s)
	}
	setupChannel(t, d, "g1", "c0", accountability.Weekly, "18:00", "Asia/Kolkata")

	got, err := st.Get(ctx, "g1", "c1")
	if err != nil {
		t.Fatal(err)
	}
	if got.ChannelID != "c1" || got.GuildID != "g1" || got.WeeklyDay != time.Monday {
		t.Fatalf("Get = %+v", got)
	}
	_, err = st.Get(ctx, "g2", "c1")
	wantAcct(t, err, accountability.ENOTFOUND) // another guild cannot see it

	// Setup again replaces the settings; another guild cannot take it.
	s2, _ := accountability.NewChannelSettings("g1", "c1", "weekdays", "08:00", "America/New_York")
	if _, err := st.Setup(ctx, s2, "admin2"); err != nil {
		t.Fatal(err)
	}
	s3, _ := accountability.NewChannelSettings("g2", "c1", "daily", "08:00", "UTC")
	_, err = st.Setup(ctx, s3, "intruder")
	wantAcct(t, err, accountability.ECONFLICT)
	_, err = st.Setup(ctx, accountability.ChannelSettings{GuildID: "g1", ChannelID: "c9"}, "admin")
	wantAcct(t, err, accountability.EINVALID)

	list, err := st.ListByGuild(ctx, "g1")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ChannelID != "c0" || list[1].ChannelID != "c1" || list[1].Cadence != accountability.Weekdays {
		t.Fatalf("ListByGuild = %+v", list)
	}
	if empty, err := st.ListByGuild(ctx, "nobody"); err != nil || len(empty) != 0 {
		t.Fatalf("ListByGuild of an unknown guild = %v, %v", empty, err)
	}

	// ListAll spans guilds, paused channels included (the digest sweep
	// skips those itself).
	setupChannel(t, d, "g2", "c2", accountability.Daily, "07:00", "UTC")
	if _, err := st.SetPaused(ctx, "g2", "c2", true); err != nil {
		t.Fatal(err)
	}
	all, err := st.ListAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 || all[0].ChannelID != "c0" || all[1].ChannelID != "c1" || all[2].ChannelID != "c2" || all[2].GuildID != "g2" || !all[2].Paused {
		t.Fatalf("ListAll = %+v", all)
	}

	// Paused: no prompt comes due; resumed: the next one from now.
	if p, err := st.SetPaused(ctx, "g1", "c1", true); err != nil || !p.Paused {
		t.Fatalf("SetPaused = %+v, %v", p, err)
	}
	if due, err := st.DuePrompts(ctx, now.Add(30*24*time.Hour), 10); err != nil || countChannel(due, "c1") != 0 {
		t.Fatalf("paused channel prompted: %+v, %v", due, err)
	}
	if _, err := st.SetPaused(ctx, "g1", "c1", false); err != nil {
		t.Fatal(err)
	}
	_, err = st.SetPaused(ctx, "g1", "nope", true)
	wantAcct(t, err, accountability.ENOTFOUND)

	if err := st.Remove(ctx, "g1", "c1"); err != nil {
		t.Fatal(err)
	}
	wantAcct(t, st.Remove(ctx, "g1", "c1"), accountability.ENOTFOUND)
	_, err = st.Get(ctx, "g1", "c1")
	wantAcct(t, err, accountability.ENOTFOUND)
}

func countChannel(due []accountability.DuePrompt, channelID string) int {
	n := 0
	for _, p := range due {
		if p.Channel.ChannelID == channelID {
			n++
		}
	}
	return n
}

func TestDuePromptsFollowTheChannelsLocalDays(t *testing.T) {
	d := dbtest.New(t)
	// Saturday 2026-03-28 12:00 UTC: Europe/Berlin springs forward on Sunday
	// 2026-03-29 at 02:00, so a 02:30 prompt that day fires at 03:00 CEST.
	now := time.Date(2026, 3, 28, 12, 0, 0, 0, time.UTC)
	d.Now = func() time.Time { return now }
	st := db.NewAccountabilityChannelStore(d)
	ctx := testContext(t)
	setupChannel(t, d, "g1", "c1", accountability.Daily, "02:30", "Europe/Berlin")

	var got []string
	for at := now; at.Before(now.Add(72 * time.Hour)); at = at.Add(5 * time.Minute) {
		due, err := st.DuePrompts(ctx, at, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range due {
			got = append(got, p.Date.String()+" "+p.DueAt.In(p.Channel.Zone).Format("15:04 MST"))
			if err := st.SetPromptMessage(ctx, "c1", p.Date, "m-"+p.Date.String()); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := []string{"2026-03-29 03:00 CEST", "2026-03-30 02:30 CEST", "2026-03-31 02:30 CEST"}
	if len(got) != len(want) {
		t.Fatalf("prompts = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("prompts = %v, want %v", got, want)
		}
	}
	wantAcct(t, st.SetPromptMessage(ctx, "c1", date(t, "2026-01-01"), "m"), accountability.ENOTFOUND)
	wantAcct(t, st.SetPromptMessage(ctx, "c1", date(t, "2026-03-29"), ""), accountability.EINVALID)
}

func TestDuePromptsClaimEachPromptOnceAcrossProcesses(t *testing.T) {
	d := dbtest.New(t)
	now := fixedClock(d)
	for i := range 20 {
		setupChannel(t, d, "g1", "c"+string(rune('a'+i)), accountability.Daily, "13:00", "UTC")
	}
	pools := otherPools(t, d, 4)
	var mu sync.Mutex
	claims := map[string]int{}
	race(pools, func(_ int, p *db.DB) {
		st := db.NewAccountabilityChannelStore(p)
		for range 3 { // each process sweeps a few times, overlapping
			due, err := st.DuePrompts(testContext(t), now.Add(time.Hour), 3)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			for _, dp := range due {
				claims[dp.Channel.ChannelID+" "+dp.Date.String()]++
			}
			mu.Unlock()
		}
	})
	// Whatever the first round left, a last sweep takes.
	rest, err := db.NewAccountabilityChannelStore(d).DuePrompts(testContext(t), now.Add(time.Hour), 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, dp := range rest {
		claims[dp.Channel.ChannelID+" "+dp.Date.String()]++
	}
	if len(claims) != 20 {
		t.Fatalf("%d prompts claimed, want 20: %v", len(claims), claims)
	}
	for k, n := range claims {
		if n != 1 {
			t.Errorf("prompt %s claimed %d times", k, n)
		}
	}
}

func TestDuePromptsHandAnUnpostedClaimToAnotherProcessAfterItsLease(t *testing.T) {
	d := dbtest.New(t)
	now := fixedClock(d)
	st := db.NewAccountabilityChannelStore(d)
	ctx := testContext(t)
	setupChannel(t, d, "g1", "c1", accountability.Daily, "12:30", "UTC")

	first, err := st.DuePrompts(ctx, now.Add(30*time.Minute), 10)
	if err != nil || len(first) != 1 {
		t.Fatalf("first sweep = %+v, %v", first, err)
	}
	// The claimer dies without posting. Within the lease nobody else posts.
	if again, err := st.DuePrompts(ctx, now.Add(31*time.Minute), 10); err != nil || len(again) != 0 {
		t.Fatalf("sweep within the lease = %+v, %v", again, err)
	}
	later, err := st.DuePrompts(ctx, now.Add(35*time.Minute), 10)
	if err != nil || len(later) != 1 || later[0].Date != first[0].Date || !later[0].DueAt.Equal(first[0].DueAt) {
		t.Fatalf("sweep after the lease = %+v, %v; want the same prompt as %+v", later, err, first)
	}
	if err := st.SetPromptMessage(ctx, "c1", later[0].Date, "m1"); err != nil {
		t.Fatal(err)
	}
	if after, err := st.DuePrompts(ctx, now.Add(50*time.Minute), 10); err != nil || len(after) != 0 {
		t.Fatalf("a posted prompt came back: %+v, %v", after, err)
	}
}

func TestDuePromptsSkipPromptsMissedDuringALongOutage(t *testing.T) {
	d := dbtest.New(t)
	now := fixedClock(d)
	st := db.NewAccountabilityChannelStore(d)
	setupChannel(t, d, "g1", "c1", accountability.Daily, "12:30", "UTC")
	// Back after three days: the missed prompts are not posted in a burst,
	// and the next one is scheduled from now.
	back := now.Add(72 * time.Hour)
	if due, err := st.DuePrompts(testContext(t), back, 10); err != nil || len(due) != 0 {
		t.Fatalf("stale prompts = %+v, %v", due, err)
	}
	due, err := st.DuePrompts(testContext(t), back.Add(time.Hour), 10)
	if err != nil || len(due) != 1 || due[0].Date != date(t, "2026-03-04") {
		t.Fatalf("next prompt after the outage = %+v, %v", due, err)
	}
}

// Back from an outage a little after today's prompt time: the old prompts
// are skipped, but today's, still less than an hour late, is posted.
func TestDuePromptsPostTodaysPromptAfterAnOutage(t *testing.T) {
	d := dbtest.New(t)
	now := fixedClock(d) // 2026-03-01 12:00 UTC
	st := db.NewAccountabilityChannelStore(d)
	setupChannel(t, d, "g1", "c1", accountability.Daily, "12:30", "UTC")
	back := now.Add(72*time.Hour + 45*time.Minute) // 2026-03-04 12:45, today's prompt 15 minutes late
	if due, err := st.DuePrompts(testContext(t), back, 10); err != nil || len(due) != 0 {
		t.Fatalf("stale prompts = %+v, %v", due, err)
	}
	due, err := st.DuePrompts(testContext(t), back.Add(time.Minute), 10)
	if err != nil || len(due) != 1 || due[0].Date != date(t, "2026-03-04") {
		t.Fatalf("today's prompt after the outage = %+v, %v", due, err)
	}
}
