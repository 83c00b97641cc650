package discord

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// DefaultAPIBase is where Discord's REST API lives.
const DefaultAPIBase = "https://discord.com"

// Intents are the gateway intents Roundtable needs. None is privileged, so a
// new application works without switches in the Developer Portal: support
// threads learn of answers from MESSAGE_CREATE's author, not its content.
const Intents = discordgo.IntentsGuilds |
	discordgo.IntentsGuildMessages |
	discordgo.IntentsGuildVoiceStates |
	discordgo.IntentsGuildScheduledEvents |
	discordgo.IntentsDirectMessages

// Options configure a connection to Discord.
type Options struct {
	Token   string           // the bot token, without the "Bot " prefix
	APIBase string           // scheme and host of the REST API; DefaultAPIBase when empty
	Intents discordgo.Intent // Intents when zero
	Logger  *slog.Logger
	// Timeout bounds the first connection: checking the token and reaching
	// READY on the gateway. Default 25 s, so a person at a terminal hears
	// back within half a minute when Discord cannot be reached.
	Timeout time.Duration
}

// Session is a discordgo session connected to Discord (or the emulator) that
// also watches for the gateway close codes after which retrying is pointless.
type Session struct {
	*discordgo.Session
	// ApplicationID is the bot's application, from READY: commands are
	// registered under it.
	ApplicationID string

	log   *slog.Logger
	fatal chan error // receives once: why the gateway can never work

	mu   sync.Mutex
	conn net.Conn // the current gateway connection, to lift its start-up deadline
}

// helloDeadline bounds the wait for Hello and READY on each gateway
// connection: discordgo reads Hello with no deadline and would otherwise wait
// forever on a server that accepts the connection and says nothing.
const helloDeadline = 15 * time.Second

// Connect checks the token over REST, opens the gateway and waits for READY.
// It fails within opts.Timeout with an error that tells a person what to do.
func Connect(ctx context.Context, opts Options) (*Session, error) {
	if opts.Token == "" {
		return nil, errors.New("no bot token")
	}
	if opts.APIBase == "" {
		opts.APIBase = DefaultAPIBase
	}
	if opts.Intents == 0 {
		opts.Intents = Intents
	}
	if opts.Timeout == 0 {
		opts.Timeout = 25 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	base, err := url.Parse(opts.APIBase)
	if err != nil || base.Host == "" || (base.Scheme != "http" && base.Scheme != "https") {
		return nil, fmt.Errorf("api base %q is not an http(s) URL", opts.APIBase)
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()

	dg, err := discordgo.New("Bot " + opts.Token)
	if err != nil {
		return nil, fmt.Errorf("creating discord session: %w", err)
	}
	s := &Session{Session: dg, log: opts.Logger, fatal: make(chan error, 1)}
	dg.Client = NewHTTPClient(base)
	dg.Dialer = s.dialer()
	dg.Identify.Intents = opts.Intents
	dg.State.TrackPresences = false // we never read presences; tracking them costs memory
	dg.State.MaxMessageCount = 0

	if _, err := dg.User("@me", discordgo.WithContext(ctx)); err != nil {
		return nil, explainRESTError(opts.APIBase, err)
	}

	ready := make(chan *discordgo.Ready, 1)
	removeReady := dg.AddHandlerOnce(func(_ *discordgo.Session, r *discordgo.Ready) { ready <- r })
	dg.AddHandler(func(*discordgo.Session, *discordgo.Ready) { s.liftDeadline() })
	dg.AddHandler(func(*discordgo.Session, *discordgo.Resumed) { s.liftDeadline() })

	opened := make(chan error, 1)
	go func() { opened <- dg.Open() }() // bounded by the dialer's and helloDeadline's timeouts
	openDone := false
	select {
	case err = <-opened:
		openDone = true
		if err != nil {
			err = fmt.Errorf("cannot open Discord's gateway via %s: %w", opts.APIBase, err)
		}
	case err = <-s.fatal:
	case <-ctx.Done():
		err = fmt.Errorf("cannot reach Discord's gateway via %s within %s: %w", opts.APIBase, opts.Timeout, ctx.Err())
	}
	if err == nil {
		select {
		case r := <-ready:
			s.ApplicationID = r.User.ID // a bot's application id is its user id
			if r.Application != nil && r.Application.ID != "" {
				s.ApplicationID = r.Application.ID
			}
		case err = <-s.fatal:
		case <-ctx.Done():
			err = fmt.Errorf("no READY from the Discord gateway within %s (is %s reachable?)", opts.Timeout, opts.APIBase)
		}
	}
	if err != nil {
		// A close code says best what went wrong, whichever way it surfaced.
		select {
		case fatal := <-s.fatal:
			err = fatal
		default:
		}
		removeReady()
		if openDone {
			opened = nil
		}
		s.closeWhenOpened(opened)
		return nil, err
	}
	return s, nil
}

// closeWhenOpened closes the session once a pending Open has returned (nil
// when it already has), so no goroutine of discordgo's outlives a failed
// Connect.
func (s *Session) closeWhenOpened(opened <-chan error) {
	if opened != nil {
		select {
		case <-opened:
		case <-time.After(helloDeadline + 5*time.Second):
		}
	}
	if err := s.Session.Close(); err != nil && !errors.Is(err, discordgo.ErrWSNotFound) {
		s.log.Debug("closing discord session after a failed connect", "err", err)
	}
}

// Fatal delivers, at most once, the reason the gateway can never work: a
// close code such as 4004 (bad token) or 4014 (disallowed intents). The owner
// of the session should stop the bot with that message.
func (s *Session) Fatal() <-chan error { return s.fatal }

// Close closes the gateway connection.
func (s *Session) Close() error { return s.Session.Close() }

// dialer builds the gateway dialer: bounded handshakes, and every connection
// wrapped so close frames are seen and start-up cannot hang.
func (s *Session) dialer() *websocket.Dialer {
	netDialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	wrap := func(c net.Conn) net.Conn {
		w := newWatchedConn(c, s.onClose)
		_ = w.SetReadDeadline(time.Now().Add(helloDeadline))
		s.mu.Lock()
		s.conn = w
		s.mu.Unlock()
		return w
	}
	return &websocket.Dialer{
		HandshakeTimeout: 10 * time.Second,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := netDialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return wrap(c), nil
		},
		NetDialTLSContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			raw, err := netDialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			host, _, _ := net.SplitHostPort(addr)
			tc := tls.Client(raw, &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12})
			if err := tc.HandshakeContext(ctx); err != nil {
				raw.Close()
				return nil, fmt.Errorf("TLS handshake with %s: %w", addr, err)
			}
			return wrap(tc), nil
		},
	}
}

// liftDeadline removes the start-up read deadline once the gateway has
// answered; from then on discordgo's heartbeats notice a dead connection.
func (s *Session) liftDeadline() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != nil {
		_ = s.conn.SetReadDeadline(time.Time{})
	}
}

// onClose is called for every close frame Discord sends.
func (s *Session) onClose(code int) {
	msg, fatal := fatalCloseCodes[code]
	if !fatal {
		s.log.Info("discord closed the gateway connection; discordgo will reconnect", "code", code)
		return
	}
	err := fmt.Errorf("the Discord gateway closed with code %d: %s", code, msg)
	select {
	case s.fatal <- err:
	default: // already reported
	}
}

// fatalCloseCodes are the gateway close codes Discord documents as not
// reconnectable (topics/opcodes-and-status-codes), with what to do about each.
var fatalCloseCodes = map[int]string{
	4004: "authentication failed: DISCORD_TOKEN is wrong or was reset; copy a new one from the Developer Portal (Bot > Reset Token)",
	4010: "invalid shard",
	4011: "sharding required: the bot is in too many servers for one connection",
	4012: "invalid API version",
	4013: "invalid intents",
	4014: "disallowed intents: enable the privileged intents this bot asks for in the Developer Portal (Bot > Privileged Gateway Intents)",
}

// explainRESTError turns a failed token check into words a person can act on.
func explainRESTError(apiBase string, err error) error {
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Response != nil {
		switch rest.Response.StatusCode {
		case http.StatusUnauthorized:
			return errors.New("the token in DISCORD_TOKEN was rejected by Discord (401 Unauthorized): copy it again from the Developer Portal (Bot > Reset Token)")
		default:
			return fmt.Errorf("checking the token, Discord answered %s: %w", rest.Response.Status, err)
		}
	}
	return fmt.Errorf("cannot reach Discord at %s (check the network, a proxy, or [discord] api_base): %w", apiBase, err)
}

// NewHTTPClient returns the REST client discordgo should use. discordgo's
// endpoint strings are fixed at init to https://discord.com, so a different
// API base (a proxy, the emulator) is reached by rewriting each request's
// scheme and host in the transport.
func NewHTTPClient(base *url.URL) *http.Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.ResponseHeaderTimeout = 15 * time.Second
	client := &http.Client{Timeout: 20 * time.Second, Transport: transport}
	if base.Scheme == "https" && base.Host == "discord.com" && strings.Trim(base.Path, "/") == "" {
		return client
	}
	client.Transport = &rewriteTransport{base: base, next: transport}
	return client
}

// rewriteTransport sends requests meant for discord.com to another base URL.
type rewriteTransport struct {
	base *url.URL
	next http.RoundTripper
}

func (t *rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != "discord.com" {
		return t.next.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.URL.Scheme = t.base.Scheme
	r.URL.Host = t.base.Host
	r.URL.Path = strings.TrimRight(t.base.Path, "/") + req.URL.Path
	r.Host = t.base.Host
	return t.next.RoundTrip(r)
}
