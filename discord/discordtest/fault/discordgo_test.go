package fault

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// rewriteTransport sends discordgo's requests, whose URLs are fixed to
// https://discord.com at init, to the test server.
type rewriteTransport struct{ target *url.URL }

func (rt rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.URL.Scheme, r.URL.Host, r.Host = rt.target.Scheme, rt.target.Host, rt.target.Host
	return http.DefaultTransport.RoundTrip(r)
}

func sessionAgainst(t *testing.T, in *Injector) (*discordgo.Session, *atomic.Int64) {
	t.Helper()
	var reached atomic.Int64
	srv := httptest.NewServer(in.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"1","channel_id":"9"}`))
	})))
	t.Cleanup(srv.Close)
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	s, err := discordgo.New("Bot x")
	if err != nil {
		t.Fatalf("discordgo.New: %v", err)
	}
	s.Client = &http.Client{Transport: rewriteTransport{target}, Timeout: 20 * time.Second}
	return s, &reached
}

// discordgo retries a 502 MaxRestRetries (3) times: four attempts, then an
// "Exceeded Max retries" error.
func TestDiscordgoGivesUpAfterFour502s(t *testing.T) {
	in := New(Options{ErrorRate: 1, Statuses: []int{http.StatusBadGateway}})
	s, reached := sessionAgainst(t, in)
	_, err := s.ChannelMessageSend("9", "hello")
	if err == nil || !strings.Contains(err.Error(), "Exceeded Max retries") {
		t.Fatalf("err = %v, want discordgo's Exceeded Max retries", err)
	}
	if got := in.Counts().Failed[502]; got != 1+s.MaxRestRetries || s.MaxRestRetries != 3 {
		t.Errorf("502s answered %d with MaxRestRetries %d, want 4 and 3", got, s.MaxRestRetries)
	}
	if reached.Load() != 0 {
		t.Errorf("handler reached %d times", reached.Load())
	}
}

// Two 502s then a healthy answer: discordgo's retries make the call succeed,
// and the emulator sees the message once.
func TestDiscordgoRecoversFromTransient502(t *testing.T) {
	var matched atomic.Int64
	in := New(Options{ErrorRate: 1, Statuses: []int{http.StatusBadGateway},
		Match: func(*http.Request) bool { return matched.Add(1) <= 2 }})
	s, reached := sessionAgainst(t, in)
	m, err := s.ChannelMessageSend("9", "hello")
	if err != nil {
		t.Fatalf("ChannelMessageSend: %v", err)
	}
	if m.ID != "1" || reached.Load() != 1 || in.Counts().Failed[502] != 2 {
		t.Errorf("message %q, reached %d, 502s %d; want 1, 1, 2", m.ID, reached.Load(), in.Counts().Failed[502])
	}
}

// A 500 is not retried: the caller gets a *discordgo.RESTError at once.
func TestDiscordgoDoesNotRetry500(t *testing.T) {
	in := New(Options{ErrorRate: 1, Statuses: []int{http.StatusInternalServerError}})
	s, _ := sessionAgainst(t, in)
	_, err := s.ChannelMessageSend("9", "hello")
	var rest *discordgo.RESTError
	if !errors.As(err, &rest) || rest.Response.StatusCode != http.StatusInternalServerError {
		t.Fatalf("err = %v, want a RESTError with status 500", err)
	}
	if rest.Message == nil || rest.Message.Message != "500: Internal Server Error" {
		t.Errorf("discordgo decoded message %+v, want Discord's 500 body", rest.Message)
	}
	if got := in.Counts().Failed[500]; got != 1 {
		t.Errorf("500s answered %d, want 1 (no retry)", got)
	}
}

// An injected 429 is Discord's shared-resource limit: discordgo waits the
// body's retry_after and sends again, and the request goes through once.
func TestDiscordgoWaitsOutAnInjected429(t *testing.T) {
	var calls atomic.Int32
	in := New(Options{ErrorRate: 1, Statuses: []int{http.StatusTooManyRequests}, RetryAfter: 300 * time.Millisecond,
		Match: func(*http.Request) bool { return calls.Add(1) == 1 }}) // the retry goes through
	s, reached := sessionAgainst(t, in)
	s.ShouldRetryOnRateLimit = true
	start := time.Now()
	if _, err := s.ChannelMessageSend("9", "hello"); err != nil {
		t.Fatalf("send after a 429: %v", err)
	}
	if waited := time.Since(start); waited < 300*time.Millisecond {
		t.Errorf("discordgo retried after %v, before the 300ms the 429 asked for", waited)
	}
	if got := in.Counts().Failed[http.StatusTooManyRequests]; got != 1 || reached.Load() != 1 {
		t.Errorf("%d 429s answered, handler reached %d times; want 1 and 1", got, reached.Load())
	}
}

// The 429 is shaped as Discord's: scope shared, Retry-After in whole
// seconds, retry_after in the body.
func TestInjected429IsShapedAsDiscords(t *testing.T) {
	in := New(Options{ErrorRate: 1, Statuses: []int{http.StatusTooManyRequests}, RetryAfter: 1500 * time.Millisecond})
	rec := httptest.NewRecorder()
	in.Middleware(http.NotFoundHandler()).ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/api/v10/channels/9/messages", nil))
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("X-RateLimit-Scope") != "shared" || rec.Header().Get("Retry-After") != "2" {
		t.Fatalf("status %d, headers %v", rec.Code, rec.Header())
	}
	if body := rec.Body.String(); !strings.Contains(body, `"retry_after":1.5`) || !strings.Contains(body, `"global":false`) {
		t.Errorf("body %s", body)
	}
}
