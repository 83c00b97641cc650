package discord

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/workshop"
)

// msgKey is the ledger key of a message posted for an effect.
func msgKey(effectKey string) string { return "msg:" + effectKey }

// roomChannel maps a RoomRef to the text channel to post in: the main
// channel, or the group's text room. When the room was never made (its
// CreateRooms failed for good) the post goes to the main channel with the
// group's name in front, so the group still gets its prompt.
func (w *WorkshopEffector) roomChannel(ctx context.Context, r *workshop.Run, room workshop.RoomRef) (channelID, prefix string, err error) {
	if room.IsMain() {
		return r.MainChannelID, "", nil
	}
	id, ok, err := w.lookup(ctx, r.ID, roomKey(room.Formation, room.Group, roomText))
	if err != nil {
		return "", "", err
	}
	if ok && id != pending {
		return id, "", nil
	}
	return r.MainChannelID, "**" + groupName(r, room) + "** · ", nil
}

// postOnce posts msg in channelID unless the ledger knows it was posted
// under key, and records its ID. See WorkshopEffector on "pending".
func (w *WorkshopEffector) postOnce(ctx context.Context, runID int64, key, channelID string, msg *discordgo.MessageSend) (string, error) {
	v, ok, err := w.lookup(ctx, runID, key)
	if err != nil {
		return "", err
	}
	if ok && v != pending {
		return v, nil
	}
	if ok { // a crash may have come between posting and recording
		id, err := w.findPosted(ctx, runID, channelID, msg)
		if err != nil {
			return "", err
		}
		if id != "" {
			return id, w.record(ctx, runID, key, id)
		}
	} else if err := w.record(ctx, runID, key, pending); err != nil {
		return "", err
	}
	var m *discordgo.Message
	err = w.call(ctx, []paceKey{}, func(o ...discordgo.RequestOption) error {
		var err error
		m, err = w.s.ChannelMessageSendComplex(channelID, msg, o...)
		return err
	})
	if err != nil {
		return "", explain(err, "post in <#"+channelID+">", "Send Messages")
	}
	return m.ID, w.record(ctx, runID, key, m.ID)
}

// findPosted looks among the channel's latest messages for one by the bot
// with msg's content that no ledger key claims.
func (w *WorkshopEffector) findPosted(ctx context.Context, runID int64, channelID string, msg *discordgo.MessageSend) (string, error) {
	var recent []*discordgo.Message
	err := w.call(ctx, nil, func(o ...discordgo.RequestOption) error {
		var err error
		recent, err = w.s.ChannelMessages(channelID, 50, "", "", "", o...)
		return err
	})
	if err != nil {
		return "", explain(err, "read <#"+channelID+">", "Read Message History")
	}
	claimed, err := w.ledger.Entries(ctx, runID, "msg:")
	if err != nil {
		return "", fmt.Errorf("ledger entries: %w", err)
	}
	taken := map[string]bool{}
	for _, id := range claimed {
		taken[id] = true
	}
	bot := w.botID()
	for _, m := range recent {
		if m.Author != nil && m.Author.ID == bot && !taken[m.ID] && sameMessage(m, msg) {
			return m.ID, nil
		}
	}
	return "", nil
}

func sameMessage(m *discordgo.Message, msg *discordgo.MessageSend) bool {
	if m.Content != msg.Content || len(m.Embeds) != len(msg.Embeds) {
		return false
	}
	for i, e := range msg.Embeds {
		if m.Embeds[i].Title != e.Title || m.Embeds[i].Description != e.Description {
			return false
		}
	}
	return true
}

// noPings allows no mentions; users lets exactly these users be pinged.
func allowUsers(users ...string) *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}, Users: users}
}

// postText posts text in room, split if it is too long.
func (w *WorkshopEffector) postText(ctx context.Context, r *workshop.Run, key string, room workshop.RoomRef, text string) error {
	return w.postSplit(ctx, r, key, room, text, nil)
}

// postSplit posts text in room over as many messages as it needs; the
// first has the key itself, the others "#2", "#3"...
func (w *WorkshopEffector) postSplit(ctx context.Context, r *workshop.Run, key string, room workshop.RoomRef, text string, ping []string) error {
	return w.postInRoom(ctx, r, room, func(ch, prefix string) error {
		for i, part := range splitMessage(prefix + text) {
			k := msgKey(key)
			if i > 0 {
				k += "#" + strconv.Itoa(i+1)
			}
			if _, err := w.postOnce(ctx, r.ID, k, ch, &discordgo.MessageSend{Content: part, AllowedMentions: allowUsers(ping...)}); err != nil {
				return err
			}
		}
		return nil
	})
}

// postInRoom runs post with room's channel. If a group's text room is
// gone (someone deleted it) or hidden from the bot, the post goes to the
// main channel instead, headed by the group's name, rather than holding
// up the run forever.
func (w *WorkshopEffector) postInRoom(ctx context.Context, r *workshop.Run, room workshop.RoomRef, post func(channelID, prefix string) error) error {
	ch, prefix, err := w.roomChannel(ctx, r, room)
	if err != nil {
		return err
	}
	err = post(ch, prefix)
	if c := restCode(err); room.IsMain() || ch == r.MainChannelID || (c != codeUnknownChannel && c != codeMissingAccess) {
		return err
	}
	w.log.Warn("a group's room is gone; posting in the main channel", "run", r.ID, "room", room.String(), "channel", ch, "err", err)
	return post(r.MainChannelID, "**"+groupName(r, room)+"** · ")
}

// groupName is the name of the group a RoomRef points at.
func groupName(r *workshop.Run, room workshop.RoomRef) string {
	if f, ok := r.Formation(room.Formation); ok && room.Group >= 1 && room.Group <= len(f.Groups) {
		return f.Groups[room.Group-1].Name
	}
	return "Group " + strconv.Itoa(room.Group)
}

// postPrompt posts a step's prompt: the readers mentioned, the rendered
// prompt (its deadline already in it as <t:UNIX:R>), and the buttons.
func (w *WorkshopEffector) postPrompt(ctx context.Context, r *workshop.Run, p workshop.PostPrompt) error {
	return w.postInRoom(ctx, r, p.Room, func(ch, prefix string) error {
		msg := &discordgo.MessageSend{AllowedMentions: allowUsers(p.Mentions...)}
		head := mentions(p.Mentions)
		body := prefix + p.Text
		if head == "" {
			msg.Content = body
		} else if utf8.RuneCountInString(head+"\n"+body) <= workshop.MaxMessageLen {
			msg.Content = head + "\n" + body
		} else {
			// A prompt near Discord's 2000 goes in an embed (up to 4096)
			// so the mentions still fit.
			msg.Content = cutRunes(head, workshop.MaxMessageLen)
			msg.Embeds = []*discordgo.MessageEmbed{{Description: body}}
		}
		var buttons []discordgo.Button
		if p.Help {
			buttons = append(buttons, button("Ask for help", WorkshopCustomID(CustomKindHelp, r.ID), discordgo.SecondaryButton, "🙋"))
		}
		if p.Submit {
			buttons = append(buttons, button("Submit", WorkshopCustomID(CustomKindSubmit, r.ID, p.StepIndex), discordgo.PrimaryButton, "📝"))
		}
		msg.Components = rows(buttons)
		_, err := w.postOnce(ctx, r.ID, msgKey(p.Key()), ch, msg)
		return err
	})
}

// postNotice posts the same text in every room listed, in parallel.
func (w *WorkshopEffector) postNotice(ctx context.Context, r *workshop.Run, n workshop.PostNotice) error {
	return w.fanOut(ctx, len(n.Rooms), func(ctx context.Context, i int) error {
		return w.postSplit(ctx, r, n.Key()+"@"+n.Rooms[i].String(), n.Rooms[i], n.Text, nil)
	})
}

// pingHosts tells the hosts, in the main channel, that someone asks for
// help, with a link that jumps to the room.
func (w *WorkshopEffector) pingHosts(ctx context.Context, r *workshop.Run, p workshop.PingHosts) error {
	ch, _, err := w.roomChannel(ctx, r, p.Room)
	if err != nil {
		return err
	}
	text := mentions(p.HostIDs) + " " + p.Text + "\nJump to the room: https://discord.com/channels/" + r.GuildID + "/" + ch
	if v, ok, err := w.lookup(ctx, r.ID, roomKey(p.Room.Formation, p.Room.Group, roomVoice)); err == nil && ok && v != pending && !p.Room.IsMain() {
		text += " (voice: " + channelLink(v) + ")"
	}
	return w.postSplit(ctx, r, p.Key(), workshop.MainRoom, text, p.HostIDs)
}

// postRoomChoice posts a button per room of a self-select formation.
func (w *WorkshopEffector) postRoomChoice(ctx context.Context, r *workshop.Run, c workshop.PostRoomChoice) error {
	var lines []string
	var buttons []discordgo.Button
	for _, g := range c.Groups {
		line := "• **" + g.Name + "**"
		if v, ok, err := w.lookup(ctx, r.ID, roomKey(c.Formation, g.Number, roomVoice)); err != nil {
			return err
		} else if ok && v != pending {
			line += " " + channelLink(v)
		}
		lines = append(lines, line)
		buttons = append(buttons, button(g.Name, WorkshopCustomID(CustomKindRoom, r.ID, g.Number), discordgo.SecondaryButton, ""))
	}
	perMsg := maxButtonsPerRow * maxRowsPerMessage
	for part := 0; part*perMsg < len(buttons); part++ {
		lo, hi := part*perMsg, min((part+1)*perMsg, len(buttons))
		content := strings.Join(lines[lo:hi], "\n")
		if part == 0 {
			content = "🚪 **Pick your room.** Click a button to join that group; you can change your mind.\n" + content
		}
		k := msgKey(c.Key())
		if part > 0 {
			k += "#" + strconv.Itoa(part+1)
		}
		msg := &discordgo.MessageSend{Content: cutRunes(content, workshop.MaxMessageLen), Components: rows(buttons[lo:hi]), AllowedMentions: allowUsers()}
		if _, err := w.postOnce(ctx, r.ID, k, r.MainChannelID, msg); err != nil {
			return err
		}
	}
	return nil
}

// postGallery posts what each group handed in, one entry per group,
// packed into as few messages as fit.
func (w *WorkshopEffector) postGallery(ctx context.Context, r *workshop.Run, g workshop.PostGallery) error {
	var subs []workshop.Submission
	if w.opts.Submissions != nil {
		var err error
		if subs, err = w.opts.Submissions.Submissions(ctx, r.ID); err != nil {
			return fmt.Errorf("gallery: read submissions: %w", err)
		}
	}
	entries := galleryEntries(r, g, subs, w.opts.Submissions != nil)
	if len(entries) == 0 {
		entries = []string{"Nothing was handed in this time."}
	}
	for i, part := range packEntries("🖼️ **Gallery**: what you made", entries) {
		k := msgKey(g.Key())
		if i > 0 {
			k += "#" + strconv.Itoa(i+1)
		}
		if _, err := w.postOnce(ctx, r.ID, k, r.MainChannelID, &discordgo.MessageSend{Content: part, AllowedMentions: allowUsers()}); err != nil {
			return err
		}
	}
	return nil
}

// maxGalleryItemLen keeps one submission from filling a message by itself.
const maxGalleryItemLen = 900

// galleryEntries renders one entry per group (or, with no groups, per
// author): each gallery step with the group's submission (breakout) or
// each member's (solo). Without the texts (haveTexts false) it says who
// handed in, from the run's notes.
func galleryEntries(r *workshop.Run, g workshop.PostGallery, subs []workshop.Submission, haveTexts bool) []string {
	groups := g.Groups
	if len(groups) == 0 {
		var authors []string
		for _, s := range subs {
			if !slices.Contains(authors, s.AuthorID) && s.AuthorID != "" {
				authors = append(authors, s.AuthorID)
			}
		}
		for _, ref := range r.Submissions {
			if ref.AuthorID != "" && !slices.Contains(authors, ref.AuthorID) {
				authors = append(authors, ref.AuthorID)
			}
		}
		for i, a := range authors {
			groups = append(groups, workshop.Group{Number: i + 1, Name: mention(a), Members: []string{a}})
		}
	}
	// The latest submission wins: handing in again replaces.
	find := func(step, formation, group int, author string) (string, bool) {
		text, found := "", false
		for _, s := range subs {
			if s.StepIndex == step && ((group > 0 && s.Formation == formation && s.Group == group) || (group == 0 && s.Group == 0 && s.AuthorID == author)) {
				text, found = s.Content, true
			}
		}
		if !haveTexts {
			for _, ref := range r.Submissions {
				if ref.StepIndex == step && ((group > 0 && ref.Formation == formation && ref.Group == group) || (group == 0 && ref.Group == 0 && ref.AuthorID == author)) {
					return "handed in ✓", true
				}
			}
		}
		return text, found
	}
	var out []string
	for _, grp := range groups {
		var b strings.Builder
		b.WriteString("**" + grp.Name + "**")
		if len(grp.Members) > 0 && !strings.HasPrefix(grp.Name, "<@") {
			b.WriteString(" · " + mentions(grp.Members))
		}
		handed := false
		for _, st := range g.Steps {
			if st.Mode == workshop.ModeBreakout {
				if text, ok := find(st.StepIndex, st.Formation, grp.Number, ""); ok {
					b.WriteString("\n__" + st.Title + "__\n" + quote(cutRunes(text, maxGalleryItemLen)))
					handed = true
				}
				continue
			}
			for _, m := range grp.Members {
				if text, ok := find(st.StepIndex, -1, 0, m); ok {
					b.WriteString("\n__" + st.Title + "__ · " + mention(m) + "\n" + quote(cutRunes(text, maxGalleryItemLen)))
					handed = true
				}
			}
		}
		if !handed {
			b.WriteString("\n_nothing handed in_")
		}
		out = append(out, b.String())
	}
	return out
}

// quote renders text as a Markdown block quote.
func quote(text string) string {
	return "> " + strings.ReplaceAll(strings.TrimSpace(text), "\n", "\n> ")
}
