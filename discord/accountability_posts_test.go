package discord

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/accountability"
	"github.com/roundtable-bot/roundtable/discord/discordtest"
	"github.com/roundtable-bot/roundtable/discord/discordtest/fault"
)

func testDate(t *testing.T) accountability.Date {
	t.Helper()
	d, err := accountability.NewDate(2026, time.March, 30)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func testCheckin(env *notifierEnv, d accountability.Date, done string) accountability.CheckinPost {
	return accountability.CheckinPost{
		Checkin: accountability.Checkin{
			GuildID: env.seed.GuildID, ChannelID: env.seed.TextChannelID, UserID: env.seed.MemberIDs[0],
			Date: d, At: time.Date(2026, 3, 30, 18, 0, 0, 0, time.UTC), Zone: "Europe/Berlin",
			CheckinInput: accountability.CheckinInput{Done: done, Next: "write the tests", Blockers: "flaky CI", Mood: 4},
		},
		Streak:  accountability.Streak{Current: 3, Best: 7, ThisMonth: 12},
		Cadence: accountability.Daily,
	}
}

func TestPostPromptCarriesTheCheckinButton(t *testing.T) {
	t.Parallel()
	env := newNotifierEnv(t)
	ch := accountability.ChannelSettings{GuildID: env.seed.GuildID, ChannelID: env.seed.TextChannelID, Cadence: accountability.Daily}
	id, err := env.n.PostPrompt(context.Background(), accountability.PromptPost{Channel: ch, Date: testDate(t)})
	if err != nil {
		t.Fatalf("PostPrompt: %v", err)
	}
	m := env.lastMessage(t, env.seed.TextChannelID)
	if m.ID != id {
		t.Errorf("returned ID %s, posted %s", id, m.ID)
	}
	if got := buttonIDs(m); !slices.Equal(got, []string{accountability.CheckinButtonID}) || got[0] != "rt1:ac.checkin" {
		t.Errorf("buttons = %v, want the check-in button rt1:ac.checkin", got)
	}
	if !strings.Contains(m.Content, "2026-03-30") || m.MentionEveryone || len(m.Mentions) != 0 {
		t.Errorf("prompt = %q (everyone %v, mentions %v), want the date and no pings", m.Content, m.MentionEveryone, mentionedIDs(m))
	}
}

func TestCheckinIsPostedThenEditedInPlace(t *testing.T) {
	t.Parallel()
	env := newNotifierEnv(t)
	ctx := context.Background()
	post := testCheckin(env, testDate(t), "shipped the login page")
	id, err := env.n.PostCheckin(ctx, post)
	if err != nil {
		t.Fatalf("PostCheckin: %v", err)
	}
	m := env.lastMessage(t, env.seed.TextChannelID)
	if m.ID != id || len(m.Embeds) != 1 {
		t.Fatalf("posted %s with %d embeds, want %s with one", m.ID, len(m.Embeds), id)
	}
	em := m.Embeds[0]
	if !strings.Contains(em.Description, "<@"+env.seed.MemberIDs[0]+">") || em.Author == nil || em.Author.Name == "" {
		t.Errorf("embed names the member as %q / %+v, want the mention and the author's name", em.Description, em.Author)
	}
	if len(em.Fields) != 4 || em.Fields[0].Value != "shipped the login page" || em.Fields[2].Value != "flaky CI" {
		t.Errorf("fields = %+v, want Done, Next, Blockers, Mood", em.Fields)
	}
	if !strings.Contains(em.Footer.Text, "3 days") || !strings.Contains(em.Footer.Text, "best 7 days") {
		t.Errorf("footer = %q, want the streak", em.Footer.Text)
	}
	if len(m.Mentions) != 0 {
		t.Errorf("check-in pinged %v", mentionedIDs(m))
	}

	post.Done, post.Edited, post.Streak.Current = "shipped login and signup", true, 3
	if err := env.n.EditCheckin(ctx, id, post); err != nil {
		t.Fatalf("EditCheckin: %v", err)
	}
	msgs := env.e.Messages(env.seed.TextChannelID)
	if len(msgs) != 1 || msgs[0].ID != id {
		t.Fatalf("after the edit the channel holds %d messages, want the one edited in place", len(msgs))
	}
	if got := msgs[0].Embeds[0]; got.Fields[0].Value != "shipped login and signup" || !strings.Contains(got.Description, "updated") {
		t.Errorf("edited embed = %q / %+v, want the new text marked updated", got.Description, got.Fields[0])
	}
}

func TestEditOfDeletedCheckinIsNotFound(t *testing.T) {
	t.Parallel()
	env := newNotifierEnv(t)
	ctx := context.Background()
	post := testCheckin(env, testDate(t), "first")
	id, err := env.n.PostCheckin(ctx, post)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.s.ChannelMessageDelete(env.seed.TextChannelID, id); err != nil {
		t.Fatal(err)
	}
	err = env.n.EditCheckin(ctx, id, post)
	if code := accountability.ErrorCode(err); code != accountability.ENOTFOUND {
		t.Fatalf("edit of a deleted message: %v (code %q), want ENOTFOUND so the Service posts anew", err, code)
	}
}

func TestReminderGoesByDM(t *testing.T) {
	t.Parallel()
	env := newNotifierEnv(t)
	user := env.seed.MemberIDs[1]
	n := accountability.ReminderNotice{GuildID: env.seed.GuildID, UserID: user, ChannelID: env.seed.TextChannelID, Date: testDate(t)}
	via, err := env.n.SendReminder(context.Background(), n)
	if err != nil || via != accountability.DeliveredByDM {
		t.Fatalf("SendReminder = %q, %v; want dm", via, err)
	}
	dm := env.e.DMChannel(user)
	if dm == "" {
		t.Fatal("no DM channel opened")
	}
	m := env.lastMessage(t, dm)
	if !strings.Contains(m.Content, "<#"+env.seed.TextChannelID+">") || !strings.Contains(m.Content, "2026-03-30") {
		t.Errorf("DM = %q, want the channel link and the date", m.Content)
	}
	if got := env.e.Messages(env.seed.TextChannelID); len(got) != 0 {
		t.Errorf("the channel got %d messages; a DM that worked needs no fallback", len(got))
	}
}

// The emulator always accepts DMs, so the stub answers the DM post the way
// Discord does for a member whose DMs are closed: 403, code 50007.
func TestReminderFallsBackToMentionWhenDMsAreClosed(t *testing.T) {
	t.Parallel()
	// Opening a DM channel fails with 503 once the error rate is raised:
	// Discord having a bad moment on that one route.
	openingDMs := fault.Options{Statuses: []int{http.StatusServiceUnavailable}, Match: func(r *http.Request) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/users/@me/channels")
	}}
	env := newNotifierEnv(t, discordtest.WithFaults(openingDMs))
	user, other := env.seed.MemberIDs[1], env.seed.MemberIDs[2]
	env.e.CloseDMs(user)
	n := accountability.ReminderNotice{GuildID: env.seed.GuildID, UserID: user, ChannelID: env.seed.TextChannelID, Date: testDate(t)}
	via, err := env.n.SendReminder(context.Background(), n)
	if err != nil || via != accountability.DeliveredByMention {
		t.Fatalf("SendReminder = %q, %v; want mention", via, err)
	}
	dm := env.e.DMChannel(user)
	refused := 0
	for _, r := range env.e.Requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/channels/"+dm+"/messages") && r.Status == http.StatusForbidden {
			refused++
		}
	}
	if dm == "" || refused != 1 || len(env.e.Messages(dm)) != 0 {
		t.Errorf("DM channel %q: %d attempts refused, %d delivered; want one refused attempt", dm, refused, len(env.e.Messages(dm)))
	}
	m := env.lastMessage(t, env.seed.TextChannelID)
	if !strings.Contains(m.Content, "<@"+user+">") || !slices.Equal(mentionedIDs(m), []string{user}) || m.MentionEveryone {
		t.Errorf("fallback %q pinged %v (everyone %v), want exactly the member", m.Content, mentionedIDs(m), m.MentionEveryone)
	}

	// Another refusal (not 50007) is an error, not a channel mention.
	env.e.Faults().SetErrorRate(1)
	n.UserID = other
	via, err = env.n.SendReminder(context.Background(), n)
	if code := accountability.ErrorCode(err); code != accountability.EUNAVAILABLE || via != "" {
		t.Errorf("SendReminder with Discord down = %q, %v (code %q); want EUNAVAILABLE", via, err, code)
	}
	if got := env.e.Faults().Counts().Failed[http.StatusServiceUnavailable]; got != 1 {
		t.Errorf("503s answered = %d, want the one DM channel open", got)
	}
	if got := env.e.Messages(env.seed.TextChannelID); len(got) != 1 {
		t.Errorf("channel holds %d messages, want only the first fallback", len(got))
	}
}

func TestDigestAttachesTheChart(t *testing.T) {
	t.Parallel()
	env := newNotifierEnv(t)
	png := []byte("\x89PNG\r\n\x1a\n fake chart bytes")
	week := testDate(t).ISOWeek()
	text := "## Weekly digest\n<@" + env.seed.MemberIDs[0] + "> checked in 5 days. @everyone"
	id, err := env.n.PostDigest(context.Background(), accountability.DigestPost{
		GuildID: env.seed.GuildID, ChannelID: env.seed.TextChannelID, Week: week, Text: text, PNG: png})
	if err != nil {
		t.Fatalf("PostDigest: %v", err)
	}
	m := env.lastMessage(t, env.seed.TextChannelID)
	if m.ID != id || m.Content != text {
		t.Errorf("digest %s = %q, want %s with the text", m.ID, m.Content, id)
	}
	if len(m.Mentions) != 0 || m.MentionEveryone {
		t.Errorf("digest pinged %v (everyone %v), want nobody", mentionedIDs(m), m.MentionEveryone)
	}
	if len(m.Attachments) != 1 {
		t.Fatalf("digest has %d attachments, want the chart", len(m.Attachments))
	}
	a := m.Attachments[0]
	got, ok := env.e.Attachment(a.ID)
	if !ok || !bytes.Equal(got, png) || a.Filename != "participation-"+week.String()+".png" {
		t.Errorf("attachment %q (%d bytes, found %v), want the chart's bytes", a.Filename, len(got), ok)
	}

	// No chart drawn: text only.
	if _, err := env.n.PostDigest(context.Background(), accountability.DigestPost{
		GuildID: env.seed.GuildID, ChannelID: env.seed.TextChannelID, Week: week, Text: "quiet week"}); err != nil {
		t.Fatal(err)
	}
	if m := env.lastMessage(t, env.seed.TextChannelID); len(m.Attachments) != 0 {
		t.Errorf("text-only digest has %d attachments", len(m.Attachments))
	}
}

func TestMissingPermissionIsForbiddenNamingIt(t *testing.T) {
	t.Parallel()
	// @everyone lets every member post, the bot too; deny the bot's role
	// Send Messages in the channel, as a locked-down server would.
	env := newNotifierEnv(t)
	if err := env.s.ChannelPermissionSet(env.seed.TextChannelID, env.seed.BotRoleID, discordgo.PermissionOverwriteTypeRole,
		0, discordgo.PermissionSendMessages); err != nil {
		t.Fatal(err)
	}
	env.e.WaitFor(t, 5*time.Second, func(st *discordtest.State) bool {
		return st.Permissions(env.seed.TextChannelID, env.seed.BotUserID)&discordgo.PermissionSendMessages == 0
	})
	ch := accountability.ChannelSettings{GuildID: env.seed.GuildID, ChannelID: env.seed.TextChannelID, Cadence: accountability.Daily}
	_, err := env.n.PostPrompt(context.Background(), accountability.PromptPost{Channel: ch, Date: testDate(t)})
	if code := accountability.ErrorCode(err); code != accountability.EFORBIDDEN {
		t.Fatalf("PostPrompt without Send Messages: %v (code %q), want EFORBIDDEN", err, code)
	}
	if msg := accountability.ErrorMessage(err); !strings.Contains(msg, "Send Messages") {
		t.Errorf("message %q does not name the permission", msg)
	}
}

func TestDigestWithoutAttachFilesIsForbidden(t *testing.T) {
	t.Parallel()
	env := newNotifierEnv(t, discordtest.WithoutBotPermission(discordgo.PermissionAttachFiles))
	if err := env.s.ChannelPermissionSet(env.seed.TextChannelID, env.seed.GuildID, discordgo.PermissionOverwriteTypeRole,
		0, discordgo.PermissionAttachFiles); err != nil {
		t.Fatal(err)
	}
	_, err := env.n.PostDigest(context.Background(), accountability.DigestPost{GuildID: env.seed.GuildID,
		ChannelID: env.seed.TextChannelID, Week: testDate(t).ISOWeek(), Text: "digest", PNG: []byte("png")})
	if code := accountability.ErrorCode(err); code != accountability.EFORBIDDEN || !strings.Contains(accountability.ErrorMessage(err), "Attach Files") {
		t.Fatalf("PostDigest without Attach Files: %v (code %q), want EFORBIDDEN naming Attach Files", err, code)
	}
}

func TestUnknownChannelIsNotFound(t *testing.T) {
	t.Parallel()
	env := newNotifierEnv(t)
	ch := accountability.ChannelSettings{GuildID: env.seed.GuildID, ChannelID: "1", Cadence: accountability.Daily}
	_, err := env.n.PostPrompt(context.Background(), accountability.PromptPost{Channel: ch, Date: testDate(t)})
	if code := accountability.ErrorCode(err); code != accountability.ENOTFOUND {
		t.Fatalf("PostPrompt in a deleted channel: %v (code %q), want ENOTFOUND", err, code)
	}
}

// A remembered DM channel Discord no longer knows is opened anew, and the
// reminder still goes by DM.
func TestReminderReopensAForgottenDMChannel(t *testing.T) {
	t.Parallel()
	env := newNotifierEnv(t)
	user := env.seed.MemberIDs[0]
	n := accountability.ReminderNotice{GuildID: env.seed.GuildID, UserID: user, ChannelID: env.seed.TextChannelID, Date: testDate(t)}
	if via, err := env.n.SendReminder(context.Background(), n); err != nil || via != accountability.DeliveredByDM {
		t.Fatalf("first reminder = %q, %v", via, err)
	}
	dm := env.e.DMChannel(user)
	// The notifier remembers, for this member, a channel Discord has
	// since deleted: posting there is answered 404 Unknown Channel.
	gone, err := env.s.GuildChannelCreate(env.seed.GuildID, "gone", discordgo.ChannelTypeGuildText)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.s.ChannelDelete(gone.ID); err != nil {
		t.Fatal(err)
	}
	env.n.dms.put(user, gone.ID)
	if via, err := env.n.SendReminder(context.Background(), n); err != nil || via != accountability.DeliveredByDM {
		t.Fatalf("reminder after the DM channel was lost = %q, %v; want dm", via, err)
	}
	tried := 0
	for _, r := range env.e.Requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/channels/"+gone.ID+"/messages") && r.Status == http.StatusNotFound {
			tried++
		}
	}
	if tried != 1 || len(env.e.Messages(dm)) != 2 {
		t.Errorf("the lost channel was tried %d times, the DM holds %d messages; want it tried once, then both reminders delivered", tried, len(env.e.Messages(dm)))
	}
}
