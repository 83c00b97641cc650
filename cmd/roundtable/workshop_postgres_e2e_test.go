package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/discord/discordtest"
	"github.com/roundtable-bot/roundtable/workshop"
)

// Postgres stops in the middle of a breakout, across the round's end, and
// starts again: a participant asking for help meanwhile is told to try
// again, the role swap that came due is posted once Postgres is back, the
// run goes on to its next step, and nothing is posted or created twice.
func TestWorkshopCarriesOnAfterPostgresRestarts(t *testing.T) {
	const speed = 60 // the first breakout: two rounds of 4 s
	x := newE2E(t, 4, speed, 500*time.Millisecond)
	pg := newRestartableDB(t)
	x.stopBot()
	x.d, x.store = pg.d, db.NewRunStore(pg.d, db.RunStoreOptions{})
	x.startBot()
	seed := x.people.seed
	runID := x.open()
	helpID := "rt1:ws.help:" + strconv.FormatInt(runID, 10)

	r := x.waitRun(runID, "the first breakout", 30*time.Second, func(r *workshop.Run) bool { return r.StepIndex >= 0 })
	if r.StepIndex != 0 || r.Round != 0 || !r.RoundDeadline.Before(r.Deadline) {
		t.Fatalf("the run is at step %d round %d; the test needs the first round of the first breakout", r.StepIndex, r.Round)
	}
	groups := r.Formations[0].Groups
	rooms := x.rooms(groups)
	x.e.WaitFor(t, 30*time.Second, func(st *discordtest.State) bool {
		for _, g := range groups {
			if _, ok := messageWithComponent(st.Messages(rooms[g.Number][0]), helpID); !ok {
				return false
			}
		}
		return true
	})
	asker := x.people.members[0]
	askRoom := rooms[groupOf(groups, asker.UserID)][0]
	prompt, _ := x.people.messageWith(askRoom, helpID)

	pg.stop(t)
	said, err := x.people.answer(asker.ClickButton(prompt.ID, helpID))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(said.Text(), "try again") {
		t.Errorf("asking for help while Postgres is down answered %q, want to try again", said.Text())
	}
	time.Sleep(time.Until(r.RoundDeadline) + 300*time.Millisecond) // the swap comes due meanwhile
	pg.start(t)
	back := time.Now()

	x.e.WaitFor(t, 30*time.Second, func(st *discordtest.State) bool {
		for _, g := range groups {
			swapped := false
			for _, m := range st.Messages(rooms[g.Number][0]) {
				swapped = swapped || strings.Contains(m.Content, "🔄 **Interview** · round 2 of 2")
			}
			if !swapped {
				return false
			}
		}
		return true
	})
	t.Logf("the role swap due during the outage was in every room %v after Postgres was back", time.Since(back).Round(time.Millisecond))

	if said, err := x.people.answer(asker.ClickButton(prompt.ID, helpID)); err != nil || strings.Contains(said.Text(), "try again") {
		t.Fatalf("asking again once Postgres is back answered %q (%v)", said.Text(), err)
	}
	jump := "https://discord.com/channels/" + seed.GuildID + "/" + askRoom
	x.e.WaitFor(t, 30*time.Second, func(st *discordtest.State) bool {
		for _, m := range st.Messages(seed.TextChannelID) {
			if strings.Contains(m.Content, jump) {
				return true
			}
		}
		return false
	})
	x.waitRun(runID, "the next step", 30*time.Second, func(r *workshop.Run) bool { return r.StepIndex >= 1 })
	x.checkNothingTwice(groups, rooms, "**Interview** · round 1 of 2")
	var helps int
	if err := x.d.GetContext(x.ctx, &helps, `SELECT count(*) FROM help_requests WHERE run_id = $1`, runID); err != nil || helps != 1 {
		t.Errorf("%d help requests stored (%v), want the one made once Postgres was back", helps, err)
	}
}
