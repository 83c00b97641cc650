package commands

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
	"github.com/roundtable-bot/roundtable/workshop"
)

// These tests drive an unmodified discordgo session through the Discord
// emulator: commands are registered over REST, members act through the
// emulator, and the router answers over the real interaction endpoints.

// harness is a bot made of a router with test commands, connected to an
// emulator.
type harness struct {
	e    *discordtest.Emulator
	seed discordtest.SeedInfo
	logs *bufLogger
}

const answerWait = 5 * time.Second

func newHarness(t *testing.T, opts ...discordtest.Option) *harness {
	t.Helper()
	e := discordtest.New(t, opts...)
	s := e.Session(t)
	h := &harness{e: e, seed: e.Seed(), logs: &bufLogger{}}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("router log:\n%s", h.logs.String())
		}
	})

	router := NewRouter(RouterOptions{Logger: h.logs.logger()})
	reg := NewRegistry()
	DefineHelp(reg)
	reg.Define(&discordgo.ApplicationCommand{Name: "echo", Description: "Say it back",
		Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionString, Name: "text",
			Description: "What to say", Required: true, Autocomplete: true}}},
		func(ctx *Context) error { return ctx.Reply(false, "echo: "+ctx.StringOr("text", "")) })
	router.Autocomplete("echo", func(ctx *Context) ([]*discordgo.ApplicationCommandOptionChoice, error) {
		_, typed := ctx.Focused()
		return []*discordgo.ApplicationCommandOptionChoice{{Name: typed + "llo", Value: typed + "llo"}}, nil
	})
	reg.Define(&discordgo.ApplicationCommand{Name: "slow", Description: "Take longer than Discord's three seconds allow",
		Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionBoolean, Name: "public",
			Description: "Answer for everyone"}}},
		func(ctx *Context) error {
			time.Sleep(2500 * time.Millisecond)
			return ctx.Reply(!ctx.BoolOr("public", false), "slow done")
		})
	reg.Define(&discordgo.ApplicationCommand{Name: "boom", Description: "Panic"},
		func(*Context) error { panic("boom handler") })
	reg.Define(&discordgo.ApplicationCommand{Name: "host-only", Description: "Refuse a non-host"},
		func(*Context) error {
			return fmt.Errorf("pause: %w", workshop.Errorf(workshop.EFORBIDDEN, "Only a host can pause the workshop."))
		})
	reg.Define(&discordgo.ApplicationCommand{Name: "room", Description: "Create a channel"},
		func(ctx *Context) error {
			_, err := ctx.Session().GuildChannelCreate(ctx.GuildID(), "breakout-1", discordgo.ChannelTypeGuildText, discordgo.WithContext(ctx))
			if err != nil {
				return NeedsPermission(discordgo.PermissionManageChannels, fmt.Errorf("create breakout room: %w", err))
			}
			return ctx.Reply(true, "created")
		})
	reg.Define(&discordgo.ApplicationCommand{Name: "form", Description: "Open a form"},
		func(ctx *Context) error {
			return ctx.Modal(NewID("form", "run:7"), "Your idea",
				discordgo.TextInput{CustomID: "idea", Label: "Idea", Style: discordgo.TextInputParagraph, Required: true, MaxLength: 500})
		})
	router.Modal("form", func(ctx *Context) error {
		idea, _ := ctx.Field("idea")
		return ctx.Reply(true, fmt.Sprintf("idea %q for %s", idea, ctx.ID().Arg(0)))
	})
	reg.Define(&discordgo.ApplicationCommand{Name: "card", Description: "Post a card with buttons"},
		func(ctx *Context) error {
			ok, err := NewID("card.ok", "1").Encode()
			if err != nil {
				return err
			}
			gone, err := NewID("gone", "1").Encode()
			if err != nil {
				return err
			}
			return ctx.Reply(false, "a card", WithComponents(discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: "OK", Style: discordgo.PrimaryButton, CustomID: ok},
				discordgo.Button{Label: "Old", Style: discordgo.SecondaryButton, CustomID: "join_run_42"},
				discordgo.Button{Label: "Gone", Style: discordgo.SecondaryButton, CustomID: gone},
			}}))
		})
	router.Component("card", func(ctx *Context) error {
		return ctx.Update("clicked by "+ctx.Member().DisplayName, WithComponents())
	})
	reg.Install(router)

	if err := reg.Register(t.Context(), s, h.seed.ApplicationID, []string{h.seed.GuildID}); err != nil {
		t.Fatalf("register: %v", err)
	}
	remove := s.AddHandler(router.Handle)
	t.Cleanup(func() { remove(); router.Wait() })
	return h
}

func (h *harness) run(t *testing.T, name string, options map[string]any) *discordtest.Interaction {
	t.Helper()
	inter, err := h.e.Members()[0].RunCommand(name, options, h.seed.TextChannelID)
	if err != nil {
		t.Fatalf("run /%s: %v", name, err)
	}
	return inter
}

func (h *harness) noFailures(t *testing.T) {
	t.Helper()
	if failed := h.e.FailedInteractions(); len(failed) > 0 {
		t.Errorf("members saw interactions fail: %+v", failed)
	}
}

func TestE2ERegisterAndAnswer(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var names []string
	for _, c := range h.e.Commands(h.seed.GuildID) {
		names = append(names, c.Name)
	}
	slices.Sort(names)
	if want := []string{"boom", "card", "echo", "form", "host-only", "room", "roundtable", "slow"}; !slices.Equal(names, want) {
		t.Fatalf("emulator holds commands %v, want %v", names, want)
	}

	resp := h.run(t, "echo", map[string]any{"text": "hello"}).WaitResponse(t, answerWait)
	if resp.Type != discordgo.InteractionResponseChannelMessageWithSource || resp.Ephemeral || resp.Message.Content != "echo: hello" {
		t.Errorf("echo answered type %d ephemeral %v %q", resp.Type, resp.Ephemeral, resp.Message.Content)
	}

	help := h.run(t, "roundtable", nil).WaitResponse(t, answerWait)
	if !help.Ephemeral || len(help.Message.Embeds) != 1 || !strings.Contains(help.Message.Embeds[0].Description, "`/echo` — Say it back") {
		t.Errorf("help answered ephemeral %v %+v", help.Ephemeral, help.Message.Embeds)
	}

	ac, err := h.e.Members()[0].Autocomplete("echo", map[string]any{"text": "he"}, "text", h.seed.TextChannelID)
	if err != nil {
		t.Fatal(err)
	}
	if r := ac.WaitResponse(t, answerWait); len(r.Choices) != 1 || r.Choices[0].Name != "hello" {
		t.Errorf("autocomplete answered %+v", r.Choices)
	}
	h.noFailures(t)
}

func TestE2EButtons(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	card := h.run(t, "card", nil).WaitResponse(t, answerWait)
	clicker := h.e.Members()[1]
	for _, cid := range []string{"join_run_42", "rt1:gone:1"} {
		click, err := clicker.ClickButton(card.Message.ID, cid)
		if err != nil {
			t.Fatal(err)
		}
		r := click.WaitResponse(t, answerWait)
		if !r.Ephemeral || r.Message == nil || r.Message.Content != MsgStale {
			t.Errorf("stale button %q answered ephemeral %v %+v", cid, r.Ephemeral, r.Message)
		}
	}
	click, err := clicker.ClickButton(card.Message.ID, "rt1:card.ok:1")
	if err != nil {
		t.Fatal(err)
	}
	r := click.WaitResponse(t, answerWait)
	if r.Type != discordgo.InteractionResponseUpdateMessage || r.Message.Content != "clicked by Member 2" || len(r.Message.Components) != 0 {
		t.Errorf("button answered type %d %q %v", r.Type, r.Message.Content, r.Message.Components)
	}
	h.noFailures(t)
}

func TestE2EPanicThenNextWorks(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.run(t, "boom", nil).WaitResponse(t, answerWait)
	if !r.Ephemeral || r.Message.Content != MsgGeneric {
		t.Errorf("panic answered ephemeral %v %q", r.Ephemeral, r.Message.Content)
	}
	if !strings.Contains(h.logs.String(), "boom handler") {
		t.Errorf("the panic was not logged:\n%s", h.logs.String())
	}
	if r := h.run(t, "echo", map[string]any{"text": "still here"}).WaitResponse(t, answerWait); r.Message.Content != "echo: still here" {
		t.Errorf("after the panic echo answered %q", r.Message.Content)
	}
	h.noFailures(t)
}

func TestE2ESlowHandlerIsDeferred(t *testing.T) {
	t.Parallel()
	for _, public := range []bool{false, true} {
		t.Run(fmt.Sprintf("public=%v", public), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			inter := h.run(t, "slow", map[string]any{"public": public})
			first := inter.WaitResponse(t, answerWait)
			if !first.Deferred || !first.Ephemeral {
				t.Fatalf("first response: deferred %v ephemeral %v, want an ephemeral defer", first.Deferred, first.Ephemeral)
			}
			var final *discordtest.Response
			h.e.WaitFor(t, answerWait, func(st *discordtest.State) bool {
				r, _ := st.InteractionResponse(inter.ID)
				final = r
				if public {
					return len(r.Followups) == 1
				}
				return r.Message != nil && r.Message.Content != ""
			})
			if public {
				if f := final.Followups[0]; f.Content != "slow done" || f.Flags&discordgo.MessageFlagsEphemeral != 0 {
					t.Errorf("public followup %q flags %d", f.Content, f.Flags)
				}
				h.e.WaitFor(t, answerWait, func(st *discordtest.State) bool {
					r, _ := st.InteractionResponse(inter.ID)
					return r.Message == nil // the ephemeral placeholder is gone
				})
			} else if final.Message.Content != "slow done" || final.Message.Flags&discordgo.MessageFlagsEphemeral == 0 {
				t.Errorf("edited response %q flags %d", final.Message.Content, final.Message.Flags)
			}
			h.noFailures(t)
		})
	}
}

func TestE2EDomainAndDiscordErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t, discordtest.WithoutBotPermission(discordgo.PermissionManageChannels))
	r := h.run(t, "host-only", nil).WaitResponse(t, answerWait)
	if !r.Ephemeral || r.Message.Content != "Only a host can pause the workshop." {
		t.Errorf("forbidden answered ephemeral %v %q", r.Ephemeral, r.Message.Content)
	}
	r = h.run(t, "room", nil).WaitResponse(t, answerWait)
	want := "I am missing a permission in this channel: I need Manage Channels for that (ask an admin to give me Manage Channels)."
	if !r.Ephemeral || r.Message.Content != want {
		t.Errorf("50013 answered ephemeral %v %q", r.Ephemeral, r.Message.Content)
	}
	h.noFailures(t)
}

func TestE2EModal(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	m := h.e.Members()[0]
	open := h.run(t, "form", nil)
	r := open.WaitResponse(t, answerWait)
	if r.Modal == nil || r.Modal.CustomID != "rt1:form:run%3A7" || len(r.Modal.Inputs) != 1 {
		t.Fatalf("form answered %+v", r)
	}
	submit, err := m.SubmitModal(open, r.Modal.CustomID, map[string]string{"idea": "pair on the canvas"})
	if err != nil {
		t.Fatal(err)
	}
	got := submit.WaitResponse(t, answerWait)
	if !got.Ephemeral || got.Message.Content != `idea "pair on the canvas" for run:7` {
		t.Errorf("modal submit answered ephemeral %v %q", got.Ephemeral, got.Message.Content)
	}
	h.noFailures(t)
}

func TestE2ERegisterGlobally(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t)
	s := e.Session(t)
	reg := NewRegistry()
	DefineHelp(reg)
	if err := reg.Register(t.Context(), s, e.Seed().ApplicationID, nil); err != nil {
		t.Fatalf("register: %v", err)
	}
	if global, guild := e.Commands(""), e.Commands(e.Seed().GuildID); len(global) != 1 || global[0].Name != HelpCommandName || len(guild) != 0 {
		t.Errorf("global commands %v, guild commands %v", global, guild)
	}
	bad := NewRegistry()
	bad.Define(&discordgo.ApplicationCommand{Name: "Bad Name", Description: "x"}, nil)
	if err := bad.Register(t.Context(), s, e.Seed().ApplicationID, nil); err == nil {
		t.Error("an invalid definition was sent to Discord")
	}
	if len(e.Commands("")) != 1 {
		t.Error("a refused registration changed the commands")
	}
}
