package commands

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Registry keeps each slash command's definition beside its handler, so a
// command cannot be registered with Discord without a handler or routed
// without a definition.
type Registry struct {
	mu       sync.Mutex
	defs     []*discordgo.ApplicationCommand
	handlers map[string]Handler
}

// NewRegistry returns an empty Registry.
func NewRegistry() *Registry { return &Registry{handlers: map[string]Handler{}} }

// Define adds a command and its handler (a SubcommandMux's Handle for a
// command with subcommands). Mistakes such as a duplicate name are reported
// by Validate and Register, which refuse to send a bad set to Discord.
func (r *Registry) Define(cmd *discordgo.ApplicationCommand, h Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.defs = append(r.defs, cmd)
	if cmd == nil {
		return // Validate reports it
	}
	if _, dup := r.handlers[cmd.Name]; !dup {
		r.handlers[cmd.Name] = h
	}
}

// Definitions returns the commands defined so far, in definition order.
// The definitions are shared: do not modify them.
func (r *Registry) Definitions() []*discordgo.ApplicationCommand {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*discordgo.ApplicationCommand(nil), r.defs...)
}

// Install routes every defined command on router.
func (r *Registry) Install(router *Router) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for name, h := range r.handlers {
		router.Command(name, h)
	}
}

// Validate checks the definitions against Discord's rules, so a mistake
// fails a test instead of the bot's start-up.
func (r *Registry) Validate() error { return ValidateCommands(r.Definitions()) }

// Register makes the application's commands the defined ones: in each
// guild of guildIDs (instant, for development and single-guild installs),
// or globally when guildIDs is empty. It overwrites them only where what is
// registered differs (see sameCommands), so a restart costs one read.
func (r *Registry) Register(ctx context.Context, s *discordgo.Session, appID string, guildIDs []string) error {
	defs := r.Definitions()
	if err := ValidateCommands(defs); err != nil {
		return fmt.Errorf("register commands: %w", err)
	}
	scopes := guildIDs
	if len(scopes) == 0 {
		scopes = []string{""}
	}
	for _, g := range scopes {
		// A failed read only costs the overwrite it would have saved.
		if registered, err := s.ApplicationCommands(appID, g, discordgo.WithContext(ctx)); err == nil && sameCommands(registered, defs) {
			continue
		}
		if _, err := s.ApplicationCommandBulkOverwrite(appID, g, defs, discordgo.WithContext(ctx)); err != nil {
			if g == "" {
				return fmt.Errorf("register %d global commands: %w", len(defs), err)
			}
			return fmt.Errorf("register %d commands in guild %s: %w", len(defs), g, err)
		}
	}
	return nil
}

// ValidateCommands checks command definitions against the limits Discord
// documents (application-commands.mdx): names, descriptions, option counts,
// nesting and ordering.
func ValidateCommands(defs []*discordgo.ApplicationCommand) error {
	var errs []error
	if len(defs) > 100 {
		errs = append(errs, fmt.Errorf("%d commands: Discord allows 100", len(defs)))
	}
	seen := map[string]bool{}
	for i, c := range defs {
		if c == nil {
			errs = append(errs, fmt.Errorf("command %d is nil", i))
			continue
		}
		key := fmt.Sprint(commandKind(c), " ", c.Name)
		if seen[key] {
			errs = append(errs, fmt.Errorf("command %q is defined twice", c.Name))
		}
		seen[key] = true
		errs = append(errs, validateCommand(c)...)
	}
	return errors.Join(errs...)
}

func commandKind(c *discordgo.ApplicationCommand) discordgo.ApplicationCommandType {
	if c.Type == 0 {
		return discordgo.ChatApplicationCommand
	}
	return c.Type
}

func validateCommand(c *discordgo.ApplicationCommand) []error {
	var errs []error
	where := "/" + c.Name
	if commandKind(c) != discordgo.ChatApplicationCommand {
		// User and message commands: any name of 1-32, no description.
		if n := utf8.RuneCountInString(c.Name); n < 1 || n > 32 {
			errs = append(errs, fmt.Errorf("%s: name must be 1-32 characters", where))
		}
		if c.Description != "" || len(c.Options) > 0 {
			errs = append(errs, fmt.Errorf("%s: context menu commands take no description or options", where))
		}
		return errs
	}
	errs = append(errs, validateNameDesc(where, c.Name, c.Description)...)
	errs = append(errs, validateOptions(where, c.Options, 0)...)
	if n := commandLength(c); n > 4000 {
		errs = append(errs, fmt.Errorf("%s: names, descriptions and choices total %d characters; Discord allows 4000", where, n))
	}
	return errs
}

// validateNameDesc applies Discord's rule for chat-input names (1-32
// letters, digits, '-' or '_', lower-case where the letter has cases) and
// descriptions (1-100 characters).
func validateNameDesc(where, name, desc string) []error {
	var errs []error
	n := utf8.RuneCountInString(name)
	valid := n >= 1 && n <= 32
	for _, r := range name {
		if !(unicode.IsLetter(r) || unicode.IsNumber(r) || r == '-' || r == '_') || unicode.ToLower(r) != r {
			valid = false
		}
	}
	if !valid {
		errs = append(errs, fmt.Errorf("%s: name %q must be 1-32 lower-case letters, digits, '-' or '_'", where, name))
	}
	if d := utf8.RuneCountInString(desc); d < 1 || d > 100 {
		errs = append(errs, fmt.Errorf("%s: description must be 1-100 characters, is %d", where, d))
	}
	return errs
}

// validateOptions checks one level of options; depth is 0 under the
// command, 1 under a subcommand group or subcommand, 2 under a subcommand
// in a group.
func validateOptions(where string, opts []*discordgo.ApplicationCommandOption, depth int) []error {
	var errs []error
	if len(opts) > 25 {
		errs = append(errs, fmt.Errorf("%s: %d options; Discord allows 25", where, len(opts)))
	}
	names := map[string]bool{}
	subs, plain, optionalSeen := 0, 0, false
	for _, o := range opts {
		if o == nil {
			errs = append(errs, fmt.Errorf("%s: nil option", where))
			continue
		}
		at := where + " " + o.Name
		errs = append(errs, validateNameDesc(at, o.Name, o.Description)...)
		if names[o.Name] {
			errs = append(errs, fmt.Errorf("%s: option %q appears twice", where, o.Name))
		}
		names[o.Name] = true
		switch o.Type {
		case discordgo.ApplicationCommandOptionSubCommandGroup:
			subs++
			if depth > 0 {
				errs = append(errs, fmt.Errorf("%s: a subcommand group must sit directly under the command", at))
			}
			for _, s := range o.Options {
				if s != nil && s.Type != discordgo.ApplicationCommandOptionSubCommand {
					errs = append(errs, fmt.Errorf("%s: a subcommand group holds only subcommands", at))
					break
				}
			}
			errs = append(errs, validateOptions(at, o.Options, depth+1)...)
		case discordgo.ApplicationCommandOptionSubCommand:
			subs++
			if depth > 1 {
				errs = append(errs, fmt.Errorf("%s: subcommands nest at most inside one group", at))
			}
			for _, s := range o.Options {
				if s != nil && (s.Type == discordgo.ApplicationCommandOptionSubCommand || s.Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
					errs = append(errs, fmt.Errorf("%s: a subcommand cannot hold subcommands", at))
					break
				}
			}
			errs = append(errs, validateOptions(at, o.Options, 2)...)
		default:
			plain++
			if o.Required && optionalSeen {
				errs = append(errs, fmt.Errorf("%s: required options must come before optional ones", at))
			}
			optionalSeen = optionalSeen || !o.Required
			if len(o.Choices) > 25 {
				errs = append(errs, fmt.Errorf("%s: %d choices; Discord allows 25", at, len(o.Choices)))
			}
			if len(o.Choices) > 0 && o.Autocomplete {
				errs = append(errs, fmt.Errorf("%s: choices and autocomplete exclude each other", at))
			}
			for _, ch := range o.Choices {
				if ch == nil {
					continue
				}
				if n := utf8.RuneCountInString(ch.Name); n < 1 || n > 100 {
					errs = append(errs, fmt.Errorf("%s: choice name %q must be 1-100 characters", at, ch.Name))
				}
			}
		}
	}
	if subs > 0 && plain > 0 {
		errs = append(errs, fmt.Errorf("%s: subcommands and plain options cannot be mixed", where))
	}
	return errs
}

// commandLength is what Discord counts against its 4000-character limit.
func commandLength(c *discordgo.ApplicationCommand) int {
	n := utf8.RuneCountInString(c.Name) + utf8.RuneCountInString(c.Description)
	var walk func([]*discordgo.ApplicationCommandOption)
	walk = func(opts []*discordgo.ApplicationCommandOption) {
		for _, o := range opts {
			if o == nil {
				continue
			}
			n += utf8.RuneCountInString(o.Name) + utf8.RuneCountInString(o.Description)
			for _, ch := range o.Choices {
				if ch != nil {
					n += utf8.RuneCountInString(ch.Name) + len(fmt.Sprint(ch.Value))
				}
			}
			walk(o.Options)
		}
	}
	walk(c.Options)
	return n
}

// usage renders a command's leaf paths for help: "/workshop start", ...
func usage(c *discordgo.ApplicationCommand) []string {
	var out []string
	var walk func(prefix string, opts []*discordgo.ApplicationCommandOption, desc string)
	walk = func(prefix string, opts []*discordgo.ApplicationCommandOption, desc string) {
		leaf := true
		for _, o := range opts {
			if o != nil && (o.Type == discordgo.ApplicationCommandOptionSubCommand || o.Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
				leaf = false
				walk(prefix+" "+o.Name, o.Options, o.Description)
			}
		}
		if leaf {
			out = append(out, "`"+prefix+"` — "+desc)
		}
	}
	walk("/"+c.Name, c.Options, c.Description)
	return out
}
