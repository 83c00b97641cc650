package workshop

import (
	"container/heap"
	"fmt"
	"strings"
	"testing"
	"time"
)

// BenchmarkFire measures the engine's share of the "many runs" load: one
// op applies 10,000 timer firings to design-thinking runs of 7
// participants, 100 of them live at a time (four waves of 100, each wave
// beginning as the previous one ends), in due order across all runs, as
// one timer worker would feed them. Setting the runs up is not timed.
func BenchmarkFire(b *testing.B) {
	c := loadShipped(b, "design-thinking")
	const runs, waves, firings = 100, 4, 10000
	e := &Engine{}
	var effects int
	for b.Loop() {
		b.StopTimer()
		q := &timerQueue{}
		var all []*benchRun
		for w := range waves {
			begin := t0.Add(time.Duration(w) * 80 * time.Minute)
			for j := range runs {
				r, _, err := e.Start(int64(len(all)+1), StartRequest{GuildID: "g", MainChannelID: "m", HostID: "h", Curriculum: c}, begin.Add(-time.Hour))
				if err != nil {
					b.Fatal(err)
				}
				br := &benchRun{r: r, timers: map[string]time.Time{}}
				all = append(all, br)
				for u := range 7 {
					if _, err := e.Join(r, fmt.Sprintf("u%d-%d", j, u), "", begin); err != nil {
						b.Fatal(err)
					}
				}
				effs, err := e.Begin(r, begin)
				if err != nil {
					b.Fatal(err)
				}
				br.apply(q, effs)
			}
		}
		b.StartTimer()
		fired := 0
		for fired < firings && q.Len() > 0 {
			it := heap.Pop(q).(queued)
			if due, ok := it.run.timers[it.key]; !ok || !due.Equal(it.due) {
				continue // cancelled or moved
			}
			delete(it.run.timers, it.key)
			effs, err := e.Fire(it.run.r, it.key, it.due)
			if err != nil {
				b.Fatal(err)
			}
			it.run.apply(q, effs)
			effects += len(effs)
			fired++
		}
		if fired < firings {
			b.Fatalf("only %d timers to fire, want %d", fired, firings)
		}
	}
	perFiring := float64(b.Elapsed().Nanoseconds()) / float64(b.N*firings)
	b.ReportMetric(perFiring, "ns/firing")
	b.ReportMetric(float64(effects)/float64(b.N*firings), "effects/firing")
}

type benchRun struct {
	r      *Run
	timers map[string]time.Time
}

func (br *benchRun) apply(q *timerQueue, effs []Effect) {
	for _, e := range effs {
		switch e := e.(type) {
		case ScheduleTimer:
			key := e.Timer.Key()
			br.timers[key] = e.Timer.Due
			heap.Push(q, queued{due: e.Timer.Due, key: key, run: br})
		case CancelTimers:
			for k := range br.timers {
				if strings.HasPrefix(k, e.Prefix) {
					delete(br.timers, k)
				}
			}
		}
	}
}

type queued struct {
	due time.Time
	key string
	run *benchRun
}

// timerQueue orders pending timers by due time (a min-heap).
type timerQueue []queued

func (q timerQueue) Len() int { return len(q) }
func (q timerQueue) Less(i, j int) bool {
	if !q[i].due.Equal(q[j].due) {
		return q[i].due.Before(q[j].due)
	}
	return q[i].key < q[j].key
}
func (q timerQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *timerQueue) Push(x any)   { *q = append(*q, x.(queued)) }
func (q *timerQueue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}
