package discordtest_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
)

// recordingTB captures Errorf so a test can prove strict mode reports.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, format)
}

func (r *recordingTB) reported() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.errors)
}

// TestStrictRateLimits renames a channel three times: Discord allows two
// renames per 10 minutes, so the third is a 429, which strict mode turns
// into a test error.
func TestStrictRateLimits(t *testing.T) {
	t.Parallel()
	rec := &recordingTB{TB: t}
	e := discordtest.New(rec, discordtest.WithStrictRateLimits())
	seed := e.Seed()
	client := e.HTTPClient()
	statuses := []int{}
	for _, name := range []string{"a", "b", "c"} {
		req, err := http.NewRequest(http.MethodPatch, "https://discord.com/api/v9/channels/"+seed.TextChannelID,
			strings.NewReader(`{"name":"`+name+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bot "+seed.Token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		statuses = append(statuses, resp.StatusCode)
	}
	if statuses[0] != 200 || statuses[1] != 200 || statuses[2] != http.StatusTooManyRequests {
		t.Fatalf("statuses = %v, want 200 200 429", statuses)
	}
	if rec.reported() != 1 {
		t.Fatalf("strict mode reported %d errors, want 1", rec.reported())
	}
	if c, _ := e.Channel(seed.TextChannelID); c.Name != "b" {
		t.Fatalf("name = %q: a rate-limited request must not change state", c.Name)
	}
}
