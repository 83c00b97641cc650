package discordtest_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
)

func TestClosedDMsRefuseTheBotsMessages(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t)
	s := e.Session(t)
	members := e.Members()
	members[0].CloseDMs()
	// A person at a standalone emulator closes them through the control API.
	rec := httptest.NewRecorder()
	e.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/_emulator/members/"+members[1].UserID+"/close-dms", strings.NewReader("{}")))
	if rec.Code != http.StatusNoContent {
		t.Fatalf("close-dms over the control API: %d %s", rec.Code, rec.Body)
	}

	for _, m := range members[:2] {
		// Opening the channel still works, as on Discord; only sending fails.
		dm, err := s.UserChannelCreate(m.UserID)
		if err != nil {
			t.Fatalf("open DM with closed DMs: %v", err)
		}
		_, err = s.ChannelMessageSend(dm.ID, "hello")
		var rerr *discordgo.RESTError
		if restCode(t, err) != 50007 || !errors.As(err, &rerr) || rerr.Response.StatusCode != http.StatusForbidden ||
			rerr.Message.Message != "Cannot send messages to this user" {
			t.Errorf("DM to %s with closed DMs: %v, want 403 50007 Cannot send messages to this user", m.Username, err)
		}
		if got := e.Messages(dm.ID); len(got) != 0 {
			t.Errorf("closed DM holds %d messages", len(got))
		}
	}

	// Others are unaffected.
	open, err := s.UserChannelCreate(members[2].UserID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ChannelMessageSend(open.ID, "hello"); err != nil {
		t.Errorf("DM to open DMs: %v", err)
	}
}

func TestForumPostIsAThreadWithItsFirstMessage(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t)
	seed := e.Seed()
	s := e.Session(t)
	forum, err := s.GuildChannelCreate(seed.GuildID, "help", discordgo.ChannelTypeGuildForum)
	if err != nil {
		t.Fatal(err)
	}
	// Room for every event the test causes: a blocked handler would
	// outlive the test.
	events := make(chan string, 8)
	s.AddHandler(func(_ *discordgo.Session, c *discordgo.ThreadCreate) {
		events <- "THREAD_CREATE " + c.ID + " in " + c.ParentID
	})
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) {
		events <- "MESSAGE_CREATE " + m.ID + " in " + m.ChannelID
	})

	asker := seed.MemberIDs[0]
	th, err := s.ForumThreadStartComplex(forum.ID, &discordgo.ThreadStart{Name: "How do I rebase?", AutoArchiveDuration: 1440},
		&discordgo.MessageSend{
			Content: "<@" + asker + "> asks: how do I rebase? @everyone",
			Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: "Mark resolved", Style: discordgo.SuccessButton, CustomID: "resolve"}}}},
			AllowedMentions: &discordgo.MessageAllowedMentions{Users: []string{asker}},
		})
	if err != nil {
		t.Fatalf("ForumThreadStartComplex: %v", err)
	}
	if th.Type != discordgo.ChannelTypeGuildPublicThread || th.ParentID != forum.ID || th.Name != "How do I rebase?" ||
		th.ThreadMetadata == nil || th.ThreadMetadata.AutoArchiveDuration != 1440 {
		t.Errorf("post = %+v, want a public thread of the forum", th)
	}

	// The answer nests the first message, which shares the thread's ID.
	resp := lastResponse(t, e, "POST /api/v9/channels/{channel_id}/threads")
	var nested struct {
		Message struct {
			ID        string `json:"id"`
			ChannelID string `json:"channel_id"`
		} `json:"message"`
	}
	if err := json.Unmarshal(resp, &nested); err != nil || nested.Message.ID != th.ID || nested.Message.ChannelID != th.ID {
		t.Errorf("response message = %+v (%v), want the first message, ID %s", nested.Message, err, th.ID)
	}
	m, ok := e.Message(th.ID)
	if !ok || m.ChannelID != th.ID || discordtest.FindComponent(m.Components, "resolve") == nil {
		t.Fatalf("first message = %+v, want the question with its button in the post", m)
	}
	if ids := userIDs(m.Mentions); !slices.Equal(ids, []string{asker}) || m.MentionEveryone {
		t.Errorf("first message mentions %v (everyone %v), want only the asker", ids, m.MentionEveryone)
	}
	if got := e.Threads(forum.ID); len(got) != 1 || got[0].ID != th.ID || got[0].MessageCount != 0 {
		t.Errorf("forum threads = %+v, want the post with message_count 0", got)
	}
	if f, _ := e.Channel(forum.ID); f.LastMessageID != th.ID {
		t.Errorf("forum last_message_id = %s, want the post %s", f.LastMessageID, th.ID)
	}
	// discordgo runs each handler in its own goroutine: compare as sets.
	want := []string{"MESSAGE_CREATE " + th.ID + " in " + th.ID, "THREAD_CREATE " + th.ID + " in " + forum.ID}
	var got []string
	for range want {
		select {
		case ev := <-events:
			got = append(got, ev)
		case <-time.After(2 * time.Second):
		}
	}
	if slices.Sort(got); !slices.Equal(got, want) {
		t.Errorf("events = %q, want %q", got, want)
	}

	// Replies go into the post; the forum itself takes no messages.
	if _, err := s.ChannelMessageSend(th.ID, "try git rebase -i"); err != nil {
		t.Errorf("reply in the post: %v", err)
	}
	if _, err := s.ChannelMessageSend(forum.ID, "hello"); restCode(t, err) != 40058 {
		t.Errorf("message in the forum: %v, want 40058", err)
	}
}

func TestForumPostRefusals(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t, discordtest.WithoutBotPermission(discordgo.PermissionCreatePublicThreads))
	seed := e.Seed()
	s := e.Session(t)
	forum, err := s.GuildChannelCreate(seed.GuildID, "help", discordgo.ChannelTypeGuildForum)
	if err != nil {
		t.Fatal(err)
	}
	// Without Create Public Threads a post still works: it takes Send Messages.
	if err := s.ChannelPermissionSet(forum.ID, seed.GuildID, discordgo.PermissionOverwriteTypeRole, 0,
		discordgo.PermissionCreatePublicThreads); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ForumThreadStart(forum.ID, "first", 60, "hello"); err != nil {
		t.Fatalf("post without Create Public Threads: %v", err)
	}

	cases := []struct {
		name string
		post func() error
		code int
	}{
		{"empty message", func() error {
			_, err := s.ForumThreadStart(forum.ID, "empty", 60, "")
			return err
		}, 50006},
		{"no name", func() error {
			_, err := s.ForumThreadStart(forum.ID, "", 60, "hello")
			return err
		}, 50035},
		{"bad archive duration", func() error {
			_, err := s.ForumThreadStart(forum.ID, "odd", 61, "hello")
			return err
		}, 50035},
		{"no message", func() error {
			_, err := s.ThreadStartComplex(forum.ID, &discordgo.ThreadStart{Name: "bare", Type: discordgo.ChannelTypeGuildPublicThread})
			return err
		}, 50035},
		{"unknown tag", func() error {
			_, err := s.ForumThreadStartComplex(forum.ID, &discordgo.ThreadStart{Name: "tagged", AppliedTags: []string{"1"}},
				&discordgo.MessageSend{Content: "hello"})
			return err
		}, 10087},
	}
	for _, c := range cases {
		if code := restCode(t, c.post()); code != c.code {
			t.Errorf("%s: code %d, want %d", c.name, code, c.code)
		}
	}
	if got := e.Threads(forum.ID); len(got) != 1 {
		t.Errorf("forum holds %d posts after refusals, want 1", len(got))
	}

	// Without Send Messages there is no post.
	if err := s.ChannelPermissionSet(forum.ID, seed.GuildID, discordgo.PermissionOverwriteTypeRole, 0,
		discordgo.PermissionSendMessages); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ForumThreadStart(forum.ID, "second", 60, "hello"); restCode(t, err) != 50013 {
		t.Errorf("post without Send Messages: %v, want 50013", err)
	}
}

// lastResponse is the body of the newest answer on a route.
func lastResponse(t *testing.T, e *discordtest.Emulator, route string) []byte {
	t.Helper()
	reqs := e.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Route == route {
			return reqs[i].ResponseBody
		}
	}
	t.Fatalf("no request on %s", route)
	return nil
}

func userIDs(us []*discordgo.User) []string {
	var ids []string
	for _, u := range us {
		ids = append(ids, u.ID)
	}
	return ids
}
