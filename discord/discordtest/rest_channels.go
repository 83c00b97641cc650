package discordtest

import (
	"net/http"

	"github.com/bwmarrin/discordgo"
)

func (e *Emulator) channelRoutes() {
	e.route("GET", "/channels/{channel_id}", e.getChannel)
	e.route("PATCH", "/channels/{channel_id}", e.modifyChannel)
	e.route("DELETE", "/channels/{channel_id}", e.deleteChannel)
}

// visibleChannel finds a channel the bot can see: 10003 when it does not
// exist, 50001 Missing Access when the bot cannot view it.
func (e *Emulator) visibleChannel(id string) (*discordgo.Channel, *apiError) {
	ch, ok := e.st.channels[id]
	if !ok {
		return nil, errUnknownChannel()
	}
	if !e.st.CanSee(id, e.st.bot.ID) {
		return nil, errMissingAccess()
	}
	return ch, nil
}

func (e *Emulator) botCan(channelID string, bits int64) bool {
	return e.st.Permissions(channelID, e.st.bot.ID)&bits == bits
}

func (e *Emulator) getChannel(c *call) (int, any, *apiError) {
	ch, err := e.visibleChannel(c.param("channel_id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ch, nil
}

type channelPatchReq struct {
	Name                 *string                  `json:"name"`
	Position             optional[int]            `json:"position"`
	Topic                optional[string]         `json:"topic"`
	NSFW                 *bool                    `json:"nsfw"`
	RateLimitPerUser     optional[int]            `json:"rate_limit_per_user"`
	Bitrate              optional[int]            `json:"bitrate"`
	UserLimit            optional[int]            `json:"user_limit"`
	PermissionOverwrites optional[[]overwriteReq] `json:"permission_overwrites"`
	ParentID             optional[string]         `json:"parent_id"`
	Archived             *bool                    `json:"archived"`
	Locked               *bool                    `json:"locked"`
	AutoArchiveDuration  *int                     `json:"auto_archive_duration"`
	Invitable            *bool                    `json:"invitable"`
}

// modifyChannel is PATCH /channels/{channel.id}: MANAGE_CHANNELS for guild
// channels (MANAGE_ROLES too when overwrites change), MANAGE_THREADS or
// ownership for threads.
func (e *Emulator) modifyChannel(c *call) (int, any, *apiError) {
	ch, err := e.visibleChannel(c.param("channel_id"))
	if err != nil {
		return 0, nil, err
	}
	var req channelPatchReq
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	if ch.IsThread() {
		return e.modifyThread(ch, &req)
	}
	if ch.Type == discordgo.ChannelTypeDM {
		return 0, nil, errWrongChannelType()
	}
	if !e.botCan(ch.ID, discordgo.PermissionManageChannels) {
		return 0, nil, errMissingPermissions()
	}
	next := clone(ch)
	if req.Name != nil {
		if err := validateChannelName(*req.Name); err != nil {
			return 0, nil, err
		}
		next.Name = *req.Name
	}
	if req.Position.Set {
		next.Position = req.Position.Value
	}
	if req.Topic.Set {
		next.Topic = req.Topic.Value
	}
	if req.NSFW != nil {
		next.NSFW = *req.NSFW
	}
	if req.RateLimitPerUser.Set {
		next.RateLimitPerUser = req.RateLimitPerUser.Value
	}
	if req.Bitrate.Set {
		next.Bitrate = req.Bitrate.Value
	}
	if req.UserLimit.Set {
		next.UserLimit = req.UserLimit.Value
	}
	if err := validateChannelNumbers(next.Type, next.Bitrate, next.UserLimit, next.RateLimitPerUser); err != nil {
		return 0, nil, err
	}
	g := e.st.guilds[ch.GuildID]
	if req.ParentID.Set {
		next.ParentID = ""
		if !req.ParentID.Null && req.ParentID.Value != "" {
			if err := e.checkParent(g, req.ParentID.Value, ch.Type, ch.ID); err != nil {
				return 0, nil, err
			}
			next.ParentID = req.ParentID.Value
		}
	}
	if req.PermissionOverwrites.Set {
		if !e.botCan(ch.ID, discordgo.PermissionManageRoles) {
			return 0, nil, errMissingPermissions()
		}
		ows, err := e.checkOverwrites(ch.GuildID, next.ParentID, req.PermissionOverwrites.Value, ch)
		if err != nil {
			return 0, nil, err
		}
		next.PermissionOverwrites = ows
	}
	synced := e.syncedChildrenLocked(ch)
	*ch = *next
	e.dispatchLocked("CHANNEL_UPDATE", ch)
	if req.PermissionOverwrites.Set {
		e.resyncLocked(ch, synced)
	}
	return http.StatusOK, ch, nil
}

// deleteChannel is DELETE /channels/{channel.id}. Deleting a category
// leaves its channels uncategorised; deleting a voice channel disconnects
// its members; a channel's threads and messages go with it.
func (e *Emulator) deleteChannel(c *call) (int, any, *apiError) {
	ch, err := e.visibleChannel(c.param("channel_id"))
	if err != nil {
		return 0, nil, err
	}
	switch {
	case ch.Type == discordgo.ChannelTypeDM:
		return http.StatusOK, ch, nil // closing a DM keeps it for later
	case ch.IsThread():
		if !e.botCan(ch.ID, discordgo.PermissionManageThreads) {
			return 0, nil, errMissingPermissions()
		}
		e.removeChannelLocked(ch)
		e.dispatchLocked("THREAD_DELETE", map[string]any{"id": ch.ID, "guild_id": ch.GuildID,
			"parent_id": ch.ParentID, "type": ch.Type})
		return http.StatusOK, ch, nil
	}
	if !e.botCan(ch.ID, discordgo.PermissionManageChannels) {
		return 0, nil, errMissingPermissions()
	}
	g := e.st.guilds[ch.GuildID]
	for uid, vs := range g.voice {
		if vs.ChannelID == ch.ID {
			delete(g.voice, uid)
			left := *vs
			left.ChannelID = ""
			e.dispatchLocked("VOICE_STATE_UPDATE", voiceStateJSON(&left, g.members[uid], true))
		}
	}
	for _, other := range e.st.channels {
		if other.IsThread() && other.ParentID == ch.ID {
			e.removeChannelLocked(other)
		}
	}
	e.removeChannelLocked(ch)
	for _, id := range g.channels {
		if child := e.st.channels[id]; child.ParentID == ch.ID {
			child.ParentID = ""
			e.dispatchLocked("CHANNEL_UPDATE", child)
		}
	}
	e.dispatchLocked("CHANNEL_DELETE", ch)
	return http.StatusOK, ch, nil
}

func (e *Emulator) removeChannelLocked(ch *discordgo.Channel) {
	delete(e.st.channels, ch.ID)
	for _, id := range e.st.channelMsgs[ch.ID] {
		delete(e.st.messages, id)
	}
	delete(e.st.channelMsgs, ch.ID)
	delete(e.st.threadMembers, ch.ID)
	if g, ok := e.st.guilds[ch.GuildID]; ok {
		for i, id := range g.channels {
			if id == ch.ID {
				g.channels = append(g.channels[:i:i], g.channels[i+1:]...)
				break
			}
		}
	}
}

func (e *Emulator) overwriteRoutes() {
	e.route("PUT", "/channels/{channel_id}/permissions/{overwrite_id}", e.putOverwrite)
	e.route("DELETE", "/channels/{channel_id}/permissions/{overwrite_id}", e.deleteOverwrite)
}

// overwriteTarget finds a guild channel (not a thread) whose overwrites the
// bot may edit: it needs MANAGE_ROLES there.
func (e *Emulator) overwriteTarget(c *call) (*discordgo.Channel, *apiError) {
	ch, err := e.visibleChannel(c.param("channel_id"))
	if err != nil {
		return nil, err
	}
	if ch.IsThread() || ch.Type == discordgo.ChannelTypeDM {
		return nil, errWrongChannelType()
	}
	if !e.botCan(ch.ID, discordgo.PermissionManageRoles) {
		return nil, errMissingPermissions()
	}
	return ch, nil
}

// putOverwrite is PUT /channels/{channel.id}/permissions/{overwrite.id}.
func (e *Emulator) putOverwrite(c *call) (int, any, *apiError) {
	ch, err := e.overwriteTarget(c)
	if err != nil {
		return 0, nil, err
	}
	var req overwriteReq
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	req.ID = c.param("overwrite_id")
	ows, err := e.checkOverwrites(ch.GuildID, ch.ParentID, []overwriteReq{req}, ch)
	if err != nil {
		return 0, nil, err
	}
	synced := e.syncedChildrenLocked(ch)
	replaced := false
	for i, o := range ch.PermissionOverwrites {
		if o.ID == req.ID {
			ch.PermissionOverwrites[i] = ows[0]
			replaced = true
		}
	}
	if !replaced {
		ch.PermissionOverwrites = append(ch.PermissionOverwrites, ows[0])
	}
	e.dispatchLocked("CHANNEL_UPDATE", ch)
	e.resyncLocked(ch, synced)
	return http.StatusNoContent, nil, nil
}

func (e *Emulator) deleteOverwrite(c *call) (int, any, *apiError) {
	ch, err := e.overwriteTarget(c)
	if err != nil {
		return 0, nil, err
	}
	synced := e.syncedChildrenLocked(ch)
	for i, o := range ch.PermissionOverwrites {
		if o.ID == c.param("overwrite_id") {
			ch.PermissionOverwrites = append(ch.PermissionOverwrites[:i:i], ch.PermissionOverwrites[i+1:]...)
			e.dispatchLocked("CHANNEL_UPDATE", ch)
			e.resyncLocked(ch, synced)
			break
		}
	}
	return http.StatusNoContent, nil, nil
}
