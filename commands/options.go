package commands

import (
	"fmt"
	"math"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// CommandName is the slash command's name ("workshop"), "" for components.
func (c *Context) CommandName() string {
	if len(c.path) == 0 {
		return ""
	}
	return c.path[0]
}

// Subcommand is the subcommand path below the command: "start" for
// /workshop start, "admin reset" for a subcommand in a group, "" for a
// command without subcommands.
func (c *Context) Subcommand() string {
	if len(c.path) < 2 {
		return ""
	}
	return strings.Join(c.path[1:], " ")
}

// SubcommandMux routes a command's subcommands, keyed as Context.Subcommand
// spells them: Router.Command("workshop", SubcommandMux{"start": start}.Handle).
type SubcommandMux map[string]Handler

// Handle runs the subcommand's handler; an unknown subcommand (a definition
// newer than the handlers) is answered as an unknown command.
func (m SubcommandMux) Handle(ctx *Context) error {
	h, ok := m[ctx.Subcommand()]
	if !ok {
		return fmt.Errorf("/%s %s: %w", ctx.CommandName(), ctx.Subcommand(), ErrUnknownCommand)
	}
	return h(ctx)
}

// leafOptions walks down subcommand groups and subcommands, returning the
// path taken and the options the member filled in.
func leafOptions(name string, opts []*discordgo.ApplicationCommandInteractionDataOption) ([]string, []*discordgo.ApplicationCommandInteractionDataOption) {
	path := []string{name}
	for len(opts) == 1 && opts[0] != nil && (opts[0].Type == discordgo.ApplicationCommandOptionSubCommand ||
		opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
		path = append(path, opts[0].Name)
		opts = opts[0].Options
	}
	return path, opts
}

func (c *Context) option(name string) *discordgo.ApplicationCommandInteractionDataOption {
	for _, o := range c.options {
		if o != nil && o.Name == name {
			return o
		}
	}
	return nil
}

// String returns a string option (or, for autocomplete, the text typed so far).
func (c *Context) String(name string) (string, bool) {
	o := c.option(name)
	if o == nil {
		return "", false
	}
	s, ok := o.Value.(string)
	return s, ok
}

// StringOr returns a string option, or def when the member left it out.
func (c *Context) StringOr(name, def string) string {
	if s, ok := c.String(name); ok {
		return s
	}
	return def
}

// Int returns an integer option. Discord sends numbers as JSON numbers;
// a fractional or out-of-range value is reported as absent.
func (c *Context) Int(name string) (int64, bool) {
	o := c.option(name)
	if o == nil {
		return 0, false
	}
	f, ok := o.Value.(float64)
	if !ok || f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, false
	}
	return int64(f), true
}

// IntOr returns an integer option, or def when the member left it out.
func (c *Context) IntOr(name string, def int64) int64 {
	if n, ok := c.Int(name); ok {
		return n
	}
	return def
}

// Float returns a number option.
func (c *Context) Float(name string) (float64, bool) {
	o := c.option(name)
	if o == nil {
		return 0, false
	}
	f, ok := o.Value.(float64)
	return f, ok
}

// Bool returns a boolean option.
func (c *Context) Bool(name string) (value, ok bool) {
	o := c.option(name)
	if o == nil {
		return false, false
	}
	value, ok = o.Value.(bool)
	return value, ok
}

// BoolOr returns a boolean option, or def when the member left it out.
func (c *Context) BoolOr(name string, def bool) bool {
	if b, ok := c.Bool(name); ok {
		return b
	}
	return def
}

// snowflake returns the ID an option of a user, channel, role or
// mentionable type carries.
func (c *Context) snowflake(name string) (string, bool) {
	s, ok := c.String(name)
	return s, ok && s != ""
}

// Channel returns a channel option. Discord resolves the channel's name,
// type and parent; only the ID is certain when the data lacks them.
func (c *Context) Channel(name string) (*discordgo.Channel, bool) {
	id, ok := c.snowflake(name)
	if !ok {
		return nil, false
	}
	if c.resolved != nil {
		if ch, ok := c.resolved.Channels[id]; ok && ch != nil {
			return ch, true
		}
	}
	return &discordgo.Channel{ID: id}, true
}

// User returns a user option.
func (c *Context) User(name string) (*discordgo.User, bool) {
	id, ok := c.snowflake(name)
	if !ok {
		return nil, false
	}
	if c.resolved != nil {
		if u, ok := c.resolved.Users[id]; ok && u != nil {
			return u, true
		}
	}
	return &discordgo.User{ID: id}, true
}

// Role returns a role option.
func (c *Context) Role(name string) (*discordgo.Role, bool) {
	id, ok := c.snowflake(name)
	if !ok {
		return nil, false
	}
	if c.resolved != nil {
		if r, ok := c.resolved.Roles[id]; ok && r != nil {
			return r, true
		}
	}
	return &discordgo.Role{ID: id}, true
}

// Focused returns the option an autocomplete request is for and the text
// typed into it so far.
func (c *Context) Focused() (name, value string) {
	for _, o := range c.options {
		if o != nil && o.Focused {
			s, _ := o.Value.(string)
			if s == "" && o.Value != nil {
				s = fmt.Sprint(o.Value)
			}
			return o.Name, s
		}
	}
	return "", ""
}

// ID is the decoded custom_id of the component clicked or the modal
// submitted (the zero ID for commands).
func (c *Context) ID() ID { return c.id }

// Values are the values chosen in a select menu.
func (c *Context) Values() []string { return c.values }

// Field returns the value of a submitted modal's text input.
func (c *Context) Field(customID string) (string, bool) {
	v, ok := c.fields[customID]
	return v, ok
}

// modalFields collects text input values from a modal submit's rows.
func modalFields(comps []discordgo.MessageComponent) map[string]string {
	out := map[string]string{}
	var walk func([]discordgo.MessageComponent)
	walk = func(cs []discordgo.MessageComponent) {
		for _, comp := range cs {
			switch v := comp.(type) {
			case *discordgo.ActionsRow:
				walk(v.Components)
			case discordgo.ActionsRow:
				walk(v.Components)
			case *discordgo.TextInput:
				out[v.CustomID] = v.Value
			case discordgo.TextInput:
				out[v.CustomID] = v.Value
			}
		}
	}
	walk(comps)
	return out
}
