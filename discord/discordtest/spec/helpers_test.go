package spec

import (
	"net/url"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// validator returns the shared Validator, failing the test if the embedded
// spec does not load.
func validator(tb testing.TB) *Validator {
	tb.Helper()
	v, err := Default()
	if err != nil {
		tb.Fatalf("Default: %v", err)
	}
	return v
}

// endpointPath turns one of discordgo's endpoint URLs into the request path
// (and query) the emulator receives.
func endpointPath(tb testing.TB, endpoint string) string {
	tb.Helper()
	u, err := url.Parse(endpoint)
	if err != nil {
		tb.Fatalf("parse endpoint %q: %v", endpoint, err)
	}
	return u.RequestURI()
}

// marshal encodes a body exactly as discordgo does (discordgo.Marshal).
func marshal(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := discordgo.Marshal(v)
	if err != nil {
		tb.Fatalf("marshal %T: %v", v, err)
	}
	return b
}
