package discordtest

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// wireMessage marshals a message as Discord sends it. discordgo's Message
// tags its components `json:"-"` (it decodes them by hand), so its plain
// JSON form would lose every button and select menu.
type wireMessage struct{ m *discordgo.Message }

func (w wireMessage) MarshalJSON() ([]byte, error) {
	if w.m == nil {
		return []byte("null"), nil // e.g. a modal answer has no message
	}
	comps := w.m.Components
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	// The outer Components is shallower than the embedded message's
	// (tagged "-"), so it is the one encoding/json writes: one pass
	// instead of marshalling, decoding into a map and marshalling again.
	return json.Marshal(struct {
		*plainMessage
		Components []discordgo.MessageComponent `json:"components"`
	}{(*plainMessage)(w.m), comps})
}

// plainMessage is a discordgo.Message without its methods, so embedding
// it does not hand the outer struct a JSON method of its own.
type plainMessage discordgo.Message

// cloneMessage deep-copies a message, components included.
func cloneMessage(m *discordgo.Message) *discordgo.Message {
	b, err := wireMessage{m}.MarshalJSON()
	if err != nil {
		return nil
	}
	out := new(discordgo.Message)
	if err := json.Unmarshal(b, out); err != nil {
		return nil
	}
	return out
}

// wireValue wraps messages so they marshal with their components; other
// values pass through.
func wireValue(v any) any {
	switch x := v.(type) {
	case *discordgo.Message:
		return wireMessage{x}
	case []*discordgo.Message:
		out := make([]wireMessage, len(x))
		for i, m := range x {
			out[i] = wireMessage{m}
		}
		return out
	}
	return v
}

// marshalWire marshals a value for the wire and trims what discordgo's
// structs add but Discord never sends: "" for absent snowflakes (Discord
// sends null) and the OAuth-only fields of users (token, email, verified,
// mfa_enabled, locale) that discordgo marshals empty.
func marshalWire(v any) ([]byte, error) {
	b, err := json.Marshal(wireValue(v))
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, err
	}
	return json.Marshal(normalize(tree))
}

// oauthOnlyUserFields appear on a user object only with OAuth scopes.
var oauthOnlyUserFields = []string{"token", "email", "verified", "mfa_enabled", "locale"}

// nullWhenEmpty are string fields Discord sends as null when unset.
var nullWhenEmpty = map[string]bool{"avatar": true, "banner": true, "global_name": true, "icon": true}

func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		_, hasName := x["username"]
		_, hasDisc := x["discriminator"]
		if hasName && hasDisc {
			for _, k := range oauthOnlyUserFields {
				delete(x, k)
			}
		}
		for k, val := range x {
			if s, ok := val.(string); ok && s == "" && (k == "id" || strings.HasSuffix(k, "_id") || nullWhenEmpty[k]) {
				x[k] = nil
				continue
			}
			x[k] = normalize(val)
		}
		return x
	case []any:
		for i := range x {
			x[i] = normalize(x[i])
		}
		return x
	}
	return v
}
