package workshop

import (
	"cmp"
	"math/rand/v2"
	"slices"
)

// GroupCandidate is one person group formation may place.
type GroupCandidate struct {
	UserID string
	Level  Experience // "" when the member did not say
	// Host marks a host: hosts run the workshop and are never grouped, so
	// FormGroups leaves them out even if a caller passes them.
	Host bool
}

// Pair is an unordered pair of user IDs; NewPair orders it so that the
// same two people always give the same Pair.
type Pair struct{ A, B string }

// NewPair returns the pair of a and b, in a fixed order.
func NewPair(a, b string) Pair {
	if b < a {
		a, b = b, a
	}
	return Pair{A: a, B: b}
}

// PairHistory counts how often two people have already worked in the same
// group (in the guild's earlier runs, and earlier in this run). Group
// formation avoids repeating these pairs when it can. A nil PairHistory is
// an empty one for reading.
type PairHistory map[Pair]int

// Seen is how many times a and b have been grouped together.
func (h PairHistory) Seen(a, b string) int { return h[NewPair(a, b)] }

// AddGroups records every pair within each group.
func (h PairHistory) AddGroups(groups [][]string) {
	for _, g := range groups {
		for i := range g {
			for j := i + 1; j < len(g); j++ {
				h[NewPair(g[i], g[j])]++
			}
		}
	}
}

// RepeatedPairs counts the pairs within groups that history has seen,
// each pair weighted by how often it was seen.
func RepeatedPairs(groups [][]string, history PairHistory) int {
	n := 0
	for _, g := range groups {
		for i := range g {
			for j := i + 1; j < len(g); j++ {
				n += history.Seen(g[i], g[j])
			}
		}
	}
	return n
}

// GroupSizes says how n people are split into groups when the curriculum
// asks for groups of size. The rule:
//
//   - nobody is alone unless there is a single person (n = 1 gives [1]),
//     and n = 0 gives no groups;
//   - sizes differ by at most one, smaller groups first;
//   - the number of groups is the one that keeps every group closest to
//     size: the smallest largest difference from size, then the smallest
//     total difference, then more (smaller) groups.
//
// Examples with pairs: 5 -> [2 3], 6 -> [2 2 2], 7 -> [2 2 3], 3 -> [3].
// With fours: 7 -> [3 4], 9 -> [4 5], 6 -> [3 3], 5 -> [5], 11 -> [3 4 4].
// A size below MinGroupSize is treated as MinGroupSize.
func GroupSizes(n, size int) []int {
	if n <= 0 {
		return nil
	}
	size = max(size, MinGroupSize)
	bestK, bestMax, bestSum := 1, -1, -1
	for k := 1; k <= max(1, n/MinGroupSize); k++ {
		base, rem := n/k, n%k
		devSmall, devBig := absInt(base-size), absInt(base+1-size)
		worst := devSmall
		if rem > 0 {
			worst = max(worst, devBig)
		}
		sum := (k-rem)*devSmall + rem*devBig
		if bestMax < 0 || worst < bestMax || (worst == bestMax && sum <= bestSum) {
			bestK, bestMax, bestSum = k, worst, sum
		}
	}
	base, rem := n/bestK, n%bestK
	sizes := make([]int, bestK)
	for i := range sizes {
		sizes[i] = base
		if i >= bestK-rem {
			sizes[i]++
		}
	}
	return sizes
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// SelfSelectRooms is how many rooms a self-select breakout opens for n
// people in groups of size: enough for everyone at that size, rounded up.
func SelfSelectRooms(n, size int) int {
	if n <= 0 {
		return 0
	}
	size = max(size, MinGroupSize)
	return (n + size - 1) / size
}

// SmallestGroup returns the index of the group with the fewest members (the
// first such group on a tie), where a late joiner goes; -1 when there are
// no groups.
func SmallestGroup(groups [][]string) int {
	best := -1
	for i, g := range groups {
		if best < 0 || len(g) < len(groups[best]) {
			best = i
		}
	}
	return best
}

// AssignRoles says who plays which role in a round (0-based). Member i
// plays roles[(i+round) mod len(roles)]: roles rotate one place every
// round, so when rounds >= len(roles) every member plays every role. With
// more members than roles, several members share a role each round (in a
// trio with two roles, two interview one; next round the other way round);
// with fewer, some roles go unplayed that round. No roles gives an empty
// map.
func AssignRoles(members []string, roles []string, round int) map[string]string {
	out := make(map[string]string, len(members))
	if len(roles) == 0 {
		return out
	}
	round = max(round, 0)
	for i, m := range members {
		out[m] = roles[(i+round)%len(roles)]
	}
	return out
}

// levelRank orders experience levels for dealing: most experienced first,
// unknown last so that unknown levels fill whatever places remain, which is
// what random placement would do.
func levelRank(e Experience) int {
	switch e {
	case ExperienceExperienced:
		return 0
	case ExperienceSome:
		return 1
	case ExperienceNew:
		return 2
	}
	return 3
}

// formAttempts is how many shuffles FormGroups tries when there is history
// to avoid; each is then improved by swaps.
const formAttempts = 8

// FormGroups splits members into groups for a breakout: sizes follow
// GroupSizes, hosts are left out, and the result lists user IDs.
//
//   - GroupingRandom: a shuffle, dealt into groups.
//   - GroupingMixed: members are ordered by level (experienced, some, new,
//     then unknown) and dealt level by level, each to the group with the
//     fewest of their level and the most room left, so each level is spread
//     as evenly as the numbers allow (counts per group differ by at most
//     one in the cases tested).
//   - GroupingSame: members ordered by level fill groups one after another,
//     so each group holds alike levels.
//   - GroupingSelf: SelfSelectRooms(n, size) empty groups; members pick
//     their own later.
//
// Pairs seen in history are then avoided as far as possible: several
// shuffles are tried and each is improved by swapping members between
// groups (only members of the same level under mixed and same grouping, so
// the level spread is kept); the grouping with the fewest repeated pairs
// wins. rng makes the result reproducible; nil uses a fixed seed. It
// returns EINVALID for a size outside MinGroupSize..MaxGroupSize, an
// unknown grouping, or an empty or repeated user ID.
func FormGroups(members []GroupCandidate, size int, g Grouping, history PairHistory, rng *rand.Rand) ([][]string, error) {
	if size < MinGroupSize || size > MaxGroupSize {
		return nil, Errorf(EINVALID, "Groups must have %d to %d members, not %d.", MinGroupSize, MaxGroupSize, size)
	}
	if !slices.Contains(Groupings(), g) {
		return nil, Errorf(EINVALID, "Unknown grouping %q.", string(g))
	}
	people := make([]GroupCandidate, 0, len(members))
	seen := make(map[string]bool, len(members))
	for _, m := range members {
		if m.UserID == "" {
			return nil, Errorf(EINVALID, "A group member needs a user ID.")
		}
		if seen[m.UserID] {
			return nil, Errorf(EINVALID, "Member %s is listed twice.", m.UserID)
		}
		seen[m.UserID] = true
		if !m.Host {
			people = append(people, m)
		}
	}
	if len(people) == 0 {
		return nil, nil
	}
	if g == GroupingSelf {
		groups := make([][]string, SelfSelectRooms(len(people), size))
		for i := range groups {
			groups[i] = []string{}
		}
		return groups, nil
	}
	if rng == nil {
		rng = rand.New(rand.NewPCG(0, 0))
	}
	sizes := GroupSizes(len(people), size)
	attempts := 1
	if len(history) > 0 {
		attempts = formAttempts
	}
	var best []group
	bestCost := -1
	for range attempts {
		groups := deal(people, sizes, g, rng)
		cost := improve(groups, g, history)
		if bestCost < 0 || cost < bestCost {
			best, bestCost = groups, cost
		}
		if cost == 0 {
			break
		}
	}
	out := make([][]string, len(best))
	for i, grp := range best {
		out[i] = make([]string, len(grp))
		for j, c := range grp {
			out[i][j] = c.UserID
		}
	}
	return out, nil
}

type group []GroupCandidate

// deal places a fresh shuffle of people into groups of the given sizes.
func deal(people []GroupCandidate, sizes []int, g Grouping, rng *rand.Rand) []group {
	order := slices.Clone(people)
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	if g == GroupingMixed || g == GroupingSame {
		slices.SortStableFunc(order, func(a, b GroupCandidate) int { return cmp.Compare(levelRank(a.Level), levelRank(b.Level)) })
	}
	groups := make([]group, len(sizes))
	for i, s := range sizes {
		groups[i] = make(group, 0, s)
	}
	if g == GroupingMixed {
		// Deal level by level, each member to the group with the fewest of
		// their level, then the most room left (so the last levels still
		// find space everywhere), then the next in turn.
		k := len(groups)
		var counts [4][]int // per level rank, members per group
		turn := 0
		for _, p := range order {
			rank := levelRank(p.Level)
			if counts[rank] == nil {
				counts[rank] = make([]int, k)
			}
			count := counts[rank]
			best, bestRoom := -1, 0
			for off := range k {
				gi := turn + off
				if gi >= k {
					gi -= k
				}
				room := sizes[gi] - len(groups[gi])
				if room == 0 {
					continue
				}
				if best < 0 || count[gi] < count[best] || (count[gi] == count[best] && room > bestRoom) {
					best, bestRoom = gi, room
				}
			}
			groups[best] = append(groups[best], p)
			count[best]++
			turn = (best + 1) % k
		}
		return groups
	}
	i := 0
	for gi, s := range sizes {
		groups[gi] = append(groups[gi], order[i:i+s]...)
		i += s
	}
	return groups
}

// improve swaps members between groups while a swap lowers the number of
// repeated pairs, and returns the number left. Under mixed and same
// grouping only members of the same level are swapped.
func improve(groups []group, g Grouping, history PairHistory) int {
	if len(history) == 0 {
		return 0
	}
	sameLevelOnly := g == GroupingMixed || g == GroupingSame
	// cost of member m sitting in grp, ignoring the member at skip.
	costIn := func(m GroupCandidate, grp group, skip int) int {
		c := 0
		for i, o := range grp {
			if i != skip {
				c += history.Seen(m.UserID, o.UserID)
			}
		}
		return c
	}
	const maxPasses = 20
	for range maxPasses {
		improved := false
		for ai := range groups {
			for aj := 0; aj < len(groups[ai]); aj++ {
				a := groups[ai][aj]
				if costIn(a, groups[ai], aj) == 0 {
					continue
				}
			search:
				for bi := range groups {
					if bi == ai {
						continue
					}
					for bj, b := range groups[bi] {
						if sameLevelOnly && levelRank(a.Level) != levelRank(b.Level) {
							continue
						}
						before := costIn(a, groups[ai], aj) + costIn(b, groups[bi], bj)
						after := costIn(b, groups[ai], aj) + costIn(a, groups[bi], bj)
						if after < before {
							groups[ai][aj], groups[bi][bj] = b, a
							improved = true
							a = b
							if costIn(a, groups[ai], aj) == 0 {
								break search
							}
						}
					}
				}
			}
		}
		if !improved {
			break
		}
	}
	total := 0
	for _, grp := range groups {
		for i := range grp {
			total += costIn(grp[i], grp[i+1:], -1)
		}
	}
	return total
}
