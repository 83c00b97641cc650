package discordtest

import (
	"net/http"
	"sort"
	"strconv"

	"github.com/bwmarrin/discordgo"
)

const (
	maxGuildChannels    = 500
	maxCategoryChildren = 50
	maxGuildRoles       = 250
)

func (e *Emulator) guildRoutes() {
	e.route("GET", "/guilds/{guild_id}", e.getGuild)
	e.route("GET", "/guilds/{guild_id}/channels", e.listGuildChannels)
	e.route("POST", "/guilds/{guild_id}/channels", e.createGuildChannel)
	e.route("PATCH", "/guilds/{guild_id}/channels", e.reorderChannels)
	e.route("GET", "/guilds/{guild_id}/threads/active", e.activeThreads)
	e.route("GET", "/guilds/{guild_id}/roles", e.listRoles)
	e.route("POST", "/guilds/{guild_id}/roles", e.createRole)
}

func (e *Emulator) guildOf(c *call) (*guild, *apiError) {
	g, ok := e.st.guilds[c.param("guild_id")]
	if !ok {
		return nil, errUnknownGuild()
	}
	return g, nil
}

func (e *Emulator) getGuild(c *call) (int, any, *apiError) {
	g, err := e.guildOf(c)
	if err != nil {
		return 0, nil, err
	}
	out, _ := e.st.Guild(g.g.ID)
	return http.StatusOK, out, nil
}

func (e *Emulator) listGuildChannels(c *call) (int, any, *apiError) {
	g, err := e.guildOf(c)
	if err != nil {
		return 0, nil, err
	}
	out := e.st.Channels(g.g.ID)
	if out == nil {
		out = []*discordgo.Channel{}
	}
	return http.StatusOK, out, nil
}

// overwriteReq is a permission overwrite in a request body.
type overwriteReq struct {
	ID    string   `json:"id"`
	Type  int      `json:"type"`
	Allow permBits `json:"allow"`
	Deny  permBits `json:"deny"`
}

type channelCreateReq struct {
	Name                 string                `json:"name"`
	Type                 discordgo.ChannelType `json:"type"`
	Topic                string                `json:"topic"`
	Bitrate              int                   `json:"bitrate"`
	UserLimit            int                   `json:"user_limit"`
	RateLimitPerUser     int                   `json:"rate_limit_per_user"`
	Position             *int                  `json:"position"`
	PermissionOverwrites []overwriteReq        `json:"permission_overwrites"`
	ParentID             string                `json:"parent_id"`
	NSFW                 bool                  `json:"nsfw"`
}

// createGuildChannel is POST /guilds/{guild.id}/channels (resources-guild.mdx).
func (e *Emulator) createGuildChannel(c *call) (int, any, *apiError) {
	g, err := e.guildOf(c)
	if err != nil {
		return 0, nil, err
	}
	var req channelCreateReq
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	if e.st.basePermissions(g.g.ID, e.st.bot.ID)&discordgo.PermissionManageChannels == 0 {
		return 0, nil, errMissingPermissions()
	}
	switch req.Type {
	case discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildVoice, discordgo.ChannelTypeGuildCategory,
		discordgo.ChannelTypeGuildNews, discordgo.ChannelTypeGuildStageVoice, discordgo.ChannelTypeGuildForum,
		discordgo.ChannelTypeGuildMedia:
	default:
		return 0, nil, errInvalidForm("type", "BASE_TYPE_CHOICES", "Value must be one of {0, 2, 4, 5, 13, 15, 16}.")
	}
	if err := validateChannelName(req.Name); err != nil {
		return 0, nil, err
	}
	if len(g.channels) >= maxGuildChannels {
		return 0, nil, errTooManyChannels()
	}
	if req.ParentID != "" {
		if err := e.checkParent(g, req.ParentID, req.Type, ""); err != nil {
			return 0, nil, err
		}
	}
	if err := validateChannelNumbers(req.Type, req.Bitrate, req.UserLimit, req.RateLimitPerUser); err != nil {
		return 0, nil, err
	}
	// On create, Discord checks grants against the bot's guild permissions
	// (resources-guild.mdx), not the parent's as on later edits.
	overwrites, err := e.checkOverwrites(g.g.ID, "", req.PermissionOverwrites, nil)
	if err != nil {
		return 0, nil, err
	}
	ch := &discordgo.Channel{GuildID: g.g.ID, Name: req.Name, Type: req.Type, Topic: req.Topic,
		ParentID: req.ParentID, NSFW: req.NSFW, RateLimitPerUser: req.RateLimitPerUser,
		PermissionOverwrites: overwrites}
	if req.Type == discordgo.ChannelTypeGuildVoice || req.Type == discordgo.ChannelTypeGuildStageVoice {
		ch.Bitrate = req.Bitrate
		if ch.Bitrate == 0 {
			ch.Bitrate = 64000
		}
		ch.UserLimit = req.UserLimit
	}
	e.st.addChannel(ch)
	if req.Position != nil {
		ch.Position = *req.Position
	}
	e.dispatchLocked("CHANNEL_CREATE", ch)
	return http.StatusCreated, ch, nil
}

// reorderChannels is PATCH /guilds/{id}/channels (Modify Guild Channel
// Positions): MANAGE_CHANNELS; each change may also move a channel into a
// category, which must have room.
func (e *Emulator) reorderChannels(c *call) (int, any, *apiError) {
	g, err := e.guildOf(c)
	if err != nil {
		return 0, nil, err
	}
	var req []struct {
		ID              string           `json:"id"`
		Position        optional[int]    `json:"position"`
		ParentID        optional[string] `json:"parent_id"`
		LockPermissions *bool            `json:"lock_permissions"`
	}
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	if e.st.basePermissions(g.g.ID, e.st.bot.ID)&discordgo.PermissionManageChannels == 0 {
		return 0, nil, errMissingPermissions()
	}
	for i, r := range req {
		ch, ok := e.st.channels[r.ID]
		if !ok || ch.GuildID != g.g.ID || ch.IsThread() {
			return 0, nil, errInvalidForm(strconv.Itoa(i)+".id", "CHANNEL_INVALID", "Unknown channel")
		}
		if r.ParentID.Set && !r.ParentID.Null && r.ParentID.Value != "" {
			if err := e.checkParent(g, r.ParentID.Value, ch.Type, ch.ID); err != nil {
				return 0, nil, err
			}
		}
	}
	for _, r := range req {
		ch := e.st.channels[r.ID]
		if r.Position.Set && !r.Position.Null {
			ch.Position = r.Position.Value
		}
		if r.ParentID.Set {
			ch.ParentID = r.ParentID.Value
			// lock_permissions syncs the overwrites with the new parent.
			if parent, ok := e.st.channels[ch.ParentID]; ok && r.LockPermissions != nil && *r.LockPermissions {
				ch.PermissionOverwrites = cloneAll(parent.PermissionOverwrites)
			}
		}
		e.dispatchLocked("CHANNEL_UPDATE", ch)
	}
	return http.StatusNoContent, nil, nil
}

// activeThreads is GET /guilds/{id}/threads/active: the unarchived threads
// the bot can see, with the bot's own thread memberships.
func (e *Emulator) activeThreads(c *call) (int, any, *apiError) {
	g, err := e.guildOf(c)
	if err != nil {
		return 0, nil, err
	}
	threads := []*discordgo.Channel{}
	members := []*discordgo.ThreadMember{}
	for _, ch := range e.st.channels {
		if ch.IsThread() && ch.GuildID == g.g.ID && !ch.ThreadMetadata.Archived && e.st.CanSee(ch.ID, e.st.bot.ID) {
			threads = append(threads, ch)
			if tm, ok := e.st.threadMembers[ch.ID][e.st.bot.ID]; ok {
				members = append(members, tm)
			}
		}
	}
	sort.Slice(threads, func(i, j int) bool { return idLess(threads[i].ID, threads[j].ID) })
	return http.StatusOK, map[string]any{"threads": threads, "members": members}, nil
}

func validateChannelName(name string) *apiError {
	if n := len([]rune(name)); n < 1 || n > 100 {
		return errBadLength("name", 1, 100)
	}
	return nil
}

// validateChannelNumbers checks the documented ranges: user_limit 0-99 for
// voice (0-10000 for stage), bitrate 8000-96000 in a guild without boosts,
// slow mode 0-21600 s.
func validateChannelNumbers(t discordgo.ChannelType, bitrate, userLimit, slowMode int) *apiError {
	limit := 99
	if t == discordgo.ChannelTypeGuildStageVoice {
		limit = 10000
	}
	if userLimit < 0 || userLimit > limit {
		return errInvalidForm("user_limit", "NUMBER_TYPE_MAX", "int value should be less than or equal to "+itoa(limit)+".")
	}
	if bitrate != 0 && (bitrate < 8000 || bitrate > 96000) {
		return errInvalidForm("bitrate", "BASE_TYPE_BAD_INT", "int value should be between 8000 and 96000.")
	}
	if slowMode < 0 || slowMode > 21600 {
		return errInvalidForm("rate_limit_per_user", "NUMBER_TYPE_MAX", "int value should be less than or equal to 21600.")
	}
	return nil
}

// checkParent enforces that a parent is a category of the guild with room
// for one more channel (50 per category).
func (e *Emulator) checkParent(g *guild, parentID string, t discordgo.ChannelType, movingID string) *apiError {
	parent, ok := e.st.channels[parentID]
	if !ok || parent.GuildID != g.g.ID || parent.Type != discordgo.ChannelTypeGuildCategory ||
		t == discordgo.ChannelTypeGuildCategory {
		return errInvalidForm("parent_id", "CHANNEL_PARENT_INVALID_TYPE", "Not a category")
	}
	children := 0
	for _, id := range g.channels {
		if e.st.channels[id].ParentID == parentID && id != movingID {
			children++
		}
	}
	if children >= maxCategoryChildren {
		return errInvalidForm("parent_id", "CHANNEL_PARENT_MAX_CHANNELS", "Maximum number of channels in category reached (50)")
	}
	return nil
}

// checkOverwrites validates overwrites the bot wants to set: known targets,
// and only permissions the bot may grant (see botMayGrant). existing, when
// the channel already exists, allows the MANAGE_ROLES-overwrite exception.
func (e *Emulator) checkOverwrites(guildID, parentID string, reqs []overwriteReq, existing *discordgo.Channel) ([]*discordgo.PermissionOverwrite, *apiError) {
	out := []*discordgo.PermissionOverwrite{}
	g := e.st.guilds[guildID]
	for _, o := range reqs {
		switch o.Type {
		case int(discordgo.PermissionOverwriteTypeRole):
			if !hasRole(g, o.ID) {
				return nil, errUnknownRole()
			}
		case int(discordgo.PermissionOverwriteTypeMember):
			if _, ok := e.st.users[o.ID]; !ok {
				return nil, errUnknownUser()
			}
		default:
			return nil, errInvalidForm("permission_overwrites.type", "BASE_TYPE_CHOICES", "Value must be one of {0, 1}.")
		}
		bits := int64(o.Allow) | int64(o.Deny)
		if !e.st.botMayGrant(guildID, parentID, bits) && (existing == nil || !e.st.botHasManageRolesOverwrite(existing)) {
			return nil, errMissingPermissions()
		}
		out = append(out, &discordgo.PermissionOverwrite{ID: o.ID, Type: discordgo.PermissionOverwriteType(o.Type),
			Allow: int64(o.Allow), Deny: int64(o.Deny)})
	}
	return out, nil
}

func hasRole(g *guild, id string) bool {
	for _, r := range g.roles {
		if r.ID == id {
			return true
		}
	}
	return false
}

func (e *Emulator) listRoles(c *call) (int, any, *apiError) {
	g, err := e.guildOf(c)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, e.st.Roles(g.g.ID), nil
}

// createRole is POST /guilds/{guild.id}/roles: MANAGE_ROLES, and a bot can
// only give a role permissions it has.
func (e *Emulator) createRole(c *call) (int, any, *apiError) {
	g, err := e.guildOf(c)
	if err != nil {
		return 0, nil, err
	}
	var req struct {
		Name        *string   `json:"name"`
		Permissions *permBits `json:"permissions"`
		Color       int       `json:"color"`
		Hoist       bool      `json:"hoist"`
		Mentionable bool      `json:"mentionable"`
	}
	if len(c.body) > 0 {
		if err := c.decode(&req); err != nil {
			return 0, nil, err
		}
	}
	base := e.st.basePermissions(g.g.ID, e.st.bot.ID)
	if base&discordgo.PermissionManageRoles == 0 {
		return 0, nil, errMissingPermissions()
	}
	perms := EveryonePermissions
	if req.Permissions != nil {
		perms = int64(*req.Permissions)
	}
	if base&discordgo.PermissionAdministrator == 0 && perms&^base != 0 {
		return 0, nil, errMissingPermissions()
	}
	if len(g.roles) >= maxGuildRoles {
		return 0, nil, errTooManyRoles()
	}
	name := "new role"
	if req.Name != nil {
		name = *req.Name
	}
	if len([]rune(name)) > 100 {
		return 0, nil, errBadLength("name", 0, 100)
	}
	role := &discordgo.Role{ID: e.st.newID(), Name: name, Permissions: perms, Color: req.Color, Hoist: req.Hoist,
		Mentionable: req.Mentionable, Position: 1}
	// A new role sits just above @everyone; the others move up one.
	for _, r := range g.roles {
		if r.ID != g.g.ID {
			r.Position++
		}
	}
	g.roles = append(g.roles, role)
	e.dispatchLocked("GUILD_ROLE_CREATE", map[string]any{"guild_id": g.g.ID, "role": role})
	return http.StatusOK, role, nil
}

func itoa(n int) string { return strconv.Itoa(n) }
