package workshop

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkFormGroups forms groups for 300 participants of mixed levels,
// with a history of two earlier runs' pairs to avoid.
func BenchmarkFormGroups(b *testing.B) {
	levels := []Experience{ExperienceNew, ExperienceSome, ExperienceExperienced, ""}
	members := make([]GroupCandidate, 300)
	for i := range members {
		members[i] = GroupCandidate{UserID: fmt.Sprintf("user%03d", i), Level: levels[i%len(levels)]}
	}
	for _, size := range []int{2, 4} {
		for _, withHistory := range []bool{false, true} {
			history := PairHistory{}
			if withHistory {
				for seed := range uint64(2) {
					earlier, err := FormGroups(members, size, GroupingRandom, nil, rand.New(rand.NewPCG(seed, 99)))
					if err != nil {
						b.Fatal(err)
					}
					history.AddGroups(earlier)
				}
			}
			b.Run(fmt.Sprintf("n=300/size=%d/history=%d_pairs", size, len(history)), func(b *testing.B) {
				rng := rand.New(rand.NewPCG(1, 2))
				repeated := 0
				for b.Loop() {
					groups, err := FormGroups(members, size, GroupingMixed, history, rng)
					if err != nil {
						b.Fatal(err)
					}
					repeated = RepeatedPairs(groups, history)
				}
				b.ReportMetric(float64(repeated), "repeated_pairs")
			})
		}
	}
}
