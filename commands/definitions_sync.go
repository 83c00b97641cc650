package commands

import (
	"cmp"
	"encoding/json"
	"slices"

	"github.com/bwmarrin/discordgo"
)

// Discord limits how often an application may overwrite its commands (a
// bucket of a few calls a minute, and creations a day per guild), so a bot
// restarted a few times in a row, as after a crash loop or a deploy, would
// wait a minute on a 429 before serving. Register therefore reads what is
// registered first and overwrites only when it differs.

// sameCommands reports whether registered (as Discord returns them) already
// say what defs define, ignoring what Discord adds (IDs, versions) and the
// defaults it fills in.
func sameCommands(registered, defs []*discordgo.ApplicationCommand) bool {
	a, errA := commandsSignature(registered)
	b, errB := commandsSignature(defs)
	return errA == nil && errB == nil && a == b
}

// commandSignature is the part of a command's JSON that Register sets. It
// is read from the wire form, the form Discord compares.
type commandSignature struct {
	Type        discordgo.ApplicationCommandType `json:"type"`
	Name        string                           `json:"name"`
	Description string                           `json:"description"`
	Permissions *string                          `json:"default_member_permissions"`
	DM          *bool                            `json:"dm_permission"`
	Contexts    []int                            `json:"contexts"`
	Options     []*optionSignature               `json:"options"`
}

// optionSignature is the part of an option's JSON that Register sets.
type optionSignature struct {
	Type         discordgo.ApplicationCommandOptionType `json:"type"`
	Name         string                                 `json:"name"`
	Description  string                                 `json:"description"`
	Required     bool                                   `json:"required"`
	Autocomplete bool                                   `json:"autocomplete"`
	ChannelTypes []int                                  `json:"channel_types"`
	Choices      []struct {
		Name  string          `json:"name"`
		Value json.RawMessage `json:"value"`
	} `json:"choices"`
	MinValue  *float64           `json:"min_value"`
	MaxValue  *float64           `json:"max_value"`
	MinLength *int               `json:"min_length"`
	MaxLength *int               `json:"max_length"`
	Options   []*optionSignature `json:"options"`
}

// commandsSignature is a canonical text of cmds, sorted by type and name
// (Discord does not keep their order; it does keep the options').
func commandsSignature(cmds []*discordgo.ApplicationCommand) (string, error) {
	sigs := make([]commandSignature, 0, len(cmds))
	for _, c := range cmds {
		if c == nil {
			continue
		}
		wire, err := json.Marshal(c)
		if err != nil {
			return "", err
		}
		var sig commandSignature
		if err := json.Unmarshal(wire, &sig); err != nil {
			return "", err
		}
		// Discord's defaults: a chat command, usable in DMs.
		sig.Type = cmp.Or(sig.Type, discordgo.ChatApplicationCommand)
		if sig.DM == nil {
			yes := true
			sig.DM = &yes
		}
		sigs = append(sigs, sig)
	}
	slices.SortFunc(sigs, func(a, b commandSignature) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Name, b.Name))
	})
	text, err := json.Marshal(sigs)
	return string(text), err
}
