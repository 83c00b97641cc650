package discord

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/workshop"
)

// The custom_ids of the buttons the effector puts on its posts. The
// commands package decodes the same format with its codec:
//
//	rt1:<kind>:<runID>[:<arg>]
//
// kinds: ws.join, ws.leave, ws.help (lobby and prompts), ws.submit with the
// step index (0-based), ws.room with the group number (self-select).
const (
	CustomIDVersion   = "rt1"
	CustomKindJoin    = "ws.join"
	CustomKindLeave   = "ws.leave"
	CustomKindHelp    = "ws.help"
	CustomKindSubmit  = "ws.submit"
	CustomKindRoom    = "ws.room"
	maxButtonLabelLen = 80
	maxButtonsPerRow  = 5
	maxRowsPerMessage = 5
)

// WorkshopCustomID builds the custom_id of a workshop button: "rt1:ws.join:42",
// "rt1:ws.submit:42:3", "rt1:ws.room:42:2".
func WorkshopCustomID(kind string, runID int64, arg ...int) string {
	s := CustomIDVersion + ":" + kind + ":" + strconv.FormatInt(runID, 10)
	for _, a := range arg {
		s += ":" + strconv.Itoa(a)
	}
	return s
}

func button(label, customID string, style discordgo.ButtonStyle, emoji string) discordgo.Button {
	b := discordgo.Button{Label: cutRunes(label, maxButtonLabelLen), CustomID: customID, Style: style}
	if emoji != "" {
		b.Emoji = &discordgo.ComponentEmoji{Name: emoji}
	}
	return b
}

// rows lays buttons out five to a row.
func rows(buttons []discordgo.Button) []discordgo.MessageComponent {
	var out []discordgo.MessageComponent
	for len(buttons) > 0 {
		n := min(len(buttons), maxButtonsPerRow)
		row := discordgo.ActionsRow{}
		for _, b := range buttons[:n] {
			row.Components = append(row.Components, b)
		}
		out = append(out, row)
		buttons = buttons[n:]
	}
	return out
}

func mention(userID string) string        { return "<@" + userID + ">" }
func channelLink(channelID string) string { return "<#" + channelID + ">" }

func mentions(userIDs []string) string {
	parts := make([]string, len(userIDs))
	for i, u := range userIDs {
		parts[i] = mention(u)
	}
	return strings.Join(parts, " ")
}

// cutRunes shortens s to at most n characters, ending in "…" when cut.
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// splitMessage cuts text into messages of at most MaxMessageLen
// characters, at line breaks where it can.
func splitMessage(text string) []string {
	const limit = workshop.MaxMessageLen
	var out []string
	for utf8.RuneCountInString(text) > limit {
		r := []rune(text)
		cut := limit
		if i := strings.LastIndex(string(r[:limit]), "\n"); i > 0 {
			cut = utf8.RuneCountInString(string(r[:limit])[:i])
		}
		out = append(out, strings.TrimRight(string(r[:cut]), "\n"))
		text = strings.TrimLeft(string(r[cut:]), "\n")
	}
	if strings.TrimSpace(text) != "" || len(out) == 0 {
		out = append(out, text)
	}
	return out
}

// packEntries joins entries into as few messages as fit, each entry kept
// whole unless it alone is too long.
func packEntries(header string, entries []string) []string {
	const limit = workshop.MaxMessageLen
	var out []string
	cur := header
	for _, e := range entries {
		sep := "\n\n"
		if cur == "" {
			sep = ""
		}
		if utf8.RuneCountInString(cur+sep+e) <= limit {
			cur += sep + e
			continue
		}
		if cur != "" {
			out = append(out, cur)
		}
		parts := splitMessage(e)
		out = append(out, parts[:len(parts)-1]...)
		cur = parts[len(parts)-1]
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

// textRoomName is a group's text channel name: Discord's form of the
// group's name ("Group 1" -> "group-1"). Names never carry a countdown.
func textRoomName(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r == ' ' || r == '-' || r == '_':
			if b.Len() > 0 && !dash {
				b.WriteByte('-')
				dash = true
			}
		case strings.ContainsRune("#@:`~!$%^&*()+=[]{}|\\;'\",.<>/?", r):
		default:
			b.WriteRune(r)
			dash = false
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" {
		s = "group"
	}
	return cutRunes(s, 100)
}

// categoryName names a run's category; it carries the run ID so that two
// runs of one curriculum in one guild never share (or adopt) a category.
func categoryName(r *workshop.Run, formation, chunk int) string {
	title := "Workshop"
	if r.Curriculum != nil {
		title = r.Curriculum.Title
	}
	name := "Workshop #" + strconv.FormatInt(r.ID, 10)
	if formation > 0 || chunk > 0 {
		name += " · rooms " + strconv.Itoa(formation+1) + "." + strconv.Itoa(chunk+1)
	}
	return cutRunes(name+": "+title, 100)
}
