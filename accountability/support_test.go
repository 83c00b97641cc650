package accountability

import (
	"strings"
	"testing"
	"time"
)

func newTestThread(t *testing.T, at time.Time) Thread {
	t.Helper()
	th, err := NewThread("g", "support", "th1", "asker", "  Goroutine leak\nin my server ", "  It grows by 10 per request. ", at)
	if err != nil {
		t.Fatal(err)
	}
	return th
}

func TestValidateAsk(t *testing.T) {
	topic, details, err := ValidateAsk("  How do I\n  deploy?  ", "\r\nI tried X.\r\nIt failed.  ")
	if err != nil || topic != "How do I deploy?" || details != "I tried X.\nIt failed." {
		t.Errorf("ValidateAsk = %q, %q, %v", topic, details, err)
	}
	if _, _, err := ValidateAsk(strings.Repeat("ü", MaxTopic), strings.Repeat("ü", MaxDetails)); err != nil {
		t.Errorf("limits themselves refused: %v", err)
	}
	bad := []struct {
		topic, details, mention string
	}{
		{"", "details", "topic"},
		{" \n ", "details", "topic"},
		{strings.Repeat("a", MaxTopic+1), "details", "101 characters"},
		{"topic", "  ", "details"},
		{"topic", strings.Repeat("a", MaxDetails+1), "1801 characters"},
	}
	for _, b := range bad {
		if _, _, err := ValidateAsk(b.topic, b.details); ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), b.mention) {
			t.Errorf("ValidateAsk(%.20q, %.20q) error = %v; want EINVALID mentioning %q", b.topic, b.details, err, b.mention)
		}
	}
	if _, err := NewThread("", "support", "th", "asker", "t", "d", time.Now()); ErrorCode(err) != EINVALID {
		t.Errorf("thread without a guild accepted: %v", err)
	}
}

func TestThreadLifecycle(t *testing.T) {
	t0 := mustTime("2026-03-10T10:00:00Z")
	th := newTestThread(t, t0)
	if th.State != Open || th.Topic != "Goroutine leak in my server" || th.Details != "It grows by 10 per request." {
		t.Fatalf("new thread = %+v", th)
	}
	steps := []struct {
		author  string
		bot     bool
		changed bool
		state   ThreadState
	}{
		{"asker", false, false, Open}, // the asker adding detail answers nothing
		{"bot1", true, false, Open},   // the bot's own welcome message neither
		{"", false, false, Open},      // an author-less system message neither
		{"helper", false, true, Answered},
		{"other", false, false, Answered}, // only the first answer is recorded
	}
	for i, s := range steps {
		at := t0.Add(time.Duration(i+1) * time.Minute)
		if changed := th.ObserveMessage(s.author, s.bot, at); changed != s.changed || th.State != s.state {
			t.Fatalf("step %d (%s): changed %v state %s; want %v %s", i, s.author, changed, th.State, s.changed, s.state)
		}
	}
	if th.FirstAnswerBy != "helper" || !th.FirstAnswerAt.Equal(t0.Add(4*time.Minute)) {
		t.Errorf("first answer = %s at %s", th.FirstAnswerBy, th.FirstAnswerAt)
	}

	if err := th.Resolve(Actor{ID: "other"}, "", t0.Add(time.Hour)); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("a bystander resolved it: %v", err)
	}
	if err := th.Resolve(Actor{ID: "asker"}, "asker", t0.Add(time.Hour)); ErrorCode(err) != EINVALID {
		t.Errorf("the asker credited themself: %v", err)
	}
	if th.State != Answered {
		t.Fatalf("a refused resolve changed the state to %s", th.State)
	}
	if err := th.Resolve(Actor{ID: "asker"}, "", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if th.State != Resolved || th.ResolvedBy != "asker" || th.HelperID != "helper" || !th.ResolvedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("resolved thread = %+v; the first answerer is thanked by default", th)
	}
	if err := th.Resolve(Actor{ID: "mod", Moderator: true}, "other", t0.Add(2*time.Hour)); ErrorCode(err) != ECONFLICT {
		t.Errorf("resolved twice: %v", err)
	}
	if th.ObserveMessage("late", false, t0.Add(3*time.Hour)) || th.State != Resolved {
		t.Errorf("a message reopened a resolved thread")
	}
}

func TestThreadTimesNeverPrecedeCreation(t *testing.T) {
	t0 := mustTime("2026-03-10T10:00:00Z")
	th := newTestThread(t, t0)
	th.ObserveMessage("helper", false, t0.Add(-2*time.Second)) // Discord's clock a little behind ours
	if err := th.Resolve(Actor{ID: "asker"}, "", t0.Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if !th.FirstAnswerAt.Equal(t0) || !th.ResolvedAt.Equal(t0) {
		t.Errorf("answer at %s, resolved at %s; neither may precede %s", th.FirstAnswerAt, th.ResolvedAt, t0)
	}
	if st := Stats([]Thread{th}, t0, MonthOf(t0)); st.MedianTimeToFirstAnswer != 0 {
		t.Errorf("negative wait: %s", st.MedianTimeToFirstAnswer)
	}
}

func TestResolveStraightFromOpenByModerator(t *testing.T) {
	t0 := mustTime("2026-03-10T10:00:00Z")
	th := newTestThread(t, t0)
	if err := th.Resolve(Actor{ID: "mod", Moderator: true}, "friend", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if th.State != Resolved || th.ResolvedBy != "mod" || th.HelperID != "friend" || !th.FirstAnswerAt.IsZero() {
		t.Errorf("thread = %+v", th)
	}
	th2 := newTestThread(t, t0)
	if err := th2.Resolve(Actor{ID: "asker"}, "", t0.Add(time.Minute)); err != nil || th2.HelperID != "" {
		t.Errorf("asker resolving alone: %v, helper %q", err, th2.HelperID)
	}
	if err := th2.Resolve(Actor{}, "", t0); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("an anonymous actor is not refused first: %v", err)
	}
}

// TestExactlyOneNudge polls NeedsNudge every ten minutes for two days, as a
// sweep would, marking the thread nudged when told to.
func TestExactlyOneNudge(t *testing.T) {
	t0 := mustTime("2026-03-10T10:00:00Z")
	after := 24 * time.Hour
	cases := []struct {
		name     string
		answerAt time.Duration // 0: never
		resolve  time.Duration // 0: never
		nudges   int
		at       time.Duration
	}{
		{"unanswered", 0, 0, 1, after},
		{"answered before the deadline", 3 * time.Hour, 0, 0, 0},
		{"answered after the nudge", 30 * time.Hour, 0, 1, after},
		{"resolved unanswered before the deadline", 0, 2 * time.Hour, 0, 0},
	}
	for _, c := range cases {
		th := newTestThread(t, t0)
		nudges := 0
		var nudgedAt time.Time
		for now := t0; now.Before(t0.Add(48 * time.Hour)); now = now.Add(10 * time.Minute) {
			if c.answerAt != 0 && now.Equal(t0.Add(c.answerAt)) {
				th.ObserveMessage("helper", false, now)
			}
			if c.resolve != 0 && now.Equal(t0.Add(c.resolve)) {
				if err := th.Resolve(Actor{ID: "asker"}, "", now); err != nil {
					t.Fatal(err)
				}
			}
			if NeedsNudge(th, after, now) {
				nudges++
				nudgedAt = now
				th.MarkNudged(now)
			}
		}
		if nudges != c.nudges || (c.nudges == 1 && !nudgedAt.Equal(t0.Add(c.at))) {
			t.Errorf("%s: %d nudges (last at %s); want %d at %s", c.name, nudges, nudgedAt, c.nudges, t0.Add(c.at))
		}
	}
	th := newTestThread(t, t0)
	if NeedsNudge(th, 0, t0.Add(time.Hour)) {
		t.Errorf("nudge_after 0 nudges")
	}
	if !th.NudgeDue(after).Equal(t0.Add(after)) {
		t.Errorf("NudgeDue = %s", th.NudgeDue(after))
	}
}

func TestSupportStats(t *testing.T) {
	march := Month{2026, time.March}
	at := func(day, hour int) time.Time { return time.Date(2026, time.March, day, hour, 0, 0, 0, time.UTC) }
	threads := []Thread{
		// answered in 1h by ana, resolved crediting ana: ana counts once
		{AskerID: "q1", State: Resolved, CreatedAt: at(2, 10), FirstAnswerAt: at(2, 11), FirstAnswerBy: "ana", ResolvedAt: at(2, 12), ResolvedBy: "q1", HelperID: "ana"},
		// answered in 3h by bo, resolved crediting cy: both count
		{AskerID: "q2", State: Resolved, CreatedAt: at(3, 10), FirstAnswerAt: at(3, 13), FirstAnswerBy: "bo", ResolvedAt: at(4, 9), ResolvedBy: "q2", HelperID: "cy"},
		// answered in 2h by ana, still open
		{AskerID: "q3", State: Answered, CreatedAt: at(5, 10), FirstAnswerAt: at(5, 12), FirstAnswerBy: "ana"},
		// unanswered for 5 days at now
		{AskerID: "q4", State: Open, CreatedAt: at(5, 12)},
		// unanswered for 1 day at now
		{AskerID: "q5", State: Open, CreatedAt: at(9, 12)},
		// February: answered in 10h by dan, outside the month
		{AskerID: "q6", State: Resolved, CreatedAt: time.Date(2026, 2, 27, 0, 0, 0, 0, time.UTC), FirstAnswerAt: time.Date(2026, 2, 27, 10, 0, 0, 0, time.UTC), FirstAnswerBy: "dan",
			ResolvedAt: time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC), ResolvedBy: "q6", HelperID: "dan"},
	}
	now := at(10, 12)
	st := Stats(threads, now, march)
	if st.Open != 3 || st.Unanswered != 2 || st.OldestUnanswered != 5*24*time.Hour || st.Answered != 3 {
		t.Errorf("stats = %+v", st)
	}
	if st.MedianTimeToFirstAnswer != 2*time.Hour {
		t.Errorf("median of 1h, 3h, 2h = %s, want 2h", st.MedianTimeToFirstAnswer)
	}
	want := []HelperCount{{"ana", 2}, {"bo", 1}, {"cy", 1}}
	if len(st.TopHelpers) != len(want) {
		t.Fatalf("TopHelpers = %v, want %v", st.TopHelpers, want)
	}
	for i := range want {
		if st.TopHelpers[i] != want[i] {
			t.Errorf("TopHelpers = %v, want %v", st.TopHelpers, want)
		}
	}
	// An even number of samples takes the mean of the middle two.
	even := Stats(threads[:2], now, march)
	if even.MedianTimeToFirstAnswer != 2*time.Hour {
		t.Errorf("median of 1h and 3h = %s", even.MedianTimeToFirstAnswer)
	}
	if empty := Stats(nil, now, march); empty.MedianTimeToFirstAnswer != 0 || empty.TopHelpers != nil || empty.Open != 0 {
		t.Errorf("empty stats = %+v", empty)
	}
	if feb := Stats(threads, now, Month{2026, time.February}); len(feb.TopHelpers) != 1 || feb.TopHelpers[0] != (HelperCount{"dan", 1}) || feb.MedianTimeToFirstAnswer != 10*time.Hour {
		t.Errorf("February stats = %+v", feb)
	}
	if MonthOf(mustTime("2026-03-31T23:30:00-02:00")) != (Month{2026, time.April}) {
		t.Errorf("MonthOf does not use UTC")
	}
}
