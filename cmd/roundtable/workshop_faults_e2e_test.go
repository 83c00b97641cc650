package main

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
	"github.com/roundtable-bot/roundtable/discord/discordtest/fault"
	"github.com/roundtable-bot/roundtable/workshop"
)

// Discord answering 500, 502 or 429 (a shared resource's limit, which no
// bucket announces) to one request in eight, for a whole run, slows the
// bot down but loses nothing: the run ends on its own, each
// breakout has its rooms (one set at a time), every member gets the first
// prompt once, nothing is posted twice in one channel, the summary comes
// once and the rooms are deleted. Interaction answers are spared: a failed
// one is a click Discord shows as failed, which the member repeats.
func TestWorkshopUnderDiscordErrorsLosesNothing(t *testing.T) {
	const speed = 120
	x := newE2E(t, 4, speed, time.Second, discordtest.WithFaults(fault.Options{
		Rand:     rand.New(rand.NewPCG(4, 8)),
		Statuses: []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusTooManyRequests},
		Match: func(r *http.Request) bool {
			return !strings.Contains(r.URL.Path, "/interactions/") && !strings.Contains(r.URL.Path, "/webhooks/")
		},
	}))
	seed := x.people.seed
	runID := x.open()
	x.e.Faults().SetErrorRate(1.0 / 8)

	r := x.waitRun(runID, "the first breakout", time.Minute, func(r *workshop.Run) bool { return r.StepIndex >= 0 })
	groups := r.Formations[0].Groups
	named := func(st *discordtest.State, name string) int {
		n := 0
		for _, c := range st.Channels(seed.GuildID) {
			if c.Name == name {
				n++
			}
		}
		return n
	}
	x.e.WaitFor(t, 2*time.Minute, func(st *discordtest.State) bool {
		for _, g := range groups {
			if named(st, "group-"+strconv.Itoa(g.Number)) == 0 {
				return false
			}
		}
		return true
	})
	rooms := x.rooms(groups)
	byName := map[string]int{}
	for _, c := range x.e.Channels(seed.GuildID) {
		byName[c.Name]++
	}
	for _, g := range groups {
		if n := byName["group-"+strconv.Itoa(g.Number)]; n != 1 {
			t.Errorf("%d text rooms named group-%d at once", n, g.Number)
		}
	}

	if err := waitForCleanEnd(x.ctx, x.d, x.e, runID, len(x.before), 4*time.Minute); err != nil {
		t.Fatal(err)
	}
	x.e.Faults().SetErrorRate(0)
	injected := x.e.Faults().Counts()
	if injected.Failed[http.StatusTooManyRequests] == 0 || injected.Failed[http.StatusInternalServerError] == 0 {
		t.Fatalf("injected %v; the test needs 429s and 500s to prove anything", injected.Failed)
	}
	t.Logf("injected answers: %v", injected.Failed)

	x.checkPostsOnce(x.log(), groups, rooms, "**Interview** · round 1 of 2 · ends <t:")
	over := 0
	for _, p := range x.log().posts() {
		if p.ChannelID == seed.TextChannelID && strings.Contains(p.Content, "is over") {
			over++
		}
	}
	if over != 1 {
		t.Errorf("the end summary was posted %d times, want once", over)
	}
	if failed := x.e.FailedInteractions(); len(failed) > 0 {
		t.Errorf("members saw %d interactions fail: %+v", len(failed), failed)
	}
	for _, s := range x.e.RateLimiter().Stats() {
		if s.RateLimited > 0 {
			t.Errorf("%d of %d calls to %s were answered 429", s.RateLimited, s.Calls, s.Route)
		}
	}
}
