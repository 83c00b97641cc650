package discordtest_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
)

// Two clients edit one message at once. Each answer carries the message as
// it stood after that edit, encoded before the next edit could change it
// (under -race, encoding after the lock is released is a data race), and
// each edit is in the request log as soon as its effect is in the state.
func TestConcurrentEditsAnswerAndLogWhatTheyDid(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t, discordtest.WithProfile("none"))
	s := e.Session(t)
	seed := e.Seed()
	m, err := s.ChannelMessageSend(seed.TextChannelID, "edit 0")
	if err != nil {
		t.Fatal(err)
	}
	const edits = 40
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			for i := range edits {
				text := fmt.Sprintf("edit %d.%d", w, i)
				got, err := s.ChannelMessageEdit(seed.TextChannelID, m.ID, text)
				if err != nil {
					t.Errorf("edit %q: %v", text, err)
					return
				}
				if got.Content != text {
					t.Errorf("edit %q was answered with %q", text, got.Content)
				}
			}
		})
	}
	// Whatever edit the state shows, its request is in the log already.
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for {
		shown, _ := e.Message(m.ID)
		logged := false
		for _, r := range e.Requests() {
			if r.Method == "PATCH" && strings.Contains(string(r.Body), fmt.Sprintf("%q", shown.Content)) {
				logged = true
			}
		}
		if !logged && shown.Content != "edit 0" {
			t.Fatalf("the state shows %q, whose edit is not in the request log", shown.Content)
		}
		select {
		case <-done:
			return
		default:
		}
	}
}
