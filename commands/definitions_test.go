package commands

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func TestHelpDefinitionIsValid(t *testing.T) {
	reg := NewRegistry()
	DefineHelp(reg)
	if err := reg.Validate(); err != nil {
		t.Fatalf("help definition: %v", err)
	}
}

func TestValidateCommands(t *testing.T) {
	good := func() *discordgo.ApplicationCommand {
		return &discordgo.ApplicationCommand{Name: "workshop", Description: "Run a workshop", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "start", Description: "Start one", Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "curriculum", Description: "Which", Required: true, Autocomplete: true},
				{Type: discordgo.ApplicationCommandOptionInteger, Name: "group_size", Description: "People per group"},
			}},
			{Type: discordgo.ApplicationCommandOptionSubCommandGroup, Name: "admin", Description: "Admin", Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "reset", Description: "Reset"},
			}},
		}}
	}
	if err := ValidateCommands([]*discordgo.ApplicationCommand{good(), {Type: discordgo.UserApplicationCommand, Name: "Ask for help"}}); err != nil {
		t.Fatalf("valid definitions refused: %v", err)
	}
	for _, tc := range []struct {
		name   string
		change func(c *discordgo.ApplicationCommand)
		want   string
	}{
		{"upper-case name", func(c *discordgo.ApplicationCommand) { c.Name = "Workshop" }, "lower-case"},
		{"space in name", func(c *discordgo.ApplicationCommand) { c.Name = "work shop" }, "lower-case"},
		{"long name", func(c *discordgo.ApplicationCommand) { c.Name = strings.Repeat("w", 33) }, "1-32"},
		{"empty description", func(c *discordgo.ApplicationCommand) { c.Description = "" }, "description"},
		{"long description", func(c *discordgo.ApplicationCommand) { c.Description = strings.Repeat("d", 101) }, "description"},
		{"option description", func(c *discordgo.ApplicationCommand) { c.Options[0].Options[1].Description = "" }, "group_size: description"},
		{"required after optional", func(c *discordgo.ApplicationCommand) {
			o := c.Options[0].Options
			o[0], o[1] = o[1], o[0]
		}, "required options must come before"},
		{"mixed subcommands and options", func(c *discordgo.ApplicationCommand) {
			c.Options = append(c.Options, &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "x", Description: "x"})
		}, "cannot be mixed"},
		{"duplicate option", func(c *discordgo.ApplicationCommand) { c.Options[1].Name = "start" }, "appears twice"},
		{"choices and autocomplete", func(c *discordgo.ApplicationCommand) {
			c.Options[0].Options[0].Choices = []*discordgo.ApplicationCommandOptionChoice{{Name: "a", Value: "a"}}
		}, "exclude each other"},
		{"group in a group", func(c *discordgo.ApplicationCommand) {
			c.Options[1].Options[0].Type = discordgo.ApplicationCommandOptionSubCommandGroup
		}, "directly under the command"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good()
			tc.change(c)
			err := ValidateCommands([]*discordgo.ApplicationCommand{c})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
	if err := ValidateCommands([]*discordgo.ApplicationCommand{good(), good()}); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate commands: %v", err)
	}
}

func TestRegistryInstallRoutes(t *testing.T) {
	reg := NewRegistry()
	reg.Define(&discordgo.ApplicationCommand{Name: "ping", Description: "Ping"}, func(ctx *Context) error { return ctx.Reply(true, "pong") })
	DefineHelp(reg)
	r := NewRouter(RouterOptions{})
	reg.Install(r)
	if got := onlyReply(t, dispatch(r, commandInteraction("ping"))).Data.Content; got != "pong" {
		t.Errorf("ping answered %q", got)
	}
	resp := onlyReply(t, dispatch(r, commandInteraction(HelpCommandName)))
	if resp.Data.Flags != discordgo.MessageFlagsEphemeral || len(resp.Data.Embeds) != 1 ||
		!strings.Contains(resp.Data.Embeds[0].Description, "`/ping` — Ping") ||
		strings.Contains(resp.Data.Embeds[0].Description, "/roundtable") {
		t.Errorf("help answered %+v", resp.Data)
	}
}

func TestHelpWithNothingElse(t *testing.T) {
	e := helpEmbed(nil)
	if !strings.Contains(e.Description, "No other commands") {
		t.Errorf("empty help: %q", e.Description)
	}
}
