package accountability

import (
	"context"
	"strings"
	"testing"
	"time"
)

// sweepAll runs every scheduled job from two processes at each step from
// start to end, as the bot's timer worker would.
func sweepAll(t *testing.T, h *harness, start, end time.Time, step time.Duration) {
	t.Helper()
	ctx := context.Background()
	procs := []*Service{h.svc, h.twin()}
	for now := start; !now.After(end); now = now.Add(step) {
		h.clock.Set(now)
		for _, s := range procs {
			if _, err := s.PostDuePrompts(ctx, now); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SweepReminders(ctx, now); err != nil {
				t.Fatal(err)
			}
			if _, err := s.PostDigests(ctx, now); err != nil {
				t.Fatal(err)
			}
			if _, err := s.NudgeUnanswered(ctx, now); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestPromptsOncePerLocalDayAcrossBerlinSpringForward(t *testing.T) {
	h := newHarness(t, at(t, "Europe/Berlin", "2026-03-27 12:00"))
	setupChannel(t, h, "daily", "02:30", "Europe/Berlin") // 02:30 does not exist on 2026-03-29
	sweepAll(t, h, at(t, "Europe/Berlin", "2026-03-27 12:00"), at(t, "Europe/Berlin", "2026-03-31 12:00"), 5*time.Minute)
	var dates []string
	for _, p := range h.note.prompts {
		dates = append(dates, p.Date.String())
	}
	if got, want := strings.Join(dates, " "), "2026-03-28 2026-03-29 2026-03-30 2026-03-31"; got != want {
		t.Fatalf("prompts on %s, want one each on %s", got, want)
	}
}

func TestPausedChannelGetsNoPrompt(t *testing.T) {
	h := newHarness(t, at(t, "UTC", "2026-03-02 08:00"))
	setupChannel(t, h, "weekdays", "09:00", "UTC")
	if _, err := h.svc.Pause(context.Background(), "g", "acc", admin); err != nil {
		t.Fatal(err)
	}
	sweepAll(t, h, at(t, "UTC", "2026-03-02 08:00"), at(t, "UTC", "2026-03-03 10:00"), 15*time.Minute)
	if len(h.note.prompts) != 0 {
		t.Fatalf("paused channel got %d prompts", len(h.note.prompts))
	}
	if _, err := h.svc.Resume(context.Background(), "g", "acc", admin); err != nil {
		t.Fatal(err)
	}
	sweepAll(t, h, at(t, "UTC", "2026-03-03 10:00"), at(t, "UTC", "2026-03-04 10:00"), 15*time.Minute)
	if len(h.note.prompts) != 1 || h.note.prompts[0].Date.String() != "2026-03-04" {
		t.Fatalf("after resume: %+v", h.note.prompts)
	}
}

// Three members in Berlin, New York and Kolkata check in around the Berlin
// spring-forward day. Each streak counts their own days; reminders go to
// whoever has not checked in by their own 21:00, once a day, by DM or, when
// DMs are closed, by mention.
func TestThreeZonesAcrossDST(t *testing.T) {
	start := at(t, "America/New_York", "2026-03-25 22:00") // after everyone's 03-25 reminder time
	h := newHarness(t, start)
	ctx := context.Background()
	setupChannel(t, h, "daily", "09:00", "Europe/Berlin")
	members := map[string]string{"berta": "Europe/Berlin", "nina": "America/New_York", "kiran": "Asia/Kolkata"}
	for user, zone := range members {
		if _, err := h.svc.SetZone(ctx, "g", user, zone); err != nil {
			t.Fatal(err)
		}
		if _, err := h.svc.Remind(ctx, RemindRequest{GuildID: "g", ChannelID: "acc", UserID: user, On: true, Time: "21:00"}); err != nil {
			t.Fatal(err)
		}
	}
	h.note.dmClosed["kiran"] = true

	// Each checks in at 20:00 local from 03-26 to 03-31, except kiran on 03-29.
	type event struct {
		at   time.Time
		user string
	}
	var events []event
	for day := 26; day <= 31; day++ {
		for user, zone := range members {
			if user == "kiran" && day == 29 {
				continue
			}
			events = append(events, event{at(t, zone, "2026-03-"+itoa2(day)+" 20:00"), user})
		}
	}
	end := at(t, "America/New_York", "2026-03-31 23:59")
	for now := start; !now.After(end); now = now.Add(10 * time.Minute) {
		sweepAll(t, h, now, now, time.Minute)
		for _, e := range events {
			if e.at.After(now.Add(-10*time.Minute)) && !e.at.After(now) {
				h.clock.Set(e.at)
				checkIn(t, h, e.user, "step")
			}
		}
	}

	var reminded []string
	for i, r := range h.note.reminders {
		reminded = append(reminded, r.UserID+"@"+r.Date.String()+"/"+string(h.note.via[i]))
	}
	if got, want := strings.Join(reminded, " "), "kiran@2026-03-29/mention"; got != want {
		t.Fatalf("reminders = %q, want %q", got, want)
	}
	h.clock.Set(end)
	for user, want := range map[string]int{"berta": 6, "nina": 6, "kiran": 2} {
		rep, err := h.svc.Streak(ctx, "g", "acc", user, 2)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Streak.Current != want {
			t.Errorf("%s (%s): streak %+v, want %d", user, members[user], rep.Streak, want)
		}
	}
	rep, _ := h.svc.Streak(ctx, "g", "acc", "kiran", 2)
	if rep.Streak.Best != 3 {
		t.Errorf("kiran's best = %d, want 3 (26-28)", rep.Streak.Best)
	}
	days, _ := h.svc.Checkins.Days(ctx, "g", "berta", "acc")
	if len(days) != 6 {
		t.Errorf("berta has %d check-in days, want 6 (the 23-hour day counts once)", len(days))
	}
}

func itoa2(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }

func TestReminderNeverTwiceASameDayAfterZoneMovesWest(t *testing.T) {
	h := newHarness(t, at(t, "Asia/Kolkata", "2026-03-02 08:00"))
	ctx := context.Background()
	setupChannel(t, h, "daily", "09:00", "UTC")
	if _, err := h.svc.SetZone(ctx, "g", "ana", "Asia/Kolkata"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Remind(ctx, RemindRequest{GuildID: "g", ChannelID: "acc", UserID: "ana", On: true, Time: "09:00"}); err != nil {
		t.Fatal(err)
	}
	sweepAll(t, h, at(t, "Asia/Kolkata", "2026-03-02 08:00"), at(t, "Asia/Kolkata", "2026-03-02 10:00"), 5*time.Minute)
	// She flies to New York, where it is still the morning of 03-01... and
	// then 03-02 again: the reminder for 03-02 was already sent.
	h.clock.Set(at(t, "Asia/Kolkata", "2026-03-02 10:00"))
	if _, err := h.svc.SetZone(ctx, "g", "ana", "America/New_York"); err != nil {
		t.Fatal(err)
	}
	sweepAll(t, h, at(t, "Asia/Kolkata", "2026-03-02 10:00"), at(t, "America/New_York", "2026-03-02 12:00"), 5*time.Minute)
	if len(h.note.reminders) != 1 {
		t.Fatalf("reminders = %+v, want one for 2026-03-02", h.note.reminders)
	}
}

func TestDigestPostedOncePerWeekWithChart(t *testing.T) {
	h := newHarness(t, at(t, "Europe/Berlin", "2026-03-23 12:00")) // Monday of ISO week 13
	ctx := context.Background()
	setupChannel(t, h, "daily", "09:00", "Europe/Berlin")
	checkIn(t, h, "ana", "mon")
	h.clock.Set(at(t, "Europe/Berlin", "2026-03-24 12:00"))
	if _, err := h.svc.CheckIn(ctx, CheckinRequest{GuildID: "g", ChannelID: "acc", UserID: "ana", Input: CheckinInput{Done: "tue", Blockers: "CI is red"}}); err != nil {
		t.Fatal(err)
	}
	checkIn(t, h, "bo", "tue")
	// The digest for week 13 is due Monday 03-30 09:00 Berlin (after the
	// spring-forward Sunday); sweeping through that day from two processes
	// posts it once.
	sweepAll(t, h, at(t, "Europe/Berlin", "2026-03-30 08:00"), at(t, "Europe/Berlin", "2026-03-31 12:00"), 10*time.Minute)
	if len(h.note.digests) != 1 {
		t.Fatalf("%d digests posted, want 1", len(h.note.digests))
	}
	dg := h.note.digests[0]
	if dg.Week.String() != "2026-W13" || len(dg.PNG) == 0 {
		t.Fatalf("digest = %+v", dg)
	}
	for _, want := range []string{"3 check-ins", "2 members", "CI is red", "<@ana> (2)"} {
		if !strings.Contains(dg.Text, want) {
			t.Errorf("digest text lacks %q:\n%s", want, dg.Text)
		}
	}
	if at := at(t, "Europe/Berlin", "2026-03-30 09:00"); h.clock.Now().Before(at) {
		t.Fatal("clock did not pass the due time")
	}
	// An idle week gets no digest.
	sweepAll(t, h, at(t, "Europe/Berlin", "2026-04-06 08:00"), at(t, "Europe/Berlin", "2026-04-06 12:00"), 30*time.Minute)
	if len(h.note.digests) != 1 {
		t.Fatalf("idle week posted a digest: %d", len(h.note.digests))
	}
}

func TestDigestRetriedAfterFailedPost(t *testing.T) {
	h := newHarness(t, at(t, "UTC", "2026-03-24 12:00"))
	setupChannel(t, h, "weekly", "09:00", "UTC")
	checkIn(t, h, "ana", "x")
	h.note.failPosts = Errorf(EUNAVAILABLE, "Discord is down.")
	sweepAll(t, h, at(t, "UTC", "2026-03-30 09:00"), at(t, "UTC", "2026-03-30 09:05"), time.Minute)
	h.note.failPosts = nil
	sweepAll(t, h, at(t, "UTC", "2026-03-30 09:06"), at(t, "UTC", "2026-03-30 10:00"), time.Minute)
	if len(h.note.digests) != 1 {
		t.Fatalf("%d digests after a failed first post, want 1 (after the claim's lease)", len(h.note.digests))
	}
}

// A reminder at a wall time the clocks skip or repeat goes out once on each
// local day, never twice and never dropped, from two processes sweeping.
func TestRemindersOncePerDayAcrossDSTTransitions(t *testing.T) {
	for _, tc := range []struct {
		zone, at, from, to string
		want               string
	}{
		{"America/New_York", "02:30", "2026-03-07 12:00", "2026-03-09 12:00", "2026-03-08 2026-03-09"},        // spring forward: 02:30 is skipped on 03-08
		{"America/New_York", "01:30", "2026-10-31 12:00", "2026-11-02 12:00", "2026-11-01 2026-11-02"},        // fall back: 01:30 happens twice on 11-01
		{"Europe/Berlin", "02:30", "2026-03-28 12:00", "2026-03-30 12:00", "2026-03-29 2026-03-30"},           // spring forward on 03-29
		{"Asia/Kolkata", "00:00", "2026-03-27 12:00", "2026-03-30 12:00", "2026-03-28 2026-03-29 2026-03-30"}, // no DST
		{"Europe/Berlin", "02:30", "2026-10-24 12:00", "2026-10-26 12:00", "2026-10-25 2026-10-26"},           // fall back on 10-25
	} {
		t.Run(tc.zone+" "+tc.from, func(t *testing.T) {
			start := at(t, tc.zone, tc.from)
			h := newHarness(t, start)
			setupChannel(t, h, "daily", "09:00", tc.zone)
			ctx := context.Background()
			if _, err := h.svc.SetZone(ctx, "g", "ana", tc.zone); err != nil {
				t.Fatal(err)
			}
			if _, err := h.svc.Remind(ctx, RemindRequest{GuildID: "g", ChannelID: "acc", UserID: "ana", On: true, Time: tc.at}); err != nil {
				t.Fatal(err)
			}
			sweepAll(t, h, start, at(t, tc.zone, tc.to), 5*time.Minute)
			var days []string
			for _, r := range h.note.reminders {
				days = append(days, r.Date.String())
			}
			if got := strings.Join(days, " "); got != tc.want {
				t.Fatalf("reminded on %q, want %q", got, tc.want)
			}
		})
	}
}
