package discord

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/workshop"
)

// SweepOrphans deletes the breakout rooms that runs no longer need and
// that the ledger cannot reach: a database restored from a backup, a
// crash between making a room and recording it, a run row deleted by
// hand. It lists the channels of each guild (guildIDs, or every guild in
// the session's State when empty), takes the categories named as
// categoryName names them, and asks live whether their run still needs
// its rooms; for a run that does not, it deletes the category's channels,
// then the category. Channels outside such categories are never touched.
//
// It returns how many channels it deleted. A guild that fails does not
// stop the others; the errors are joined, a missing permission being a
// *workshop.Error EFORBIDDEN that names it. A channel already gone counts
// as deleted by someone else, not as an error.
func (w *WorkshopEffector) SweepOrphans(ctx context.Context, guildIDs []string, live func(ctx context.Context, runID int64) (bool, error)) (int, error) {
	if len(guildIDs) == 0 {
		guildIDs = w.stateGuildIDs()
	}
	var (
		deleted int
		errs    []error
	)
	for _, gid := range guildIDs {
		n, err := w.sweepGuild(ctx, gid, live)
		deleted += n
		if err != nil {
			if ctx.Err() != nil {
				return deleted, err
			}
			errs = append(errs, fmt.Errorf("guild %s: %w", gid, err))
		}
	}
	return deleted, errors.Join(errs...)
}

// stateGuildIDs lists the guilds the session's State knows.
func (w *WorkshopEffector) stateGuildIDs() []string {
	st := w.s.State
	if st == nil {
		return nil
	}
	st.RLock()
	defer st.RUnlock()
	ids := make([]string, 0, len(st.Guilds))
	for _, g := range st.Guilds {
		ids = append(ids, g.ID)
	}
	return ids
}

// sweepGuild sweeps one guild, stopping at its first error: a permission
// missing for one category is missing for the next.
func (w *WorkshopEffector) sweepGuild(ctx context.Context, guildID string, live func(ctx context.Context, runID int64) (bool, error)) (int, error) {
	var channels []*discordgo.Channel
	err := w.call(ctx, nil, func(o ...discordgo.RequestOption) error {
		var err error
		channels, err = w.s.GuildChannels(guildID, o...)
		return err
	})
	if err != nil {
		return 0, explain(err, "look for rooms left by finished workshops", "View Channels")
	}
	deleted := 0
	for _, cat := range channels {
		if cat.Type != discordgo.ChannelTypeGuildCategory {
			continue
		}
		runID, ok := runOfCategory(cat.Name)
		if !ok {
			continue
		}
		n, err := w.sweepCategory(ctx, runID, cat, channels, live)
		deleted += n
		if err != nil {
			return deleted, err
		}
	}
	return deleted, nil
}

// sweepCategory deletes a category of run runID and its channels unless
// the run still needs them. It holds the run's lock, so it never races
// the run's own DeleteRooms in this process.
func (w *WorkshopEffector) sweepCategory(ctx context.Context, runID int64, cat *discordgo.Channel, channels []*discordgo.Channel,
	live func(ctx context.Context, runID int64) (bool, error)) (int, error) {
	unlock := w.lockRun(runID)
	defer unlock()
	needed, err := live(ctx, runID)
	if err != nil {
		return 0, fmt.Errorf("does run %d still need its rooms: %w", runID, err)
	}
	if needed {
		return 0, nil
	}
	var children []string
	for _, c := range channels {
		if c.ParentID == cat.ID {
			children = append(children, c.ID)
		}
	}
	var deleted atomic.Int64
	err = w.fanOut(ctx, len(children), func(ctx context.Context, i int) error {
		gone, err := w.deleteChannel(ctx, children[i])
		if gone {
			deleted.Add(1)
		}
		return err
	})
	if err == nil {
		// Rooms first: a category deleted under them would leave them
		// loose at the top of the channel list.
		var gone bool
		gone, err = w.deleteChannel(ctx, cat.ID)
		if gone {
			deleted.Add(1)
		}
	}
	if err != nil {
		return int(deleted.Load()), explain(err, "delete the rooms of finished workshops", "Manage Channels")
	}
	w.log.Info("deleted the rooms of a finished workshop", "run", runID, "category", cat.Name, "guild", cat.GuildID)
	return int(deleted.Load()), nil
}

// deleteChannel deletes one channel; gone reports whether this call
// deleted it (false when it was already gone, which is no error).
func (w *WorkshopEffector) deleteChannel(ctx context.Context, channelID string) (gone bool, err error) {
	err = w.call(ctx, nil, func(o ...discordgo.RequestOption) error {
		_, err := w.s.ChannelDelete(channelID, o...)
		return err
	})
	switch {
	case err == nil:
		return true, nil
	case restCode(err) == codeUnknownChannel:
		return false, nil
	}
	return false, fmt.Errorf("delete channel %s: %w", channelID, err)
}

// runOfCategory reads the run ID out of a category name made by
// categoryName. The name is checked against categoryName itself, so the
// two cannot drift apart: the head it would give the run (for the
// formation and chunk the name mentions, if any) must begin the name.
func runOfCategory(name string) (int64, bool) {
	head := func(id int64, formation, chunk int) string {
		// An empty title leaves just what precedes it.
		return categoryName(&workshop.Run{ID: id, Curriculum: &workshop.Curriculum{}}, formation, chunk)
	}
	// The text before the ID is what the heads of two IDs share.
	prefix := commonPrefix(head(1, 0, 0), head(2, 0, 0))
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok {
		return 0, false
	}
	digits := leadingDigits(rest)
	id, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	// What follows the ID up to the title's separator may carry the
	// formation and chunk, counted from 1.
	sep := strings.TrimPrefix(head(id, 0, 0), prefix+digits)
	between, _, ok := strings.Cut(rest[len(digits):], strings.TrimSpace(sep))
	if !ok {
		return 0, false
	}
	formation, chunk := 0, 0
	if nums := numbersIn(between); len(nums) == 2 {
		formation, chunk = nums[0]-1, nums[1]-1
	} else if len(nums) != 0 {
		return 0, false
	}
	if formation < 0 || chunk < 0 || !strings.HasPrefix(name, head(id, formation, chunk)) {
		return 0, false
	}
	return id, true
}

func commonPrefix(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return a[:i]
}

func leadingDigits(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

// numbersIn returns the runs of decimal digits in s, as numbers.
func numbersIn(s string) []int {
	var out []int
	for s != "" {
		i := strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' })
		if i < 0 {
			break
		}
		s = s[i:]
		d := leadingDigits(s)
		n, err := strconv.Atoi(d)
		if err != nil {
			return nil
		}
		out = append(out, n)
		s = s[len(d):]
	}
	return out
}
