package discord

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/accountability"
)

func restErr(status, code int) error {
	return &discordgo.RESTError{Response: &http.Response{StatusCode: status},
		Message: &discordgo.APIErrorMessage{Code: code, Message: "from Discord"}}
}

func TestExplainAccountabilityMapsDiscordErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		err      error
		code     string
		mentions string
	}{
		{"missing permission", restErr(403, 50013), accountability.EFORBIDDEN, "Embed Links"},
		{"missing access", restErr(403, 50001), accountability.EFORBIDDEN, "View Channel"},
		{"unknown channel", restErr(404, 10003), accountability.ENOTFOUND, "channel"},
		{"unknown message", restErr(404, 10008), accountability.ENOTFOUND, "message"},
		{"unknown user", restErr(404, 10013), accountability.ENOTFOUND, "member"},
		{"server error", restErr(502, 0), accountability.EUNAVAILABLE, "isn't answering"},
		{"network", fmt.Errorf("dial tcp: %w", errors.New("connection refused")), accountability.EUNAVAILABLE, "isn't answering"},
		{"rate limited", discordgo.RateLimitError{RateLimit: &discordgo.RateLimit{TooManyRequests: &discordgo.TooManyRequests{}}}, accountability.EUNAVAILABLE, "isn't answering"},
		{"cancelled", fmt.Errorf("request: %w", context.Canceled), accountability.EUNAVAILABLE, "ran out of time"},
		{"bad request", restErr(400, 50035), accountability.EINTERNAL, "refused"},
		{"dm closed", restErr(403, 50007), accountability.EINTERNAL, "refused"},
	}
	for _, c := range cases {
		err := explainAccountability(c.err, "post the check-in", "Send Messages and Embed Links")
		if got := accountability.ErrorCode(err); got != c.code {
			t.Errorf("%s: code %q, want %q (%v)", c.name, got, c.code, err)
		}
		if msg := accountability.ErrorMessage(err); !strings.Contains(msg, c.mentions) {
			t.Errorf("%s: message %q does not say %q", c.name, msg, c.mentions)
		}
		if !errors.Is(err, c.err) && !errors.As(err, new(discordgo.RateLimitError)) {
			t.Errorf("%s: the Discord error is not kept in the chain: %v", c.name, err)
		}
	}
	if explainAccountability(nil, "x", "y") != nil {
		t.Error("nil error explained as non-nil")
	}
	if !dmClosed(explainAccountability(restErr(403, 50007), "send a direct message", "Send Messages")) {
		t.Error("a wrapped 50007 is not recognised as closed DMs")
	}
	dom := accountability.Errorf(accountability.ECONFLICT, "already")
	if got := explainAccountability(dom, "x", "y"); got != dom {
		t.Errorf("a domain error was rewrapped: %v", got)
	}
}
