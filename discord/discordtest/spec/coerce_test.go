package spec

import (
	"encoding/json"
	"testing"
)

// coerced runs the coercion pre-pass for one request and returns the body it
// produced, re-encoded.
func coerced(t *testing.T, method, path, body string) string {
	t.Helper()
	v := validator(t)
	op, _, ok := v.lookup(method, path)
	if !ok {
		t.Fatalf("no route for %s %s", method, path)
	}
	s, err := v.schema(op, mediaJSON)
	if err != nil || s == nil {
		t.Fatalf("schema for %s %s: %v", method, path, err)
	}
	req, e := decodeRequest(op, "application/json", []byte(body))
	if e != nil {
		t.Fatal(e)
	}
	out, err := json.Marshal(coerceIntegerStrings(req.instance, s))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestCoercion(t *testing.T) {
	cases := []struct {
		name, method, path, body, want string
	}{
		{"permission bits become integers", "PUT", "/api/v9/channels/1/permissions/2",
			`{"id":"2","type":0,"allow":"1024","deny":"9007199254740993"}`,
			`{"allow":1024,"deny":9007199254740993,"id":"2","type":0}`},
		{"overwrites inside a channel create", "POST", "/api/v9/guilds/1/channels",
			`{"name":"a","permission_overwrites":[{"id":"5","type":0,"allow":"0","deny":"1024"}]}`,
			`{"name":"a","permission_overwrites":[{"allow":0,"deny":1024,"id":"5","type":0}]}`},
		{"snowflakes stay strings", "POST", "/api/v9/channels/1/messages",
			`{"content":"x","message_reference":{"message_id":"123"},"sticker_ids":["456"]}`,
			`{"content":"x","message_reference":{"message_id":"123"},"sticker_ids":["456"]}`},
		{"a nonce may be either, so it stays", "POST", "/api/v9/channels/1/messages",
			`{"content":"x","nonce":"789"}`,
			`{"content":"x","nonce":"789"}`},
		{"content that happens to be digits stays", "POST", "/api/v9/channels/1/messages",
			`{"content":"2000"}`,
			`{"content":"2000"}`},
		{"non-digits are left for the validator to refuse", "PUT", "/api/v9/channels/1/permissions/2",
			`{"allow":"12a"}`,
			`{"allow":"12a"}`},
		{"command permissions in a bulk overwrite", "PUT", "/api/v9/applications/1/guilds/2/commands",
			`[{"name":"a","description":"b","default_member_permissions":"16"}]`,
			`[{"default_member_permissions":16,"description":"b","name":"a"}]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := coerced(t, tc.method, tc.path, tc.body); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestIsIntegerString(t *testing.T) {
	for s, want := range map[string]bool{
		"0": true, "1024": true, "-5": true, "18446744073709551615": true,
		"": false, "-": false, "1.5": false, "1e3": false, " 1": false, "123456789012345678901": false,
	} {
		if got := isIntegerString(s); got != want {
			t.Errorf("isIntegerString(%q) = %v, want %v", s, got, want)
		}
	}
}
