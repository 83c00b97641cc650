package spec

import (
	"regexp"
	"strings"
)

// Application command rules from interactions-application-commands.mdx
// ("Application Command Naming", "Application Command Structure").
const (
	maxCommandDescription = 100
	maxCommandOptions     = 25
	maxOptionChoices      = 25
	commandTypeChatInput  = 1
)

// commandName is the documented CHAT_INPUT name pattern,
// ^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$, in Go's spelling of the
// script classes.
var commandName = regexp.MustCompile(`^[-_\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

// checkCommand applies the naming and size rules to one command. partial is
// for PATCH, where absent fields keep their old values.
func checkCommand(f *formErrors, path []string, cmd map[string]any, partial bool) {
	if cmd == nil {
		return
	}
	t, ok := integer(cmd["type"])
	if !ok {
		t = commandTypeChatInput
	}
	chatInput := t == commandTypeChatInput
	if name, present := cmd["name"]; present || !partial {
		checkName(f, at(path, "name"), name, chatInput)
	}
	if desc, present := cmd["description"]; chatInput && (present || !partial) {
		lengthBetween(f, at(path, "description"), runes(desc), 1, maxCommandDescription)
	}
	if options, ok := cmd["options"].([]any); ok {
		checkOptions(f, at(path, "options"), options)
	}
}

func checkOptions(f *formErrors, path []string, options []any) {
	maxItems(f, path, options, maxCommandOptions)
	for i, o := range options {
		opt, ok := o.(map[string]any)
		if !ok {
			continue
		}
		p := at(path, index(i))
		checkName(f, at(p, "name"), opt["name"], true)
		lengthBetween(f, at(p, "description"), runes(opt["description"]), 1, maxCommandDescription)
		if choices, ok := opt["choices"].([]any); ok {
			maxItems(f, at(p, "choices"), choices, maxOptionChoices)
		}
		if sub, ok := opt["options"].([]any); ok {
			checkOptions(f, at(p, "options"), sub)
		}
	}
}

// checkName: CHAT_INPUT command and option names match the pattern and use
// the lower-case form of every letter that has one; user and message
// commands may be any 1-32 characters.
func checkName(f *formErrors, path []string, v any, chatInput bool) {
	name, _ := v.(string)
	if !chatInput {
		lengthBetween(f, path, runes(name), 1, 32)
		return
	}
	if !commandName.MatchString(name) || strings.ToLower(name) != name {
		f.add(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
	}
}
