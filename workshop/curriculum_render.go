package workshop

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of what the runner may put into a prompt. The load-time check
// assumes the worst case of each, and RenderPrompt cuts longer values, so a
// prompt that passes the check always fits in one Discord message.
const (
	// MaxMessageLen is Discord's limit on a message's content, in characters.
	MaxMessageLen = 2000
	// MaxGroupNameLen is the longest group name {group} expands to.
	MaxGroupNameLen = 32
	// MaxRoleLen is the longest role name, and so the longest expansion of
	// {role} and {next_role}.
	MaxRoleLen = 32
	// maxUnixLen is the longest decimal Unix time in the <t:UNIX:R> of a
	// header: an int64 with its sign.
	maxUnixLen = 20
)

// Placeholders a prompt may use. Any other {word} is left as written and
// draws a warning at load time.
const (
	PlaceholderGroup    = "{group}"
	PlaceholderRole     = "{role}"
	PlaceholderNextRole = "{next_role}"
	PlaceholderMinutes  = "{minutes}"
)

// PromptVars are the run-time values a step's prompt is rendered with.
type PromptVars struct {
	Group    string // the group's name; cut to MaxGroupNameLen characters
	Role     string // the reader's role this round; cut to MaxRoleLen
	NextRole string // the reader's role next round; cut to MaxRoleLen
	Round    int    // the current round, from 1; clamped to 1..Rounds
	// Rounds is the number of rounds shown in the header: 0 means the
	// step's own Rounds; it is clamped to 1..Step.Rounds.
	Rounds   int
	Deadline time.Time // when the step (or round) ends; zero leaves it out of the header
}

// RenderPrompt builds the message the bot posts for the step: a header
// ("**Title** · round 1 of 2 · ends <t:UNIX:R>"; the round part only when
// the step has several rounds), a blank line, then the prompt with its
// placeholders replaced. {minutes} is the length of one round.
func (s Step) RenderPrompt(v PromptVars) string {
	rounds := s.Rounds
	if v.Rounds >= 1 && v.Rounds < rounds {
		rounds = v.Rounds
	}
	round := min(max(v.Round, 1), max(rounds, 1))
	return renderMessage(
		renderHeader(s.Title, "", round, rounds, unixText(v.Deadline)),
		s.Prompt,
		cut(v.Group, MaxGroupNameLen), cut(v.Role, MaxRoleLen), cut(v.NextRole, MaxRoleLen),
		formatMinutes(s.RoundDuration()),
	)
}

// RenderIntro builds the message that opens a run: the curriculum title, a
// deadline, and the intro prompt with {minutes} replaced.
func (c *Curriculum) RenderIntro(deadline time.Time) string {
	return renderIntro(c.Title, c.Intro.Prompt, c.Intro.Duration, unixText(deadline))
}

func renderIntro(title, prompt string, d time.Duration, unix string) string {
	header := renderHeader(title, "welcome", 1, 1, unix)
	// Only {minutes} means something before groups exist; the other
	// placeholders stay as written (and draw a warning at load time).
	body := strings.ReplaceAll(prompt, PlaceholderMinutes, formatMinutes(d))
	if body == "" {
		return header
	}
	return header + "\n\n" + body
}

func renderHeader(title, label string, round, rounds int, unix string) string {
	var b strings.Builder
	b.WriteString("**")
	b.WriteString(title)
	b.WriteString("**")
	if label != "" {
		b.WriteString(" · ")
		b.WriteString(label)
	}
	if rounds > 1 {
		b.WriteString(" · round ")
		b.WriteString(strconv.Itoa(round))
		b.WriteString(" of ")
		b.WriteString(strconv.Itoa(rounds))
	}
	if unix != "" {
		b.WriteString(" · ends <t:")
		b.WriteString(unix)
		b.WriteString(":R>")
	}
	return b.String()
}

func renderMessage(header, prompt, group, role, nextRole, minutes string) string {
	if prompt == "" {
		return header
	}
	body := strings.NewReplacer(
		PlaceholderGroup, group,
		PlaceholderRole, role,
		PlaceholderNextRole, nextRole,
		PlaceholderMinutes, minutes,
	).Replace(prompt)
	return header + "\n\n" + body
}

// worstPromptLen is the longest message RenderPrompt can produce for s,
// whatever the run-time values: the longest group and role names, the last
// round and the longest Unix time.
func worstPromptLen(s Step) int {
	worstUnix := strings.Repeat("9", maxUnixLen)
	rounds := max(s.Rounds, 1)
	msg := renderMessage(
		renderHeader(s.Title, "", rounds, rounds, worstUnix),
		s.Prompt,
		strings.Repeat("W", MaxGroupNameLen), strings.Repeat("W", MaxRoleLen), strings.Repeat("W", MaxRoleLen),
		formatMinutes(s.RoundDuration()),
	)
	return utf8.RuneCountInString(msg)
}

// worstIntroLen is the longest message RenderIntro can produce.
func worstIntroLen(title string, in Intro) int {
	return utf8.RuneCountInString(renderIntro(title, in.Prompt, in.Duration, strings.Repeat("9", maxUnixLen)))
}

func unixText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.FormatInt(t.Unix(), 10)
}

// formatMinutes writes a duration in minutes: "4" for 4m, "1.5" for 90s.
func formatMinutes(d time.Duration) string {
	if d%time.Minute == 0 {
		return strconv.FormatInt(int64(d/time.Minute), 10)
	}
	return strconv.FormatFloat(d.Minutes(), 'f', 1, 64)
}

// cut shortens s to at most n characters.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
