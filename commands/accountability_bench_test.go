package commands

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/roundtable-bot/roundtable/accountability"
)

// countingNotifier accepts every effect at once, so a benchmark measures
// the router, the handler and the Service, not Discord.
type countingNotifier struct{ n atomic.Int64 }

func (c *countingNotifier) id() string { return fmt.Sprint(c.n.Add(1)) }
func (c *countingNotifier) PostPrompt(context.Context, accountability.PromptPost) (string, error) {
	return c.id(), nil
}
func (c *countingNotifier) PostCheckin(context.Context, accountability.CheckinPost) (string, error) {
	return c.id(), nil
}
func (c *countingNotifier) EditCheckin(context.Context, string, accountability.CheckinPost) error {
	return nil
}
func (c *countingNotifier) SendReminder(context.Context, accountability.ReminderNotice) (accountability.ReminderDelivery, error) {
	return accountability.DeliveredByDM, nil
}
func (c *countingNotifier) PostDigest(context.Context, accountability.DigestPost) (string, error) {
	return c.id(), nil
}
func (c *countingNotifier) OpenSupportThread(context.Context, accountability.SupportQuestion) (string, error) {
	return c.id(), nil
}
func (c *countingNotifier) PostInThread(context.Context, string, string) error { return nil }
func (c *countingNotifier) Nudge(context.Context, accountability.Thread) error { return nil }
func (c *countingNotifier) Thank(context.Context, accountability.Thread) error { return nil }

// BenchmarkCheckinModalSubmit runs check-in modal submits through the
// router, the handler and the Service on the in-memory store, each answered
// in memory: the path's cost above the database, in parallel as Discord
// delivers interactions. The in-memory store scans its maps, so members
// are bounded to 1,000 to keep the figure about the path, not the fake.
func BenchmarkCheckinModalSubmit(b *testing.B) {
	store := accountability.NewMemoryStore(nil)
	svc := &accountability.Service{Notifier: &countingNotifier{}}
	store.Wire(svc)
	if _, err := svc.Setup(context.Background(), accountability.SetupRequest{GuildID: "10", ChannelID: "20", Cadence: "daily",
		Time: "09:00", Zone: "UTC", By: accountability.Actor{ID: "admin", Moderator: true}}); err != nil {
		b.Fatal(err)
	}
	acct, err := NewAccountability(AccountabilityDeps{Service: svc})
	if err != nil {
		b.Fatal(err)
	}
	r := NewRouter(RouterOptions{})
	reg := NewRegistry()
	acct.Register(reg, r)
	reg.Install(r)
	id, _ := NewID(KindCheckin, "20").Encode()
	var user atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := modalInteraction(id, map[string]string{fieldDone: "wrote the parser", fieldNext: "tests", fieldMood: "4"})
			i.Member = member(fmt.Sprint(user.Add(1)%1000), 0) // the first 1,000 add a day, the rest edit it
			m := &memResponder{}
			r.Dispatch(context.Background(), m, nil, i)
			if calls := m.Calls(); len(calls) != 1 || !strings.Contains(calls[0].resp.Data.Content, "heck") {
				b.Fatalf("answered %+v", calls)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "checkins/s")
}
