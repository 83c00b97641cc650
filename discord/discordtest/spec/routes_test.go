package spec

import (
	"maps"
	"testing"
)

func TestMatch(t *testing.T) {
	v := validator(t)
	cases := []struct {
		method, path string
		wantOK       bool
		template, id string
		params       map[string]string
	}{
		{"POST", "/api/v9/channels/123/messages", true, "/channels/{channel_id}/messages", "create_message", map[string]string{"channel_id": "123"}},
		{"POST", "/api/v10/channels/123/messages", true, "/channels/{channel_id}/messages", "create_message", map[string]string{"channel_id": "123"}},
		{"POST", "/channels/123/messages", true, "/channels/{channel_id}/messages", "create_message", map[string]string{"channel_id": "123"}},
		{"POST", "/api/v9/channels/123/messages/", true, "/channels/{channel_id}/messages", "create_message", map[string]string{"channel_id": "123"}},
		{"post", "/api/v9/webhooks/9/tok?wait=true", true, "/webhooks/{webhook_id}/{webhook_token}", "execute_webhook",
			map[string]string{"webhook_id": "9", "webhook_token": "tok"}},
		// A literal segment beats a parameter in the same place.
		{"PATCH", "/api/v9/webhooks/9/tok/messages/@original", true, "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
			"update_original_webhook_message", map[string]string{"webhook_id": "9", "webhook_token": "tok"}},
		{"PATCH", "/api/v9/webhooks/9/tok/messages/55", true, "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
			"update_webhook_message", map[string]string{"webhook_id": "9", "webhook_token": "tok", "message_id": "55"}},
		{"PATCH", "/api/v9/guilds/1/members/@me", true, "/guilds/{guild_id}/members/@me", "update_my_guild_member", map[string]string{"guild_id": "1"}},
		{"PATCH", "/api/v9/guilds/1/members/2", true, "/guilds/{guild_id}/members/{user_id}", "update_guild_member",
			map[string]string{"guild_id": "1", "user_id": "2"}},
		{"POST", "/api/v9/channels/1/messages/bulk-delete", true, "/channels/{channel_id}/messages/bulk-delete", "bulk_delete_messages",
			map[string]string{"channel_id": "1"}},
		{"PUT", "/api/v9/channels/1/messages/2/reactions/%F0%9F%91%8D/@me", true,
			"/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me", "add_my_message_reaction",
			map[string]string{"channel_id": "1", "message_id": "2", "emoji_name": "👍"}},
		{"GET", "/api/v9/gateway", true, "/gateway", "get_gateway", map[string]string{}},
		// Unknown paths and methods the spec does not give a path.
		{"GET", "/api/v9/nowhere", false, "", "", nil},
		{"DELETE", "/api/v9/gateway", false, "", "", nil},
		{"POST", "/api/v9/channels//messages", false, "", "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r, ok := v.Match(tc.method, tc.path)
			if ok != tc.wantOK {
				t.Fatalf("ok = %v, want %v (%+v)", ok, tc.wantOK, r)
			}
			if !ok {
				return
			}
			if r.Template != tc.template || r.OperationID != tc.id || !maps.Equal(r.Params, tc.params) || r.Method != tc.method {
				t.Errorf("got %+v, want %s %s %v", r, tc.template, tc.id, tc.params)
			}
		})
	}
}

// Every request body in the spec must compile: a schema that does not would
// turn every request to its operation into a 500.
func TestEveryRequestSchemaCompiles(t *testing.T) {
	v, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ops := range v.routes {
		for _, op := range ops {
			for mediaType := range op.bodies {
				if _, err := v.schema(op, mediaType); err != nil {
					t.Errorf("%s %s %s: %v", op.method, op.template, mediaType, err)
				}
				n++
			}
		}
	}
	if n < 100 {
		t.Errorf("compiled %d request bodies; the spec has over 100", n)
	}
}
