package discord

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
)

// notifierEnv is an emulator, an unmodified discordgo session on it and a
// notifier speaking through that session. Its transport can answer chosen
// requests itself (stub) for what the emulator does not model: a DM
// channel Discord no longer knows. Closed DMs (CloseDMs), forum posts and
// server errors (WithFaults) the emulator answers itself.
type notifierEnv struct {
	e    *discordtest.Emulator
	s    *discordgo.Session
	n    *AccountabilityNotifier
	seed discordtest.SeedInfo
	stub *stubTransport
}

func newNotifierEnv(t *testing.T, opts ...discordtest.Option) *notifierEnv {
	t.Helper()
	e := discordtest.New(t, opts...)
	s, err := e.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	stub := &stubTransport{next: e.HTTPClient().Transport}
	s.Client = &http.Client{Transport: stub, Timeout: 30 * time.Second}
	s = e.Open(t, s)
	n := NewAccountabilityNotifier(s, AccountabilityNotifierOptions{GlobalLimit: RateLimit{1000, time.Second}})
	return &notifierEnv{e: e, s: s, n: n, seed: e.Seed(), stub: stub}
}

// stubTransport passes requests to the emulator unless answer, given the
// method and path (from /api/v9 on), returns a response to give instead.
type stubTransport struct {
	next http.RoundTripper

	mu     sync.Mutex
	answer func(method, path string) (status int, body string, ok bool)
}

func (st *stubTransport) setAnswer(f func(method, path string) (int, string, bool)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.answer = f
}

func (st *stubTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	st.mu.Lock()
	answer := st.answer
	st.mu.Unlock()
	if answer == nil {
		return st.next.RoundTrip(r)
	}
	status, body, ok := answer(r.Method, strings.TrimPrefix(r.URL.Path, "/api/v9"))
	if !ok {
		return st.next.RoundTrip(r)
	}
	if r.Body != nil {
		_ = r.Body.Close()
	}
	return &http.Response{
		StatusCode: status, Status: http.StatusText(status), Request: r,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)),
	}, nil
}

// lastMessage returns the channel's newest message, failing when it has none.
func (env *notifierEnv) lastMessage(t *testing.T, channelID string) *discordgo.Message {
	t.Helper()
	msgs := env.e.Messages(channelID)
	if len(msgs) == 0 {
		t.Fatalf("no message in channel %s", channelID)
	}
	return msgs[len(msgs)-1]
}

// mentionedIDs lists whom a message pinged, as the emulator resolved it.
func mentionedIDs(m *discordgo.Message) []string {
	var ids []string
	for _, u := range m.Mentions {
		ids = append(ids, u.ID)
	}
	return ids
}
