package discord

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/workshop"
)

const (
	roomVoice = "voice"
	roomText  = "text"
	// groupsPerCategory fills a category: Discord allows 50 channels in
	// one, and each group has two.
	groupsPerCategory = 25
)

func roomKey(formation, group int, kind string) string {
	return "room:" + strconv.Itoa(formation) + ":" + strconv.Itoa(group) + ":" + kind
}

func categoryKey(formation, chunk int) string {
	return "cat:" + strconv.Itoa(formation) + ":" + strconv.Itoa(chunk)
}

// Permissions given in private rooms.
const (
	voiceAllow = discordgo.PermissionViewChannel | discordgo.PermissionVoiceConnect | discordgo.PermissionVoiceSpeak
	textAllow  = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages | discordgo.PermissionReadMessageHistory
)

// guildChannels lists a guild's channels at most once per CreateRooms, for
// finding rooms made but not recorded before a crash.
type guildChannels struct {
	once sync.Once
	list []*discordgo.Channel
	err  error
}

func (w *WorkshopEffector) channelsOf(ctx context.Context, gc *guildChannels, guildID string) ([]*discordgo.Channel, error) {
	gc.once.Do(func() {
		gc.err = w.call(ctx, nil, func(o ...discordgo.RequestOption) error {
			var err error
			gc.list, err = w.s.GuildChannels(guildID, o...)
			return err
		})
	})
	return gc.list, gc.err
}

// createRooms makes the formation's categories and, per group, a voice
// and a text room, in parallel; see WorkshopEffector for what a failure
// leaves behind.
func (w *WorkshopEffector) createRooms(ctx context.Context, r *workshop.Run, c workshop.CreateRooms) error {
	gc := &guildChannels{}
	cats := map[int]string{}
	for _, g := range c.Groups {
		chunk := (g.Number - 1) / groupsPerCategory
		if _, ok := cats[chunk]; ok {
			continue
		}
		id, err := w.ensureChannel(ctx, r, gc, categoryKey(c.Formation, chunk), discordgo.GuildChannelCreateData{
			Name: categoryName(r, c.Formation, chunk), Type: discordgo.ChannelTypeGuildCategory,
		})
		if err != nil {
			return w.failRooms(ctx, r, c, err)
		}
		cats[chunk] = id
	}
	type job struct {
		key  string
		data discordgo.GuildChannelCreateData
	}
	var jobs []job
	for _, g := range c.Groups {
		parent := cats[(g.Number-1)/groupsPerCategory]
		jobs = append(jobs,
			job{roomKey(c.Formation, g.Number, roomVoice), discordgo.GuildChannelCreateData{
				Name: cutRunes(g.Name, 100), Type: discordgo.ChannelTypeGuildVoice, ParentID: parent,
				PermissionOverwrites: w.roomOverwrites(r, c, g, roomVoice),
			}},
			job{roomKey(c.Formation, g.Number, roomText), discordgo.GuildChannelCreateData{
				Name: textRoomName(g.Name), Type: discordgo.ChannelTypeGuildText, ParentID: parent,
				Topic:                cutRunes(g.Name+" of "+categoryName(r, 0, 0), 1024),
				PermissionOverwrites: w.roomOverwrites(r, c, g, roomText),
			}},
		)
	}
	err := w.fanOut(ctx, len(jobs), func(ctx context.Context, i int) error {
		_, err := w.ensureChannel(ctx, r, gc, jobs[i].key, jobs[i].data)
		if c := restCode(err); c == codeUnknownUser || c == codeUnknownMember {
			// Someone left the server since joining: make the room
			// without them rather than no room for the group.
			data := jobs[i].data
			if data.PermissionOverwrites, err = w.dropDeparted(ctx, r.GuildID, data.PermissionOverwrites); err == nil {
				_, err = w.ensureChannel(ctx, r, gc, jobs[i].key, data)
			}
		}
		return err
	})
	if err != nil {
		return w.failRooms(ctx, r, c, err)
	}
	return nil
}

// failRooms undoes a formation Discord refused to build, so no half-built
// set of rooms is left; when Discord was only unavailable it keeps what
// was made for the retry.
func (w *WorkshopEffector) failRooms(ctx context.Context, r *workshop.Run, c workshop.CreateRooms, err error) error {
	perm := "Manage Channels"
	if c.Privacy == workshop.RoomsPrivate && !w.lacks(r, discordgo.PermissionManageChannels) && w.lacks(r, discordgo.PermissionManageRoles) {
		perm = "Manage Roles"
	}
	failure := explain(err, "create breakout rooms", perm)
	if !refused(err) {
		return failure
	}
	prefixes := []string{"room:" + strconv.Itoa(c.Formation) + ":", "cat:" + strconv.Itoa(c.Formation) + ":"}
	if derr := w.deleteRecorded(ctx, r, prefixes); derr != nil {
		w.log.Warn("removing half-built rooms failed", "run", r.ID, "formation", c.Formation, "err", derr)
	}
	return failure
}

// lacks reports whether the bot lacks perm in the run's main channel per
// the session's State; false when the State cannot tell.
func (w *WorkshopEffector) lacks(r *workshop.Run, perm int64) bool {
	if w.s.State == nil {
		return false
	}
	perms, err := w.s.State.UserChannelPermissions(w.botID(), r.MainChannelID)
	if err != nil {
		return false
	}
	return perms&perm == 0 && perms&discordgo.PermissionAdministrator == 0
}

// ensureChannel returns the channel recorded under key, making it (and
// recording it) when there is none. A "pending" record means a crash may
// have come between making and recording: the guild's channels are
// searched for it first.
func (w *WorkshopEffector) ensureChannel(ctx context.Context, r *workshop.Run, gc *guildChannels, key string, data discordgo.GuildChannelCreateData) (string, error) {
	v, ok, err := w.lookup(ctx, r.ID, key)
	if err != nil {
		return "", err
	}
	if ok && v != pending {
		return v, nil
	}
	if ok {
		list, err := w.channelsOf(ctx, gc, r.GuildID)
		if err != nil {
			return "", err
		}
		for _, ch := range list {
			if ch.Type == data.Type && ch.Name == data.Name && ch.ParentID == data.ParentID {
				return ch.ID, w.record(ctx, r.ID, key, ch.ID)
			}
		}
	} else if err := w.record(ctx, r.ID, key, pending); err != nil {
		return "", err
	}
	var ch *discordgo.Channel
	err = w.call(ctx, nil, func(o ...discordgo.RequestOption) error {
		var err error
		ch, err = w.s.GuildChannelCreateComplex(r.GuildID, data, o...)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("create channel %q: %w", data.Name, err)
	}
	return ch.ID, w.record(ctx, r.ID, key, ch.ID)
}

// roomOverwrites are a private room's permission overwrites: nobody sees
// it but the group, the hosts (roles and the run's host) and the bot.
// Open rooms have none and inherit the category's (everyone's) view.
func (w *WorkshopEffector) roomOverwrites(r *workshop.Run, c workshop.CreateRooms, g workshop.GroupRooms, kind string) []*discordgo.PermissionOverwrite {
	if c.Privacy != workshop.RoomsPrivate {
		return nil
	}
	allow, deny := int64(textAllow), int64(discordgo.PermissionViewChannel)
	if kind == roomVoice {
		allow, deny = voiceAllow, discordgo.PermissionViewChannel|discordgo.PermissionVoiceConnect
	}
	out := []*discordgo.PermissionOverwrite{{ID: r.GuildID, Type: discordgo.PermissionOverwriteTypeRole, Deny: deny}}
	if w.opts.HostRoleIDs != nil {
		for _, role := range w.opts.HostRoleIDs(r.GuildID) {
			if role != "" && role != r.GuildID {
				out = append(out, &discordgo.PermissionOverwrite{ID: role, Type: discordgo.PermissionOverwriteTypeRole, Allow: allow})
			}
		}
	}
	var users []string
	for _, u := range append([]string{w.botID(), c.HostID}, g.Members...) {
		if u != "" && !slices.Contains(users, u) {
			users = append(users, u)
		}
	}
	for _, u := range users {
		out = append(out, &discordgo.PermissionOverwrite{ID: u, Type: discordgo.PermissionOverwriteTypeMember, Allow: allow})
	}
	return out
}

// dropDeparted removes the member overwrites of users no longer in the
// guild.
func (w *WorkshopEffector) dropDeparted(ctx context.Context, guildID string, ows []*discordgo.PermissionOverwrite) ([]*discordgo.PermissionOverwrite, error) {
	var out []*discordgo.PermissionOverwrite
	for _, o := range ows {
		if o.Type == discordgo.PermissionOverwriteTypeMember && o.ID != w.botID() {
			err := w.call(ctx, []paceKey{{"member-get:" + guildID, RateLimit{5, time.Second}}}, func(opts ...discordgo.RequestOption) error {
				_, err := w.s.GuildMember(guildID, o.ID, opts...)
				return err
			})
			if c := restCode(err); c == codeUnknownUser || c == codeUnknownMember {
				continue
			} else if err != nil {
				return nil, fmt.Errorf("check member %s: %w", o.ID, err)
			}
		}
		out = append(out, o)
	}
	return out, nil
}

// privateRooms reports whether the run's rooms are private.
func privateRooms(r *workshop.Run) bool {
	return r.Curriculum == nil || r.Curriculum.Rooms != workshop.RoomsOpen
}

// addToGroup lets a member see a private group's rooms.
func (w *WorkshopEffector) addToGroup(ctx context.Context, r *workshop.Run, a workshop.AddToGroup) error {
	if !privateRooms(r) {
		return nil
	}
	return w.eachRoom(ctx, r, a.Formation, a.Group, func(ctx context.Context, ch, kind string) error {
		allow := int64(textAllow)
		if kind == roomVoice {
			allow = voiceAllow
		}
		err := w.call(ctx, []paceKey{{"ow:" + ch, w.opts.OverwriteLimit}}, func(o ...discordgo.RequestOption) error {
			return w.s.ChannelPermissionSet(ch, a.UserID, discordgo.PermissionOverwriteTypeMember, allow, 0, o...)
		})
		if restCode(err) == codeUnknownChannel {
			return nil
		}
		return explain(err, "let a member into their group's room", "Manage Roles")
	})
}

// removeFromGroup withdraws a member's view of a private group's rooms.
func (w *WorkshopEffector) removeFromGroup(ctx context.Context, r *workshop.Run, rm workshop.RemoveFromGroup) error {
	if !privateRooms(r) {
		return nil
	}
	return w.eachRoom(ctx, r, rm.Formation, rm.Group, func(ctx context.Context, ch, _ string) error {
		err := w.call(ctx, []paceKey{{"ow:" + ch, w.opts.OverwriteLimit}}, func(o ...discordgo.RequestOption) error {
			return w.s.ChannelPermissionDelete(ch, rm.UserID, o...)
		})
		if c := restCode(err); c == codeUnknownChannel || c == codeUnknownOverwrite {
			return nil
		}
		return explain(err, "take a member out of a group's room", "Manage Roles")
	})
}

// eachRoom runs fn on the group's voice and text rooms that exist.
func (w *WorkshopEffector) eachRoom(ctx context.Context, r *workshop.Run, formation, group int, fn func(ctx context.Context, channelID, kind string) error) error {
	for _, kind := range []string{roomVoice, roomText} {
		id, ok, err := w.lookup(ctx, r.ID, roomKey(formation, group, kind))
		if err != nil {
			return err
		}
		if !ok || id == pending {
			continue
		}
		if err := fn(ctx, id, kind); err != nil {
			return err
		}
	}
	return nil
}

// deleteRooms deletes every room and category the run has, and forgets
// them; a channel already gone counts as deleted.
func (w *WorkshopEffector) deleteRooms(ctx context.Context, r *workshop.Run) error {
	// Recall moves may still be queued behind the member-move limit:
	// deleting a voice room under someone disconnects them instead of
	// bringing them back, so the queue drains first.
	if err := w.WaitMoves(ctx, r.ID); err != nil {
		if ctx.Err() != nil {
			return err
		}
		w.log.Warn("some members could not be moved back before the rooms are deleted", "run", r.ID, "err", err)
	}
	w.forgetRun(r.ID)
	if err := w.deleteRecorded(ctx, r, []string{"room:", "cat:"}); err != nil {
		return explain(err, "delete the breakout rooms", "Manage Channels")
	}
	return nil
}

// deleteRecorded deletes the channels recorded under each prefix in turn
// (rooms before their categories) and records them as gone.
func (w *WorkshopEffector) deleteRecorded(ctx context.Context, r *workshop.Run, prefixes []string) error {
	for _, prefix := range prefixes {
		entries, err := w.ledger.Entries(ctx, r.ID, prefix)
		if err != nil {
			return fmt.Errorf("ledger entries %s: %w", prefix, err)
		}
		var keys []string
		for k, v := range entries {
			if v != "" {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		err = w.fanOut(ctx, len(keys), func(ctx context.Context, i int) error {
			id := entries[keys[i]]
			if id != pending {
				err := w.call(ctx, nil, func(o ...discordgo.RequestOption) error {
					_, err := w.s.ChannelDelete(id, o...)
					return err
				})
				if err != nil && restCode(err) != codeUnknownChannel {
					return fmt.Errorf("delete channel %s: %w", id, err)
				}
			}
			return w.record(ctx, r.ID, keys[i], "")
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// isRoomKey reports whether a ledger key names a voice room of formation f.
func isVoiceRoomKey(key string, formation int) bool {
	return strings.HasPrefix(key, "room:"+strconv.Itoa(formation)+":") && strings.HasSuffix(key, ":"+roomVoice)
}
