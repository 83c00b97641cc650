package pgcluster

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// BenchmarkClusterStart measures what a member waits for when the bot starts
// with the embedded default: the first start of a new folder (initdb + start)
// and a restart of an existing one. Targets: first start < 2 s, restart < 0.5 s.
func BenchmarkClusterStart(b *testing.B) {
	ctx := context.Background()
	root := b.TempDir()
	var first, restart time.Duration
	runs := 0
	for i := 0; b.Loop(); i++ {
		runs++
		dir := filepath.Join(root, strconv.Itoa(i))
		began := time.Now()
		c, err := Start(ctx, Options{DataDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		first += time.Since(began)
		if err := c.Stop(ctx); err != nil {
			b.Fatal(err)
		}
		began = time.Now()
		c, err = Start(ctx, Options{DataDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		restart += time.Since(began)
		if err := c.Stop(ctx); err != nil {
			b.Fatal(err)
		}
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(runs) }
	b.ReportMetric(ms(first), "first-start-ms")
	b.ReportMetric(ms(restart), "restart-ms")
	b.Logf("first start %.0f ms, restart %.0f ms (over %d runs)", ms(first), ms(restart), runs)
}
