package workshop

import (
	"encoding/json"
	"fmt"
	"reflect"
)

// EffectType names an effect's type in its JSON form, e.g. "PostPrompt".
func EffectType(e Effect) string { return reflect.TypeOf(e).Name() }

// decoderFor returns the decoder of the named effect type.
func decoderFor(typ string) func(json.RawMessage) (Effect, error) {
	switch typ {
	case "PostLobby":
		return decodeEffect[PostLobby]
	case "UpdateLobby":
		return decodeEffect[UpdateLobby]
	case "CreateScheduledEvent":
		return decodeEffect[CreateScheduledEvent]
	case "SetScheduledEventStatus":
		return decodeEffect[SetScheduledEventStatus]
	case "ScheduleTimer":
		return decodeEffect[ScheduleTimer]
	case "CancelTimers":
		return decodeEffect[CancelTimers]
	case "CreateRooms":
		return decodeEffect[CreateRooms]
	case "AddToGroup":
		return decodeEffect[AddToGroup]
	case "RemoveFromGroup":
		return decodeEffect[RemoveFromGroup]
	case "MoveMembers":
		return decodeEffect[MoveMembers]
	case "Recall":
		return decodeEffect[Recall]
	case "PostIntro":
		return decodeEffect[PostIntro]
	case "PostPrompt":
		return decodeEffect[PostPrompt]
	case "PostRoleSwap":
		return decodeEffect[PostRoleSwap]
	case "PostWarning":
		return decodeEffect[PostWarning]
	case "PostNotice":
		return decodeEffect[PostNotice]
	case "PostGallery":
		return decodeEffect[PostGallery]
	case "PostRoomChoice":
		return decodeEffect[PostRoomChoice]
	case "PingHosts":
		return decodeEffect[PingHosts]
	case "Acknowledge":
		return decodeEffect[Acknowledge]
	case "PostSummary":
		return decodeEffect[PostSummary]
	case "DeleteRooms":
		return decodeEffect[DeleteRooms]
	}
	return nil
}

func decodeEffect[T Effect](raw json.RawMessage) (Effect, error) {
	var v T
	err := json.Unmarshal(raw, &v)
	return v, err
}

// effectJSON is the stored form of one effect.
type effectJSON struct {
	Type   string          `json:"type"`
	Key    string          `json:"key"`
	Effect json.RawMessage `json:"effect"`
}

// MarshalEffects encodes effects as a JSON array of {"type", "key",
// "effect"} objects, so a store can keep the effects of a decision with the
// run in the same transaction (an outbox) and carry out after a crash
// whatever was left undone.
func MarshalEffects(effs []Effect) ([]byte, error) {
	out := make([]effectJSON, 0, len(effs))
	for _, e := range effs {
		raw, err := json.Marshal(e)
		if err != nil {
			return nil, fmt.Errorf("encode effect %s: %w", e.Key(), err)
		}
		out = append(out, effectJSON{Type: EffectType(e), Key: e.Key(), Effect: raw})
	}
	return json.Marshal(out)
}

// UnmarshalEffects decodes what MarshalEffects wrote. Errors: EINVALID for
// malformed JSON or an unknown effect type.
func UnmarshalEffects(data []byte) ([]Effect, error) {
	var in []effectJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return nil, Errorf(EINVALID, "Stored effects are not valid JSON: %v", err)
	}
	out := make([]Effect, 0, len(in))
	for _, ej := range in {
		decode := decoderFor(ej.Type)
		if decode == nil {
			return nil, Errorf(EINVALID, "Unknown stored effect type %q.", ej.Type)
		}
		e, err := decode(ej.Effect)
		if err != nil {
			return nil, Errorf(EINVALID, "Stored effect %q is malformed: %v", ej.Key, err)
		}
		out = append(out, e)
	}
	return out, nil
}
