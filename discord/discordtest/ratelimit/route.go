package ratelimit

import (
	"strings"
)

// Route is a request reduced to what Discord keys rate limits on.
type Route struct {
	// Method is the upper-case HTTP method.
	Method string
	// Template is the path without the /api/vN prefix and with ids replaced
	// by placeholders, e.g. "/channels/{channel_id}/messages/{message_id}".
	Template string
	// Major is the top-level resource the bucket is scoped to, e.g.
	// "channel_id=123", or "" when the route has none.
	Major string
}

// String is the method and template, the name under which Stats reports a route.
func (r Route) String() string { return r.Method + " " + r.Template }

// placeholders names the id that follows a literal path segment. Segments
// listed in keepLiterals stay as they are (e.g. "@me", "bulk-delete").
var placeholders = map[string]string{
	"applications":     "{application_id}",
	"bans":             "{user_id}",
	"channels":         "{channel_id}",
	"commands":         "{command_id}",
	"emojis":           "{emoji_id}",
	"guilds":           "{guild_id}",
	"integrations":     "{integration_id}",
	"interactions":     "{interaction_id}",
	"invites":          "{invite_code}",
	"members":          "{user_id}",
	"messages":         "{message_id}",
	"permissions":      "{overwrite_id}",
	"pins":             "{message_id}",
	"reactions":        "{emoji}",
	"recipients":       "{user_id}",
	"roles":            "{role_id}",
	"scheduled-events": "{event_id}",
	"stage-instances":  "{channel_id}",
	"stickers":         "{sticker_id}",
	"templates":        "{template_code}",
	"thread-members":   "{user_id}",
	"users":            "{user_id}",
	"voice-states":     "{user_id}",
	"webhooks":         "{webhook_id}",
}

// keepLiterals are words that can sit where an id usually does.
var keepLiterals = map[string]bool{
	"@me":         true,
	"@original":   true,
	"bulk-delete": true,
	"search":      true,
	"permissions": true,
}

// majorNames are the placeholders Discord scopes buckets to ("top-level
// resources" in the Rate Limits page). Interactions are not listed there, but
// an interaction token is only good for one interaction, so the emulator
// scopes interaction routes to it (hata's rate limit table uses the same
// "interaction_id" limiter for follow-ups).
var majorNames = map[string]bool{
	"{channel_id}":     true,
	"{guild_id}":       true,
	"{webhook_id}":     true,
	"{interaction_id}": true,
}

// RouteOf reduces a raw request path such as "/api/v9/channels/123/messages/456"
// to its route template and major parameter. It accepts paths with or without
// the /api and /vN prefixes and ignores a query string.
func RouteOf(method, path string) Route {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if rest, ok := strings.CutPrefix(path, "/api"); ok && (rest == "" || rest[0] == '/') {
		path = rest
	}
	if rest, ok := strings.CutPrefix(path, "/v"); ok {
		if i := strings.IndexByte(rest, '/'); i > 0 && allDigits(rest[:i]) {
			path = rest[i:]
		} else if i < 0 && allDigits(rest) {
			path = ""
		}
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	var b strings.Builder
	b.Grow(len(path) + 32)
	major := ""
	prev := ""
	for i, seg := range segs {
		if seg == "" && len(segs) == 1 {
			break
		}
		b.WriteByte('/')
		name := placeholderFor(prev, seg)
		if name == "" {
			b.WriteString(seg)
			prev = seg
			continue
		}
		b.WriteString(name)
		if major == "" && majorNames[name] {
			major = strings.Trim(name, "{}") + "=" + seg
			// A webhook's (or interaction's) token scopes its bucket too.
			if (name == "{webhook_id}" || name == "{interaction_id}") && i+1 < len(segs) {
				major += "/" + segs[i+1]
			}
		}
		prev = name
	}
	if b.Len() == 0 {
		b.WriteByte('/')
	}
	return Route{Method: strings.ToUpper(method), Template: b.String(), Major: major}
}

// placeholderFor returns the placeholder for seg given the segment (or
// placeholder) before it, or "" when seg is a literal word.
func placeholderFor(prev, seg string) string {
	switch prev {
	case "{webhook_id}":
		return "{webhook_token}"
	case "{interaction_id}":
		return "{interaction_token}"
	case "{emoji}":
		// /reactions/{emoji}/@me or /reactions/{emoji}/{user_id}
		if seg == "@me" {
			return ""
		}
		return "{user_id}"
	}
	if keepLiterals[seg] {
		return ""
	}
	if name, ok := placeholders[prev]; ok {
		// The segment after a collection word is its id; emoji and codes
		// are ids whatever they look like, other non-numeric segments
		// are words ("/applications/detectable").
		if name == "{emoji}" || allDigits(seg) || !isWordAfter(prev) {
			return name
		}
		return ""
	}
	if allDigits(seg) {
		return "{id}"
	}
	return ""
}

// isWordAfter reports whether the collection named prev has literal
// sub-routes besides ids (so a non-numeric segment after it is a word, as
// in "/users/@me" or "/applications/detectable"). Collections whose members
// are named by strings (invite codes, template codes, webhook tokens) return
// false so the string becomes the placeholder.
func isWordAfter(prev string) bool {
	switch prev {
	case "invites", "templates":
		return false
	}
	return true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
