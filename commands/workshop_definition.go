package commands

import (
	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/workshop"
)

// workshopCommand is /workshop: hosts run workshops with it, anyone lists
// the curricula, the past runs and the status of the one in the channel.
// Discord's own command permissions are left open (participants use list
// and status); every host action is checked by the bot itself.
func workshopCommand() *discordgo.ApplicationCommand {
	noDM := false
	sub := func(name, desc string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand,
			Name: name, Description: desc, Options: opts}
	}
	minStartsIn, minGroup, minExtend := float64(MinStartsIn), float64(workshop.MinGroupSize), float64(MinExtend)
	one := 1
	return &discordgo.ApplicationCommand{
		Name:         "workshop",
		Description:  "Run a peer-learning workshop in this channel",
		DMPermission: &noDM,
		Options: []*discordgo.ApplicationCommandOption{
			sub("start", "Open a workshop's lobby in this channel (hosts)",
				&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "curriculum",
					Description: "The curriculum to run", Required: true, Autocomplete: true},
				&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionChannel, Name: "voice",
					Description:  "The voice channel members return to after breakouts",
					ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildVoice, discordgo.ChannelTypeGuildStageVoice}},
				&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: "starts_in",
					Description: "Minutes until it begins by itself (leave out or 0: begin with /workshop begin)",
					MinValue:    &minStartsIn, MaxValue: float64(MaxStartsIn)},
				&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: "group_size",
					Description: "People per breakout group, for every breakout",
					MinValue:    &minGroup, MaxValue: float64(workshop.MaxGroupSize)},
			),
			sub("begin", "Begin the workshop in this channel now (hosts)"),
			sub("pause", "Stop the clock everywhere (hosts)"),
			sub("resume", "Restart the clock (hosts)"),
			sub("extend", "Add time to the current step (hosts)",
				&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: "minutes",
					Description: "Minutes to add", Required: true, MinValue: &minExtend, MaxValue: float64(MaxExtend)}),
			sub("skip", "End the current step now and start the next (hosts)"),
			sub("broadcast", "Post a message in the main channel and every room (hosts)",
				&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "message",
					Description: "What to tell everyone", Required: true, MinLength: &one, MaxLength: workshop.MaxBroadcastLen}),
			sub("end", "End the workshop now, with its summary (hosts)"),
			sub("status", "Where the workshop in this channel stands"),
			sub("panel", "Open the host controls as buttons (hosts)"),
			sub("list", "The curricula you can run"),
			sub("history", "This server's past workshops"),
		},
	}
}

// helpCommand is /help: a participant asks the hosts for help.
func helpCommand() *discordgo.ApplicationCommand {
	noDM := false
	return &discordgo.ApplicationCommand{
		Name:         "help",
		Description:  "Ask the workshop's hosts for help; they get a link to where you are",
		DMPermission: &noDM,
	}
}
