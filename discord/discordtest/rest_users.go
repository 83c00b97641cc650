package discordtest

import (
	"net/http"

	"github.com/bwmarrin/discordgo"
)

func (e *Emulator) userRoutes() {
	e.route("GET", "/users/@me", func(c *call) (int, any, *apiError) {
		return http.StatusOK, e.st.bot, nil
	})
	e.route("GET", "/users/{user_id}", func(c *call) (int, any, *apiError) {
		u, ok := e.st.users[c.param("user_id")]
		if !ok {
			return 0, nil, errUnknownUser()
		}
		return http.StatusOK, u, nil
	})
	e.route("POST", "/users/@me/channels", e.createDM)
	e.route("GET", "/applications/{application_id}", e.getApplication)
	e.route("GET", "/oauth2/applications/{application_id}", e.getApplication) // discordgo's Application()
}

// createDM opens (or returns) the bot's DM channel with a user.
func (e *Emulator) createDM(c *call) (int, any, *apiError) {
	var req struct {
		RecipientID string `json:"recipient_id"`
	}
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	u, ok := e.st.users[req.RecipientID]
	if !ok {
		return 0, nil, errUnknownUser()
	}
	if id, ok := e.st.dms[u.ID]; ok {
		return http.StatusOK, e.st.channels[id], nil
	}
	ch := &discordgo.Channel{ID: e.st.newID(), Type: discordgo.ChannelTypeDM, Recipients: []*discordgo.User{u},
		PermissionOverwrites: []*discordgo.PermissionOverwrite{}}
	e.st.channels[ch.ID] = ch
	e.st.dms[u.ID] = ch.ID
	return http.StatusOK, ch, nil
}

// getApplication is GET /applications/@me and /oauth2/applications/@me
// (or the application's own ID).
func (e *Emulator) getApplication(c *call) (int, any, *apiError) {
	if id := c.param("application_id"); id != "@me" && id != e.st.app.ID {
		return 0, nil, errMissingAccess()
	}
	return http.StatusOK, map[string]any{
		"id": e.st.app.ID, "name": e.st.app.Name, "description": "", "icon": nil,
		"bot_public": false, "bot_require_code_grant": false, "bot": e.st.bot,
		"flags": applicationFlags(e.st.app.PrivilegedIntents), "verify_key": "", "team": nil,
	}, nil
}
