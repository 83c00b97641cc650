package discordtest

import (
	"encoding/json"
	"net/http"

	"github.com/bwmarrin/discordgo"
)

func (e *Emulator) interactionRoutes() {
	e.route("POST", "/interactions/{interaction_id}/{interaction_token}/callback", e.interactionCallback)
	e.route("POST", "/webhooks/{application_id}/{interaction_token}", e.createFollowup)
	e.route("GET", "/webhooks/{application_id}/{interaction_token}/messages/{message_id}", e.getWebhookMessage)
	e.route("PATCH", "/webhooks/{application_id}/{interaction_token}/messages/{message_id}", e.editWebhookMessage)
	e.route("DELETE", "/webhooks/{application_id}/{interaction_token}/messages/{message_id}", e.deleteWebhookMessage)
}

// interactionCallback is the initial response (interactions-receiving-and-
// responding.mdx): once, within the deadline (3 s), of a type that fits the
// interaction.
func (e *Emulator) interactionCallback(c *call) (int, any, *apiError) {
	it, ok := e.st.interactions[c.param("interaction_id")]
	if !ok || it.token != c.param("interaction_token") {
		return 0, nil, errUnknownInteraction()
	}
	if it.responded {
		return 0, nil, errAlreadyAcknowledged()
	}
	if e.expired(it, c.now) {
		it.failed = true
		it.touch()
		return 0, nil, errUnknownInteraction()
	}
	raw, files, err := c.payload()
	if err != nil {
		return 0, nil, err
	}
	var req struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data json.RawMessage                   `json:"data"`
	}
	if err := json.Unmarshal(raw, &req); err != nil {
		return 0, nil, errInvalidJSON()
	}
	if !responseFits(it, req.Type) {
		return 0, nil, errInvalidForm("type", "INTERACTION_RESPONSE_TYPE_INVALID", "Invalid interaction response type for this interaction")
	}
	var msg messageReq
	if len(req.Data) > 0 && string(req.Data) != "null" {
		if err := json.Unmarshal(req.Data, &msg); err != nil {
			return 0, nil, errInvalidJSON()
		}
	}
	ch, ok := e.st.channels[it.channelID]
	if !ok {
		return 0, nil, errUnknownChannel() // deleted since the member acted
	}
	switch req.Type {
	case discordgo.InteractionResponseChannelMessageWithSource:
		m, err := e.newMessage(ch, e.st.bot, &msg, files, c.now)
		if err != nil {
			return 0, nil, err
		}
		e.attachInteraction(m, it)
		it.originalID = m.ID
		it.ephemeral = m.Flags&flagEphemeral != 0
		e.storeMessage(m)
		if !it.ephemeral {
			e.dispatchMessageLocked("MESSAGE_CREATE", m)
		}
	case discordgo.InteractionResponseDeferredChannelMessageWithSource:
		m := &discordgo.Message{ID: e.st.newID(), ChannelID: ch.ID, GuildID: ch.GuildID, Author: e.st.bot,
			Timestamp: c.now.UTC(), Embeds: []*discordgo.MessageEmbed{}, Attachments: []*discordgo.MessageAttachment{},
			Mentions: []*discordgo.User{}, MentionRoles: []string{},
			Flags: discordgo.MessageFlags(flagLoading | msg.Flags&flagEphemeral)}
		e.attachInteraction(m, it)
		it.originalID = m.ID
		it.ephemeral = m.Flags&flagEphemeral != 0
		e.storeMessage(m)
		if !it.ephemeral {
			e.dispatchMessageLocked("MESSAGE_CREATE", m)
		}
	case discordgo.InteractionResponseDeferredMessageUpdate:
		it.originalID = it.sourceMessageID
	case discordgo.InteractionResponseUpdateMessage:
		m, ok := e.st.messages[it.sourceMessageID]
		if !ok {
			return 0, nil, errUnknownMessage()
		}
		if err := e.editMessage(m, &msg, files, c.now); err != nil {
			return 0, nil, err
		}
		it.originalID = m.ID
		it.ephemeral = m.Flags&flagEphemeral != 0
		if !it.ephemeral {
			e.dispatchMessageLocked("MESSAGE_UPDATE", m)
		}
	case discordgo.InteractionApplicationCommandAutocompleteResult:
		var d struct {
			Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
		}
		if err := json.Unmarshal(req.Data, &d); err != nil {
			return 0, nil, errInvalidJSON()
		}
		if len(d.Choices) > 25 {
			return 0, nil, errInvalidForm("data.choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
		}
		it.choices = d.Choices
	case discordgo.InteractionResponseModal:
		m, err := parseModal(req.Data)
		if err != nil {
			return 0, nil, err
		}
		it.modal = m
	}
	it.responded = true
	it.responseType = req.Type
	it.touch()
	return http.StatusNoContent, nil, nil
}

// responseFits: autocomplete interactions take only type 8; update types
// 6/7 need a component's message; a modal cannot answer a modal submit.
func responseFits(it *interaction, t discordgo.InteractionResponseType) bool {
	if it.typ == discordgo.InteractionApplicationCommandAutocomplete {
		return t == discordgo.InteractionApplicationCommandAutocompleteResult
	}
	switch t {
	case discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseDeferredChannelMessageWithSource:
		return true
	case discordgo.InteractionResponseDeferredMessageUpdate, discordgo.InteractionResponseUpdateMessage:
		return it.sourceMessageID != ""
	case discordgo.InteractionResponseModal:
		return it.typ != discordgo.InteractionModalSubmit
	}
	return false
}

// attachInteraction marks a message as an interaction response: sent
// through the app's webhook, with the interaction's metadata.
func (e *Emulator) attachInteraction(m *discordgo.Message, it *interaction) {
	m.WebhookID = e.st.app.ID
	u := e.st.users[it.userID]
	if it.typ == discordgo.InteractionApplicationCommand {
		m.Type = discordgo.MessageTypeChatInputCommand
	}
	m.Interaction = &discordgo.MessageInteraction{ID: it.id, Type: it.typ, Name: it.name, User: u}
	m.InteractionMetadata = &discordgo.MessageInteractionMetadata{ID: it.id, Type: it.typ, User: u,
		AuthorizingIntegrationOwners: map[discordgo.ApplicationIntegrationType]string{0: it.guildID}}
}

// webhookInteraction finds the interaction behind a webhook route: the
// application must be ours (else 10015), and the token known, not expired
// (15 minutes) and not invalidated by a missed deadline (else 50027).
func (e *Emulator) webhookInteraction(c *call) (*interaction, *apiError) {
	if c.param("application_id") != e.st.app.ID {
		return nil, errUnknownWebhook()
	}
	id, ok := e.st.tokens[c.param("interaction_token")]
	if !ok {
		return nil, errInvalidWebhookToken()
	}
	it := e.st.interactions[id]
	if c.now.Sub(it.created) > e.cfg.tokenLifetime {
		return nil, errInvalidWebhookToken()
	}
	if !it.responded {
		if e.expired(it, c.now) {
			return nil, errInvalidWebhookToken()
		}
		return nil, errUnknownWebhook()
	}
	return it, nil
}

// webhookMessage resolves @original or a followup's ID.
func (e *Emulator) webhookMessage(c *call) (*interaction, *discordgo.Message, *apiError) {
	it, err := e.webhookInteraction(c)
	if err != nil {
		return nil, nil, err
	}
	id := c.param("message_id")
	if id == "@original" {
		id = it.originalID
	} else if !containsString(it.followups, id) && id != it.originalID {
		return nil, nil, errUnknownMessage()
	}
	m, ok := e.st.messages[id]
	if !ok {
		return nil, nil, errUnknownMessage()
	}
	return it, m, nil
}

func (e *Emulator) createFollowup(c *call) (int, any, *apiError) {
	it, err := e.webhookInteraction(c)
	if err != nil {
		return 0, nil, err
	}
	req, files, err := decodeMessageReq(c)
	if err != nil {
		return 0, nil, err
	}
	ch := e.st.channels[it.channelID]
	if ch == nil {
		return 0, nil, errUnknownChannel()
	}
	m, err := e.newMessage(ch, e.st.bot, req, files, c.now)
	if err != nil {
		return 0, nil, err
	}
	e.attachInteraction(m, it)
	m.Type = discordgo.MessageTypeDefault
	e.storeMessage(m)
	it.followups = append(it.followups, m.ID)
	it.touch()
	if m.Flags&flagEphemeral == 0 {
		e.dispatchMessageLocked("MESSAGE_CREATE", m)
	}
	if c.r.URL.Query().Get("wait") == "false" {
		return http.StatusNoContent, nil, nil
	}
	return http.StatusOK, m, nil
}

func (e *Emulator) getWebhookMessage(c *call) (int, any, *apiError) {
	_, m, err := e.webhookMessage(c)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, m, nil
}

// editWebhookMessage edits @original or a followup; editing a deferred
// response replaces its "thinking" state.
func (e *Emulator) editWebhookMessage(c *call) (int, any, *apiError) {
	it, m, err := e.webhookMessage(c)
	if err != nil {
		return 0, nil, err
	}
	req, files, err := decodeMessageReq(c)
	if err != nil {
		return 0, nil, err
	}
	loading := m.Flags&flagLoading != 0
	m.Flags &^= flagLoading
	if err := e.editMessage(m, req, files, c.now); err != nil {
		if loading {
			m.Flags |= flagLoading
		}
		return 0, nil, err
	}
	it.touch()
	if m.Flags&flagEphemeral == 0 {
		e.dispatchMessageLocked("MESSAGE_UPDATE", m)
	}
	return http.StatusOK, m, nil
}

func (e *Emulator) deleteWebhookMessage(c *call) (int, any, *apiError) {
	it, m, err := e.webhookMessage(c)
	if err != nil {
		return 0, nil, err
	}
	e.removeMessage(m)
	if m.ID == it.originalID {
		it.originalID = ""
	}
	it.touch()
	if m.Flags&flagEphemeral == 0 {
		e.dispatchMessageDeleteLocked(m)
	}
	return http.StatusNoContent, nil, nil
}
