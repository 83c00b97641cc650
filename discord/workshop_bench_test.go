package discord

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
	"github.com/roundtable-bot/roundtable/discord/discordtest/ratelimit"
	"github.com/roundtable-bot/roundtable/workshop"
)

// BenchmarkBreakoutOpens measures the first breakout of a design-thinking
// run with 50 participants in pairs (25 groups), all in voice, against the
// emulator's realistic rate limits: the time from the breakout's start
// until every prompt is posted, and until every member is moved. With
// "prepared" the rooms were made during the intro; with "no-intro" they
// are made when the breakout starts. Each figure is printed beside the
// floor the rate limits impose on the requests it needed. Run with
// -benchtime=1x: one operation takes about 40 s (the member-move limit).
func BenchmarkBreakoutOpens(b *testing.B) {
	for _, prepared := range []bool{true, false} {
		name := "no-intro"
		if prepared {
			name = "prepared"
		}
		b.Run(name, func(b *testing.B) {
			for range b.N {
				breakoutOpens(b, prepared)
			}
		})
	}
}

func breakoutOpens(b *testing.B, prepared bool) {
	b.StopTimer()
	d := newDriver(b, driverOptions{members: 50, emulator: []discordtest.Option{discordtest.WithProfile("realistic"), discordtest.WithStrictRateLimits()}})
	users := d.join(50)
	d.joinVoice(users...)
	begin, err := d.engine.Begin(d.run, d.now)
	if err != nil {
		b.Fatal(err)
	}
	for _, ef := range begin {
		if t, ok := ef.(workshop.ScheduleTimer); ok {
			d.timers[t.Timer.Key()] = t.Timer.Due
		}
	}
	var effs []workshop.Effect
	if prepared {
		d.apply(begin)
		d.waitMoves()
	} else {
		effs = append(effs, begin...)
	}
	key, due := "", time.Time{}
	for k, t := range d.timers {
		if strings.HasSuffix(k, "intro:end") {
			key, due = k, t
		}
	}
	breakout, err := d.engine.Fire(d.run, key, due)
	if err != nil {
		b.Fatal(err)
	}
	effs = append(effs, breakout...)
	before := len(d.e.Requests())
	ctx := context.Background()

	b.StartTimer()
	start := time.Now()
	for i, err := range d.eff.ApplyBatch(ctx, d.run, effs) {
		if err != nil {
			b.Fatalf("%s: %v", effs[i].Key(), err)
		}
	}
	posted := time.Since(start)
	d.waitMoves()
	moved := time.Since(start)
	b.StopTimer()

	f := d.run.Formations[0]
	for _, g := range f.Groups {
		if n := len(d.e.Messages(d.room(0, g.Number, roomText))); n != len(g.Members) {
			b.Errorf("%s has %d prompts, want %d", g.Name, n, len(g.Members))
		}
		for _, u := range g.Members {
			if got := d.e.VoiceChannelOf(u); got != d.room(0, g.Number, roomVoice) {
				b.Errorf("%s is in %q, not in %s's room", u, got, g.Name)
			}
		}
	}
	if n := rateLimited(d.e); n != 0 {
		b.Errorf("%d requests rate limited", n)
	}
	reqs := d.e.Requests()[before:]
	moveFloor, allFloor, counts := floors(reqs)
	b.ReportMetric(posted.Seconds(), "s-prompts")
	b.ReportMetric(moved.Seconds(), "s-all-moved")
	b.ReportMetric(moveFloor.Seconds(), "s-move-floor")
	b.ReportMetric(allFloor.Seconds(), "s-all-floor")
	b.ReportMetric(float64(len(reqs)), "requests")
	mode := "rooms prepared during the intro"
	if !prepared {
		mode = "rooms made at the breakout's start"
	}
	fmt.Printf("breakout opens (%s, 50 participants, 25 groups): every prompt posted after %.2fs; every member moved after %.2fs "+
		"(member-move floor %.1fs, %.2fx; floor of all %d requests %.1fs, %.2fx) [%s]\n",
		mode, posted.Seconds(), moved.Seconds(), moveFloor.Seconds(), moved.Seconds()/moveFloor.Seconds(),
		len(reqs), allFloor.Seconds(), moved.Seconds()/allFloor.Seconds(), counts)
}

// floors computes the least time the realistic profile allows for the
// requests: per rule and major parameter, n requests at L per P need
// (ceil(n/L)-1)*P; the global limit applies to all of them. It returns the
// member-move floor and the largest floor of any limit.
func floors(reqs []discordtest.Request) (moves, all time.Duration, summary string) {
	profile := ratelimit.ProfileRealistic()
	floor := func(n int, l ratelimit.Limit) time.Duration {
		if n == 0 || l.Unlimited() {
			return 0
		}
		return time.Duration((n+l.Requests-1)/l.Requests-1) * l.Per
	}
	type bucket struct {
		rule  string
		major string
	}
	counts := map[bucket]int{}
	limits := map[string]ratelimit.Limit{}
	for _, r := range reqs {
		route := strings.TrimPrefix(r.Route, r.Method+" /api/v9")
		for _, rule := range profile.Rules {
			if rule.Method != r.Method || rule.Template != route || rule.Sublimit {
				continue
			}
			major := ""
			if parts := strings.Split(strings.TrimPrefix(r.Path, "/api/v9/"), "/"); len(parts) > 1 {
				major = parts[0] + "/" + parts[1]
			}
			counts[bucket{rule.Name, major}]++
			limits[rule.Name] = rule.Limit
		}
	}
	all = floor(len(reqs), profile.Global)
	byRule := map[string]int{}
	for k, n := range counts {
		fl := floor(n, limits[k.rule])
		if k.rule == "member-modify" {
			moves = max(moves, fl)
		}
		all = max(all, fl)
		byRule[k.rule] += n
	}
	var parts []string
	for rule, n := range byRule {
		parts = append(parts, fmt.Sprintf("%s %d", rule, n))
	}
	return moves, all, strings.Join(sorted(parts), ", ")
}
