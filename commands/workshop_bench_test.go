package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/curricula"
	"github.com/roundtable-bot/roundtable/discord/discordtest"
	"github.com/roundtable-bot/roundtable/workshop"
)

// wsNopResponder answers interactions into the void, so a benchmark
// measures the handler and the Runner, not a transport.
type wsNopResponder struct{}

func (wsNopResponder) Respond(context.Context, *discordgo.Interaction, *discordgo.InteractionResponse) error {
	return nil
}

func (wsNopResponder) EditOriginal(context.Context, *discordgo.Interaction, *discordgo.WebhookEdit) (*discordgo.Message, error) {
	return &discordgo.Message{}, nil
}

func (wsNopResponder) DeleteOriginal(context.Context, *discordgo.Interaction) error { return nil }

func (wsNopResponder) Followup(context.Context, *discordgo.Interaction, *discordgo.WebhookParams) (*discordgo.Message, error) {
	return &discordgo.Message{}, nil
}

// wsDiscardEffector carries out nothing: the join path's only effect is
// the coalesced lobby update.
type wsDiscardEffector struct{}

func (wsDiscardEffector) Apply(context.Context, *workshop.Run, workshop.Effect) error { return nil }

// BenchmarkWorkshopJoinDispatch is one member picking their level (the
// click that joins) through the router, the Runner and an in-memory
// store: the bot's own cost per join, without Discord or Postgres. Each
// lobby takes 300 joins, then a fresh one opens (untimed).
func BenchmarkWorkshopJoinDispatch(b *testing.B) {
	lib, diags := workshop.LoadLibrary(curricula.FS)
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	c, err := lib.Get("design-thinking")
	if err != nil {
		b.Fatal(err)
	}
	store := workshop.NewMemoryStore()
	runner := &workshop.Runner{Engine: &workshop.Engine{}, Store: store, Effector: wsDiscardEffector{}}
	w, err := NewWorkshop(WorkshopDeps{Runner: runner, Store: store, Library: lib})
	if err != nil {
		b.Fatal(err)
	}
	router := NewRouter(RouterOptions{DeferAfter: -1})
	reg := NewRegistry()
	w.Register(reg, router)
	reg.Install(router)

	const perLobby = 300
	var runID int64
	open := func(n int) {
		run, err := runner.Start(b.Context(), workshop.StartRequest{GuildID: "g", MainChannelID: "c" + strconv.Itoa(n), HostID: "host", Curriculum: c})
		if err != nil {
			b.Fatal(err)
		}
		runID = run.ID
	}
	open(0)
	levels := []string{"new", "some", "experienced", levelNone}
	i := 0
	for b.Loop() {
		if i > 0 && i%perLobby == 0 {
			b.StopTimer()
			open(i)
			b.StartTimer()
		}
		cid := "rt1:ws.level:" + strconv.FormatInt(runID, 10)
		user := strconv.Itoa(1000 + i)
		router.Dispatch(b.Context(), wsNopResponder{}, nil, &discordgo.Interaction{
			ID: "i" + user, Type: discordgo.InteractionMessageComponent, GuildID: "g", ChannelID: "c", Token: "t",
			Member:  &discordgo.Member{User: &discordgo.User{ID: user, Username: "u" + user}},
			Message: &discordgo.Message{ID: "m", ChannelID: "c"},
			Data:    discordgo.MessageComponentInteractionData{CustomID: cid, ComponentType: discordgo.SelectMenuComponent, Values: []string{levels[i%len(levels)]}},
		})
		i++
	}
	run, err := store.FindRun(b.Context(), runID)
	if err != nil {
		b.Fatal(err)
	}
	if want := i % perLobby; want != 0 && run.ActiveParticipants() != want {
		b.Fatalf("the last lobby has %d participants, want %d", run.ActiveParticipants(), want)
	}
}

// BenchmarkWorkshopJoinBurst has 300 members click Join and pick a level
// all at once through the emulator (realistic rate-limit profile) and a
// real discordgo session, and reports the latency from click to the
// settled answer, how many interactions members saw fail, and how many
// joined. The store and effector are in memory.
func BenchmarkWorkshopJoinBurst(b *testing.B) {
	const members = 300
	env := newWSEnv(b)
	host := env.e.Owner()
	sims := make([]*discordtest.SimMember, members)
	for i := range sims {
		sims[i] = env.e.AddMember(fmt.Sprintf("burst%d", i))
	}
	var lastP50, lastP99, lastMax time.Duration
	var joined int
	n := 0
	for b.Loop() {
		n++
		b.StopTimer()
		ch, err := env.s.GuildChannelCreate(env.seed.GuildID, "burst-"+strconv.Itoa(n), discordgo.ChannelTypeGuildText)
		if err != nil {
			b.Fatal(err)
		}
		inter, err := host.RunCommand("workshop start", map[string]any{"curriculum": "quick-solo"}, ch.ID)
		env.await(b, inter, err)
		run, err := env.store.LiveRunInChannel(b.Context(), env.seed.GuildID, ch.ID)
		if err != nil {
			b.Fatal(err)
		}
		runID := strconv.FormatInt(run.ID, 10)
		lobby := env.messageWith(b, ch.ID, "rt1:ws.join:"+runID)
		b.StartTimer()

		latencies := make([]time.Duration, members)
		errs := make([]error, members)
		var wg sync.WaitGroup
		for i, m := range sims {
			wg.Add(1)
			go func() {
				defer wg.Done()
				start := time.Now()
				ask, err := wsAnswer(m.ClickButton(lobby.ID, "rt1:ws.join:"+runID))
				if err != nil {
					errs[i] = err
					return
				}
				if ask.Message == nil {
					errs[i] = fmt.Errorf("join answered %q without the level select", ask.Text())
					return
				}
				if _, errs[i] = wsAnswer(m.ChooseSelect(ask.Message.ID, "rt1:ws.level:"+runID, "some")); errs[i] == nil {
					latencies[i] = time.Since(start)
				}
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}

		b.StopTimer()
		slices.Sort(latencies)
		lastP50, lastP99, lastMax = latencies[members/2], latencies[members*99/100], latencies[members-1]
		final, err := env.store.FindRun(b.Context(), run.ID)
		if err != nil {
			b.Fatal(err)
		}
		joined = final.ActiveParticipants()
		b.StartTimer()
	}
	failed := len(env.e.FailedInteractions())
	b.ReportMetric(float64(lastP50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lastP99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(lastMax.Microseconds())/1000, "max-ms")
	b.ReportMetric(float64(failed), "failed")
	b.ReportMetric(float64(joined), "joined")
	b.Logf("%d members joined at once (click + level): p50 %v, p99 %v, max %v; %d interactions failed; %d joined",
		members, lastP50, lastP99, lastMax, failed, joined)
}

// wsAnswer waits, without failing the benchmark from a goroutine that
// is not its own, for the settled answer to an interaction.
func wsAnswer(inter *discordtest.Interaction, err error) (*discordtest.Response, error) {
	if err != nil {
		return nil, err
	}
	return inter.Await(15 * time.Second)
}
