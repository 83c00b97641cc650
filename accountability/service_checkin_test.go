package accountability

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func setupChannel(t *testing.T, h *harness, cadence, tm, zone string) ChannelSettings {
	t.Helper()
	ch, err := h.svc.Setup(context.Background(), SetupRequest{GuildID: "g", ChannelID: "acc", Cadence: cadence, Time: tm, Zone: zone, By: admin})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func checkIn(t *testing.T, h *harness, user, done string) CheckinResult {
	t.Helper()
	res, err := h.svc.CheckIn(context.Background(), CheckinRequest{GuildID: "g", ChannelID: "acc", UserID: user, Input: CheckinInput{Done: done}})
	if err != nil {
		t.Fatalf("check-in of %s: %v", user, err)
	}
	return res
}

func TestSetupRefusesNonAdminAndBadOptions(t *testing.T) {
	h := newHarness(t, at(t, "UTC", "2026-03-02 10:00"))
	ctx := context.Background()
	_, err := h.svc.Setup(ctx, SetupRequest{GuildID: "g", ChannelID: "acc", Cadence: "daily", Time: "09:00", Zone: "UTC", By: Actor{ID: "u"}})
	wantCode(t, err, EFORBIDDEN)
	if !strings.Contains(ErrorMessage(err), "Manage Server") {
		t.Errorf("refusal %q does not name the permission", ErrorMessage(err))
	}
	_, err = h.svc.Setup(ctx, SetupRequest{GuildID: "g", ChannelID: "acc", Cadence: "daily", Time: "09:00", Zone: "Mars/Olympus", By: admin})
	wantCode(t, err, EINVALID)
	if _, err := h.svc.Channels.Get(ctx, "g", "acc"); ErrorCode(err) != ENOTFOUND {
		t.Fatalf("refused setup stored a channel: %v", err)
	}
	_, err = h.svc.Pause(ctx, "g", "acc", admin)
	wantCode(t, err, ENOTFOUND)
	setupChannel(t, h, "weekdays", "09:00", "Europe/Berlin")
	ch, err := h.svc.Pause(ctx, "g", "acc", admin)
	if err != nil || !ch.Paused {
		t.Fatalf("pause = %+v, %v", ch, err)
	}
	if _, err := h.svc.Resume(ctx, "g", "acc", Actor{ID: "u"}); ErrorCode(err) != EFORBIDDEN {
		t.Fatalf("resume by a member: %v", err)
	}
	if err := h.svc.Remove(ctx, "g", "acc", admin); err != nil {
		t.Fatal(err)
	}
	wantCode(t, h.svc.Remove(ctx, "g", "acc", admin), ENOTFOUND)
}

func TestCheckinSameLocalDayEditsTheMessage(t *testing.T) {
	h := newHarness(t, at(t, "Europe/Berlin", "2026-03-02 08:00"))
	setupChannel(t, h, "daily", "09:00", "Europe/Berlin")
	first := checkIn(t, h, "ana", "wrote the parser")
	if !first.Created || first.MessageID == "" {
		t.Fatalf("first check-in = %+v", first)
	}
	h.clock.Set(at(t, "Europe/Berlin", "2026-03-02 23:30"))
	second := checkIn(t, h, "ana", "wrote the parser and its tests")
	if second.Created || second.MessageID != first.MessageID {
		t.Fatalf("same-day check-in = %+v, want an edit of %s", second, first.MessageID)
	}
	if h.note.edits != 1 || len(h.note.messages) != 1 {
		t.Fatalf("edits=%d messages=%d, want one edited message", h.note.edits, len(h.note.messages))
	}
	if got := h.note.messages[first.MessageID]; got.Done != "wrote the parser and its tests" || !got.Edited {
		t.Errorf("message shows %+v", got)
	}
	// After midnight in Berlin it is a new day: a new message, streak 2.
	h.clock.Set(at(t, "Europe/Berlin", "2026-03-03 00:10"))
	third := checkIn(t, h, "ana", "refactor")
	if !third.Created || third.MessageID == first.MessageID || third.Streak.Current != 2 {
		t.Fatalf("next-day check-in = %+v", third)
	}
}

func TestCheckinRepostsDeletedMessageAndSurvivesFailedPost(t *testing.T) {
	h := newHarness(t, at(t, "UTC", "2026-03-02 08:00"))
	setupChannel(t, h, "daily", "09:00", "UTC")
	first := checkIn(t, h, "ana", "one")
	h.note.deleteMessage(first.MessageID)
	second := checkIn(t, h, "ana", "two")
	if second.MessageID == first.MessageID || second.MessageID == "" {
		t.Fatalf("deleted message not reposted: %+v", second)
	}

	h.note.failPosts = Errorf(EUNAVAILABLE, "Discord is down.")
	res, err := h.svc.CheckIn(context.Background(), CheckinRequest{GuildID: "g", ChannelID: "acc", UserID: "bo", Input: CheckinInput{Done: "kept"}})
	wantCode(t, err, EUNAVAILABLE)
	if !strings.Contains(ErrorMessage(err), "saved") {
		t.Errorf("message %q does not say the check-in is saved", ErrorMessage(err))
	}
	stored, gerr := h.svc.Checkins.Get(context.Background(), res.Checkin.Key())
	if gerr != nil || stored.Done != "kept" || stored.MessageID != "" {
		t.Fatalf("stored = %+v, %v", stored, gerr)
	}
	h.note.failPosts = nil
	retry := checkIn(t, h, "bo", "kept")
	if retry.Created || retry.MessageID == "" {
		t.Fatalf("retry = %+v, want the stored day posted", retry)
	}
}

func TestCheckinBadInputAndNoChannel(t *testing.T) {
	h := newHarness(t, at(t, "UTC", "2026-03-02 08:00"))
	ctx := context.Background()
	_, err := h.svc.CheckIn(ctx, CheckinRequest{GuildID: "g", ChannelID: "acc", UserID: "a", Input: CheckinInput{Done: "x"}})
	wantCode(t, err, ENOTFOUND)
	if !strings.Contains(ErrorMessage(err), "/accountability setup") {
		t.Errorf("no-channel message %q", ErrorMessage(err))
	}
	setupChannel(t, h, "daily", "09:00", "UTC")
	_, err = h.svc.CheckIn(ctx, CheckinRequest{GuildID: "g", ChannelID: "acc", UserID: "a", Input: CheckinInput{Done: strings.Repeat("é", MaxCheckinField+1)}})
	wantCode(t, err, EINVALID)
	// From another channel, the guild's only accountability channel is used.
	res, err := h.svc.CheckIn(ctx, CheckinRequest{GuildID: "g", ChannelID: "general", UserID: "a", Input: CheckinInput{Done: "x"}})
	if err != nil || res.Checkin.ChannelID != "acc" {
		t.Fatalf("check-in from elsewhere = %+v, %v", res, err)
	}
	if _, err := h.svc.Setup(ctx, SetupRequest{GuildID: "g", ChannelID: "acc2", Cadence: "weekly", Time: "10:00", Zone: "UTC", By: admin}); err != nil {
		t.Fatal(err)
	}
	_, err = h.svc.CheckIn(ctx, CheckinRequest{GuildID: "g", ChannelID: "general", UserID: "a", Input: CheckinInput{Done: "x"}})
	wantCode(t, err, ENOTFOUND)
}

func TestZoneAndAway(t *testing.T) {
	h := newHarness(t, at(t, "America/New_York", "2026-03-02 22:00")) // already 03-03 in UTC
	ctx := context.Background()
	setupChannel(t, h, "daily", "09:00", "UTC")
	_, err := h.svc.SetZone(ctx, "g", "ana", "Europe/Narnia")
	wantCode(t, err, EINVALID)
	if _, err := h.svc.SetZone(ctx, "g", "ana", "America/New_York"); err != nil {
		t.Fatal(err)
	}
	_, err = h.svc.GoAway(ctx, "g", "ana", "2026-03-01")
	wantCode(t, err, EINVALID)
	if !strings.Contains(ErrorMessage(err), "past") {
		t.Errorf("past date message %q", ErrorMessage(err))
	}
	// Today is 03-02 in New York even though it is 03-03 in UTC.
	res, err := h.svc.GoAway(ctx, "g", "ana", "today")
	if err != nil || res.Period.From.String() != "2026-03-02" || !res.ZoneSet {
		t.Fatalf("away today = %+v, %v", res, err)
	}
	// A check-in is filed under the member's date, not UTC's.
	c := checkIn(t, h, "ana", "x")
	if c.Checkin.Date.String() != "2026-03-02" || c.Checkin.Zone != "America/New_York" {
		t.Fatalf("check-in filed under %s in %s", c.Checkin.Date, c.Checkin.Zone)
	}
}

func TestAwayFreezesStreak(t *testing.T) {
	h := newHarness(t, at(t, "UTC", "2026-03-02 12:00"))
	ctx := context.Background()
	setupChannel(t, h, "daily", "09:00", "UTC")
	checkIn(t, h, "ana", "mon")
	h.clock.Set(at(t, "UTC", "2026-03-03 12:00"))
	checkIn(t, h, "ana", "tue")
	h.clock.Set(at(t, "UTC", "2026-03-04 08:00"))
	if _, err := h.svc.GoAway(ctx, "g", "ana", "+2d"); err != nil { // Wed to Fri
		t.Fatal(err)
	}
	h.clock.Set(at(t, "UTC", "2026-03-07 12:00"))
	rep, err := h.svc.Streak(ctx, "g", "acc", "ana", 4)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Streak.Current != 2 || len(rep.Weeks) != 4 {
		t.Fatalf("streak after away = %+v (%d weeks)", rep.Streak, len(rep.Weeks))
	}
	last := rep.Weeks[len(rep.Weeks)-1].Days
	if last[0] != DayChecked || last[2] != DayAway || last[6] != DayFuture {
		t.Errorf("this week's heatmap row = %v", last)
	}
	checkIn(t, h, "ana", "sat")
	rep, _ = h.svc.Streak(ctx, "g", "acc", "ana", 4)
	if rep.Streak.Current != 3 {
		t.Fatalf("streak after returning = %+v, want 3 (away days neither break nor extend it)", rep.Streak)
	}
}

func TestRemindOnOff(t *testing.T) {
	h := newHarness(t, at(t, "UTC", "2026-03-02 12:00"))
	ctx := context.Background()
	_, err := h.svc.Remind(ctx, RemindRequest{GuildID: "g", ChannelID: "x", UserID: "ana", On: true, Time: "20:00"})
	wantCode(t, err, ENOTFOUND)
	setupChannel(t, h, "daily", "09:00", "Asia/Kolkata")
	_, err = h.svc.Remind(ctx, RemindRequest{GuildID: "g", ChannelID: "acc", UserID: "ana", On: true, Time: "25:00"})
	wantCode(t, err, EINVALID)
	r, err := h.svc.Remind(ctx, RemindRequest{GuildID: "g", ChannelID: "acc", UserID: "ana", On: true, Time: "20:00"})
	if err != nil || !r.Enabled || r.Zone.String() != "Asia/Kolkata" {
		t.Fatalf("remind on = %+v, %v (want the channel's zone until the member sets one)", r, err)
	}
	if want := at(t, "Asia/Kolkata", "2026-03-02 20:00"); !r.NextAt.Equal(want) {
		t.Errorf("next reminder %s, want %s", r.NextAt, want)
	}
	if _, err := h.svc.SetZone(ctx, "g", "ana", "Europe/Berlin"); err != nil {
		t.Fatal(err)
	}
	r, _ = h.svc.Reminders.Get(ctx, ReminderKey{"g", "ana"})
	if want := at(t, "Europe/Berlin", "2026-03-02 20:00"); !r.NextAt.Equal(want) || r.At.String() != "20:00" {
		t.Errorf("after zone change next = %s at %s, want %s", r.NextAt, r.At, want)
	}
	r, err = h.svc.Remind(ctx, RemindRequest{GuildID: "g", ChannelID: "acc", UserID: "ana", On: false})
	if err != nil || r.Enabled || !r.NextAt.IsZero() || r.At.String() != "20:00" {
		t.Fatalf("remind off = %+v, %v", r, err)
	}
	// Turning off reminders one never had is not an error.
	if _, err := h.svc.Remind(ctx, RemindRequest{GuildID: "g", ChannelID: "acc", UserID: "bo", On: false}); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentSameDayCheckinsPostOnce(t *testing.T) {
	h := newHarness(t, at(t, "UTC", "2026-03-02 08:00"))
	setupChannel(t, h, "daily", "09:00", "UTC")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := h.svc.CheckIn(context.Background(), CheckinRequest{GuildID: "g", ChannelID: "acc", UserID: "ana",
				Input: CheckinInput{Done: fmt.Sprint("attempt ", i)}}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := len(h.note.messages); n != 1 {
		t.Fatalf("%d messages for one day's check-ins, want 1", n)
	}
}
