package ratelimit

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// rewriteTransport sends discordgo's requests, whose URLs are fixed to
// https://discord.com at init, to the test server.
type rewriteTransport struct {
	target *url.URL
}

func (rt rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.URL.Scheme = rt.target.Scheme
	r.URL.Host = rt.target.Host
	r.Host = rt.target.Host
	return http.DefaultTransport.RoundTrip(r)
}

// discordgoAgainst starts a server with l's middleware around a handler that
// counts the calls it answers, and an unmodified discordgo session aimed at it.
func discordgoAgainst(t *testing.T, l *Limiter) (*discordgo.Session, *atomic.Int64) {
	t.Helper()
	var served atomic.Int64
	srv := httptest.NewServer(l.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"1"}`))
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
	s.Client = &http.Client{Transport: rewriteTransport{target: target}, Timeout: 20 * time.Second}
	return s, &served
}

// withDeadline keeps a test from hanging forever: discordgo retries 429s
// without limit.
func withDeadline(t *testing.T) discordgo.RequestOption {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return discordgo.WithContext(ctx)
}

// discordgo honours Remaining=0 and Reset-After: eight messages to one
// channel (5 per 5 s) all succeed, the last three after discordgo waited for
// the window to reset, and the limiter never answers 429.
func TestDiscordgoWaitsForMessageBucket(t *testing.T) {
	t.Parallel()
	l := New(ProfileRealistic(), Options{Strict: true, OnViolation: func(v Violation) { t.Errorf("violation: %v", v) }})
	s, served := discordgoAgainst(t, l)
	deadline := withDeadline(t)

	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			if _, err := s.ChannelMessageSend("123", "hello", deadline); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("ChannelMessageSend: %v", err)
	}
	if served.Load() != 8 {
		t.Errorf("handler answered %d messages, want 8", served.Load())
	}
	if l.Count429() != 0 {
		t.Errorf("Count429 = %d, want 0: discordgo should wait on Remaining=0", l.Count429())
	}
	if st := l.Stats(); len(st) != 1 || st[0].Calls != 8 {
		t.Errorf("Stats() = %+v, want 8 calls on one route", st)
	}
}

// Reactions: discordgo spaces them 200 ms apart by its own rule and ignores
// the headers for them, so a stricter server limit gives real 429s, which
// discordgo waits out (retry_after) and retries successfully.
func TestDiscordgoRetriesAfter429(t *testing.T) {
	t.Parallel()
	p := ProfileRealistic()
	for i := range p.Rules {
		if p.Rules[i].Name == "reaction-modify" {
			p.Rules[i].Limit = Limit{1, 2 * time.Second}
		}
	}
	var reported atomic.Int64
	l := New(p, Options{Strict: true, OnViolation: func(Violation) { reported.Add(1) }})
	s, served := discordgoAgainst(t, l)
	deadline := withDeadline(t)
	for _, emoji := range []string{"👍", "🎉"} {
		if err := s.MessageReactionAdd("1", "2", emoji, deadline); err != nil {
			t.Fatalf("MessageReactionAdd(%s): %v", emoji, err)
		}
	}
	if served.Load() != 2 {
		t.Errorf("handler answered %d reactions, want 2", served.Load())
	}
	if l.Count429() != 1 || reported.Load() != 1 || len(l.Violations()) != 1 {
		t.Errorf("Count429 %d, reported %d, Violations %d; want 1 each", l.Count429(), reported.Load(), len(l.Violations()))
	}
}

// The rename sub-limit is invisible in the headers, so discordgo walks into
// it. Without retries it surfaces a RateLimitError of about 10 minutes; with
// its default it would sleep that long.
func TestDiscordgoHitsRenameSublimit(t *testing.T) {
	t.Parallel()
	l := New(ProfileRealistic(), Options{Strict: true})
	s, _ := discordgoAgainst(t, l)
	noRetry := discordgo.WithRetryOnRatelimit(false)
	for _, name := range []string{"a", "b"} {
		if _, err := s.ChannelEdit("5", &discordgo.ChannelEdit{Name: name}, noRetry); err != nil {
			t.Fatalf("rename to %s: %v", name, err)
		}
	}
	_, err := s.ChannelEdit("5", &discordgo.ChannelEdit{Name: "c"}, noRetry)
	var rl *discordgo.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("third rename: err = %v, want a *discordgo.RateLimitError", err)
	}
	if rl.RetryAfter < 9*time.Minute || rl.RetryAfter > 10*time.Minute {
		t.Errorf("RetryAfter = %s, want about 10 minutes", rl.RetryAfter)
	}
	vs := l.Violations()
	if len(vs) != 1 || vs[0].Rule != "channel-rename" {
		t.Errorf("Violations() = %+v, want one channel-rename", vs)
	}
}

// A global 429 carries X-RateLimit-Global and no Reset-After; discordgo
// sleeps the body's retry_after and retries.
func TestDiscordgoRecoversFromGlobal429(t *testing.T) {
	t.Parallel()
	p := ProfileRealistic()
	p.Global = Limit{2, 1 * time.Second}
	l := New(p, Options{})
	s, served := discordgoAgainst(t, l)
	deadline := withDeadline(t)
	for _, id := range []string{"1", "2", "3"} {
		if _, err := s.Channel(id, deadline); err != nil {
			t.Fatalf("Channel(%s): %v", id, err)
		}
	}
	if served.Load() != 3 || l.Count429() != 1 {
		t.Errorf("served %d, Count429 %d; want 3 and 1", served.Load(), l.Count429())
	}
}
