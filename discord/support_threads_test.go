package discord

import (
	"context"
	"encoding/json"
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

// The emulator refuses threads in forum channels (it models text-channel
// threads only), so the stub answers the forum post request; the test
// checks the request is Discord's forum post: a thread with its first
// message, the question with the Mark resolved button.
func TestSupportThreadInForumChannelIsAPost(t *testing.T) {
	t.Parallel()
	env := newNotifierEnv(t)
	ctx := context.Background()
	forum, err := env.s.GuildChannelCreate(env.seed.GuildID, "help", discordgo.ChannelTypeGuildForum)
	if err != nil {
		t.Fatalf("create forum: %v", err)
	}
	const postID = "424242424242424242"
	env.stub.setAnswer(func(method, path string) (int, string, bool) {
		switch {
		case method == "POST" && path == "/channels/"+forum.ID+"/threads":
			return 201, `{"id":"` + postID + `","type":11,"parent_id":"` + forum.ID + `","guild_id":"` + env.seed.GuildID + `","name":"x"}`, true
		case method == "POST" && path == "/channels/"+postID+"/messages":
			return 200, `{"id":"515151515151515151","channel_id":"` + postID + `","content":"x"}`, true
		}
		return 0, "", false
	})
	q := testQuestion(env, forum.ID)
	threadID, err := env.n.OpenSupportThread(ctx, q)
	if err != nil {
		t.Fatalf("OpenSupportThread in a forum: %v", err)
	}
	if threadID != postID {
		t.Errorf("thread ID = %s, want the post's %s", threadID, postID)
	}
	calls := env.stub.stubbed()
	if len(calls) != 1 {
		t.Fatalf("requests to the forum = %d, want one post", len(calls))
	}
	var body struct {
		Name    string `json:"name"`
		Message struct {
			Content         string                            `json:"content"`
			AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
			Components      []struct {
				Components []struct {
					CustomID string `json:"custom_id"`
				} `json:"components"`
			} `json:"components"`
		} `json:"message"`
	}
	if err := json.Unmarshal(calls[0].body, &body); err != nil {
		t.Fatalf("forum post body %q: %v", calls[0].body, err)
	}
	if body.Name != q.Topic || !strings.Contains(body.Message.Content, "<@"+q.AskerID+">") {
		t.Errorf("post %q with first message %q, want the topic and the asker", body.Name, body.Message.Content)
	}
	if len(body.Message.Components) != 1 || len(body.Message.Components[0].Components) != 1 ||
		body.Message.Components[0].Components[0].CustomID != accountability.ResolveButtonID {
		t.Errorf("first message components = %+v, want the Mark resolved button", body.Message.Components)
	}
	if am := body.Message.AllowedMentions; am == nil || len(am.Parse) != 0 || !slices.Equal(am.Users, []string{q.AskerID}) {
		t.Errorf("allowed mentions = %+v, want exactly the asker", am)
	}

	// A forum takes no messages of its own: the nudge goes into the post.
	err = env.n.Nudge(ctx, accountability.Thread{GuildID: env.seed.GuildID, ThreadID: postID, ChannelID: forum.ID,
		AskerID: q.AskerID, Topic: q.Topic, State: accountability.Open})
	if err != nil {
		t.Fatalf("Nudge in a forum: %v", err)
	}
	calls = env.stub.stubbed()
	if len(calls) != 2 || calls[1].path != "/channels/"+postID+"/messages" {
		t.Errorf("nudge requests = %+v, want a message in the post", calls[1:])
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
