package chart

import (
	"fmt"
	"testing"

	"github.com/roundtable-bot/roundtable/accountability"
)

// Benchmarks report the PNG size as bytes/chart next to ns/op: the digest
// and /streak attach one image per message, so both matter.

func BenchmarkParticipationPNG(b *testing.B) {
	d := accountability.Digest{Week: week13, ParticipationByDay: [7]int{12, 17, 9, 14, 11, 3, 2}}
	var size int
	for b.Loop() {
		png, err := ParticipationPNG(d)
		if err != nil {
			b.Fatal(err)
		}
		size = len(png)
	}
	b.ReportMetric(float64(size), "bytes/chart")
}

func BenchmarkParticipationPNGEmpty(b *testing.B) {
	var size int
	for b.Loop() {
		png, err := ParticipationPNG(accountability.Digest{Week: week13})
		if err != nil {
			b.Fatal(err)
		}
		size = len(png)
	}
	b.ReportMetric(float64(size), "bytes/chart")
}

func BenchmarkHeatmapPNG(b *testing.B) {
	for _, n := range []int{12, accountability.MaxHeatmapWeeks} {
		weeks := sampleWeeks(n)
		b.Run(fmt.Sprintf("weeks=%d", n), func(b *testing.B) {
			var size int
			for b.Loop() {
				png, err := HeatmapPNG(weeks, "alice: last weeks")
				if err != nil {
					b.Fatal(err)
				}
				size = len(png)
			}
			b.ReportMetric(float64(size), "bytes/chart")
		})
	}
}
