package spec

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// checkLimits applies the documented limits the spec leaves out, chosen by
// the operation. Paths in the errors are the JSON paths Discord reports.
func checkLimits(f *formErrors, req *request) {
	body, _ := req.instance.(map[string]any)
	switch req.op.operationID {
	case "create_message", "update_message", "execute_webhook",
		"update_original_webhook_message", "update_webhook_message":
		checkMessage(f, nil, body)
	case "create_interaction_response":
		checkInteractionResponse(f, body)
	case "bulk_set_application_commands", "bulk_set_guild_application_commands":
		commands, _ := req.instance.([]any)
		for i, c := range commands {
			if cmd, ok := c.(map[string]any); ok {
				checkCommand(f, []string{strconv.Itoa(i)}, cmd, false)
			}
		}
	case "create_application_command", "create_guild_application_command":
		checkCommand(f, nil, body, false)
	case "update_application_command", "update_guild_application_command":
		checkCommand(f, nil, body, true)
	case "create_guild_channel", "update_channel":
		checkChannel(f, body, req.op.operationID == "update_channel")
	}
}

// isEmptyMessage reports a message create with nothing to show, which
// Discord refuses with 50006 rather than a form error.
func isEmptyMessage(req *request) bool {
	body, _ := req.instance.(map[string]any)
	switch req.op.operationID {
	case "create_message", "execute_webhook":
		return messageIsEmpty(body, req.files)
	case "create_interaction_response":
		if interactionCallbackType(body) == callbackChannelMessage {
			data, _ := body["data"].(map[string]any)
			return messageIsEmpty(data, req.files)
		}
	}
	return false
}

// at extends a path without sharing the caller's backing array.
func at(path []string, keys ...string) []string {
	out := make([]string, 0, len(path)+len(keys))
	return append(append(out, path...), keys...)
}

func index(i int) string { return strconv.Itoa(i) }

// runes counts characters as Discord does: Unicode code points.
func runes(v any) int {
	s, _ := v.(string)
	return utf8.RuneCountInString(s)
}

func maxLength(f *formErrors, path []string, v any, limit int) {
	if runes(v) > limit {
		f.add(path, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", limit))
	}
}

func lengthBetween(f *formErrors, path []string, n, lo, hi int) {
	if n < lo || n > hi {
		f.add(path, "BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between %d and %d in length.", lo, hi))
	}
}

func maxItems(f *formErrors, path []string, list []any, limit int) {
	if len(list) > limit {
		f.add(path, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", limit))
	}
}

// integer reads a JSON number (or an integer string discordgo sent) as int64.
func integer(v any) (int64, bool) {
	switch n := v.(type) {
	case interface{ Int64() (int64, error) }: // json.Number
		i, err := n.Int64()
		return i, err == nil
	case string:
		i, err := strconv.ParseInt(n, 10, 64)
		return i, err == nil
	case float64:
		return int64(n), n == float64(int64(n))
	}
	return 0, false
}
