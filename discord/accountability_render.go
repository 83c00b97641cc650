package discord

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/accountability"
)

// Discord's limits on what the notifier renders.
const (
	maxContent    = 2000 // message content
	maxThreadName = 100
	checkinColor  = 0x3BA55C // green: someone showed up
	editedColor   = 0x5865F2 // blurple: the day's check-in, revised
	questionColor = 0xFAA61A // amber: waiting for an answer
)

// promptMessage is the check-in prompt for p's channel and local date, with
// the "Check in" button whose custom_id the commands router decodes.
func promptMessage(p accountability.PromptPost) *discordgo.MessageSend {
	when := fmt.Sprintf("today, %s %s", p.Date.Weekday(), p.Date)
	if p.Channel.Cadence == accountability.Weekly {
		when = fmt.Sprintf("this week (%s)", p.Date.ISOWeek())
	}
	content := fmt.Sprintf("**Time to check in** for %s.\nWhat did you get done, what's next, and is anything in your way? "+
		"Press **Check in** below or use `/checkin` here. Checking in again the same day updates your check-in.", when)
	return &discordgo.MessageSend{
		Content:         content,
		AllowedMentions: onlyUsers(),
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Check in", Style: discordgo.PrimaryButton, CustomID: accountability.CheckinButtonID,
				Emoji: &discordgo.ComponentEmoji{Name: "✅"}},
		}}},
	}
}

// checkinEmbed shows a check-in under the member's name (author, when
// known) and mention (always: it renders as their name for every reader
// and pings nobody inside an embed).
func checkinEmbed(p accountability.CheckinPost, author *discordgo.MessageEmbedAuthor) *discordgo.MessageEmbed {
	desc := fmt.Sprintf("<@%s> checked in for **%s %s**", p.UserID, p.Date.Weekday(), p.Date)
	color := checkinColor
	if p.Edited {
		desc += " (updated)"
		color = editedColor
	}
	em := &discordgo.MessageEmbed{
		Author:      author,
		Description: desc,
		Color:       color,
		Footer:      &discordgo.MessageEmbedFooter{Text: streakLine(p.Streak, p.Cadence)},
	}
	if !p.At.IsZero() {
		em.Timestamp = p.At.UTC().Format("2006-01-02T15:04:05Z07:00")
	}
	for _, f := range []struct{ name, value string }{{"Done", p.Done}, {"Next", p.Next}, {"Blockers", p.Blockers}} {
		if f.value != "" {
			em.Fields = append(em.Fields, &discordgo.MessageEmbedField{Name: f.name, Value: clipRunes(f.value, 1024)})
		}
	}
	if p.Mood >= accountability.MinMood && p.Mood <= accountability.MaxMood {
		em.Fields = append(em.Fields, &discordgo.MessageEmbedField{Name: "Mood", Value: moodLine(p.Mood), Inline: true})
	}
	return em
}

// streakLine is the embed's footer: the current and best streak in the
// cadence's unit, and the month's check-ins.
func streakLine(s accountability.Streak, c accountability.Cadence) string {
	return fmt.Sprintf("Streak: %s · best %s · %d this month", units(s.Current, c), units(s.Best, c), s.ThisMonth)
}

func units(n int, c accountability.Cadence) string {
	unit := "day"
	if c == accountability.Weekly {
		unit = "week"
	}
	if n != 1 {
		unit += "s"
	}
	return fmt.Sprintf("%d %s", n, unit)
}

func moodLine(mood int) string {
	faces := [...]string{"", "😞", "😕", "😐", "🙂", "😄"}
	return fmt.Sprintf("%s %d/5", faces[mood], mood)
}

// reminderDM is the reminder sent privately: no mention is needed, the
// channel link takes the member where to check in.
func reminderDM(n accountability.ReminderNotice) string {
	return fmt.Sprintf("👋 A gentle reminder: you haven't checked in yet for %s in <#%s>. "+
		"Press **Check in** on the latest prompt there or use `/checkin`. (`/remind off` stops these reminders.)", n.Date, n.ChannelID)
}

// reminderMention is the reminder posted in the channel when the member's
// DMs are closed; it pings only that member.
func reminderMention(n accountability.ReminderNotice) string {
	return fmt.Sprintf("<@%s>, a gentle reminder to check in for %s: press **Check in** on the latest prompt or use `/checkin`. "+
		"(I'd have sent this privately, but your DMs are closed to me. `/remind off` stops these reminders.)", n.UserID, n.Date)
}

// digestFile names the digest's chart attachment.
func digestFile(w accountability.ISOWeek) string {
	return fmt.Sprintf("participation-%s.png", w)
}

// questionMessage is the first message of a support thread: who asks,
// the question, and the "Mark resolved" button.
func questionMessage(q accountability.SupportQuestion) *discordgo.MessageSend {
	return &discordgo.MessageSend{
		Content: fmt.Sprintf("<@%s> asked a question. Anyone who can help, reply in this thread. "+
			"When it's solved, press **Mark resolved** or use `/resolve helper:@member` to thank who helped.", q.AskerID),
		Embeds: []*discordgo.MessageEmbed{{
			Title:       clipRunes(q.Topic, 256),
			Description: clipRunes(q.Details, 4096),
			Color:       questionColor,
		}},
		AllowedMentions: onlyUsers(q.AskerID),
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Mark resolved", Style: discordgo.SuccessButton, CustomID: accountability.ResolveButtonID},
		}}},
	}
}

// threadName is the topic as a thread name: one line, 1 to 100 characters.
func threadName(topic string) string {
	name := strings.Join(strings.Fields(topic), " ")
	if name == "" {
		name = "Question"
	}
	return clipRunes(name, maxThreadName)
}

// nudgeText asks the support channel to look at a thread nobody answered.
func nudgeText(t accountability.Thread) string {
	return clipRunes(fmt.Sprintf("🔔 <#%s> is still waiting for an answer: **%s**. Can anyone help?", t.ThreadID, t.Topic), maxContent)
}

// thanksText closes a resolved thread, crediting the helper.
func thanksText(t accountability.Thread) string {
	if t.HelperID == "" {
		return "✅ Resolved."
	}
	return fmt.Sprintf("✅ Resolved. Thank you <@%s> for helping <@%s>!", t.HelperID, t.AskerID)
}

// clipRunes cuts s to at most n characters, marking the cut with "…".
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
