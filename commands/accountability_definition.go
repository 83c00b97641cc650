package commands

import (
	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/accountability"
)

func optString(name, desc string, required bool) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name, Description: desc, Required: required}
}

func optChannel(name, desc string, required bool, types ...discordgo.ChannelType) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionChannel, Name: name, Description: desc, Required: required, ChannelTypes: types}
}

func subcommand(name, desc string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand, Name: name, Description: desc, Options: opts}
}

func accountabilityCommand() *discordgo.ApplicationCommand {
	cadences := make([]*discordgo.ApplicationCommandOptionChoice, 0, 3)
	for _, c := range accountability.Cadences() {
		cadences = append(cadences, &discordgo.ApplicationCommandOptionChoice{Name: string(c), Value: string(c)})
	}
	cadence := optString("cadence", "How often members check in", true)
	cadence.Choices = cadences
	zone := optString("timezone", "The channel's time zone (IANA name, e.g. Europe/Berlin)", true)
	zone.Autocomplete = true
	tm := optString("time", "When the check-in prompt is posted, HH:MM in the channel's zone", true)
	tm.MinLength, tm.MaxLength = ptr(1), 5
	which := func() *discordgo.ApplicationCommandOption {
		return optChannel("channel", "The accountability channel (default: this one)", false, discordgo.ChannelTypeGuildText)
	}
	return &discordgo.ApplicationCommand{
		Name:        "accountability",
		Description: "Set up check-in channels (Manage Server)",
		Options: []*discordgo.ApplicationCommandOption{
			subcommand("setup", "Post check-in prompts in a channel on a schedule",
				optChannel("channel", "Where prompts and check-ins go", true, discordgo.ChannelTypeGuildText), cadence, tm, zone),
			subcommand("pause", "Stop posting prompts in a channel for now", which()),
			subcommand("resume", "Post prompts again in a paused channel", which()),
			subcommand("remove", "Stop a channel being an accountability channel", which()),
		},
	}
}

func ptr[T any](v T) *T { return &v }

func checkinCommand() *discordgo.ApplicationCommand {
	return &discordgo.ApplicationCommand{Name: "checkin", Description: "Check in: what you did, what is next, what blocks you"}
}

func timezoneCommand() *discordgo.ApplicationCommand {
	zone := optString("zone", "Your IANA time zone: start typing your city", true)
	zone.Autocomplete = true
	return &discordgo.ApplicationCommand{
		Name:        "timezone",
		Description: "Your time zone, for streaks and reminders in your own days",
		Options:     []*discordgo.ApplicationCommandOption{subcommand("set", "Set your time zone", zone)},
	}
}

func awayCommand() *discordgo.ApplicationCommand {
	until := optString("until", "Your last away day: YYYY-MM-DD, tomorrow, +3d or +2w", true)
	until.MaxLength = 32
	return &discordgo.ApplicationCommand{
		Name:        "away",
		Description: "Take a break: no reminders, and your streak is frozen",
		Options:     []*discordgo.ApplicationCommandOption{until},
	}
}

func remindCommand() *discordgo.ApplicationCommand {
	tm := optString("time", "HH:MM in your time zone (default: the prompt's time)", false)
	tm.MaxLength = 5
	return &discordgo.ApplicationCommand{
		Name:        "remind",
		Description: "Get a reminder when you have not checked in yet",
		Options: []*discordgo.ApplicationCommandOption{
			subcommand("on", "Remind me at my local time", tm),
			subcommand("off", "Stop reminding me"),
		},
	}
}

func streakCommand() *discordgo.ApplicationCommand {
	return &discordgo.ApplicationCommand{
		Name:        "streak",
		Description: "Current and best streak, and a calendar of recent check-ins",
		Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionUser, Name: "member",
			Description: "Whose streak (default: yours)"}},
	}
}

func supportCommand() *discordgo.ApplicationCommand {
	nudge := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: "nudge_after",
		Description: "Hours before an unanswered question gets a nudge", Required: true,
		MinValue: ptr(1.0), MaxValue: accountability.MaxNudgeAfterHours}
	return &discordgo.ApplicationCommand{
		Name:        "support",
		Description: "Peer support questions",
		Options: []*discordgo.ApplicationCommandOption{
			subcommand("setup", "Where /ask opens questions (Manage Server)",
				optChannel("channel", "A text or forum channel", true, discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildForum), nudge),
			subcommand("stats", "Open questions, time to first answer, top helpers this month"),
		},
	}
}

func askCommand() *discordgo.ApplicationCommand {
	topic := optString("topic", "A few words: this becomes the thread's name", true)
	topic.MaxLength = accountability.MaxTopic
	details := optString("details", "What you tried, what happened, what you expected", true)
	details.MaxLength = accountability.MaxDetails
	return &discordgo.ApplicationCommand{
		Name:        "ask",
		Description: "Ask your peers for help in a support thread",
		Options:     []*discordgo.ApplicationCommandOption{topic, details},
	}
}

func resolveCommand() *discordgo.ApplicationCommand {
	return &discordgo.ApplicationCommand{
		Name:        "resolve",
		Description: "Mark this support question resolved and thank who helped",
		Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionUser, Name: "helper",
			Description: "Who helped (default: the first to answer)"}},
	}
}
