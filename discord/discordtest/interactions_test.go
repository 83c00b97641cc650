package discordtest_test

import (
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
)

// fakeClock is a settable clock for deadlines without sleeping.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var workshopCommand = &discordgo.ApplicationCommand{
	Name:        "workshop",
	Description: "Run a workshop",
	Options: []*discordgo.ApplicationCommandOption{{
		Type: discordgo.ApplicationCommandOptionSubCommand, Name: "start", Description: "Start one",
		Options: []*discordgo.ApplicationCommandOption{{
			Type: discordgo.ApplicationCommandOptionString, Name: "curriculum", Description: "Which", Required: true, Autocomplete: true,
		}},
	}},
}

// TestComponentFlow walks a deferred response, its edit with a button, a
// followup, a button that opens a modal, the modal's submit, a select
// update and autocomplete, each answered by a discordgo handler.
func TestComponentFlow(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t)
	seed := e.Seed()
	s := e.Session(t)
	if _, err := s.ApplicationCommandBulkOverwrite(seed.ApplicationID, "", []*discordgo.ApplicationCommand{workshopCommand}); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 16)
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		respond := func(r *discordgo.InteractionResponse) {
			if err := s.InteractionRespond(i.Interaction, r); err != nil {
				errs <- err
			}
		}
		switch i.Type {
		case discordgo.InteractionApplicationCommandAutocomplete:
			respond(&discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
				Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "Intro to Go", Value: "intro"}}}})
		case discordgo.InteractionApplicationCommand:
			respond(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
			content := "Workshop " + i.ApplicationCommandData().Options[0].Options[0].StringValue()
			_, err := s.InteractionResponseEdit(i.Interaction, &discordgo.WebhookEdit{
				Content: &content,
				Components: &[]discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
					discordgo.Button{Label: "Join", CustomID: "join", Style: discordgo.PrimaryButton},
				}}, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
					discordgo.SelectMenu{CustomID: "level", Options: []discordgo.SelectMenuOption{{Label: "New", Value: "new"}, {Label: "Old", Value: "old"}}},
				}}},
			})
			if err != nil {
				errs <- err
			}
			if _, err := s.FollowupMessageCreate(i.Interaction, true, &discordgo.WebhookParams{Content: "only you", Flags: discordgo.MessageFlagsEphemeral}); err != nil {
				errs <- err
			}
		case discordgo.InteractionMessageComponent:
			data := i.MessageComponentData()
			if data.CustomID == "join" {
				respond(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
					CustomID: "join-modal", Title: "Join",
					Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
						discordgo.TextInput{CustomID: "goal", Label: "Your goal", Style: discordgo.TextInputShort, Required: true, MaxLength: 50},
					}}},
				}})
				return
			}
			respond(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage,
				Data: &discordgo.InteractionResponseData{Content: "Level: " + data.Values[0]}})
		case discordgo.InteractionModalSubmit:
			if i.Data == nil {
				errs <- errNoData
				return
			}
			goal := i.ModalSubmitData().Components[0].(*discordgo.ActionsRow).Components[0].(*discordgo.TextInput).Value
			respond(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{Content: "Goal: " + goal, Flags: discordgo.MessageFlagsEphemeral}})
		}
	})
	member := e.Members()[0]

	ac, err := member.Autocomplete("workshop start", map[string]any{"curriculum": "in"}, "curriculum", seed.TextChannelID)
	if err != nil {
		t.Fatal(err)
	}
	if r := ac.WaitResponse(t, wait); len(r.Choices) != 1 || r.Choices[0].Value != "intro" {
		t.Fatalf("autocomplete = %+v", r)
	}

	cmd, err := member.RunCommand("workshop start", map[string]any{"curriculum": "intro"}, seed.TextChannelID)
	if err != nil {
		t.Fatal(err)
	}
	if r := cmd.WaitResponse(t, wait); r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Fatalf("response type = %d", r.Type)
	}
	var original *discordgo.Message
	e.WaitFor(t, wait, func(st *discordtest.State) bool {
		msgs := st.Messages(seed.TextChannelID)
		if len(msgs) == 1 && msgs[0].Content == "Workshop intro" && len(msgs[0].Components) == 2 {
			original = msgs[0]
			return true
		}
		return false
	})
	e.WaitFor(t, wait, func(st *discordtest.State) bool {
		r, _ := st.InteractionResponse(cmd.ID)
		return len(r.Followups) == 1
	})
	if r, _ := cmd.Response(); r.Followups[0].Flags&discordgo.MessageFlagsEphemeral == 0 || len(e.Messages(seed.TextChannelID)) != 1 {
		t.Fatal("ephemeral followup must not be a channel message")
	}

	click, err := member.ClickButton(original.ID, "join")
	if err != nil {
		t.Fatal(err)
	}
	r := click.WaitResponse(t, wait)
	if r.Modal == nil || r.Modal.CustomID != "join-modal" {
		t.Fatalf("modal = %+v", r)
	}
	if _, err := member.SubmitModal(click, "join-modal", map[string]string{"goal": ""}); err == nil {
		t.Fatal("required field accepted empty")
	}
	submit, err := member.SubmitModal(click, "join-modal", map[string]string{"goal": "ship it"})
	if err != nil {
		t.Fatal(err)
	}
	if r := submit.WaitResponse(t, wait); r.Message == nil || r.Message.Content != "Goal: ship it" || !r.Ephemeral {
		t.Fatalf("modal answer = %+v", r)
	}

	sel, err := member.ChooseSelect(original.ID, "level", "old")
	if err != nil {
		t.Fatal(err)
	}
	sel.WaitResponse(t, wait)
	if m, _ := e.Message(original.ID); m.Content != "Level: old" {
		t.Fatalf("after update: %q", m.Content)
	}
	if _, err := member.ChooseSelect(original.ID, "level", "nope"); err == nil {
		t.Fatal("unknown select value accepted")
	}
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
}

type constErr string

func (e constErr) Error() string { return string(e) }

const errNoData = constErr("modal submit without data")

func TestDoubleAcknowledge(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t)
	seed := e.Seed()
	s := e.Session(t)
	if _, err := s.ApplicationCommandBulkOverwrite(seed.ApplicationID, seed.GuildID, []*discordgo.ApplicationCommand{pingCommand}); err != nil {
		t.Fatal(err)
	}
	second := make(chan error, 1)
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		reply := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "once"}}
		if err := s.InteractionRespond(i.Interaction, reply); err != nil {
			second <- err
			return
		}
		second <- s.InteractionRespond(i.Interaction, reply)
	})
	if _, err := e.Members()[0].RunCommand("ping", map[string]any{"word": "x"}, seed.TextChannelID); err != nil {
		t.Fatal(err)
	}
	if code := restCode(t, <-second); code != 40060 {
		t.Fatalf("second ack: code %d, want 40060", code)
	}
}

// TestLateResponseFails advances the emulator's clock past the 3 s deadline
// before the app answers.
func TestLateResponseFails(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Now()}
	e := discordtest.New(t, discordtest.WithClock(clock.Now))
	seed := e.Seed()
	s := e.Session(t)
	if _, err := s.ApplicationCommandBulkOverwrite(seed.ApplicationID, seed.GuildID, []*discordgo.ApplicationCommand{pingCommand}); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	result := make(chan error, 1)
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		<-release
		result <- s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{Content: "late"}})
	})
	inter, err := e.Members()[0].RunCommand("ping", map[string]any{"word": "x"}, seed.TextChannelID)
	if err != nil {
		t.Fatal(err)
	}
	clock.Add(3*time.Second + time.Millisecond)
	if !inter.Failed() {
		t.Fatal("interaction not failed after the deadline")
	}
	close(release)
	if code := restCode(t, <-result); code != 10062 {
		t.Fatalf("late callback: code %d, want 10062", code)
	}
	failed := e.FailedInteractions()
	if len(failed) != 1 || failed[0].ID != inter.ID || !failed[0].Late || failed[0].Name != "ping" {
		t.Fatalf("failed interactions = %+v", failed)
	}
}

// TestTokenLifetime: edits work until 15 minutes, then the token is invalid.
func TestTokenLifetime(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Now()}
	e := discordtest.New(t, discordtest.WithClock(clock.Now))
	seed := e.Seed()
	s := e.Session(t)
	if _, err := s.ApplicationCommandBulkOverwrite(seed.ApplicationID, seed.GuildID, []*discordgo.ApplicationCommand{pingCommand}); err != nil {
		t.Fatal(err)
	}
	got := make(chan *discordgo.Interaction, 1)
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		if err := s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}); err != nil {
			t.Errorf("defer: %v", err)
		}
		got <- i.Interaction
	})
	if _, err := e.Members()[0].RunCommand("ping", map[string]any{"word": "x"}, seed.TextChannelID); err != nil {
		t.Fatal(err)
	}
	i := <-got
	clock.Add(14 * time.Minute)
	content := "still here"
	if _, err := s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &content}); err != nil {
		t.Fatalf("edit at 14 min: %v", err)
	}
	clock.Add(2 * time.Minute)
	_, err := s.FollowupMessageCreate(i, true, &discordgo.WebhookParams{Content: "too late"})
	if code := restCode(t, err); code != 50027 {
		t.Fatalf("followup after 16 min: code %d, want 50027", code)
	}
}

func TestDefaultMemberPermissions(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t)
	seed := e.Seed()
	s := e.Session(t)
	var manageEvents int64 = discordgo.PermissionManageEvents
	host := &discordgo.ApplicationCommand{Name: "host", Description: "Host tools", DefaultMemberPermissions: &manageEvents}
	if _, err := s.ApplicationCommandBulkOverwrite(seed.ApplicationID, seed.GuildID, []*discordgo.ApplicationCommand{host}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Members()[0].RunCommand("host", nil, seed.TextChannelID); err == nil {
		t.Fatal("a member without Manage Events ran a host command")
	}
	if _, err := e.Owner().RunCommand("host", nil, seed.TextChannelID); err != nil {
		t.Fatalf("owner: %v", err)
	}
}
