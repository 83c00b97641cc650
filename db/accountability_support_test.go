package db_test

import (
	"sync"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/accountability"
	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
)

func newThread(t testing.TB, threadID, asker string, at time.Time) accountability.Thread {
	t.Helper()
	th, err := accountability.NewThread("g1", "help", threadID, asker, "Goroutine leak", "My test hangs after Run returns.", at)
	if err != nil {
		t.Fatal(err)
	}
	return th
}

func TestSupportSettings(t *testing.T) {
	d := dbtest.New(t)
	st := db.NewSupportStore(d)
	ctx := testContext(t)

	_, err := st.Settings(ctx, "g1")
	wantAcct(t, err, accountability.ENOTFOUND)
	if _, err := st.SetSettings(ctx, accountability.SupportSettings{GuildID: "g1", ChannelID: "help", NudgeAfter: 24 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	// Setup again replaces the guild's one support channel.
	got, err := st.SetSettings(ctx, accountability.SupportSettings{GuildID: "g1", ChannelID: "ask", NudgeAfter: 90 * time.Minute})
	if err != nil || got.ChannelID != "ask" || got.NudgeAfter != 90*time.Minute {
		t.Fatalf("SetSettings = %+v, %v", got, err)
	}
	got, err = st.Settings(ctx, "g1")
	if err != nil || got != (accountability.SupportSettings{GuildID: "g1", ChannelID: "ask", NudgeAfter: 90 * time.Minute}) {
		t.Fatalf("Settings = %+v, %v", got, err)
	}
	_, err = st.SetSettings(ctx, accountability.SupportSettings{GuildID: "g2", ChannelID: "ask", NudgeAfter: time.Hour})
	wantAcct(t, err, accountability.ECONFLICT) // g1's channel
	_, err = st.SetSettings(ctx, accountability.SupportSettings{GuildID: "g1", ChannelID: "ask"})
	wantAcct(t, err, accountability.EINVALID)
}

func TestSupportThreadLifecycle(t *testing.T) {
	d := dbtest.New(t)
	now := fixedClock(d)
	st := db.NewSupportStore(d)
	ctx := testContext(t)

	th := newThread(t, "t1", "ana", now)
	if err := st.Create(ctx, th); err != nil {
		t.Fatal(err)
	}
	wantAcct(t, st.Create(ctx, th), accountability.ECONFLICT) // unique violation
	_, err := st.GetByThreadID(ctx, "t9")
	wantAcct(t, err, accountability.ENOTFOUND)

	// Two members reply at once: the first to commit is the first answer.
	var wg sync.WaitGroup
	for i, who := range []string{"bob", "cem"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := st.Update(ctx, "t1", func(t *accountability.Thread) (bool, error) {
				return t.ObserveMessage(who, false, now.Add(time.Duration(i+1)*time.Minute)), nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	answered, err := st.GetByThreadID(ctx, "t1")
	if err != nil || answered.State != accountability.Answered || (answered.FirstAnswerBy != "bob" && answered.FirstAnswerBy != "cem") {
		t.Fatalf("after replies = %+v, %v", answered, err)
	}

	_, err = st.Update(ctx, "t1", func(t *accountability.Thread) (bool, error) {
		return true, t.Resolve(accountability.Actor{ID: "bob"}, "", now.Add(time.Hour))
	})
	wantAcct(t, err, accountability.EFORBIDDEN) // only the asker or a moderator
	resolved, err := st.Update(ctx, "t1", func(t *accountability.Thread) (bool, error) {
		return true, t.Resolve(accountability.Actor{ID: "ana"}, "cem", now.Add(time.Hour))
	})
	if err != nil || resolved.State != accountability.Resolved || resolved.HelperID != "cem" || resolved.ResolvedBy != "ana" {
		t.Fatalf("resolve = %+v, %v", resolved, err)
	}
	stored, _ := st.GetByThreadID(ctx, "t1")
	if stored != resolved {
		t.Fatalf("stored %+v\nwant %+v", stored, resolved)
	}

	// A state the schema forbids (answered without an answer) is EINVALID.
	bad := newThread(t, "t2", "ana", now)
	if err := st.Create(ctx, bad); err != nil {
		t.Fatal(err)
	}
	bad.State = accountability.Answered
	wantAcct(t, st.Save(ctx, bad), accountability.EINVALID)
	wantAcct(t, st.Save(ctx, newThread(t, "t404", "ana", now)), accountability.ENOTFOUND)
}

func TestDueNudgesClaimEachThreadOnceAcrossProcesses(t *testing.T) {
	d := dbtest.New(t)
	now := fixedClock(d)
	st := db.NewSupportStore(d)
	ctx := testContext(t)
	if _, err := st.SetSettings(ctx, accountability.SupportSettings{GuildID: "g1", ChannelID: "help", NudgeAfter: 2 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if err := st.Create(ctx, newThread(t, "old"+string(rune('0'+i)), "ana", now.Add(-3*time.Hour))); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Create(ctx, newThread(t, "young", "ana", now.Add(-time.Hour))); err != nil {
		t.Fatal(err)
	}
	answered := newThread(t, "answered", "ana", now.Add(-3*time.Hour))
	answered.ObserveMessage("bob", false, now.Add(-2*time.Hour))
	if err := st.Create(ctx, answered); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	claims := map[string]int{}
	race(otherPools(t, d, 4), func(_ int, p *db.DB) {
		due, err := db.NewSupportStore(p).DueNudges(testContext(t), now)
		if err != nil {
			t.Error(err)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		for _, th := range due {
			claims[th.ThreadID]++
			if !th.NudgedAt.Equal(now) {
				t.Errorf("%s nudged at %v, want %v", th.ThreadID, th.NudgedAt, now)
			}
		}
	})
	if len(claims) != 10 {
		t.Fatalf("nudged %v, want the 10 old unanswered threads", claims)
	}
	for id, n := range claims {
		if n != 1 {
			t.Errorf("%s nudged %d times", id, n)
		}
	}
	later, err := st.DueNudges(ctx, now.Add(2*time.Hour))
	if err != nil || len(later) != 1 || later[0].ThreadID != "young" {
		t.Fatalf("later nudges = %+v, %v; want only the young thread", later, err)
	}
}

func TestSupportStatsAndExport(t *testing.T) {
	d := dbtest.New(t)
	now := fixedClock(d) // 2026-03-01 12:00 UTC
	st := db.NewSupportStore(d)
	ctx := testContext(t)
	month := accountability.MonthOf(now)
	since := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

	oldResolved := newThread(t, "jan", "ana", now.AddDate(0, -2, 0))
	oldResolved.ObserveMessage("bob", false, oldResolved.CreatedAt.Add(time.Hour))
	if err := oldResolved.Resolve(accountability.Actor{ID: "ana"}, "", oldResolved.CreatedAt.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	oldOpen := newThread(t, "feb", "ana", now.AddDate(0, -1, 0))
	fresh := newThread(t, "mar", "cem", now.Add(-2*time.Hour))
	fresh.ObserveMessage("bob", false, now.Add(-time.Hour))
	for _, th := range []accountability.Thread{oldResolved, oldOpen, fresh} {
		if err := st.Create(ctx, th); err != nil {
			t.Fatal(err)
		}
	}
	list, err := st.ListForStats(ctx, "g1", since)
	if err != nil || len(list) != 2 || list[0].ThreadID != "feb" || list[1].ThreadID != "mar" {
		t.Fatalf("ListForStats = %+v, %v", list, err)
	}
	stats := accountability.Stats(list, now, month)
	if stats.Open != 2 || stats.Unanswered != 1 || stats.Answered != 1 || stats.MedianTimeToFirstAnswer != time.Hour ||
		len(stats.TopHelpers) != 1 || stats.TopHelpers[0].UserID != "bob" {
		t.Fatalf("stats from stored threads = %+v", stats)
	}

	recs, err := st.Export(ctx, "g1", time.Time{})
	if err != nil || len(recs) != 3 || recs[0].ThreadID != "jan" || recs[0].HelperID != "bob" || recs[0].ResolvedAt == nil || recs[1].FirstAnswerAt != nil {
		t.Fatalf("Export = %+v, %v", recs, err)
	}
	recent, err := st.Export(ctx, "g1", since.AddDate(0, -1, 0))
	if err != nil || len(recent) != 2 {
		t.Fatalf("Export since February = %+v, %v", recent, err)
	}
}

func TestDigestClaimIsTakenOverWhenItsClaimerDiesUnposted(t *testing.T) {
	d := dbtest.New(t)
	now := fixedClock(d)
	setupChannel(t, d, "g1", "c1", accountability.Weekly, "09:00", "UTC")
	ctx := testContext(t)
	week := accountability.ISOWeek{Year: 2026, Week: 9}
	st := db.NewDigestStore(d)
	if ok, err := st.ClaimDigest(ctx, "c1", week); err != nil || !ok {
		t.Fatalf("first claim = %v, %v", ok, err)
	}
	// The claimer died. After the lease, exactly one of several takes over.
	d.Now = func() time.Time { return now.Add(11 * time.Minute) }
	var mu sync.Mutex
	winners := 0
	race(otherPools(t, d, 4), func(_ int, p *db.DB) {
		ok, err := db.NewDigestStore(p).ClaimDigest(testContext(t), "c1", week)
		if err != nil {
			t.Error(err)
		}
		if ok {
			mu.Lock()
			winners++
			mu.Unlock()
		}
	})
	if winners != 1 {
		t.Fatalf("%d processes took the digest over, want 1", winners)
	}
	if err := st.SetDigestMessage(ctx, "c1", week, "m1"); err != nil {
		t.Fatal(err)
	}
	// Posted: never claimed again, however late.
	d.Now = func() time.Time { return now.Add(30 * 24 * time.Hour) }
	if ok, err := st.ClaimDigest(ctx, "c1", week); err != nil || ok {
		t.Fatalf("claim after posting = %v, %v; want refused", ok, err)
	}
}

func TestDigestClaimedOncePerWeekAcrossProcesses(t *testing.T) {
	d := dbtest.New(t)
	fixedClock(d)
	setupChannel(t, d, "g1", "c1", accountability.Weekly, "09:00", "UTC")
	ctx := testContext(t)
	week := accountability.ISOWeek{Year: 2026, Week: 9}

	var mu sync.Mutex
	winners := 0
	race(otherPools(t, d, 6), func(_ int, p *db.DB) {
		ok, err := db.NewDigestStore(p).ClaimDigest(testContext(t), "c1", week)
		if err != nil {
			t.Error(err)
		}
		if ok {
			mu.Lock()
			winners++
			mu.Unlock()
		}
	})
	if winners != 1 {
		t.Fatalf("%d processes claimed the digest, want 1", winners)
	}
	st := db.NewDigestStore(d)
	if msg, err := st.DigestMessage(ctx, "c1", week); err != nil || msg != "" {
		t.Fatalf("unposted digest message = %q, %v", msg, err)
	}
	// Within the claimer's lease nobody else may post it.
	if ok, err := st.ClaimDigest(ctx, "c1", week); err != nil || ok {
		t.Fatalf("claim within the lease = %v, %v; want refused", ok, err)
	}
	if err := st.SetDigestMessage(ctx, "c1", week, "m1"); err != nil {
		t.Fatal(err)
	}
	if msg, err := st.DigestMessage(ctx, "c1", week); err != nil || msg != "m1" {
		t.Fatalf("digest message = %q, %v", msg, err)
	}
	if ok, err := st.ClaimDigest(ctx, "c1", week.Next()); err != nil || !ok {
		t.Fatalf("next week's claim = %v, %v", ok, err)
	}
	_, err := st.ClaimDigest(ctx, "nope", week)
	wantAcct(t, err, accountability.ENOTFOUND)
	wantAcct(t, st.SetDigestMessage(ctx, "c1", week.Prev(), "m0"), accountability.ENOTFOUND)
	_, err = st.DigestMessage(ctx, "c1", week.Prev())
	wantAcct(t, err, accountability.ENOTFOUND)
}
