package discordtest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
)

// TestBurstPastTheGlobalLimitRecovers sends far more requests at once than
// Discord's global 50 per second allow, each within its own channel's
// bucket. The emulator answers some with 429s shaped as Discord's, and an
// unmodified discordgo waits them out: every message arrives exactly once.
func TestBurstPastTheGlobalLimitRecovers(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t)
	seed := e.Seed()
	s := e.Session(t)

	const channels, perChannel = 40, 5 // 5 per channel: within the per-channel 5 per 5 s
	ids := make([]string, channels)
	for i := range ids {
		c, err := s.GuildChannelCreate(seed.GuildID, fmt.Sprintf("burst-%d", i), discordgo.ChannelTypeGuildText)
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = c.ID
	}
	var wg sync.WaitGroup
	for _, id := range ids {
		for n := range perChannel {
			wg.Go(func() {
				if _, err := s.ChannelMessageSend(id, fmt.Sprintf("message %d", n)); err != nil {
					t.Errorf("send to %s: %v", id, err)
				}
			})
		}
	}
	wg.Wait()

	for _, id := range ids {
		if got := len(e.Messages(id)); got != perChannel {
			t.Errorf("channel %s has %d messages, want %d", id, got, perChannel)
		}
	}
	var limited int
	for _, r := range e.Requests() {
		if r.Status != http.StatusTooManyRequests {
			continue
		}
		limited++
		var body struct {
			Message    string   `json:"message"`
			RetryAfter *float64 `json:"retry_after"`
			Global     *bool    `json:"global"`
		}
		if err := json.Unmarshal(r.ResponseBody, &body); err != nil || body.RetryAfter == nil || body.Global == nil || body.Message == "" {
			t.Errorf("429 body %s is not Discord's shape (%v)", r.ResponseBody, err)
		}
	}
	if limited == 0 {
		t.Fatalf("%d requests at once never met the global limit", channels*perChannel)
	}
	t.Logf("%d of %d sends were answered 429 and retried", limited, channels*perChannel)
}

// TestInvalidRequestsAreCounted: Discord counts 401, 403 and 429 answers
// toward the limit on invalid requests per IP; so does the emulator.
func TestInvalidRequestsAreCounted(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t, discordtest.WithoutBotPermission(discordgo.PermissionManageChannels))
	seed := e.Seed()
	bad, err := discordgo.New("Bot not-the-token")
	if err != nil {
		t.Fatal(err)
	}
	bad.Client = e.HTTPClient()
	if _, err := bad.User("@me"); err == nil {
		t.Fatal("a bad token was accepted")
	}
	s := e.Session(t)
	if _, err := s.GuildChannelCreate(seed.GuildID, "no-permission", discordgo.ChannelTypeGuildText); err == nil {
		t.Fatal("created a channel without Manage Channels")
	}
	if got := e.RateLimiter().InvalidRequests(); got != 2 {
		t.Fatalf("invalid requests = %d, want 2 (one 401, one 403)", got)
	}
}
