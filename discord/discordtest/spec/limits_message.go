package spec

import (
	"strings"
)

// Message limits from resources-message.mdx and resources-channel.mdx
// ("Embed Limits"). The spec allows 4000 characters of content (Nitro users'
// limit); bots get 2000.
const (
	maxContent          = 2000
	maxEmbeds           = 10
	maxEmbedTotal       = 6000
	maxEmbedTitle       = 256
	maxEmbedDescription = 4096
	maxEmbedFields      = 25
	maxFieldName        = 256
	maxFieldValue       = 1024
	maxFooterText       = 2048
	maxAuthorName       = 256

	// flagComponentsV2 lifts the five-action-row layout: such messages hold
	// up to 40 components of any top-level kind, which the spec checks.
	flagComponentsV2 = 1 << 15
)

// Interaction callback types (interactions-receiving-and-responding.mdx).
const (
	callbackChannelMessage = 4
	callbackUpdateMessage  = 7
	callbackModal          = 9
)

// checkMessage applies the message limits to a create or edit body at path.
func checkMessage(f *formErrors, path []string, msg map[string]any) {
	if msg == nil {
		return
	}
	maxLength(f, at(path, "content"), msg["content"], maxContent)
	if embeds, ok := msg["embeds"].([]any); ok {
		checkEmbeds(f, at(path, "embeds"), embeds)
	}
	if components, ok := msg["components"].([]any); ok {
		flags, _ := integer(msg["flags"])
		checkMessageComponents(f, at(path, "components"), components, flags&flagComponentsV2 != 0)
	}
}

func checkEmbeds(f *formErrors, path []string, embeds []any) {
	maxItems(f, path, embeds, maxEmbeds)
	total := 0
	for i, e := range embeds {
		embed, ok := e.(map[string]any)
		if !ok {
			continue
		}
		p := at(path, index(i))
		maxLength(f, at(p, "title"), embed["title"], maxEmbedTitle)
		maxLength(f, at(p, "description"), embed["description"], maxEmbedDescription)
		total += runes(embed["title"]) + runes(embed["description"])
		if footer, ok := embed["footer"].(map[string]any); ok {
			maxLength(f, at(p, "footer", "text"), footer["text"], maxFooterText)
			total += runes(footer["text"])
		}
		if author, ok := embed["author"].(map[string]any); ok {
			maxLength(f, at(p, "author", "name"), author["name"], maxAuthorName)
			total += runes(author["name"])
		}
		fields, _ := embed["fields"].([]any)
		maxItems(f, at(p, "fields"), fields, maxEmbedFields)
		for j, fl := range fields {
			field, ok := fl.(map[string]any)
			if !ok {
				continue
			}
			maxLength(f, at(p, "fields", index(j), "name"), field["name"], maxFieldName)
			maxLength(f, at(p, "fields", index(j), "value"), field["value"], maxFieldValue)
			total += runes(field["name"]) + runes(field["value"])
		}
	}
	if total > maxEmbedTotal {
		f.add(path, "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")
	}
}

// messageIsEmpty reports a message with none of the things Discord shows.
func messageIsEmpty(msg map[string]any, files int) bool {
	if files > 0 {
		return false
	}
	if s, _ := msg["content"].(string); strings.TrimSpace(s) != "" {
		return false
	}
	for _, key := range []string{"embeds", "components", "sticker_ids", "attachments"} {
		if list, _ := msg[key].([]any); len(list) > 0 {
			return false
		}
	}
	if ref, ok := msg["message_reference"].(map[string]any); ok {
		if t, _ := integer(ref["type"]); t == messageReferenceForward {
			return false // a forward carries the referenced message
		}
	}
	return msg["poll"] == nil
}

// messageReferenceForward is the FORWARD message reference type
// (resources-message.mdx "Message Reference Types").
const messageReferenceForward = 1

func interactionCallbackType(body map[string]any) int64 {
	t, _ := integer(body["type"])
	return t
}

// checkInteractionResponse applies message limits to message callbacks and
// modal limits to modals.
func checkInteractionResponse(f *formErrors, body map[string]any) {
	data, _ := body["data"].(map[string]any)
	switch interactionCallbackType(body) {
	case callbackChannelMessage, callbackUpdateMessage:
		checkMessage(f, []string{"data"}, data)
	case callbackModal:
		checkModal(f, []string{"data"}, data)
	}
}
