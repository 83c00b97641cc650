package discord

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
	"github.com/roundtable-bot/roundtable/workshop"
)

// orphanFixture is a guild holding categories named as the effector names
// them, with rooms in them, and channels no workshop made.
type orphanFixture struct {
	e       *discordtest.Emulator
	s       *discordgo.Session
	eff     *WorkshopEffector
	guildID string
}

func newOrphanFixture(t *testing.T) *orphanFixture {
	t.Helper()
	e := discordtest.New(t)
	s := e.Session(t)
	eff := NewWorkshopEffector(s, newMemLedger(), WorkshopEffectorOptions{BotUserID: e.Seed().BotUserID})
	t.Cleanup(func() { _ = eff.Close() })
	return &orphanFixture{e: e, s: s, eff: eff, guildID: e.Seed().GuildID}
}

// category makes a category and a voice and a text room in it; it
// returns their IDs, the category's first.
func (f *orphanFixture) category(t *testing.T, name string, overwrites ...*discordgo.PermissionOverwrite) []string {
	t.Helper()
	cat, err := f.s.GuildChannelCreateComplex(f.guildID, discordgo.GuildChannelCreateData{Name: name, Type: discordgo.ChannelTypeGuildCategory})
	if err != nil {
		t.Fatalf("create category %q: %v", name, err)
	}
	ids := []string{cat.ID}
	for _, room := range []discordgo.GuildChannelCreateData{
		{Name: "Group 1", Type: discordgo.ChannelTypeGuildVoice},
		{Name: "group-1", Type: discordgo.ChannelTypeGuildText},
	} {
		room.ParentID = cat.ID
		room.PermissionOverwrites = overwrites
		ch, err := f.s.GuildChannelCreateComplex(f.guildID, room)
		if err != nil {
			t.Fatalf("create room %q: %v", room.Name, err)
		}
		ids = append(ids, ch.ID)
	}
	return ids
}

func (f *orphanFixture) exists(id string) bool {
	_, ok := f.e.Channel(id)
	return ok
}

// liveRuns answers live from a set and counts the questions per run.
type liveRuns struct {
	mu    sync.Mutex
	live  map[int64]bool
	asked map[int64]int
}

func (l *liveRuns) fn(_ context.Context, runID int64) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.asked[runID]++
	return l.live[runID], nil
}

func effectorCategoryName(id int64, title string, formation, chunk int) string {
	return categoryName(&workshop.Run{ID: id, Curriculum: &workshop.Curriculum{Title: title}}, formation, chunk)
}

func TestSweepOrphansDeletesOnlyDeadRunsRooms(t *testing.T) {
	f := newOrphanFixture(t)
	dead := f.category(t, effectorCategoryName(7, "Design Thinking Crash Course", 0, 0))
	deadMore := f.category(t, effectorCategoryName(7, "Design Thinking Crash Course", 1, 2))
	alive := f.category(t, effectorCategoryName(8, "Retro", 0, 0))
	unrelated := f.category(t, "Workshop planning")
	lookalike := f.category(t, "Workshop #9 notes")
	before := len(f.e.Channels(f.guildID))

	runs := &liveRuns{live: map[int64]bool{8: true}, asked: map[int64]int{}}
	n, err := f.eff.SweepOrphans(context.Background(), nil, runs.fn)
	if err != nil {
		t.Fatalf("SweepOrphans: %v", err)
	}
	if n != 6 {
		t.Errorf("SweepOrphans deleted %d channels; want 6 (two categories of run 7 and their rooms)", n)
	}
	for _, id := range slices.Concat(dead, deadMore) {
		if f.exists(id) {
			t.Errorf("channel %s of run 7 (over) still exists", id)
		}
	}
	for _, id := range slices.Concat(alive, unrelated, lookalike) {
		if !f.exists(id) {
			t.Errorf("channel %s deleted; only run 7's rooms should go", id)
		}
	}
	if got := len(f.e.Channels(f.guildID)); got != before-6 {
		t.Errorf("guild has %d channels after the sweep; want %d", got, before-6)
	}
	if runs.asked[9] != 0 {
		t.Errorf("asked about run 9 for a category not named as the effector names them")
	}

	n, err = f.eff.SweepOrphans(context.Background(), []string{f.guildID}, runs.fn)
	if err != nil || n != 0 {
		t.Fatalf("second SweepOrphans = %d, %v; want 0, nil", n, err)
	}
}

func TestSweepOrphansMissingPermission(t *testing.T) {
	f := newOrphanFixture(t)
	botID := f.e.Seed().BotUserID
	locked := f.category(t, effectorCategoryName(7, "Retro", 0, 0), &discordgo.PermissionOverwrite{
		ID: botID, Type: discordgo.PermissionOverwriteTypeMember,
		Allow: discordgo.PermissionViewChannel, Deny: discordgo.PermissionManageChannels,
	})
	runs := &liveRuns{live: map[int64]bool{}, asked: map[int64]int{}}
	_, err := f.eff.SweepOrphans(context.Background(), []string{f.guildID}, runs.fn)
	if workshop.ErrorCode(err) != workshop.EFORBIDDEN || !strings.Contains(workshop.ErrorMessage(err), "Manage Channels") {
		t.Fatalf("SweepOrphans without Manage Channels on the rooms: %v; want EFORBIDDEN naming the permission", err)
	}
	if !f.exists(locked[0]) {
		t.Errorf("category deleted although its rooms could not be")
	}
}

func TestSweepOrphansLiveErrorKeepsRooms(t *testing.T) {
	f := newOrphanFixture(t)
	ids := f.category(t, effectorCategoryName(7, "Retro", 0, 0))
	errDB := errors.New("database down")
	_, err := f.eff.SweepOrphans(context.Background(), []string{f.guildID}, func(context.Context, int64) (bool, error) { return false, errDB })
	if !errors.Is(err, errDB) {
		t.Fatalf("SweepOrphans with a failing live: %v; want it to carry the error", err)
	}
	for _, id := range ids {
		if !f.exists(id) {
			t.Errorf("channel %s deleted although the run's state is unknown", id)
		}
	}
}

func TestRunOfCategory(t *testing.T) {
	for _, tc := range []struct {
		name string
		id   int64
		ok   bool
	}{
		{effectorCategoryName(42, "Design Thinking Crash Course", 0, 0), 42, true},
		{effectorCategoryName(42, "A: B", 2, 3), 42, true},
		{effectorCategoryName(42, strings.Repeat("long ", 40), 0, 1), 42, true},
		{"Workshop #42", 0, false},
		{"Workshop #42 notes: x", 0, false},
		{"Workshop #: x", 0, false},
		{"Workshop #0: x", 0, false},
		{"Workshop #x1: y", 0, false},
		{"General", 0, false},
	} {
		id, ok := runOfCategory(tc.name)
		if id != tc.id || ok != tc.ok {
			t.Errorf("runOfCategory(%q) = %d, %v; want %d, %v", tc.name, id, ok, tc.id, tc.ok)
		}
	}
}
