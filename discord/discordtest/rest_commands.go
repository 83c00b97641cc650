package discordtest

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// commandName is the documented pattern for command and option names
// (interactions-application-commands.mdx); chat-input names are lower case.
var commandName = regexp.MustCompile(`^[-_'\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

func (e *Emulator) commandRoutes() {
	e.route("GET", "/applications/{application_id}/commands", e.listCommands)
	e.route("PUT", "/applications/{application_id}/commands", e.overwriteCommands)
	e.route("POST", "/applications/{application_id}/commands", e.createCommand)
	e.route("DELETE", "/applications/{application_id}/commands/{command_id}", e.deleteCommand)
	e.route("GET", "/applications/{application_id}/guilds/{guild_id}/commands", e.listCommands)
	e.route("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", e.overwriteCommands)
	e.route("POST", "/applications/{application_id}/guilds/{guild_id}/commands", e.createCommand)
	e.route("DELETE", "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}", e.deleteCommand)
}

// commandScope checks the application and guild of a command route and
// returns the key commands are stored under ("" for global).
func (e *Emulator) commandScope(c *call) (string, *apiError) {
	if c.param("application_id") != e.st.app.ID {
		return "", errMissingAccess()
	}
	gid := c.param("guild_id")
	if gid != "" {
		if _, ok := e.st.guilds[gid]; !ok {
			return "", errUnknownGuild()
		}
	}
	return gid, nil
}

func (e *Emulator) listCommands(c *call) (int, any, *apiError) {
	scope, err := e.commandScope(c)
	if err != nil {
		return 0, nil, err
	}
	out := e.st.commands[scope]
	if out == nil {
		out = []*discordgo.ApplicationCommand{}
	}
	return http.StatusOK, out, nil
}

func (e *Emulator) overwriteCommands(c *call) (int, any, *apiError) {
	scope, err := e.commandScope(c)
	if err != nil {
		return 0, nil, err
	}
	var reqs []*discordgo.ApplicationCommand
	if err := c.decode(&reqs); err != nil {
		return 0, nil, err
	}
	seen := map[string]bool{}
	chatInput := 0
	out := []*discordgo.ApplicationCommand{}
	for i, cmd := range reqs {
		if err := validateCommand(cmd, strconv.Itoa(i)+"."); err != nil {
			return 0, nil, err
		}
		key := strconv.Itoa(int(commandType(cmd))) + "/" + cmd.Name
		if seen[key] {
			return 0, nil, errInvalidForm(strconv.Itoa(i)+".name", "APPLICATION_COMMANDS_DUPLICATE_NAME",
				"Application command names must be unique")
		}
		seen[key] = true
		if commandType(cmd) == discordgo.ChatApplicationCommand {
			chatInput++
		}
		out = append(out, e.storedCommand(scope, cmd))
	}
	if chatInput > 100 {
		return 0, nil, newAPIError(400, 30032, "Maximum number of application commands reached (100)")
	}
	e.st.commands[scope] = out
	return http.StatusOK, out, nil
}

func (e *Emulator) createCommand(c *call) (int, any, *apiError) {
	scope, err := e.commandScope(c)
	if err != nil {
		return 0, nil, err
	}
	var cmd discordgo.ApplicationCommand
	if err := c.decode(&cmd); err != nil {
		return 0, nil, err
	}
	if err := validateCommand(&cmd, ""); err != nil {
		return 0, nil, err
	}
	stored := e.storedCommand(scope, &cmd)
	list := e.st.commands[scope]
	for i, old := range list {
		if old.ID == stored.ID {
			list[i] = stored
			return http.StatusOK, stored, nil
		}
	}
	e.st.commands[scope] = append(list, stored)
	return http.StatusCreated, stored, nil
}

func (e *Emulator) deleteCommand(c *call) (int, any, *apiError) {
	scope, err := e.commandScope(c)
	if err != nil {
		return 0, nil, err
	}
	list := e.st.commands[scope]
	for i, cmd := range list {
		if cmd.ID == c.param("command_id") {
			e.st.commands[scope] = append(list[:i:i], list[i+1:]...)
			return http.StatusNoContent, nil, nil
		}
	}
	return 0, nil, errUnknownCommand()
}

// storedCommand is a command as Discord stores it: an existing command of
// the same name and type keeps its ID, and every save gets a new version.
func (e *Emulator) storedCommand(scope string, req *discordgo.ApplicationCommand) *discordgo.ApplicationCommand {
	cmd := clone(req)
	cmd.ID = ""
	for _, old := range e.st.commands[scope] {
		if old.Name == cmd.Name && commandType(old) == commandType(cmd) {
			cmd.ID = old.ID
		}
	}
	if cmd.ID == "" {
		cmd.ID = e.st.newID()
	}
	cmd.ApplicationID = e.st.app.ID
	cmd.GuildID = scope
	cmd.Version = e.st.newID()
	if cmd.Type == 0 {
		cmd.Type = discordgo.ChatApplicationCommand
	}
	return cmd
}

func commandType(c *discordgo.ApplicationCommand) discordgo.ApplicationCommandType {
	if c.Type == 0 {
		return discordgo.ChatApplicationCommand
	}
	return c.Type
}

// validateCommand checks the documented limits of a command: names, lower
// case for chat input, descriptions, 25 options and choices, required
// options first.
func validateCommand(cmd *discordgo.ApplicationCommand, prefix string) *apiError {
	if commandType(cmd) == discordgo.ChatApplicationCommand {
		if !commandName.MatchString(cmd.Name) || cmd.Name != strings.ToLower(cmd.Name) {
			return errInvalidForm(prefix+"name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
		}
		if n := len([]rune(cmd.Description)); n < 1 || n > 100 {
			return errBadLength(prefix+"description", 1, 100)
		}
	} else if n := len([]rune(cmd.Name)); n < 1 || n > 32 {
		return errBadLength(prefix+"name", 1, 32)
	}
	return validateOptions(cmd.Options, prefix+"options.")
}

func validateOptions(opts []*discordgo.ApplicationCommandOption, prefix string) *apiError {
	if len(opts) > 25 {
		return errInvalidForm(prefix[:len(prefix)-1], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
	}
	optional := false
	for i, o := range opts {
		p := prefix + strconv.Itoa(i) + "."
		if !commandName.MatchString(o.Name) || o.Name != strings.ToLower(o.Name) {
			return errInvalidForm(p+"name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
		}
		if n := len([]rune(o.Description)); n < 1 || n > 100 {
			return errBadLength(p+"description", 1, 100)
		}
		if len(o.Choices) > 25 {
			return errInvalidForm(p+"choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
		}
		if o.Required && optional {
			return errInvalidForm(p+"required", "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
				"Required options must be placed before non-required options")
		}
		optional = optional || !o.Required
		if err := validateOptions(o.Options, p+"options."); err != nil {
			return err
		}
	}
	return nil
}
