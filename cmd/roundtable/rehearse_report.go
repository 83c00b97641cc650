package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
	"github.com/roundtable-bot/roundtable/discord/discordtest/ratelimit"
)

// DiscordChannelLimit is how many channels a Discord server may have.
const DiscordChannelLimit = 500

// rehearsalLog is what a rehearsal observed, read from the emulator's
// request log: it outlives the rooms, which are deleted at the end.
type rehearsalLog struct {
	requests []discordtest.Request
	names    map[string]string // channel ID -> name, of the server's channels and those the bot made
	users    *strings.Replacer // user mentions -> @username
	baseline int               // channels in the server before the run
}

// newRehearsalLog reads the request log; before are the server's channels
// before the run began, users the names of the people taking part (user
// ID -> username), to show mentions by name.
func newRehearsalLog(requests []discordtest.Request, before []*discordgo.Channel, users map[string]string) *rehearsalLog {
	var pairs []string
	for id, name := range users {
		pairs = append(pairs, "<@"+id+">", "@"+name, "<@!"+id+">", "@"+name)
	}
	l := &rehearsalLog{requests: requests, names: map[string]string{}, users: strings.NewReplacer(pairs...), baseline: len(before)}
	for _, c := range before {
		l.names[c.ID] = c.Name
	}
	for _, r := range requests {
		if r.Method == http.MethodPost && routeIs(r, "/guilds/{guild_id}/channels") && ok2xx(r.Status) {
			var c struct{ ID, Name string }
			if json.Unmarshal(r.ResponseBody, &c) == nil && c.ID != "" {
				l.names[c.ID] = c.Name
			}
		}
	}
	return l
}

// routeIs reports whether r was served by the route template path (without
// the API version), e.g. "/channels/{channel_id}/messages".
func routeIs(r discordtest.Request, path string) bool {
	_, tmpl, _ := strings.Cut(r.Route, " ")
	for _, v := range []string{"/api/v9", "/api/v10"} {
		if strings.TrimPrefix(tmpl, v) == path && tmpl != path {
			return true
		}
	}
	return false
}

func ok2xx(status int) bool { return status >= 200 && status < 300 }

// post is one message the bot posted.
type post struct {
	At        time.Time
	ChannelID string
	Room      string // "#name", or "DM" for a direct message
	FirstLine string
	Content   string // the whole text: content, then each embed's title and description
}

// posts lists the messages the bot posted, in the order Discord took them.
func (l *rehearsalLog) posts() []post {
	var out []post
	for _, r := range l.requests {
		if r.Method != http.MethodPost || !routeIs(r, "/channels/{channel_id}/messages") || !ok2xx(r.Status) {
			continue
		}
		var m discordgo.Message
		if err := json.Unmarshal(r.ResponseBody, &m); err != nil {
			continue
		}
		text := m.Content
		for _, em := range m.Embeds {
			text = strings.TrimSpace(text + "\n" + em.Title + "\n" + em.Description)
		}
		room := "DM"
		if name, ok := l.names[m.ChannelID]; ok {
			room = "#" + name
		}
		text = l.users.Replace(text)
		out = append(out, post{At: r.Time, ChannelID: m.ChannelID, Room: room, FirstLine: firstLine(text, 90), Content: text})
	}
	return out
}

// firstLine is the first non-empty line of text, at most n characters. A
// line of nothing but mentions (who a prompt is for) is joined to the next,
// which says what it is.
func firstLine(text string, n int) string {
	var parts []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts = append(parts, line)
		if !onlyMentions(line) {
			break
		}
	}
	if len(parts) == 0 {
		return "(no text)"
	}
	line := strings.Join(parts, " · ")
	if utf8.RuneCountInString(line) > n {
		line = string([]rune(line)[:n-1]) + "…"
	}
	return line
}

// onlyMentions reports whether every word of line is a mention.
func onlyMentions(line string) bool {
	for _, w := range strings.Fields(line) {
		if !strings.HasPrefix(w, "@") && !strings.HasPrefix(w, "<@") {
			return false
		}
	}
	return true
}

// maxChannels is the most channels the server held at once, from the
// channels the bot created and deleted.
func (l *rehearsalLog) maxChannels() int {
	n, most := l.baseline, l.baseline
	for _, r := range l.requests {
		switch {
		case !ok2xx(r.Status):
		case r.Method == http.MethodPost && routeIs(r, "/guilds/{guild_id}/channels"):
			n++
			most = max(most, n)
		case r.Method == http.MethodDelete && routeIs(r, "/channels/{channel_id}"):
			n--
		}
	}
	return most
}

// refusal counts the requests the emulator refused on one route with one
// status.
type refusal struct {
	Route  string
	Status int
	Count  int
	Error  string // the first answer's body, as Discord words it
}

// refusals lists the requests answered with anything but 2xx.
func (l *rehearsalLog) refusals() []refusal {
	byKey := map[string]*refusal{}
	var out []*refusal
	for _, r := range l.requests {
		if ok2xx(r.Status) {
			continue
		}
		key := fmt.Sprintf("%s %d", r.Route, r.Status)
		f, ok := byKey[key]
		if !ok {
			f = &refusal{Route: r.Route, Status: r.Status, Error: firstLine(string(r.ResponseBody), 120)}
			byKey[key] = f
			out = append(out, f)
		}
		f.Count++
	}
	list := make([]refusal, len(out))
	for i, f := range out {
		list[i] = *f
	}
	return list
}

// printTimeline writes what each room saw: the real time since the host
// began the run, the same moment in the live workshop (speed times later),
// the room, and the first line of each message.
func printRehearsalTimeline(w io.Writer, posts []post, begun time.Time, speed float64) {
	fmt.Fprintln(w, "Timeline: what each room saw")
	fmt.Fprintln(w, "(offsets from /workshop begin: in this rehearsal, and the same moment in the live workshop)")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  REHEARSAL\tLIVE\tROOM\tFIRST LINE")
	for _, p := range posts {
		d := p.At.Sub(begun)
		live := "lobby"
		if d >= 0 {
			live = clock(time.Duration(float64(d) * max(speed, 1)))
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", offset(d), live, p.Room, p.FirstLine)
	}
	tw.Flush()
}

// offset formats a signed offset as M:SS.s.
func offset(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	tenths := int64(d.Round(100*time.Millisecond) / (100 * time.Millisecond))
	return fmt.Sprintf("%s%d:%02d.%d", sign, tenths/600, tenths/10%60, tenths%10)
}

// printAPICalls writes the calls by route with the 429s each drew, then
// the refused requests, from the emulator's rate limiter and request log.
func printAPICalls(w io.Writer, stats []ratelimit.RouteStat, refused []refusal) {
	total, limited := 0, 0
	for _, s := range stats {
		total += s.Calls
		limited += s.RateLimited
	}
	fmt.Fprintf(w, "API calls by route (%d in all)\n", total)
	sort.SliceStable(stats, func(i, j int) bool { return stats[i].Calls > stats[j].Calls })
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "  CALLS\t429s\t ROUTE\t")
	for _, s := range stats {
		fmt.Fprintf(tw, "  %d\t%d\t %s\t\n", s.Calls, s.RateLimited, s.Route)
	}
	tw.Flush()
	fmt.Fprintln(w)
	if limited == 0 {
		fmt.Fprintln(w, "429s: none. The bot stayed within Discord's rate limits.")
	} else {
		fmt.Fprintf(w, "429s: %d. Discord would have slowed the bot down on the routes above with a 429 count.\n", limited)
	}
	if len(refused) == 0 {
		fmt.Fprintln(w, "Refused requests: none.")
		return
	}
	fmt.Fprintln(w, "Refused requests (status, count, route, Discord's answer):")
	for _, f := range refused {
		fmt.Fprintf(w, "  %d  x%d  %s  %s\n", f.Status, f.Count, f.Route, f.Error)
	}
}

// printChannelBudget writes the most channels the server held at once
// against Discord's limit.
func printChannelBudget(w io.Writer, l *rehearsalLog) {
	most := l.maxChannels()
	fmt.Fprintf(w, "Channel budget: at most %d channels at once (%d before the run, up to %d for its rooms), of Discord's %d per server.\n",
		most, l.baseline, most-l.baseline, DiscordChannelLimit)
}

// memberMoves counts the member moves Discord accepted.
func (l *rehearsalLog) memberMoves() int {
	n := 0
	for _, r := range l.requests {
		if r.Method == http.MethodPatch && routeIs(r, "/guilds/{guild_id}/members/{user_id}") && ok2xx(r.Status) {
			n++
		}
	}
	return n
}

// printVoice writes how the members in voice fared: moved into their
// rooms and back, and where each one ended up.
func printVoice(w io.Writer, l *rehearsalLog, people *cast) {
	var inVoice, lost []string
	for _, m := range people.members {
		if !m.InVoice {
			continue
		}
		inVoice = append(inVoice, m.Username)
		if people.e.VoiceChannelOf(m.UserID) != people.seed.VoiceChannelID {
			lost = append(lost, m.Username)
		}
	}
	fmt.Fprintf(w, "Voice: %d members in voice, %d member moves.", len(inVoice), l.memberMoves())
	if len(lost) == 0 {
		fmt.Fprintln(w, " Everyone in voice was back in the main voice channel at the end.")
		return
	}
	fmt.Fprintf(w, " Not back in the main voice channel at the end: %s. Discord allows 10 member moves per 10 s in a server; at this speed and size the moves could not keep up.\n",
		strings.Join(lost, ", "))
}
