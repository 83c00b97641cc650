package discordtest_test

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
	"github.com/roundtable-bot/roundtable/discord/discordtest/fault"
)

// TestLayers proves the fault and spec layers sit in front of the handlers.
func TestLayers(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t, discordtest.WithFaults(fault.Options{Statuses: []int{http.StatusInternalServerError}}))
	seed := e.Seed()
	s := e.Session(t)

	_, err := s.ChannelMessageSend(seed.TextChannelID, strings.Repeat("x", 2001))
	if code := restCode(t, err); code != 50035 {
		t.Fatalf("2001 characters: code %d, want 50035", code)
	}

	e.Faults().SetErrorRate(1)
	_, err = s.ChannelMessageSend(seed.TextChannelID, "during an outage")
	var rerr *discordgo.RESTError
	if !errors.As(err, &rerr) || rerr.Response.StatusCode != http.StatusInternalServerError {
		t.Fatalf("with faults: %v", err)
	}
	e.Faults().SetErrorRate(0)
	if len(e.Messages(seed.TextChannelID)) != 0 {
		t.Fatal("a request failed by the fault layer must not reach the handlers")
	}
	if _, err := s.ChannelMessageSend(seed.TextChannelID, "back"); err != nil {
		t.Fatalf("after the outage: %v", err)
	}
}

// TestInteractionResponseWithFile answers a command with an attachment, as
// multipart/form-data with payload_json.
func TestInteractionResponseWithFile(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t)
	seed := e.Seed()
	s := e.Session(t)
	if _, err := s.ApplicationCommandBulkOverwrite(seed.ApplicationID, seed.GuildID, []*discordgo.ApplicationCommand{pingCommand}); err != nil {
		t.Fatal(err)
	}
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		err := s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "your streak",
				Files: []*discordgo.File{{Name: "streak.png", ContentType: "image/png", Reader: bytes.NewReader([]byte("png"))}}},
		})
		if err != nil {
			t.Errorf("respond with file: %v", err)
		}
	})
	inter, err := e.Members()[0].RunCommand("ping", map[string]any{"word": "x"}, seed.TextChannelID)
	if err != nil {
		t.Fatal(err)
	}
	r := inter.WaitResponse(t, wait)
	if r.Message == nil || len(r.Message.Attachments) != 1 || r.Message.Attachments[0].Filename != "streak.png" {
		t.Fatalf("response = %+v", r.Message)
	}
	if data, _ := e.Attachment(r.Message.Attachments[0].ID); string(data) != "png" {
		t.Fatalf("attachment = %q", data)
	}
}
