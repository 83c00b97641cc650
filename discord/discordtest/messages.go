package discordtest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// messageReq is the body of every call that writes a message: channel
// messages, interaction responses, followups and their edits.
type messageReq struct {
	Content          *string                           `json:"content"`
	Embeds           *[]*discordgo.MessageEmbed        `json:"embeds"`
	Components       json.RawMessage                   `json:"components"`
	Flags            int                               `json:"flags"`
	AllowedMentions  *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
	MessageReference *discordgo.MessageReference       `json:"message_reference"`
	Attachments      *[]attachmentReq                  `json:"attachments"`
	StickerIDs       []string                          `json:"sticker_ids"`
	TTS              bool                              `json:"tts"`
	Poll             json.RawMessage                   `json:"poll"`
}

type attachmentReq struct {
	ID          json.RawMessage `json:"id"`
	Filename    string          `json:"filename"`
	Description string          `json:"description"`
}

const (
	flagCrossposted     = 1 << 0
	flagSuppressEmbeds  = 1 << 2
	flagHasThread       = 1 << 5
	flagEphemeral       = 1 << 6
	flagLoading         = 1 << 7
	flagSuppressNotify  = 1 << 12
	flagIsComponentsV2  = 1 << 15
	maxContentLength    = 2000
	maxActionRows       = 5
	maxEmbeds           = 10
	maxEmbedTotalLength = 6000
)

// components decodes the components of a request with discordgo's own
// decoder, so what is stored is what a discordgo client reads back.
func (r *messageReq) components() ([]discordgo.MessageComponent, *apiError) {
	if len(r.Components) == 0 || string(r.Components) == "null" {
		return nil, nil
	}
	var m discordgo.Message
	raw, _ := json.Marshal(map[string]json.RawMessage{"components": r.Components})
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, errInvalidForm("components", "COMPONENT_INVALID", "Invalid components.")
	}
	if len(m.Components) > maxActionRows {
		return nil, errInvalidForm("components", "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
	}
	return m.Components, nil
}

// validateMessage applies the documented limits that the OpenAPI spec does
// not carry: content <= 2000, <= 10 embeds of <= 6000 characters in all.
func validateMessage(r *messageReq) *apiError {
	if r.Content != nil && len([]rune(*r.Content)) > maxContentLength {
		return errInvalidForm("content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")
	}
	if r.Embeds != nil {
		if len(*r.Embeds) > maxEmbeds {
			return errInvalidForm("embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
		}
		total := 0
		for _, em := range *r.Embeds {
			total += embedLength(em)
		}
		if total > maxEmbedTotalLength {
			return errInvalidForm("embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")
		}
	}
	return nil
}

func embedLength(em *discordgo.MessageEmbed) int {
	if em == nil {
		return 0
	}
	n := len([]rune(em.Title)) + len([]rune(em.Description))
	for _, f := range em.Fields {
		n += len([]rune(f.Name)) + len([]rune(f.Value))
	}
	if em.Footer != nil {
		n += len([]rune(em.Footer.Text))
	}
	if em.Author != nil {
		n += len([]rune(em.Author.Name))
	}
	return n
}

// newMessage builds a message from a request: 50006 when it would be empty.
func (e *Emulator) newMessage(ch *discordgo.Channel, author *discordgo.User, r *messageReq, files []upload, now time.Time) (*discordgo.Message, *apiError) {
	if err := validateMessage(r); err != nil {
		return nil, err
	}
	comps, err := r.components()
	if err != nil {
		return nil, err
	}
	m := &discordgo.Message{ID: e.st.newID(), ChannelID: ch.ID, GuildID: ch.GuildID, Author: author,
		Timestamp: now.UTC(), Embeds: []*discordgo.MessageEmbed{}, Attachments: []*discordgo.MessageAttachment{},
		Mentions: []*discordgo.User{}, MentionRoles: []string{}, Components: comps, TTS: r.TTS,
		Flags: discordgo.MessageFlags(r.Flags & (flagSuppressEmbeds | flagSuppressNotify | flagEphemeral | flagIsComponentsV2))}
	if r.Content != nil {
		m.Content = *r.Content
	}
	if r.Embeds != nil {
		m.Embeds = *r.Embeds
	}
	m.Attachments = e.storeUploads(ch.ID, r, files, nil)
	if m.Content == "" && len(m.Embeds) == 0 && len(m.Components) == 0 && len(m.Attachments) == 0 &&
		len(r.StickerIDs) == 0 && len(r.Poll) == 0 {
		return nil, errEmptyMessage()
	}
	if r.MessageReference != nil && r.MessageReference.MessageID != "" {
		if _, ok := e.st.messages[r.MessageReference.MessageID]; !ok {
			return nil, errInvalidForm("message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")
		}
		ref := *r.MessageReference
		ref.ChannelID = ch.ID
		ref.GuildID = ch.GuildID
		m.MessageReference = &ref
		m.Type = discordgo.MessageTypeReply
	}
	e.resolveMentions(m, r.AllowedMentions)
	return m, nil
}

// storeUploads turns multipart files into attachments, keeping their bytes.
// keep lists existing attachments an edit retains.
func (e *Emulator) storeUploads(channelID string, r *messageReq, files []upload, keep []*discordgo.MessageAttachment) []*discordgo.MessageAttachment {
	out := []*discordgo.MessageAttachment{}
	if r.Attachments != nil {
		for _, a := range *r.Attachments {
			id := strings.Trim(string(a.ID), `"`)
			for _, old := range keep {
				if old.ID == id {
					out = append(out, old)
				}
			}
		}
	} else {
		out = append(out, keep...)
	}
	for i, f := range files {
		name := f.filename
		if r.Attachments != nil {
			for _, a := range *r.Attachments {
				if strings.Trim(string(a.ID), `"`) == strconv.Itoa(i) && a.Filename != "" {
					name = a.Filename
				}
			}
		}
		id := e.st.newID()
		ct := f.contentType
		if ct == "" {
			ct = http.DetectContentType(f.data)
		}
		e.st.attachments[id] = f.data
		out = append(out, &discordgo.MessageAttachment{ID: id, Filename: name, Size: len(f.data), ContentType: ct,
			URL:      "https://cdn.discordapp.com/attachments/" + channelID + "/" + id + "/" + name,
			ProxyURL: "https://media.discordapp.net/attachments/" + channelID + "/" + id + "/" + name})
	}
	return out
}

// resolveMentions fills mentions and mention_roles from the content as
// allowed_mentions permits (default: everything the content names).
func (e *Emulator) resolveMentions(m *discordgo.Message, allowed *discordgo.MessageAllowedMentions) {
	allow := func(kind discordgo.AllowedMentionType, id string, list []string) bool {
		if allowed == nil {
			return true
		}
		for _, p := range allowed.Parse {
			if p == kind {
				return true
			}
		}
		return containsString(list, id)
	}
	var users, roles []string
	if allowed != nil {
		users, roles = allowed.Users, allowed.Roles
	}
	for _, match := range userMention.FindAllStringSubmatch(m.Content, -1) {
		if u, ok := e.st.users[match[1]]; ok && allow(discordgo.AllowedMentionTypeUsers, u.ID, users) && !containsUser(m.Mentions, u.ID) {
			m.Mentions = append(m.Mentions, u)
		}
	}
	for _, match := range roleMention.FindAllStringSubmatch(m.Content, -1) {
		if allow(discordgo.AllowedMentionTypeRoles, match[1], roles) && !containsString(m.MentionRoles, match[1]) {
			m.MentionRoles = append(m.MentionRoles, match[1])
		}
	}
	if strings.Contains(m.Content, "@everyone") || strings.Contains(m.Content, "@here") {
		m.MentionEveryone = allow(discordgo.AllowedMentionTypeEveryone, "", nil) &&
			e.st.Permissions(m.ChannelID, m.Author.ID)&discordgo.PermissionMentionEveryone != 0
	}
}

// editMessage applies an edit request to a stored message.
func (e *Emulator) editMessage(m *discordgo.Message, r *messageReq, files []upload, now time.Time) *apiError {
	if err := validateMessage(r); err != nil {
		return err
	}
	next := clone(m)
	if r.Content != nil {
		next.Content = *r.Content
		next.Mentions = []*discordgo.User{}
		next.MentionRoles = []string{}
		e.resolveMentions(next, r.AllowedMentions)
	}
	if r.Embeds != nil {
		next.Embeds = *r.Embeds
		if next.Embeds == nil {
			next.Embeds = []*discordgo.MessageEmbed{}
		}
	}
	if len(r.Components) > 0 {
		comps, err := r.components()
		if err != nil {
			return err
		}
		next.Components = comps
	}
	if r.Attachments != nil || len(files) > 0 {
		next.Attachments = e.storeUploads(m.ChannelID, r, files, m.Attachments)
	}
	if next.Content == "" && len(next.Embeds) == 0 && len(next.Components) == 0 && len(next.Attachments) == 0 &&
		next.Flags&flagLoading == 0 {
		return errEmptyMessage()
	}
	t := now.UTC()
	next.EditedTimestamp = &t
	*m = *next
	return nil
}

// storeMessage keeps a message; ephemeral ones are not part of the channel.
func (e *Emulator) storeMessage(m *discordgo.Message) {
	e.st.messages[m.ID] = m
	if m.Flags&flagEphemeral == 0 {
		e.st.channelMsgs[m.ChannelID] = append(e.st.channelMsgs[m.ChannelID], m.ID)
		if ch, ok := e.st.channels[m.ChannelID]; ok {
			ch.LastMessageID = m.ID
			if ch.IsThread() {
				ch.MessageCount++
			}
		}
	}
}

func (e *Emulator) removeMessage(m *discordgo.Message) {
	delete(e.st.messages, m.ID)
	ids := e.st.channelMsgs[m.ChannelID]
	for i, id := range ids {
		if id == m.ID {
			e.st.channelMsgs[m.ChannelID] = append(ids[:i:i], ids[i+1:]...)
			break
		}
	}
}
