package commands

import (
	"strings"

	"github.com/bwmarrin/discordgo"
)

// HelpCommandName is the command that lists what the bot can do.
const HelpCommandName = "roundtable"

const helpIntro = "Roundtable runs peer-learning workshops from ready-made curricula — paced exercises in " +
	"small breakout rooms, with a recap at the end — and keeps side-project peers accountable " +
	"with check-ins, streaks and support threads.\n\n"

// maxEmbedDescription is Discord's limit on an embed's description.
const maxEmbedDescription = 4096

// DefineHelp defines /roundtable in reg. Its answer lists every command in
// reg when it is run, so commands defined after it are listed too.
func DefineHelp(reg *Registry) {
	reg.Define(&discordgo.ApplicationCommand{
		Name:        HelpCommandName,
		Description: "What Roundtable can do, and the commands to do it",
	}, func(ctx *Context) error {
		return ctx.ReplyEmbed(true, helpEmbed(reg.Definitions()))
	})
}

// helpEmbed lists the chat-input commands with their subcommands.
func helpEmbed(defs []*discordgo.ApplicationCommand) *discordgo.MessageEmbed {
	var b strings.Builder
	b.WriteString(helpIntro)
	listed := 0
	for _, c := range defs {
		if c == nil || commandKind(c) != discordgo.ChatApplicationCommand || c.Name == HelpCommandName {
			continue
		}
		for _, line := range usage(c) {
			b.WriteString(line)
			b.WriteByte('\n')
			listed++
		}
	}
	if listed == 0 {
		b.WriteString("No other commands are set up on this server yet.\n")
	}
	b.WriteString("\nAnswers to your own commands are shown only to you unless a command says otherwise.")
	return &discordgo.MessageEmbed{
		Title:       "Roundtable",
		Description: Truncate(b.String(), maxEmbedDescription),
		Color:       0x5865F2,
	}
}
