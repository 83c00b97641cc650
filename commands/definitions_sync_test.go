package commands

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
)

// The bot registers its commands at every start. Discord allows only a few
// overwrites a minute, so restarts in a row must not overwrite commands
// that did not change: the third start would wait on a 429 (which the
// strict emulator turns into a failure).
func TestRegisterOverwritesOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t, discordtest.WithProfile("realistic"), discordtest.WithStrictRateLimits())
	s := e.Session(t)
	seed := e.Seed()
	defs := []*discordgo.ApplicationCommand{workshopCommand(), helpCommand(), accountabilityCommand(), checkinCommand(),
		timezoneCommand(), awayCommand(), remindCommand(), streakCommand(), supportCommand(), askCommand(), resolveCommand()}
	registry := func(defs []*discordgo.ApplicationCommand) *Registry {
		reg := NewRegistry()
		for _, d := range defs {
			reg.Define(d, func(*Context) error { return nil })
		}
		return reg
	}
	overwrites := func() int {
		n := 0
		for _, r := range e.Requests() {
			if r.Method == "PUT" && strings.HasSuffix(r.Route, "/commands") {
				n++
			}
		}
		return n
	}
	for start := 1; start <= 4; start++ {
		if err := registry(defs).Register(t.Context(), s, seed.ApplicationID, []string{seed.GuildID}); err != nil {
			t.Fatalf("start %d: %v", start, err)
		}
		if n := overwrites(); n != 1 {
			t.Fatalf("after %d starts with the same commands, %d overwrites; want 1", start, n)
		}
	}
	if got := len(e.Commands(seed.GuildID)); got != len(defs) {
		t.Fatalf("%d commands registered, want %d", got, len(defs))
	}

	// A changed description, or a new command, is sent.
	changed := *helpCommand()
	changed.Description = "Ask the hosts for help (new wording)"
	defs[1] = &changed
	if err := registry(defs).Register(t.Context(), s, seed.ApplicationID, []string{seed.GuildID}); err != nil {
		t.Fatal(err)
	}
	if n := overwrites(); n != 2 {
		t.Fatalf("a changed description made %d overwrites in all; want 2", n)
	}
	for _, c := range e.Commands(seed.GuildID) {
		if c.Name == changed.Name && c.Description != changed.Description {
			t.Errorf("Discord still has %q for /%s", c.Description, c.Name)
		}
	}
}

func TestSameCommandsSeesEachKindOfChange(t *testing.T) {
	base := func() []*discordgo.ApplicationCommand {
		return []*discordgo.ApplicationCommand{workshopCommand(), accountabilityCommand()}
	}
	if !sameCommands(base(), base()) {
		t.Fatal("identical definitions differ")
	}
	reordered := base()
	reordered[0], reordered[1] = reordered[1], reordered[0]
	if !sameCommands(reordered, base()) {
		t.Error("the order of commands matters; Discord does not keep it")
	}
	changes := map[string]func(c []*discordgo.ApplicationCommand){
		"an option made optional":   func(c []*discordgo.ApplicationCommand) { firstRequired(c[0].Options).Required = false },
		"a subcommand removed":      func(c []*discordgo.ApplicationCommand) { c[0].Options = c[0].Options[1:] },
		"a command removed":         func(c []*discordgo.ApplicationCommand) { c[1] = nil },
		"a longer limit":            func(c []*discordgo.ApplicationCommand) { firstLimited(c[0].Options).MaxLength++ },
		"a renamed option":          func(c []*discordgo.ApplicationCommand) { c[0].Options[0].Name += "x" },
		"a default permission set":  func(c []*discordgo.ApplicationCommand) { p := int64(8); c[1].DefaultMemberPermissions = &p },
		"a choice added to options": func(c []*discordgo.ApplicationCommand) { addChoice(c[1].Options) },
	}
	for name, change := range changes {
		c := base()
		change(c)
		if sameCommands(c, base()) {
			t.Errorf("%s: not seen as a change", name)
		}
	}
}

// firstRequired is the first required option found depth first.
func firstRequired(opts []*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
	for _, o := range opts {
		if o.Required {
			return o
		}
		if r := firstRequired(o.Options); r != nil {
			return r
		}
	}
	return nil
}

// addChoice adds a choice to the first option that has choices.
func addChoice(opts []*discordgo.ApplicationCommandOption) bool {
	for _, o := range opts {
		if len(o.Choices) > 0 {
			o.Choices = append(o.Choices, &discordgo.ApplicationCommandOptionChoice{Name: "extra", Value: "extra"})
			return true
		}
		if addChoice(o.Options) {
			return true
		}
	}
	return false
}

// firstLimited is the first option with a length limit found depth first.
func firstLimited(opts []*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
	for _, o := range opts {
		if o.MaxLength > 0 {
			return o
		}
		if r := firstLimited(o.Options); r != nil {
			return r
		}
	}
	return nil
}
