package db_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
)

// BenchmarkTimerLateness measures how late timers fire: 1,000 timers due
// over three seconds, three workers on their own connection pools (as three
// processes would be). Lateness is the handler's start minus DueAt. Target:
// p99 under 100 ms.
//
//	go test -run='^$' -bench=TimerLateness -benchtime=1x ./db/
func BenchmarkTimerLateness(b *testing.B) {
	const (
		timers = 1000
		spread = 3 * time.Second
		lead   = 2 * time.Second // scheduling finishes before the first is due
	)
	d := dbtest.New(b)

	var mu sync.Mutex
	var late []time.Duration
	fired := make(chan struct{}, timers)
	handler := func(ctx context.Context, t db.Timer) error {
		l := time.Since(t.DueAt)
		mu.Lock()
		late = append(late, l)
		mu.Unlock()
		fired <- struct{}{}
		return nil
	}

	ctx, cancel := context.WithCancel(context.Background())
	var workers sync.WaitGroup
	defer func() {
		cancel()
		workers.Wait()
	}()
	for i := range 3 {
		pool, err := db.Open(ctx, d.URL)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { pool.Close() }) // after the workers have stopped
		w := db.NewTimerWorker(pool, handler, db.TimerWorkerOptions{
			Name:   fmt.Sprintf("bench-%d", i),
			Logger: slog.New(slog.NewTextHandler(b.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
		})
		workers.Go(func() {
			if err := w.Run(ctx); err != nil {
				b.Error(err)
			}
		})
	}
	time.Sleep(200 * time.Millisecond) // let the workers LISTEN and go to sleep

	store := db.NewTimerStore(d)
	for n := range b.N {
		tx, err := d.BeginTxx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now().Add(lead)
		for i := range timers {
			due := start.Add(spread * time.Duration(i) / timers)
			err := store.WithTx(tx).Schedule(ctx, db.Timer{Key: fmt.Sprintf("bench:%d:%d", n, i), Kind: "bench", DueAt: due})
			if err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		if time.Now().After(start) {
			b.Logf("scheduling took longer than the %s lead; early timers are measured late", lead)
		}
		timeout := time.After(lead + spread + 30*time.Second)
		for range timers {
			select {
			case <-fired:
			case <-timeout:
				b.Fatalf("only %d of %d timers fired", len(late)-n*timers, timers)
			}
		}
	}
	b.StopTimer()

	mu.Lock()
	defer mu.Unlock()
	slices.Sort(late)
	ms := func(q float64) float64 {
		return float64(late[int(q*float64(len(late)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(ms(0.50), "p50-late-ms")
	b.ReportMetric(ms(0.99), "p99-late-ms")
	b.ReportMetric(ms(1), "max-late-ms")
	b.Logf("%d timers, 3 workers: lateness p50 %.2f ms, p99 %.2f ms, max %.2f ms", len(late), ms(0.50), ms(0.99), ms(1))
}
