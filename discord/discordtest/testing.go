package discordtest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest/ratelimit"
)

// New starts an emulator for one test on an httptest server; it is closed
// when the test ends.
func New(t testing.TB, opts ...Option) *Emulator {
	t.Helper()
	e, err := NewServer(opts...)
	if err != nil {
		t.Fatalf("discordtest: %v", err)
	}
	if e.cfg.strictRateLimits {
		report := func(v ratelimit.Violation) { t.Errorf("discordtest: rate limit violated: %s", v) }
		e.onViolation.Store(&report)
	}
	srv := httptest.NewServer(e.handler)
	e.mu.Lock()
	e.setBaseLocked(srv.URL)
	e.mu.Unlock()
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Errorf("discordtest: %v", err)
		}
		srv.Close()
	})
	return e
}

// rewriteTransport sends discordgo's https://discord.com requests to the emulator.
type rewriteTransport struct {
	target *url.URL
	next   http.RoundTripper
}

func (rt rewriteTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme = rt.target.Scheme
	r.URL.Host = rt.target.Host
	r.Host = rt.target.Host
	return rt.next.RoundTrip(r)
}

// HTTPClient returns a client that sends requests meant for discord.com to
// the emulator: set it as a discordgo Session's Client.
func (e *Emulator) HTTPClient() *http.Client {
	base, _ := url.Parse(e.Seed().APIBase)
	return &http.Client{Transport: rewriteTransport{target: base, next: http.DefaultTransport}, Timeout: 30 * time.Second}
}

// NewSession returns an unopened discordgo session wired to the emulator:
// the bot token, REST redirected, intents = every non-privileged intent plus
// the privileged ones the application has enabled.
func (e *Emulator) NewSession() (*discordgo.Session, error) {
	seed := e.Seed()
	s, err := discordgo.New("Bot " + seed.Token)
	if err != nil {
		return nil, fmt.Errorf("discordgo session: %w", err)
	}
	s.Client = e.HTTPClient()
	s.Identify.Intents = discordgo.IntentsAllWithoutPrivileged | e.cfg.privileged
	s.ShouldRetryOnRateLimit = true
	return s, nil
}

// Session returns an opened discordgo session that has handled READY and
// the GUILD_CREATE of every guild; it is closed when the test ends.
func (e *Emulator) Session(t testing.TB) *discordgo.Session {
	t.Helper()
	s, err := e.NewSession()
	if err != nil {
		t.Fatalf("discordtest: %v", err)
	}
	return e.Open(t, s)
}

// Open opens a session built by NewSession (perhaps adjusted), waits until
// it has handled the GUILD_CREATE of every guild, and closes it when the
// test ends.
func (e *Emulator) Open(t testing.TB, s *discordgo.Session) *discordgo.Session {
	t.Helper()
	seed := e.Seed()
	ready := make(chan struct{})
	remove := s.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) {
		if g.ID == seed.GuildID {
			select {
			case <-ready:
			default:
				close(ready)
			}
		}
	})
	defer remove()
	if err := s.Open(); err != nil {
		t.Fatalf("discordtest: open session: %v", err)
	}
	t.Cleanup(func() {
		e.waitUntil(5*time.Second, e.settledLocked)
		_ = s.Close()
	})
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		t.Fatalf("discordtest: no GUILD_CREATE within 10s")
	}
	return s
}

// waitUntil polls cond (called under the lock) on every state change until
// it holds or timeout passes.
func (e *Emulator) waitUntil(timeout time.Duration, cond func() bool) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	// The clock may be fake, so also re-check now and then: a deadline
	// passing is not a state change.
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		e.mu.Lock()
		ok := cond()
		changed := e.changed
		e.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-changed:
		case <-tick.C:
		case <-deadline.C:
			return false
		}
	}
}

// WaitFor waits until cond holds for the emulator's state and fails the
// test if it does not within timeout. cond runs under the emulator's lock:
// read through the State's methods and do not call the Emulator from it.
func (e *Emulator) WaitFor(t testing.TB, timeout time.Duration, cond func(*State) bool) {
	t.Helper()
	if !e.waitUntil(timeout, func() bool { return cond(e.st) }) {
		t.Fatalf("discordtest: condition not met within %v", timeout)
	}
}

// View runs f on the state under the emulator's lock and returns its result.
func View[T any](e *Emulator, f func(*State) T) T {
	e.mu.Lock()
	defer e.mu.Unlock()
	return f(e.st)
}

// Channel returns a channel by ID.
func (e *Emulator) Channel(id string) (*discordgo.Channel, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.Channel(id)
}

// Channels returns a guild's channels and categories by position.
func (e *Emulator) Channels(guildID string) []*discordgo.Channel {
	return View(e, func(s *State) []*discordgo.Channel { return s.Channels(guildID) })
}

// Threads returns the threads of a channel.
func (e *Emulator) Threads(channelID string) []*discordgo.Channel {
	return View(e, func(s *State) []*discordgo.Channel { return s.Threads(channelID) })
}

// ThreadMembers returns the user IDs in a thread.
func (e *Emulator) ThreadMembers(threadID string) []string {
	return View(e, func(s *State) []string { return s.ThreadMembers(threadID) })
}

// Messages returns a channel's messages, oldest first.
func (e *Emulator) Messages(channelID string) []*discordgo.Message {
	return View(e, func(s *State) []*discordgo.Message { return s.Messages(channelID) })
}

// Message returns a message by ID (ephemeral ones included).
func (e *Emulator) Message(id string) (*discordgo.Message, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.Message(id)
}

// Attachment returns the bytes of an uploaded file.
func (e *Emulator) Attachment(id string) ([]byte, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.Attachment(id)
}

// VoiceChannelOf returns the voice channel a user is in, or "".
func (e *Emulator) VoiceChannelOf(userID string) string {
	return View(e, func(s *State) string { return s.VoiceChannelOf(userID) })
}

// Overwrites returns a channel's permission overwrites.
func (e *Emulator) Overwrites(channelID string) []*discordgo.PermissionOverwrite {
	return View(e, func(s *State) []*discordgo.PermissionOverwrite { return s.Overwrites(channelID) })
}

// Permissions returns a user's computed permissions in a channel.
func (e *Emulator) Permissions(channelID, userID string) int64 {
	return View(e, func(s *State) int64 { return s.Permissions(channelID, userID) })
}

// CanSee reports whether a user can view a channel.
func (e *Emulator) CanSee(channelID, userID string) bool {
	return View(e, func(s *State) bool { return s.CanSee(channelID, userID) })
}

// Visible returns the IDs of the members (bot included) who can view a channel.
func (e *Emulator) Visible(channelID string) []string {
	return View(e, func(s *State) []string { return s.Visible(channelID) })
}

// Commands returns the commands registered for a guild ("" for global).
func (e *Emulator) Commands(guildID string) []*discordgo.ApplicationCommand {
	return View(e, func(s *State) []*discordgo.ApplicationCommand { return s.Commands(guildID) })
}

// ScheduledEvents returns a guild's scheduled events.
func (e *Emulator) ScheduledEvents(guildID string) []*discordgo.GuildScheduledEvent {
	return View(e, func(s *State) []*discordgo.GuildScheduledEvent { return s.ScheduledEvents(guildID) })
}

// Roles returns a guild's roles.
func (e *Emulator) Roles(guildID string) []*discordgo.Role {
	return View(e, func(s *State) []*discordgo.Role { return s.Roles(guildID) })
}

// GuildMember returns a guild member.
func (e *Emulator) GuildMember(guildID, userID string) (*discordgo.Member, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.GuildMember(guildID, userID)
}

// DMChannel returns the bot's DM channel with a user, or "".
func (e *Emulator) DMChannel(userID string) string {
	return View(e, func(s *State) string { return s.DMChannel(userID) })
}
