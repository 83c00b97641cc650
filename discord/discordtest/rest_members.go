package discordtest

import (
	"net/http"
	"slices"

	"github.com/bwmarrin/discordgo"
)

func (e *Emulator) memberRoutes() {
	e.route("GET", "/guilds/{guild_id}/members", e.listMembers)
	e.route("GET", "/guilds/{guild_id}/members/{user_id}", e.getMember)
	e.route("PATCH", "/guilds/{guild_id}/members/{user_id}", e.modifyMember)
	e.route("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", e.addMemberRole)
	e.route("DELETE", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", e.removeMemberRole)
}

func (e *Emulator) memberOf(c *call) (*guild, *discordgo.Member, *apiError) {
	g, err := e.guildOf(c)
	if err != nil {
		return nil, nil, err
	}
	uid := c.param("user_id")
	if uid == "@me" {
		uid = e.st.bot.ID
	}
	m, ok := g.members[uid]
	if !ok {
		return nil, nil, errUnknownMember()
	}
	return g, m, nil
}

func (e *Emulator) getMember(c *call) (int, any, *apiError) {
	_, m, err := e.memberOf(c)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, m, nil
}

// listMembers is GET /guilds/{id}/members, which Discord only serves to
// applications with the GUILD_MEMBERS privileged intent enabled.
func (e *Emulator) listMembers(c *call) (int, any, *apiError) {
	g, err := e.guildOf(c)
	if err != nil {
		return 0, nil, err
	}
	if e.st.app.PrivilegedIntents&discordgo.IntentGuildMembers == 0 {
		return 0, nil, errMissingAccess()
	}
	limit, err := c.queryInt("limit", 1, 1, 1000)
	if err != nil {
		return 0, nil, err
	}
	after := c.r.URL.Query().Get("after")
	out := []*discordgo.Member{}
	ids := append([]string(nil), g.memberOrder...)
	sortIDs(ids)
	for _, id := range ids {
		if (after == "" || idLess(after, id)) && len(out) < limit {
			out = append(out, g.members[id])
		}
	}
	return http.StatusOK, out, nil
}

type memberPatchReq struct {
	Nick      optional[string]   `json:"nick"`
	Roles     optional[[]string] `json:"roles"`
	ChannelID optional[string]   `json:"channel_id"`
}

// modifyMember is PATCH /guilds/{id}/members/{id}: nick (MANAGE_NICKNAMES),
// roles (MANAGE_ROLES, below the bot's highest role), channel_id (move or,
// with null, disconnect: MOVE_MEMBERS, and CONNECT in the target channel;
// the member must already be in voice, else 40032).
func (e *Emulator) modifyMember(c *call) (int, any, *apiError) {
	g, m, err := e.memberOf(c)
	if err != nil {
		return 0, nil, err
	}
	var req memberPatchReq
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	base := e.st.basePermissions(g.g.ID, e.st.bot.ID)
	if req.Nick.Set && base&discordgo.PermissionManageNicknames == 0 {
		return 0, nil, errMissingPermissions()
	}
	if req.Roles.Set {
		for _, r := range req.Roles.Value {
			if !hasRole(g, r) {
				return 0, nil, errUnknownRole()
			}
		}
		changed := symmetricDifference(m.Roles, req.Roles.Value)
		for _, r := range changed {
			if err := e.checkRoleManageable(g, r); err != nil {
				return 0, nil, err
			}
		}
	}
	var target *discordgo.Channel
	var vs *discordgo.VoiceState
	if req.ChannelID.Set {
		var ok bool
		if vs, ok = g.voice[m.User.ID]; !ok {
			return 0, nil, errNotInVoice()
		}
		if !req.ChannelID.Null && req.ChannelID.Value != "" {
			target, ok = e.st.channels[req.ChannelID.Value]
			if !ok || target.GuildID != g.g.ID {
				return 0, nil, errUnknownChannel()
			}
			if target.Type != discordgo.ChannelTypeGuildVoice && target.Type != discordgo.ChannelTypeGuildStageVoice {
				return 0, nil, errWrongChannelType()
			}
			if !e.botCan(target.ID, discordgo.PermissionVoiceMoveMembers|discordgo.PermissionVoiceConnect) {
				return 0, nil, errMissingPermissions()
			}
		} else if !e.botCan(vs.ChannelID, discordgo.PermissionVoiceMoveMembers) {
			return 0, nil, errMissingPermissions()
		}
	}
	memberChanged := false
	if req.Nick.Set {
		m.Nick = req.Nick.Value
		memberChanged = true
	}
	if req.Roles.Set {
		m.Roles = append([]string{}, req.Roles.Value...)
		memberChanged = true
	}
	if memberChanged {
		e.dispatchMemberUpdateLocked(g, m)
	}
	if req.ChannelID.Set {
		next := clone(vs)
		next.ChannelID = ""
		if target != nil {
			next.ChannelID = target.ID
		}
		e.setVoiceLocked(g, m.User.ID, next)
	}
	return http.StatusOK, m, nil
}

// setVoiceLocked stores a member's voice state (ChannelID "" disconnects)
// and emits VOICE_STATE_UPDATE.
func (e *Emulator) setVoiceLocked(g *guild, userID string, vs *discordgo.VoiceState) {
	if vs.ChannelID == "" {
		delete(g.voice, userID)
	} else {
		g.voice[userID] = vs
	}
	e.dispatchLocked("VOICE_STATE_UPDATE", voiceStateJSON(vs, g.members[userID], true))
}

func (e *Emulator) dispatchMemberUpdateLocked(g *guild, m *discordgo.Member) {
	e.dispatchLocked("GUILD_MEMBER_UPDATE", map[string]any{
		"guild_id": g.g.ID, "roles": m.Roles, "user": m.User, "nick": nilIfEmpty(m.Nick),
		"joined_at": m.JoinedAt, "deaf": m.Deaf, "mute": m.Mute, "pending": m.Pending, "flags": m.Flags,
		"avatar": nil, "communication_disabled_until": m.CommunicationDisabledUntil,
	})
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// checkRoleManageable: MANAGE_ROLES and a role below the bot's highest.
func (e *Emulator) checkRoleManageable(g *guild, roleID string) *apiError {
	base := e.st.basePermissions(g.g.ID, e.st.bot.ID)
	if base&discordgo.PermissionManageRoles == 0 {
		return errMissingPermissions()
	}
	if g.g.OwnerID == e.st.bot.ID {
		return nil
	}
	for _, r := range g.roles {
		if r.ID == roleID && (r.Managed || r.ID == g.g.ID || r.Position >= e.st.highestRolePosition(g.g.ID, e.st.bot.ID)) {
			return errMissingPermissions()
		}
	}
	return nil
}

func (e *Emulator) memberRole(c *call) (*guild, *discordgo.Member, string, *apiError) {
	g, m, err := e.memberOf(c)
	if err != nil {
		return nil, nil, "", err
	}
	rid := c.param("role_id")
	if !hasRole(g, rid) {
		return nil, nil, "", errUnknownRole()
	}
	if err := e.checkRoleManageable(g, rid); err != nil {
		return nil, nil, "", err
	}
	return g, m, rid, nil
}

func (e *Emulator) addMemberRole(c *call) (int, any, *apiError) {
	g, m, rid, err := e.memberRole(c)
	if err != nil {
		return 0, nil, err
	}
	if !containsString(m.Roles, rid) {
		m.Roles = append(m.Roles, rid)
		e.dispatchMemberUpdateLocked(g, m)
	}
	return http.StatusNoContent, nil, nil
}

func (e *Emulator) removeMemberRole(c *call) (int, any, *apiError) {
	g, m, rid, err := e.memberRole(c)
	if err != nil {
		return 0, nil, err
	}
	for i, r := range m.Roles {
		if r == rid {
			m.Roles = append(m.Roles[:i:i], m.Roles[i+1:]...)
			e.dispatchMemberUpdateLocked(g, m)
			break
		}
	}
	return http.StatusNoContent, nil, nil
}

func symmetricDifference(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !containsString(b, x) {
			out = append(out, x)
		}
	}
	for _, x := range b {
		if !containsString(a, x) {
			out = append(out, x)
		}
	}
	return out
}

func sortIDs(ids []string) {
	slices.SortFunc(ids, func(a, b string) int {
		switch {
		case idLess(a, b):
			return -1
		case idLess(b, a):
			return 1
		}
		return 0
	})
}
