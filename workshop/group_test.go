package workshop

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestGroupSizes(t *testing.T) {
	tests := []struct {
		n, size int
		want    []int
	}{
		{0, 2, nil},
		{1, 2, []int{1}},
		{2, 2, []int{2}},
		{3, 2, []int{3}},
		{5, 2, []int{2, 3}},
		{6, 2, []int{2, 2, 2}},
		{7, 2, []int{2, 2, 3}},
		{50, 2, slices.Repeat([]int{2}, 25)},
		{5, 4, []int{5}},
		{6, 4, []int{3, 3}},
		{7, 4, []int{3, 4}},
		{9, 4, []int{4, 5}},
		{10, 4, []int{3, 3, 4}},
		{11, 4, []int{3, 4, 4}},
		{3, 4, []int{3}},
		{2, 25, []int{2}},
	}
	for _, tt := range tests {
		got := GroupSizes(tt.n, tt.size)
		if !slices.Equal(got, tt.want) {
			t.Errorf("GroupSizes(%d, %d) = %v, want %v", tt.n, tt.size, got, tt.want)
		}
	}
	// The rule's promises, for every case in range.
	for size := MinGroupSize; size <= 8; size++ {
		for n := 1; n <= 60; n++ {
			got := GroupSizes(n, size)
			total, lo, hi := 0, n, 0
			for _, s := range got {
				total += s
				lo, hi = min(lo, s), max(hi, s)
			}
			if total != n || hi-lo > 1 || (n > 1 && lo < 2) || !slices.IsSorted(got) {
				t.Errorf("GroupSizes(%d, %d) = %v: want sizes summing to n, differing by at most one, none alone, ascending", n, size, got)
			}
		}
	}
}

func TestSelfSelectRoomsAndSmallestGroup(t *testing.T) {
	for _, tt := range []struct{ n, size, want int }{{0, 2, 0}, {1, 2, 1}, {5, 2, 3}, {8, 4, 2}, {9, 4, 3}} {
		if got := SelfSelectRooms(tt.n, tt.size); got != tt.want {
			t.Errorf("SelfSelectRooms(%d, %d) = %d, want %d", tt.n, tt.size, got, tt.want)
		}
	}
	if got := SmallestGroup(nil); got != -1 {
		t.Errorf("SmallestGroup(nil) = %d, want -1", got)
	}
	if got := SmallestGroup([][]string{{"a", "b", "c"}, {"d", "e"}, {"f", "g"}}); got != 1 {
		t.Errorf("SmallestGroup = %d, want 1 (first of the smallest)", got)
	}
}

func candidates(levels ...Experience) []GroupCandidate {
	out := make([]GroupCandidate, len(levels))
	for i, l := range levels {
		out[i] = GroupCandidate{UserID: fmt.Sprintf("u%02d", i+1), Level: l}
	}
	return out
}

func levelsOf(members []GroupCandidate) map[string]Experience {
	m := map[string]Experience{}
	for _, c := range members {
		m[c.UserID] = c.Level
	}
	return m
}

func TestFormGroupsMixedSpreadsLevels(t *testing.T) {
	E, S, N := ExperienceExperienced, ExperienceSome, ExperienceNew
	cases := [][]Experience{
		{E, E, E, E, S, S, S, S, N, N, N, N},
		{E, N, N, N, N, N, S, S, E, N, N, S, E},
		{N, N, N, N, N, N, N, E, E, E},
		{E, S, N, "", "", N, S},
	}
	for ci, levels := range cases {
		members := candidates(levels...)
		lv := levelsOf(members)
		for size := 2; size <= 5; size++ {
			for seed := range uint64(20) {
				groups, err := FormGroups(members, size, GroupingMixed, nil, rand.New(rand.NewPCG(seed, 1)))
				if err != nil {
					t.Fatal(err)
				}
				checkPartition(t, groups, members, GroupSizes(len(members), size))
				for _, level := range []Experience{E, S, N} {
					lo, hi := len(members), 0
					for _, g := range groups {
						c := 0
						for _, m := range g {
							if lv[m] == level {
								c++
							}
						}
						lo, hi = min(lo, c), max(hi, c)
					}
					if hi-lo > 1 {
						t.Errorf("case %d size %d seed %d: level %q spread %d..%d per group, want within one: %v", ci, size, seed, level, lo, hi, groups)
					}
				}
			}
		}
	}
}

func TestFormGroupsSameGroupsAlikeLevels(t *testing.T) {
	E, S, N := ExperienceExperienced, ExperienceSome, ExperienceNew
	members := candidates(N, E, S, N, E, S, N, E, S, S, E, N)
	lv := levelsOf(members)
	groups, err := FormGroups(members, 4, GroupingSame, nil, rand.New(rand.NewPCG(3, 3)))
	if err != nil {
		t.Fatal(err)
	}
	checkPartition(t, groups, members, []int{4, 4, 4})
	for _, g := range groups {
		for _, m := range g {
			if lv[m] != lv[g[0]] {
				t.Errorf("same-experience group mixes levels: %v", g)
			}
		}
	}
}

func TestFormGroupsRandomLeavesOutHostsAndChecksInput(t *testing.T) {
	members := candidates("", "", "", "", "")
	members = append(members, GroupCandidate{UserID: "host", Host: true})
	groups, err := FormGroups(members, 2, GroupingRandom, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkPartition(t, groups, members[:5], []int{2, 3})

	for _, bad := range []struct {
		members []GroupCandidate
		size    int
		g       Grouping
	}{
		{candidates(""), 1, GroupingRandom},
		{candidates(""), 26, GroupingRandom},
		{candidates(""), 2, "alphabetical"},
		{[]GroupCandidate{{UserID: ""}}, 2, GroupingRandom},
		{[]GroupCandidate{{UserID: "a"}, {UserID: "a"}}, 2, GroupingRandom},
	} {
		if _, err := FormGroups(bad.members, bad.size, bad.g, nil, nil); ErrorCode(err) != EINVALID {
			t.Errorf("FormGroups(%v, %d, %q) error = %v, want EINVALID", bad.members, bad.size, bad.g, err)
		}
	}
	if groups, err := FormGroups(nil, 2, GroupingMixed, nil, nil); err != nil || groups != nil {
		t.Errorf("FormGroups(nobody) = %v, %v; want no groups", groups, err)
	}
	if groups, _ := FormGroups(candidates(""), 2, GroupingMixed, nil, nil); !slices.EqualFunc(groups, [][]string{{"u01"}}, slices.Equal) {
		t.Errorf("FormGroups(one person) = %v, want that person alone", groups)
	}
}

func TestFormGroupsSelfSelectOpensEmptyRooms(t *testing.T) {
	groups, err := FormGroups(candidates("", "", "", "", ""), 2, GroupingSelf, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 3 {
		t.Fatalf("self-select for 5 in pairs opened %d rooms, want 3", len(groups))
	}
	for _, g := range groups {
		if g == nil || len(g) != 0 {
			t.Errorf("self-select group %v, want empty and non-nil", g)
		}
	}
}

// TestFormGroupsAvoidsRepeatedPairs measures, over many seeds, how many
// pairs from history come back: without the history (what chance gives)
// and with it (what avoidance achieves).
func TestFormGroupsAvoidsRepeatedPairs(t *testing.T) {
	E, N := ExperienceExperienced, ExperienceNew
	tests := []struct {
		name     string
		members  []GroupCandidate
		size     int
		grouping Grouping
		earlier  [][]string
	}{
		{"8 in pairs, random", candidates("", "", "", "", "", "", "", ""), 2, GroupingRandom,
			[][]string{{"u01", "u02"}, {"u03", "u04"}, {"u05", "u06"}, {"u07", "u08"}}},
		// Mixed pairs must be experienced+new; avoidance may only swap
		// within a level, and still finds pairs nobody had.
		{"6 mixed pairs", candidates(E, E, E, N, N, N), 2, GroupingMixed,
			[][]string{{"u01", "u04"}, {"u02", "u05"}, {"u03", "u06"}}},
		{"12 in threes, two earlier runs", candidates("", "", "", "", "", "", "", "", "", "", "", ""), 3, GroupingRandom,
			[][]string{{"u01", "u02", "u03"}, {"u04", "u05", "u06"}, {"u07", "u08", "u09"}, {"u10", "u11", "u12"},
				{"u01", "u04", "u07"}, {"u02", "u05", "u08"}, {"u03", "u06", "u09"}}},
	}
	const seeds = 200
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			history := PairHistory{}
			history.AddGroups(tt.earlier)
			chance, avoided := 0, 0
			for seed := range uint64(seeds) {
				blind, err := FormGroups(tt.members, tt.size, tt.grouping, nil, rand.New(rand.NewPCG(seed, 7)))
				if err != nil {
					t.Fatal(err)
				}
				chance += RepeatedPairs(blind, history)
				groups, err := FormGroups(tt.members, tt.size, tt.grouping, history, rand.New(rand.NewPCG(seed, 7)))
				if err != nil {
					t.Fatal(err)
				}
				checkPartition(t, groups, tt.members, GroupSizes(len(tt.members), tt.size))
				avoided += RepeatedPairs(groups, history)
			}
			t.Logf("repeated pairs over %d seeds: %d by chance, %d with avoidance", seeds, chance, avoided)
			if chance == 0 {
				t.Fatalf("the case is too easy: chance alone repeats no pair")
			}
			if avoided != 0 {
				t.Errorf("avoidance left %d repeated pairs over %d seeds, want 0 (chance: %d)", avoided, seeds, chance)
			}
		})
	}

	// When every pair was seen, groups are still formed.
	history := PairHistory{}
	history.AddGroups([][]string{{"u01", "u02", "u03"}})
	groups, err := FormGroups(candidates("", "", ""), 2, GroupingRandom, history, nil)
	if err != nil || len(groups) != 1 || len(groups[0]) != 3 {
		t.Errorf("FormGroups with every pair seen = %v, %v; want one group of 3", groups, err)
	}
}

func TestAssignRolesRotates(t *testing.T) {
	tests := []struct {
		members, roles []string
		rounds         int
	}{
		{[]string{"a", "b"}, []string{"interviewer", "interviewee"}, 2},
		{[]string{"a", "b", "c"}, []string{"interviewer", "interviewee"}, 2},
		{[]string{"a", "b"}, []string{"speaker", "listener", "observer"}, 3},
		{[]string{"a", "b", "c", "d", "e"}, []string{"x", "y", "z"}, 3},
	}
	for _, tt := range tests {
		played := map[string]map[string]bool{}
		for round := range tt.rounds {
			got := AssignRoles(tt.members, tt.roles, round)
			if len(got) != len(tt.members) {
				t.Fatalf("AssignRoles(%v, %v, %d) = %v: want a role for every member", tt.members, tt.roles, round, got)
			}
			seen := map[string]bool{}
			for m, role := range got {
				if played[m] == nil {
					played[m] = map[string]bool{}
				}
				played[m][role] = true
				seen[role] = true
			}
			if want := min(len(tt.members), len(tt.roles)); len(seen) != want {
				t.Errorf("round %d of %v with %v: %d distinct roles played, want %d", round, tt.members, tt.roles, len(seen), want)
			}
		}
		for _, m := range tt.members {
			if len(played[m]) != len(tt.roles) {
				t.Errorf("%v with %v over %d rounds: %s played %v, want every role", tt.members, tt.roles, tt.rounds, m, played[m])
			}
		}
	}
	got := AssignRoles([]string{"a", "b"}, []string{"interviewer", "interviewee"}, 0)
	if got["a"] != "interviewer" || got["b"] != "interviewee" {
		t.Errorf("round 0 = %v, want the first member to take the first role", got)
	}
	if got := AssignRoles([]string{"a"}, nil, 0); len(got) != 0 {
		t.Errorf("no roles gave %v", got)
	}
}

// checkPartition fails unless groups place every candidate exactly once in
// groups of the given sizes (in any order of groups).
func checkPartition(t *testing.T, groups [][]string, members []GroupCandidate, sizes []int) {
	t.Helper()
	var got []int
	placed := map[string]int{}
	for _, g := range groups {
		got = append(got, len(g))
		for _, m := range g {
			placed[m]++
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, sizes) {
		t.Errorf("group sizes %v, want %v: %v", got, sizes, groups)
	}
	for _, m := range members {
		if placed[m.UserID] != 1 {
			t.Errorf("%s placed %d times in %v", m.UserID, placed[m.UserID], groups)
		}
	}
}
