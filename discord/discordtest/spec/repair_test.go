package spec

import "testing"

// The spec's `"enum": []` on a join request's action would refuse every
// value; after repair the referenced enumeration decides.
func TestEmptyEnumIsRepaired(t *testing.T) {
	v := validator(t)
	path := "/api/v9/guilds/1/requests/2"
	if e := v.ValidateRequest("PATCH", path, "application/json", []byte(`{"action":"APPROVED"}`)); e != nil {
		t.Errorf("APPROVED refused: %v", e)
	}
	e := v.ValidateRequest("PATCH", path, "application/json", []byte(`{"action":"MAYBE"}`))
	if e == nil || len(e.FieldErrors("action")) == 0 {
		t.Errorf("MAYBE: got %v, want an error at action", e)
	}
}

func TestOneOfConstsToEnum(t *testing.T) {
	cases := []struct {
		name     string
		schema   map[string]any
		wantEnum bool
	}{
		{"enumeration", map[string]any{"type": "integer", "oneOf": []any{
			map[string]any{"title": "PRIMARY", "const": 1}, map[string]any{"title": "SECONDARY", "const": 2, "description": "grey"},
		}}, true},
		{"a branch with more than a const", map[string]any{"oneOf": []any{
			map[string]any{"const": 1}, map[string]any{"const": 2, "type": "integer"},
		}}, false},
		{"a branch without a const", map[string]any{"oneOf": []any{
			map[string]any{"const": 1}, map[string]any{"type": "null"},
		}}, false},
		{"a repeated value, which oneOf refuses and enum would not", map[string]any{"oneOf": []any{
			map[string]any{"const": 1}, map[string]any{"const": 1},
		}}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			oneOfConstsToEnum(tc.schema)
			_, hasEnum := tc.schema["enum"]
			_, hasOneOf := tc.schema["oneOf"]
			if hasEnum != tc.wantEnum || hasOneOf == tc.wantEnum {
				t.Errorf("after rewrite %v, want enum=%v", tc.schema, tc.wantEnum)
			}
		})
	}
}

// Relaxation: the spec knows only DEFAULT (0) message references; the
// documentation and discordgo also have FORWARD (1), and a forward needs no
// content of its own.
func TestForwardMessageReferenceIsAccepted(t *testing.T) {
	v := validator(t)
	path := "/api/v9/channels/1/messages"
	forward := `{"message_reference":{"type":1,"message_id":"5","channel_id":"6"}}`
	if e := v.ValidateRequest("POST", path, "application/json", []byte(forward)); e != nil {
		t.Errorf("forward refused: %v", e)
	}
	e := v.ValidateRequest("POST", path, "application/json", []byte(`{"content":"x","message_reference":{"type":2,"message_id":"5"}}`))
	if e == nil || len(e.FieldErrors("message_reference", "type")) == 0 {
		t.Errorf("reference type 2: got %v, want an error at message_reference.type", e)
	}
	if e := v.ValidateRequest("POST", path, "application/json", []byte(`{"message_reference":{"type":0,"message_id":"5"}}`)); e == nil || e.Code != CodeEmptyMessage {
		t.Errorf("a reply with nothing in it: got %v, want 50006", e)
	}
}
