package discord

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/accountability"
	"github.com/roundtable-bot/roundtable/discord/discordtest"
)

func testQuestion(env *notifierEnv, channelID string) accountability.SupportQuestion {
	return accountability.SupportQuestion{GuildID: env.seed.GuildID, ChannelID: channelID, AskerID: env.seed.MemberIDs[0],
		Topic: "Postgres refuses my connection", Details: "I get `role does not exist`. I tried createuser. @everyone help?"}
}

func TestSupportThreadInTextChannel(t *testing.T) {
	t.Parallel()
	env := newNotifierEnv(t)
	ctx := context.Background()
	q := testQuestion(env, env.seed.TextChannelID)
	threadID, err := env.n.OpenSupportThread(ctx, q)
	if err != nil {
		t.Fatalf("OpenSupportThread: %v", err)
	}
	threads := env.e.Threads(env.seed.TextChannelID)
	if len(threads) != 1 || threads[0].ID != threadID {
		t.Fatalf("threads of the support channel = %d, want the one returned (%s)", len(threads), threadID)
	}
	if th := threads[0]; th.Name != q.Topic || th.Type != discordgo.ChannelTypeGuildPublicThread {
		t.Errorf("thread %q of type %d, want a public thread named after the topic", th.Name, th.Type)
	}
	msgs := env.e.Messages(threadID)
	if len(msgs) != 1 {
		t.Fatalf("thread holds %d messages, want the question", len(msgs))
	}
	m := msgs[0]
	if got := buttonIDs(m); !slices.Equal(got, []string{"rt1:su.resolve"}) {
		t.Errorf("buttons = %v, want Mark resolved (rt1:su.resolve)", got)
	}
	if len(m.Embeds) != 1 || m.Embeds[0].Title != q.Topic || m.Embeds[0].Description != q.Details {
		t.Errorf("question embed = %+v, want the topic and details", m.Embeds)
	}
	if !slices.Equal(mentionedIDs(m), []string{q.AskerID}) || m.MentionEveryone {
		t.Errorf("question pinged %v (everyone %v), want exactly the asker", mentionedIDs(m), m.MentionEveryone)
	}

	if err := env.n.PostInThread(ctx, threadID, "<@"+env.seed.MemberIDs[1]+"> @everyone: noted."); err != nil {
		t.Fatalf("PostInThread: %v", err)
	}
	if m := env.lastMessage(t, threadID); m.Content == "" || len(m.Mentions) != 0 || m.MentionEveryone {
		t.Errorf("thread note %q pinged %v (everyone %v), want nobody", m.Content, mentionedIDs(m), m.MentionEveryone)
	}

	helper := env.seed.MemberIDs[1]
	resolved := accountability.Thread{GuildID: env.seed.GuildID, ThreadID: threadID, ChannelID: q.ChannelID,
		AskerID: q.AskerID, Topic: q.Topic, State: accountability.Resolved, HelperID: helper}
	if err := env.n.Thank(ctx, resolved); err != nil {
		t.Fatalf("Thank: %v", err)
	}
	m = env.lastMessage(t, threadID)
	if !strings.Contains(m.Content, "<@"+helper+">") || !slices.Equal(mentionedIDs(m), []string{helper}) {
		t.Errorf("thanks %q pinged %v, want only the helper %s", m.Content, mentionedIDs(m), helper)
	}

	open := resolved
	open.State, open.HelperID = accountability.Open, ""
	before := len(env.e.Messages(q.ChannelID))
	if err := env.n.Nudge(ctx, open); err != nil {
		t.Fatalf("Nudge: %v", err)
	}
	chMsgs := env.e.Messages(q.ChannelID)
	if len(chMsgs) != before+1 {
		t.Fatalf("support channel went from %d to %d messages, want one nudge", before, len(chMsgs))
	}
	nudge := chMsgs[len(chMsgs)-1]
	if !strings.Contains(nudge.Content, "<#"+threadID+">") || len(nudge.Mentions) != 0 || nudge.MentionEveryone {
		t.Errorf("nudge %q pinged %v, want a link to the thread and no pings", nudge.Content, mentionedIDs(nudge))
	}
}

// In a forum the question is a post: a thread of the forum whose first
// message, sharing the thread's ID, carries the question and its button.
func TestSupportThreadInForumChannelIsAPost(t *testing.T) {
	t.Parallel()
	env := newNotifierEnv(t)
	ctx := context.Background()
	forum, err := env.s.GuildChannelCreate(env.seed.GuildID, "help", discordgo.ChannelTypeGuildForum)
	if err != nil {
		t.Fatalf("create forum: %v", err)
	}
	q := testQuestion(env, forum.ID)
	threadID, err := env.n.OpenSupportThread(ctx, q)
	if err != nil {
		t.Fatalf("OpenSupportThread in a forum: %v", err)
	}
	posts := env.e.Threads(forum.ID)
	if len(posts) != 1 || posts[0].ID != threadID {
		t.Fatalf("posts in the forum = %d, want the one returned (%s)", len(posts), threadID)
	}
	if th := posts[0]; th.Name != q.Topic || th.Type != discordgo.ChannelTypeGuildPublicThread {
		t.Errorf("post %q of type %d, want a public thread named after the topic", th.Name, th.Type)
	}
	msgs := env.e.Messages(threadID)
	if len(msgs) != 1 || msgs[0].ID != threadID {
		t.Fatalf("post holds %d messages, want its first message (ID %s)", len(msgs), threadID)
	}
	m := msgs[0]
	if got := buttonIDs(m); !slices.Equal(got, []string{accountability.ResolveButtonID}) {
		t.Errorf("buttons = %v, want Mark resolved (%s)", got, accountability.ResolveButtonID)
	}
	if !strings.Contains(m.Content, "<@"+q.AskerID+">") || len(m.Embeds) != 1 || m.Embeds[0].Description != q.Details {
		t.Errorf("first message %q with embeds %+v, want the asker and the question", m.Content, m.Embeds)
	}
	if !slices.Equal(mentionedIDs(m), []string{q.AskerID}) || m.MentionEveryone {
		t.Errorf("question pinged %v (everyone %v), want exactly the asker", mentionedIDs(m), m.MentionEveryone)
	}

	// A forum takes no messages of its own: the nudge goes into the post.
	err = env.n.Nudge(ctx, accountability.Thread{GuildID: env.seed.GuildID, ThreadID: threadID, ChannelID: forum.ID,
		AskerID: q.AskerID, Topic: q.Topic, State: accountability.Open})
	if err != nil {
		t.Fatalf("Nudge in a forum: %v", err)
	}
	if got := env.e.Messages(threadID); len(got) != 2 {
		t.Fatalf("post holds %d messages, want the question and the nudge", len(got))
	}
	if nudge := env.lastMessage(t, threadID); nudge.Content == "" || len(nudge.Mentions) != 0 || nudge.MentionEveryone {
		t.Errorf("nudge %q pinged %v (everyone %v), want nobody", nudge.Content, mentionedIDs(nudge), nudge.MentionEveryone)
	}
}

func TestSupportThreadWithoutCreateThreadsIsForbidden(t *testing.T) {
	t.Parallel()
	env := newNotifierEnv(t, discordtest.WithoutBotPermission(discordgo.PermissionCreatePublicThreads))
	if err := env.s.ChannelPermissionSet(env.seed.TextChannelID, env.seed.GuildID, discordgo.PermissionOverwriteTypeRole,
		0, discordgo.PermissionCreatePublicThreads); err != nil {
		t.Fatal(err)
	}
	_, err := env.n.OpenSupportThread(context.Background(), testQuestion(env, env.seed.TextChannelID))
	if code := accountability.ErrorCode(err); code != accountability.EFORBIDDEN || !strings.Contains(accountability.ErrorMessage(err), "Create Public Threads") {
		t.Fatalf("OpenSupportThread without Create Public Threads: %v (code %q), want EFORBIDDEN naming it", err, code)
	}
	if got := env.e.Threads(env.seed.TextChannelID); len(got) != 0 {
		t.Errorf("%d threads made", len(got))
	}
}

// When the question cannot be posted in the new thread, the empty thread
// is deleted rather than left for members to wonder about.
func TestEmptySupportThreadIsDeletedWhenTheQuestionFails(t *testing.T) {
	t.Parallel()
	env := newNotifierEnv(t, discordtest.WithoutBotPermission(discordgo.PermissionSendMessagesInThreads))
	if err := env.s.ChannelPermissionSet(env.seed.TextChannelID, env.seed.GuildID, discordgo.PermissionOverwriteTypeRole,
		0, discordgo.PermissionSendMessagesInThreads); err != nil {
		t.Fatal(err)
	}
	_, err := env.n.OpenSupportThread(context.Background(), testQuestion(env, env.seed.TextChannelID))
	if code := accountability.ErrorCode(err); code != accountability.EFORBIDDEN || !strings.Contains(accountability.ErrorMessage(err), "Send Messages in Threads") {
		t.Fatalf("OpenSupportThread without Send Messages in Threads: %v (code %q), want EFORBIDDEN naming it", err, code)
	}
	env.e.WaitFor(t, 5*time.Second, func(st *discordtest.State) bool { return len(st.Threads(env.seed.TextChannelID)) == 0 })
}
