package discordtest

import (
	"encoding/json"

	"github.com/bwmarrin/discordgo"
)

// wireMessage marshals a message as Discord sends it. discordgo's Message
// tags its components `json:"-"` (it decodes them by hand), so its plain
// JSON form would lose every button and select menu.
type wireMessage struct{ m *discordgo.Message }

func (w wireMessage) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(w.m)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, err
	}
	comps := w.m.Components
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	if fields["components"], err = json.Marshal(comps); err != nil {
		return nil, err
	}
	return json.Marshal(fields)
}

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
