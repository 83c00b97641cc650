package discordtest

import (
	"encoding/json"
	"net/http"

	"github.com/bwmarrin/discordgo"
)

func (e *Emulator) messageRoutes() {
	e.route("POST", "/channels/{channel_id}/messages", e.createMessage)
	e.route("GET", "/channels/{channel_id}/messages", e.listMessages)
	e.route("GET", "/channels/{channel_id}/messages/{message_id}", e.getMessage)
	e.route("PATCH", "/channels/{channel_id}/messages/{message_id}", e.editChannelMessage)
	e.route("DELETE", "/channels/{channel_id}/messages/{message_id}", e.deleteMessage)
}

// decodeMessageReq reads a message body sent as JSON or as multipart with payload_json.
func decodeMessageReq(c *call) (*messageReq, []upload, *apiError) {
	raw, files, err := c.payload()
	if err != nil {
		return nil, nil, err
	}
	var req messageReq
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &req); err != nil {
			return nil, nil, errInvalidJSON()
		}
	}
	return &req, files, nil
}

// checkSend is what the bot needs to post in a channel: VIEW_CHANNEL and
// SEND_MESSAGES (SEND_MESSAGES_IN_THREADS in threads), ATTACH_FILES for
// files. Forum and media channels take posts (threads), never messages; a
// DM reaches only a member who has not closed their DMs.
func (e *Emulator) checkSend(ch *discordgo.Channel, files int) *apiError {
	switch ch.Type {
	case discordgo.ChannelTypeGuildCategory:
		return errNonTextChannel()
	case discordgo.ChannelTypeGuildForum, discordgo.ChannelTypeGuildMedia:
		return errForumMessage()
	case discordgo.ChannelTypeDM:
		for _, u := range ch.Recipients {
			if e.st.closedDMs[u.ID] {
				return errCannotMessageUser()
			}
		}
	}
	need := int64(discordgo.PermissionSendMessages)
	if ch.IsThread() {
		need = discordgo.PermissionSendMessagesInThreads
		if ch.ThreadMetadata != nil && ch.ThreadMetadata.Locked && !e.botCan(ch.ID, discordgo.PermissionManageThreads) {
			return errMissingPermissions()
		}
	}
	if files > 0 {
		need |= discordgo.PermissionAttachFiles
	}
	if !e.botCan(ch.ID, need) {
		return errMissingPermissions()
	}
	return nil
}

func (e *Emulator) createMessage(c *call) (int, any, *apiError) {
	ch, err := e.visibleChannel(c.param("channel_id"))
	if err != nil {
		return 0, nil, err
	}
	req, files, err := decodeMessageReq(c)
	if err != nil {
		return 0, nil, err
	}
	if err := e.checkSend(ch, len(files)); err != nil {
		return 0, nil, err
	}
	req.Flags &^= flagEphemeral // only interaction responses may be ephemeral
	m, err := e.newMessage(ch, e.st.bot, req, files, c.now)
	if err != nil {
		return 0, nil, err
	}
	if ch.IsThread() && ch.ThreadMetadata.Archived {
		ch.ThreadMetadata.Archived = false // sending to an archived thread unarchives it
		e.dispatchLocked("THREAD_UPDATE", ch)
	}
	e.storeMessage(m)
	if ch.IsThread() {
		e.joinThreadLocked(ch, e.st.bot.ID, c.now)
	}
	e.dispatchMessageLocked("MESSAGE_CREATE", m)
	return http.StatusOK, m, nil
}

// readableChannel is a channel whose history the bot may read.
func (e *Emulator) readableChannel(id string) (*discordgo.Channel, *apiError) {
	ch, err := e.visibleChannel(id)
	if err != nil {
		return nil, err
	}
	if !e.botCan(ch.ID, discordgo.PermissionReadMessageHistory) {
		return nil, errMissingPermissions()
	}
	return ch, nil
}

// restMessage is a message as REST returns it to the bot: without the
// MESSAGE_CONTENT intent enabled for the app, others' content is empty.
func (e *Emulator) restMessage(m *discordgo.Message) *discordgo.Message {
	ch := e.st.channels[m.ChannelID]
	if e.st.app.PrivilegedIntents&discordgo.IntentMessageContent != 0 || m.Author.ID == e.st.bot.ID ||
		(ch != nil && ch.Type == discordgo.ChannelTypeDM) || containsUser(m.Mentions, e.st.bot.ID) {
		return m
	}
	return stripContent(m)
}

// listMessages is GET /channels/{id}/messages: newest first, at most limit
// (1-100, default 50), before, after or around a message ID.
func (e *Emulator) listMessages(c *call) (int, any, *apiError) {
	ch, err := e.readableChannel(c.param("channel_id"))
	if err != nil {
		return 0, nil, err
	}
	limit, err := c.queryInt("limit", 50, 1, 100)
	if err != nil {
		return 0, nil, err
	}
	q := c.r.URL.Query()
	ids := e.st.channelMsgs[ch.ID] // oldest first
	var window []string
	switch before, after, around := q.Get("before"), q.Get("after"), q.Get("around"); {
	case after != "":
		start := len(ids)
		for i, id := range ids {
			if idLess(after, id) {
				start = i
				break
			}
		}
		window = ids[start:min(start+limit, len(ids))]
	case around != "":
		centre := len(ids)
		for i, id := range ids {
			if !idLess(id, around) {
				centre = i
				break
			}
		}
		lo := max(min(centre-limit/2, len(ids)-limit), 0)
		window = ids[lo:min(lo+limit, len(ids))]
	default:
		end := len(ids)
		if before != "" {
			end = 0
			for i, id := range ids {
				if idLess(id, before) {
					end = i + 1
				}
			}
		}
		window = ids[max(end-limit, 0):end]
	}
	out := make([]*discordgo.Message, 0, len(window))
	for i := len(window) - 1; i >= 0; i-- {
		out = append(out, e.restMessage(e.st.messages[window[i]]))
	}
	return http.StatusOK, out, nil
}

func (e *Emulator) channelMessage(c *call) (*discordgo.Channel, *discordgo.Message, *apiError) {
	ch, err := e.visibleChannel(c.param("channel_id"))
	if err != nil {
		return nil, nil, err
	}
	m, ok := e.st.messages[c.param("message_id")]
	if !ok || m.ChannelID != ch.ID || m.Flags&flagEphemeral != 0 {
		return nil, nil, errUnknownMessage()
	}
	return ch, m, nil
}

func (e *Emulator) getMessage(c *call) (int, any, *apiError) {
	if _, err := e.readableChannel(c.param("channel_id")); err != nil {
		return 0, nil, err
	}
	_, m, err := e.channelMessage(c)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, e.restMessage(m), nil
}

// editChannelMessage is PATCH on a message: only its author may edit it.
func (e *Emulator) editChannelMessage(c *call) (int, any, *apiError) {
	_, m, err := e.channelMessage(c)
	if err != nil {
		return 0, nil, err
	}
	if m.Author.ID != e.st.bot.ID || m.WebhookID != "" {
		return 0, nil, errCannotEditOthers()
	}
	req, files, err := decodeMessageReq(c)
	if err != nil {
		return 0, nil, err
	}
	if err := e.editMessage(m, req, files, c.now); err != nil {
		return 0, nil, err
	}
	e.dispatchMessageLocked("MESSAGE_UPDATE", m)
	return http.StatusOK, m, nil
}

// deleteMessage: the bot's own messages, or any with MANAGE_MESSAGES.
func (e *Emulator) deleteMessage(c *call) (int, any, *apiError) {
	ch, m, err := e.channelMessage(c)
	if err != nil {
		return 0, nil, err
	}
	if m.Author.ID != e.st.bot.ID && !e.botCan(ch.ID, discordgo.PermissionManageMessages) {
		return 0, nil, errMissingPermissions()
	}
	e.removeMessage(m)
	e.dispatchMessageDeleteLocked(m)
	return http.StatusNoContent, nil, nil
}

func (e *Emulator) dispatchMessageDeleteLocked(m *discordgo.Message) {
	data := map[string]any{"id": m.ID, "channel_id": m.ChannelID}
	if m.GuildID != "" {
		data["guild_id"] = m.GuildID
	}
	ch, ok := e.st.channels[m.ChannelID]
	if !ok || !e.st.CanSee(ch.ID, e.st.bot.ID) {
		return
	}
	need := eventIntent("MESSAGE_DELETE", ch.Type == discordgo.ChannelTypeDM)
	for _, s := range e.gw.sessions {
		if s.intents&need != 0 {
			e.sendLocked(s, "MESSAGE_DELETE", data)
		}
	}
}
