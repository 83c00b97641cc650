package discordtest

import (
	"sort"

	"github.com/bwmarrin/discordgo"
)

// allPermissions is every permission bit topics-permissions.mdx defines
// (the highest is 1 << 50, USE_EXTERNAL_APPS).
const allPermissions int64 = 1<<51 - 1

// textDependent are the bits a member loses in a channel where it cannot send
// messages (the implicit permissions of topics-permissions.mdx).
const textDependent int64 = discordgo.PermissionMentionEveryone | discordgo.PermissionSendTTSMessages |
	discordgo.PermissionAttachFiles | discordgo.PermissionEmbedLinks

// basePermissions is a member's guild-wide permissions: @everyone, then the
// union of its roles; owners and administrators have everything.
func (s *State) basePermissions(guildID, userID string) int64 {
	g, ok := s.guilds[guildID]
	if !ok {
		return 0
	}
	if g.g.OwnerID == userID {
		return allPermissions
	}
	m, ok := g.members[userID]
	if !ok {
		return 0
	}
	perms := int64(0)
	for _, r := range g.roles {
		if r.ID == guildID || containsString(m.Roles, r.ID) {
			perms |= r.Permissions
		}
	}
	if perms&discordgo.PermissionAdministrator != 0 {
		return allPermissions
	}
	return perms
}

// Permissions computes a member's permissions in a channel as
// topics-permissions.mdx describes: base permissions, then the channel's
// @everyone overwrite, the member's role overwrites (denies then allows,
// aggregated), the member's own overwrite; then the implicit rules (no
// VIEW_CHANNEL means nothing; no SEND_MESSAGES strips the text-dependent
// bits). A thread has its parent's permissions, and a private thread is only
// visible to its members and to those who may manage threads.
func (s *State) Permissions(channelID, userID string) int64 {
	c, ok := s.channels[channelID]
	if !ok {
		return 0
	}
	if c.Type == discordgo.ChannelTypeDM {
		if containsUser(c.Recipients, userID) || userID == s.bot.ID {
			return discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
				discordgo.PermissionReadMessageHistory | discordgo.PermissionEmbedLinks | discordgo.PermissionAttachFiles
		}
		return 0
	}
	if c.IsThread() {
		perms := s.Permissions(c.ParentID, userID)
		if c.Type == discordgo.ChannelTypeGuildPrivateThread && perms&discordgo.PermissionManageThreads == 0 {
			if _, member := s.threadMembers[c.ID][userID]; !member {
				return 0
			}
		}
		return perms
	}
	base := s.basePermissions(c.GuildID, userID)
	if base&discordgo.PermissionAdministrator != 0 {
		return allPermissions
	}
	perms := applyOverwrites(base, c, s.memberRoles(c.GuildID, userID), userID)
	if perms&discordgo.PermissionViewChannel == 0 {
		return 0
	}
	if perms&discordgo.PermissionSendMessages == 0 && isTextLike(c.Type) {
		perms &^= textDependent
	}
	return perms
}

func applyOverwrites(base int64, c *discordgo.Channel, roles []string, userID string) int64 {
	perms := base
	var roleAllow, roleDeny int64
	var member *discordgo.PermissionOverwrite
	for _, o := range c.PermissionOverwrites {
		switch {
		case o.Type == discordgo.PermissionOverwriteTypeRole && o.ID == c.GuildID:
			perms &^= o.Deny
			perms |= o.Allow
		case o.Type == discordgo.PermissionOverwriteTypeRole && containsString(roles, o.ID):
			roleAllow |= o.Allow
			roleDeny |= o.Deny
		case o.Type == discordgo.PermissionOverwriteTypeMember && o.ID == userID:
			member = o
		}
	}
	// The @everyone overwrite must apply before the role overwrites whatever
	// their order in the list, so it was applied in the loop and the
	// aggregated role overwrites come now.
	perms &^= roleDeny
	perms |= roleAllow
	if member != nil {
		perms &^= member.Deny
		perms |= member.Allow
	}
	return perms
}

func (s *State) memberRoles(guildID, userID string) []string {
	if g, ok := s.guilds[guildID]; ok {
		if m, ok := g.members[userID]; ok {
			return m.Roles
		}
	}
	return nil
}

// CanSee reports whether a user can view a channel.
func (s *State) CanSee(channelID, userID string) bool {
	return s.Permissions(channelID, userID)&discordgo.PermissionViewChannel != 0
}

// Visible returns the members (the bot included) who can view a channel, sorted.
func (s *State) Visible(channelID string) []string {
	c, ok := s.channels[channelID]
	if !ok {
		return nil
	}
	var candidates []string
	if c.Type == discordgo.ChannelTypeDM {
		candidates = append(candidates, s.bot.ID)
		for _, u := range c.Recipients {
			candidates = append(candidates, u.ID)
		}
	} else if g, ok := s.guilds[c.GuildID]; ok {
		candidates = g.memberOrder
	}
	var out []string
	for _, id := range candidates {
		if s.CanSee(channelID, id) {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// highestRolePosition is where a member stands in the role hierarchy.
func (s *State) highestRolePosition(guildID, userID string) int {
	g := s.guilds[guildID]
	best := 0
	for _, r := range g.roles {
		if containsString(g.members[userID].Roles, r.ID) && r.Position > best {
			best = r.Position
		}
	}
	return best
}

// botMayGrant reports whether the bot may allow or deny these bits in an
// overwrite: it may only hand out permissions it has itself (in the parent
// category when there is one), and only administrators may put MANAGE_ROLES
// in an overwrite, unless the bot already holds MANAGE_ROLES through an
// overwrite of the channel (resources-channel.mdx, Edit Channel Permissions).
func (s *State) botMayGrant(guildID, parentID string, bits int64) bool {
	have := s.basePermissions(guildID, s.bot.ID)
	if have&discordgo.PermissionAdministrator != 0 {
		return true
	}
	if parentID != "" {
		if _, ok := s.channels[parentID]; ok {
			have = s.Permissions(parentID, s.bot.ID)
		}
	}
	if bits&discordgo.PermissionManageRoles != 0 {
		return false
	}
	return bits&^have == 0
}

// botHasManageRolesOverwrite is the exception to botMayGrant for channels
// that already allow the bot (or one of its roles) MANAGE_ROLES.
func (s *State) botHasManageRolesOverwrite(c *discordgo.Channel) bool {
	roles := s.memberRoles(c.GuildID, s.bot.ID)
	for _, o := range c.PermissionOverwrites {
		mine := (o.Type == discordgo.PermissionOverwriteTypeMember && o.ID == s.bot.ID) ||
			(o.Type == discordgo.PermissionOverwriteTypeRole && containsString(roles, o.ID))
		if mine && o.Allow&discordgo.PermissionManageRoles != 0 {
			return true
		}
	}
	return false
}

func isTextLike(t discordgo.ChannelType) bool {
	switch t {
	case discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildNews, discordgo.ChannelTypeGuildVoice,
		discordgo.ChannelTypeGuildStageVoice, discordgo.ChannelTypeGuildForum, discordgo.ChannelTypeGuildMedia:
		return true
	}
	return false
}

func containsString(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func containsUser(users []*discordgo.User, id string) bool {
	for _, u := range users {
		if u.ID == id {
			return true
		}
	}
	return false
}
