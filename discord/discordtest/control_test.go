package discordtest_test

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
)

// TestStandaloneControlAPI runs the emulator without testing.T plumbing, as
// `roundtable emulator` will, and acts as a member over the control API.
func TestStandaloneControlAPI(t *testing.T) {
	t.Parallel()
	e, err := discordtest.NewServer(discordtest.WithMembers(2))
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.Start(l)
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Error(err)
		}
	})
	seed := e.Seed()
	if len(seed.MemberIDs) != 2 || seed.APIBase != "http://"+l.Addr().String()+"/api/v9" {
		t.Fatalf("seed = %+v", seed)
	}
	s := e.Session(t)
	if _, err := s.ApplicationCommandBulkOverwrite(seed.ApplicationID, seed.GuildID, []*discordgo.ApplicationCommand{pingCommand}); err != nil {
		t.Fatal(err)
	}
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		_ = s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{Content: "pong"}})
	})
	base := "http://" + l.Addr().String() + "/_emulator"
	post := func(path string, body any) (int, map[string]any) {
		b, _ := json.Marshal(body)
		resp, err := http.Post(base+path, "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	member := seed.MemberIDs[0]
	status, out := post("/members/"+member+"/command", map[string]any{
		"name": "ping", "options": map[string]any{"word": "hi", "times": 3}, "channel_id": seed.TextChannelID})
	if status != http.StatusOK || out["interaction_id"] == "" {
		t.Fatalf("command: %d %v", status, out)
	}
	id, _ := out["interaction_id"].(string)
	deadline := time.Now().Add(wait)
	for {
		resp, err := http.Get(base + "/interactions/" + id)
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Response *struct {
				Message struct {
					Content string `json:"content"`
				} `json:"message"`
			} `json:"response"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		if got.Response != nil {
			if got.Response.Message.Content != "pong" {
				t.Fatalf("response content %q", got.Response.Message.Content)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no response over the control API")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if status, _ := post("/members/"+member+"/voice", map[string]any{"channel_id": seed.VoiceChannelID}); status != http.StatusNoContent {
		t.Fatalf("voice: %d", status)
	}
	if e.VoiceChannelOf(member) != seed.VoiceChannelID {
		t.Fatal("member not in voice")
	}
	if status, out := post("/members/"+member+"/command", map[string]any{"name": "nope", "channel_id": seed.TextChannelID}); status != http.StatusBadRequest {
		t.Fatalf("unknown command: %d %v", status, out)
	}
	resp, err := http.Get(base + "/state")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var state struct {
		Voice    map[string]string `json:"voice"`
		Channels []json.RawMessage `json:"channels"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&state); err != nil || state.Voice[member] != seed.VoiceChannelID || len(state.Channels) != 2 {
		t.Fatalf("state: %+v %v", state, err)
	}
}

// TestRealInteractionDeadline uses Discord's real 3 s deadline once.
func TestRealInteractionDeadline(t *testing.T) {
	if testing.Short() {
		t.Skip("sleeps past the 3 s interaction deadline")
	}
	t.Parallel()
	e := discordtest.New(t)
	seed := e.Seed()
	s := e.Session(t)
	if _, err := s.ApplicationCommandBulkOverwrite(seed.ApplicationID, seed.GuildID, []*discordgo.ApplicationCommand{pingCommand}); err != nil {
		t.Fatal(err)
	}
	result := make(chan error, 1)
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		time.Sleep(3100 * time.Millisecond) // a handler doing slow work before answering
		result <- s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{Content: "slow"}})
	})
	if _, err := e.Members()[0].RunCommand("ping", map[string]any{"word": "x"}, seed.TextChannelID); err != nil {
		t.Fatal(err)
	}
	if code := restCode(t, <-result); code != 10062 {
		t.Fatalf("code %d, want 10062", code)
	}
	if len(e.FailedInteractions()) != 1 {
		t.Fatal("interaction not recorded as failed")
	}
}

// A modal answer carries no message; the control API must still describe
// it (it used to panic marshalling the missing message).
func TestControlAPIDescribesAModalAnswer(t *testing.T) {
	t.Parallel()
	e, err := discordtest.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.Start(l)
	t.Cleanup(func() { _ = e.Close() })
	seed := e.Seed()
	s := e.Session(t)
	if _, err := s.ApplicationCommandBulkOverwrite(seed.ApplicationID, seed.GuildID, []*discordgo.ApplicationCommand{pingCommand}); err != nil {
		t.Fatal(err)
	}
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		_ = s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal,
			Data: &discordgo.InteractionResponseData{CustomID: "form", Title: "Form", Components: []discordgo.MessageComponent{
				discordgo.ActionsRow{Components: []discordgo.MessageComponent{
					discordgo.TextInput{CustomID: "idea", Label: "Idea", Style: discordgo.TextInputShort}}}}}})
	})
	inter, err := e.Members()[0].RunCommand("ping", map[string]any{"word": "hi"}, seed.TextChannelID)
	if err != nil {
		t.Fatal(err)
	}
	inter.WaitResponse(t, 5*time.Second)
	resp, err := http.Get("http://" + l.Addr().String() + "/_emulator/interactions/" + inter.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		Response struct {
			Type  int `json:"type"`
			Modal struct{ CustomID string }
		} `json:"response"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("status %s, %v", resp.Status, err)
	}
	if got.Response.Type != 9 || got.Response.Modal.CustomID != "form" {
		t.Fatalf("response = %+v", got.Response)
	}
}
