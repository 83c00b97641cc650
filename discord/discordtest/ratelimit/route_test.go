package ratelimit

import "testing"

func TestRouteOf(t *testing.T) {
	tests := []struct {
		method, path    string
		template, major string
	}{
		{"post", "/api/v9/channels/123/messages", "/channels/{channel_id}/messages", "channel_id=123"},
		{"PATCH", "/api/v10/channels/123/messages/456", "/channels/{channel_id}/messages/{message_id}", "channel_id=123"},
		{"DELETE", "/channels/123/messages/456?reason=x", "/channels/{channel_id}/messages/{message_id}", "channel_id=123"},
		{"POST", "/api/v9/channels/123/messages/bulk-delete", "/channels/{channel_id}/messages/bulk-delete", "channel_id=123"},
		{"PUT", "/api/v9/channels/1/messages/2/reactions/%F0%9F%91%8D/@me", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", "channel_id=1"},
		{"PUT", "/api/v9/channels/1/messages/2/reactions/👍/@me", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", "channel_id=1"},
		{"DELETE", "/api/v9/channels/1/messages/2/reactions/blob:99/77", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}", "channel_id=1"},
		{"PATCH", "/api/v9/channels/123", "/channels/{channel_id}", "channel_id=123"},
		{"PUT", "/api/v9/channels/1/permissions/2", "/channels/{channel_id}/permissions/{overwrite_id}", "channel_id=1"},
		{"POST", "/api/v9/guilds/9/channels", "/guilds/{guild_id}/channels", "guild_id=9"},
		{"PATCH", "/api/v9/guilds/9/members/8", "/guilds/{guild_id}/members/{user_id}", "guild_id=9"},
		{"GET", "/api/v9/guilds/9/members/search", "/guilds/{guild_id}/members/search", "guild_id=9"},
		{"PUT", "/api/v9/guilds/9/members/8/roles/7", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", "guild_id=9"},
		{"POST", "/api/v9/channels/5/threads", "/channels/{channel_id}/threads", "channel_id=5"},
		{"POST", "/api/v9/channels/5/messages/6/threads", "/channels/{channel_id}/messages/{message_id}/threads", "channel_id=5"},
		{"PUT", "/api/v9/channels/5/thread-members/@me", "/channels/{channel_id}/thread-members/@me", "channel_id=5"},
		{"POST", "/api/v9/interactions/11/aW50ZXJhY3Rpb24tdG9rZW4/callback", "/interactions/{interaction_id}/{interaction_token}/callback", "interaction_id=11/aW50ZXJhY3Rpb24tdG9rZW4"},
		{"PATCH", "/api/v9/webhooks/12/tok-en_1/messages/@original", "/webhooks/{webhook_id}/{webhook_token}/messages/@original", "webhook_id=12/tok-en_1"},
		{"POST", "/api/v9/webhooks/12/tok", "/webhooks/{webhook_id}/{webhook_token}", "webhook_id=12/tok"},
		{"PUT", "/api/v9/applications/3/guilds/4/commands", "/applications/{application_id}/guilds/{guild_id}/commands", "guild_id=4"},
		{"PUT", "/api/v9/applications/3/commands", "/applications/{application_id}/commands", ""},
		{"GET", "/api/v9/applications/3/commands/permissions", "/applications/{application_id}/commands/permissions", ""},
		{"GET", "/api/v9/users/@me", "/users/@me", ""},
		{"GET", "/api/v9/users/42", "/users/{user_id}", ""},
		{"POST", "/api/v9/users/@me/channels", "/users/@me/channels", ""},
		{"GET", "/api/v9/gateway/bot", "/gateway/bot", ""},
		{"GET", "/api/v9/invites/abcDEF", "/invites/{invite_code}", ""},
		{"GET", "/api/v9/", "/", ""},
		{"GET", "/api/v9", "/", ""},
		{"GET", "/api/v9/somewhere/123/else", "/somewhere/{id}/else", ""},
		{"GET", "/apiary/v9", "/apiary/v9", ""},
		{"GET", "/api/version/1", "/version/{id}", ""},
		{"GET", "/channels/1", "/channels/{channel_id}", "channel_id=1"},
	}
	for _, tt := range tests {
		got := RouteOf(tt.method, tt.path)
		if got.Template != tt.template || got.Major != tt.major {
			t.Errorf("RouteOf(%q, %q) = %q major %q, want %q major %q", tt.method, tt.path, got.Template, got.Major, tt.template, tt.major)
		}
	}
}

func TestRouteOfMethodUpperCase(t *testing.T) {
	if got := RouteOf("patch", "/channels/1").String(); got != "PATCH /channels/{channel_id}" {
		t.Errorf("String() = %q", got)
	}
}

func FuzzRouteOf(f *testing.F) {
	f.Add("GET", "/api/v9/channels/1/messages/2")
	f.Add("PUT", "/api/v10/channels/1/messages/2/reactions/x/@me")
	f.Add("POST", "//api//v/")
	f.Fuzz(func(t *testing.T, method, path string) {
		r := RouteOf(method, path)
		if r.Template == "" || r.Template[0] != '/' {
			t.Errorf("RouteOf(%q, %q).Template = %q, want a path", method, path, r.Template)
		}
	})
}
