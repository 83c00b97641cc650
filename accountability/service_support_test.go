package accountability

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestSupportAskAnswerResolveStatsAndOneNudge(t *testing.T) {
	start := at(t, "UTC", "2026-03-10 10:00")
	h := newHarness(t, start)
	ctx := context.Background()

	_, err := h.svc.Ask(ctx, AskRequest{GuildID: "g", AskerID: "ana", Topic: "CI", Details: "red"})
	wantCode(t, err, ENOTFOUND)
	if !strings.Contains(ErrorMessage(err), "/support setup") {
		t.Errorf("no support channel message %q", ErrorMessage(err))
	}
	_, err = h.svc.SupportSetup(ctx, "g", "help", 24, Actor{ID: "ana"})
	wantCode(t, err, EFORBIDDEN)
	_, err = h.svc.SupportSetup(ctx, "g", "help", 0, admin)
	wantCode(t, err, EINVALID)
	if _, err := h.svc.SupportSetup(ctx, "g", "help", 24, admin); err != nil {
		t.Fatal(err)
	}
	_, err = h.svc.Ask(ctx, AskRequest{GuildID: "g", AskerID: "ana", Topic: strings.Repeat("x", MaxTopic+1), Details: "d"})
	wantCode(t, err, EINVALID)
	if len(h.note.questions) != 0 {
		t.Fatal("an invalid question opened a thread")
	}

	q, err := h.svc.Ask(ctx, AskRequest{GuildID: "g", AskerID: "ana", Topic: "  CI is\nred ", Details: "tests pass locally"})
	if err != nil {
		t.Fatal(err)
	}
	if q.State != Open || h.note.questions[q.ThreadID].Topic != "CI is red" || h.note.questions[q.ThreadID].ChannelID != "help" {
		t.Fatalf("question = %+v, opened %+v", q, h.note.questions[q.ThreadID])
	}
	lonely, err := h.svc.Ask(ctx, AskRequest{GuildID: "g", AskerID: "bo", Topic: "Deploy", Details: "how?"})
	if err != nil {
		t.Fatal(err)
	}

	// The asker and a bot writing do not answer it; another member does.
	for _, m := range []struct {
		author string
		bot    bool
	}{{"ana", false}, {"robot", true}, {"cem", false}, {"dan", false}} {
		h.clock.Set(h.clock.Now().Add(30 * time.Minute))
		if err := h.svc.ObserveThreadMessage(ctx, q.ThreadID, m.author, m.bot, h.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.svc.ObserveThreadMessage(ctx, "some-other-thread", "cem", false, h.clock.Now()); err != nil {
		t.Fatalf("a message in an ordinary thread: %v", err)
	}
	_, err = h.svc.Resolve(ctx, q.ThreadID, Actor{ID: "cem"}, "")
	wantCode(t, err, EFORBIDDEN)
	_, err = h.svc.Resolve(ctx, "general", Actor{ID: "ana"}, "")
	wantCode(t, err, ENOTFOUND)
	resolved, err := h.svc.Resolve(ctx, q.ThreadID, Actor{ID: "ana"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if resolved.State != Resolved || resolved.HelperID != "cem" || len(h.note.thanks) != 1 || h.note.thanks[0].HelperID != "cem" {
		t.Fatalf("resolved = %+v, thanks = %+v (the first answerer is thanked)", resolved, h.note.thanks)
	}
	_, err = h.svc.Resolve(ctx, q.ThreadID, Actor{ID: "ana"}, "")
	wantCode(t, err, ECONFLICT)

	// The unanswered question gets exactly one nudge after 24 hours, from
	// two processes sweeping.
	sweepAll(t, h, start.Add(23*time.Hour), start.Add(26*time.Hour), 15*time.Minute)
	if len(h.note.nudges) != 1 || h.note.nudges[0].ThreadID != lonely.ThreadID {
		t.Fatalf("nudges = %+v, want one for %s", h.note.nudges, lonely.ThreadID)
	}

	st, err := h.svc.SupportStats(ctx, "g")
	if err != nil {
		t.Fatal(err)
	}
	if st.Open != 1 || st.Unanswered != 1 || st.Answered != 1 || st.MedianTimeToFirstAnswer != 90*time.Minute ||
		len(st.TopHelpers) != 1 || st.TopHelpers[0].UserID != "cem" {
		t.Fatalf("stats = %+v", st)
	}

	// A moderator may resolve someone else's question, crediting a helper.
	mod := Actor{ID: "mod", Moderator: true}
	if _, err := h.svc.Resolve(ctx, lonely.ThreadID, mod, "bo"); ErrorCode(err) != EINVALID {
		t.Fatalf("crediting the asker: %v", err)
	}
	if _, err := h.svc.Resolve(ctx, lonely.ThreadID, mod, ""); err != nil {
		t.Fatal(err)
	}
	if got := h.note.inThread[lonely.ThreadID]; len(got) != 1 || !strings.Contains(got[0], "resolved") {
		t.Errorf("resolving without a helper posted %q", got)
	}
}

func TestAskUntrackedThreadIsExplained(t *testing.T) {
	h := newHarness(t, at(t, "UTC", "2026-03-10 10:00"))
	ctx := context.Background()
	if _, err := h.svc.SupportSetup(ctx, "g", "help", 1, admin); err != nil {
		t.Fatal(err)
	}
	q, err := h.svc.Ask(ctx, AskRequest{GuildID: "g", AskerID: "ana", Topic: "t", Details: "d"})
	if err != nil {
		t.Fatal(err)
	}
	// Discord handing out the same ID again makes the second thread
	// impossible to store.
	h.note.nextID = 0
	_, err = h.svc.Ask(ctx, AskRequest{GuildID: "g", AskerID: "bo", Topic: "t2", Details: "d2"})
	if err == nil {
		t.Fatal("storing a duplicate thread succeeded")
	}
	if got := h.note.inThread[q.ThreadID]; len(got) != 1 || !strings.Contains(got[0], "not be tracked") {
		t.Errorf("untracked thread note = %q", got)
	}
}
