package discordtest_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
)

const wait = 5 * time.Second

var pingCommand = &discordgo.ApplicationCommand{
	Name:        "ping",
	Description: "Answers pong",
	Options: []*discordgo.ApplicationCommandOption{
		{Type: discordgo.ApplicationCommandOptionString, Name: "word", Description: "A word", Required: true},
		{Type: discordgo.ApplicationCommandOptionInteger, Name: "times", Description: "How often"},
	},
}

// restCode extracts Discord's error code from a discordgo error.
func restCode(t *testing.T, err error) int {
	t.Helper()
	var rerr *discordgo.RESTError
	if !errors.As(err, &rerr) || rerr.Message == nil {
		t.Fatalf("want a discordgo RESTError with a message, got %v", err)
	}
	return rerr.Message.Code
}

func TestSlashCommandRoundTrip(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t)
	seed := e.Seed()
	s := e.Session(t)

	cmds, err := s.ApplicationCommandBulkOverwrite(seed.ApplicationID, seed.GuildID, []*discordgo.ApplicationCommand{pingCommand})
	if err != nil {
		t.Fatalf("bulk overwrite: %v", err)
	}
	if len(cmds) != 1 || cmds[0].ID == "" || len(e.Commands(seed.GuildID)) != 1 {
		t.Fatalf("commands not registered: %+v", cmds)
	}

	got := make(chan *discordgo.InteractionCreate, 1)
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		if i.Type != discordgo.InteractionApplicationCommand {
			return
		}
		got <- i
		data := i.ApplicationCommandData()
		err := s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "pong " + data.Options[0].StringValue()},
		})
		if err != nil {
			t.Errorf("respond: %v", err)
		}
	})

	member := e.Members()[0]
	inter, err := member.RunCommand("ping", map[string]any{"word": "hello", "times": 2}, seed.TextChannelID)
	if err != nil {
		t.Fatalf("run command: %v", err)
	}
	resp := inter.WaitResponse(t, wait)
	if resp.Type != discordgo.InteractionResponseChannelMessageWithSource || resp.Message == nil ||
		resp.Message.Content != "pong hello" {
		t.Fatalf("response = %+v", resp)
	}
	i := <-got
	if i.Member == nil || i.Member.User == nil || i.Member.User.ID != member.UserID || i.GuildID != seed.GuildID {
		t.Fatalf("interaction member/guild wrong: %+v", i.Interaction)
	}
	if opts := i.ApplicationCommandData().Options; len(opts) != 2 || opts[1].IntValue() != 2 {
		t.Fatalf("options = %+v", opts)
	}
	msgs := e.Messages(seed.TextChannelID)
	if len(msgs) != 1 || msgs[0].Content != "pong hello" || msgs[0].Interaction == nil {
		t.Fatalf("channel messages = %+v", msgs)
	}
	// The response reached the state before its request reached the log:
	// wait for the log too.
	callbacks := func() int {
		n := 0
		for _, r := range e.Requests() {
			if r.Route == "POST /api/v9/interactions/{interaction_id}/{interaction_token}/callback" && r.Status == http.StatusNoContent {
				n++
			}
		}
		return n
	}
	for deadline := time.Now().Add(wait); callbacks() == 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if n := callbacks(); n != 1 {
		t.Fatalf("request log holds %d callbacks, want 1", n)
	}
	if len(e.FailedInteractions()) != 0 {
		t.Fatalf("failed interactions: %+v", e.FailedInteractions())
	}
}

func TestUnauthorized(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t)
	s, err := discordgo.New("Bot wrong-token")
	if err != nil {
		t.Fatal(err)
	}
	s.Client = e.HTTPClient()
	_, err = s.User("@me")
	var rerr *discordgo.RESTError
	if !errors.As(err, &rerr) || rerr.Response.StatusCode != http.StatusUnauthorized {
		t.Fatalf("want 401, got %v", err)
	}
}

func TestMissingManageChannels(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t, discordtest.WithoutBotPermission(discordgo.PermissionManageChannels))
	s := e.Session(t)
	_, err := s.GuildChannelCreate(e.Seed().GuildID, "nope", discordgo.ChannelTypeGuildText)
	if code := restCode(t, err); code != 50013 {
		t.Fatalf("code = %d, want 50013", code)
	}
}
