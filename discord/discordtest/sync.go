package discordtest

import (
	"sort"

	"github.com/bwmarrin/discordgo"
)

// Permission syncing (topics-permissions.mdx): a channel whose overwrites
// equal its category's is "synced", and later changes to the category's
// overwrites carry over to it; changing the child itself de-syncs it.

// syncedChildrenLocked lists the channels synced to a category now, before
// the category changes.
func (e *Emulator) syncedChildrenLocked(cat *discordgo.Channel) []*discordgo.Channel {
	if cat.Type != discordgo.ChannelTypeGuildCategory {
		return nil
	}
	var out []*discordgo.Channel
	for _, id := range e.st.guilds[cat.GuildID].channels {
		if ch := e.st.channels[id]; ch.ParentID == cat.ID && sameOverwrites(ch.PermissionOverwrites, cat.PermissionOverwrites) {
			out = append(out, ch)
		}
	}
	return out
}

// resyncLocked gives synced children the category's new overwrites.
func (e *Emulator) resyncLocked(cat *discordgo.Channel, children []*discordgo.Channel) {
	for _, ch := range children {
		ch.PermissionOverwrites = cloneAll(cat.PermissionOverwrites)
		e.dispatchLocked("CHANNEL_UPDATE", ch)
	}
}

func sameOverwrites(a, b []*discordgo.PermissionOverwrite) bool {
	if len(a) != len(b) {
		return false
	}
	key := func(list []*discordgo.PermissionOverwrite) []discordgo.PermissionOverwrite {
		out := make([]discordgo.PermissionOverwrite, len(list))
		for i, o := range list {
			out[i] = *o
		}
		sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
		return out
	}
	ka, kb := key(a), key(b)
	for i := range ka {
		if ka[i] != kb[i] {
			return false
		}
	}
	return true
}
