package discordtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/roundtable-bot/roundtable/discord/discordtest/fault"
	"github.com/roundtable-bot/roundtable/discord/discordtest/ratelimit"
	"github.com/roundtable-bot/roundtable/discord/discordtest/spec"
)

// Emulator is an in-memory Discord: REST API, gateway and the guild they act
// on. Create one per test with New, or standalone with NewServer.
type Emulator struct {
	cfg config

	// mu guards st, gw, requests and the notification channel. Gateway frames
	// are written while holding it, so every client sees events in the order
	// the state changed.
	mu       sync.Mutex
	st       *State
	gw       gatewayState
	requests []Request
	changed  chan struct{}
	seed     SeedInfo

	mux     *http.ServeMux
	handler http.Handler
	server  *http.Server
	serving sync.WaitGroup // the goroutine Start runs
	limiter *ratelimit.Limiter
	faults  *fault.Injector
	// onViolation reports rate-limit violations in strict mode; New sets it
	// to fail the test.
	onViolation atomic.Pointer[func(ratelimit.Violation)]
}

// requestLogLimit bounds the request log of a long-running standalone
// emulator; when full, the older half is dropped.
const requestLogLimit = 100000

// Request is one REST request the emulator answered.
type Request struct {
	Time         time.Time
	Method       string
	Path         string
	Query        string
	Route        string // the route template, e.g. "POST /api/v9/channels/{channel_id}/messages"
	ContentType  string
	Body         []byte
	Status       int
	ResponseBody []byte
}

// NewServer builds an emulator seeded with the default guild. It serves
// nothing until Serve is called (or its Handler is mounted somewhere).
func NewServer(opts ...Option) (*Emulator, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	e := &Emulator{cfg: cfg, changed: make(chan struct{})}
	e.st = newState(cfg.now)
	if err := e.seedDefault(); err != nil {
		return nil, fmt.Errorf("seed emulator: %w", err)
	}
	e.gw.sessions = map[string]*gwSession{}
	e.gw.conns = map[*gwConn]struct{}{}
	e.mux = http.NewServeMux()
	e.registerRoutes()
	validator, err := spec.Default()
	if err != nil {
		return nil, fmt.Errorf("load Discord OpenAPI spec: %w", err)
	}
	profile, err := ratelimit.ProfileByName(cfg.profile)
	if err != nil {
		return nil, fmt.Errorf("rate-limit profile: %w", err)
	}
	e.limiter = ratelimit.New(profile, ratelimit.Options{
		Strict: cfg.strictRateLimits,
		// Rate limits keep real time even under WithClock: clients sleep
		// out Reset-After in real time, and a frozen window would stall them.
		Now: time.Now,
		OnViolation: func(v ratelimit.Violation) {
			if f := e.onViolation.Load(); f != nil {
				(*f)(v)
			}
		},
	})
	e.faults = fault.New(cfg.faults)
	e.handler = e.compose(validator)
	return e, nil
}

// compose stacks the layers every request passes: the request log, the
// control API and gateway (outside Discord's REST rules), then faults ->
// rate limits -> auth -> spec validation -> the handlers.
func (e *Emulator) compose(validator *spec.Validator) http.Handler {
	// Authentication sits inside the rate limiter so 401s count toward the
	// invalid-request limit, as Discord counts them.
	var api http.Handler = e.mux
	api = validator.Middleware(api)
	api = e.authenticate(api)
	api = e.limiter.Middleware(api)
	api = e.faults.Middleware(api)
	root := http.NewServeMux()
	root.Handle("/api/", api)
	root.HandleFunc("/ws/", e.serveGateway)
	root.HandleFunc("/ws", e.serveGateway)
	root.Handle("/_emulator/", e.controlAPI())
	root.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { writeAPIError(w, errNotFound()) })
	return e.logRequests(root)
}

// Handler serves the REST API under /api/v9 and /api/v10, the gateway under
// /ws/ and the control API under /_emulator/.
func (e *Emulator) Handler() http.Handler { return e.handler }

// Serve answers requests on l until Close. The seed's URLs point at l.
func (e *Emulator) Serve(l net.Listener) error {
	e.mu.Lock()
	e.setBaseLocked("http://" + l.Addr().String())
	srv := &http.Server{Handler: e.handler, ReadHeaderTimeout: 10 * time.Second}
	e.server = srv
	e.mu.Unlock()
	if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve emulator: %w", err)
	}
	return nil
}

// Start serves on l in the background until Close; unlike Serve it
// returns at once, with Seed already pointing at l.
func (e *Emulator) Start(l net.Listener) {
	e.mu.Lock()
	e.setBaseLocked("http://" + l.Addr().String())
	srv := &http.Server{Handler: e.handler, ReadHeaderTimeout: 10 * time.Second}
	e.server = srv
	e.serving.Add(1)
	e.mu.Unlock()
	go func() {
		defer e.serving.Done()
		_ = srv.Serve(l) // ends with ErrServerClosed when Close shuts it
	}()
}

func (e *Emulator) setBaseLocked(base string) {
	e.seed.APIBase = base + "/api/v9"
	e.seed.GatewayURL = "ws" + strings.TrimPrefix(base, "http") + "/ws"
}

// Close drops every gateway connection and stops Serve.
func (e *Emulator) Close() error {
	e.mu.Lock()
	for c := range e.gw.conns {
		c.ws.Close()
	}
	srv := e.server
	e.mu.Unlock()
	if srv != nil {
		if err := srv.Close(); err != nil {
			return fmt.Errorf("close emulator: %w", err)
		}
	}
	e.serving.Wait()
	return nil
}

// notifyLocked wakes everyone waiting for the state to change.
func (e *Emulator) notifyLocked() {
	close(e.changed)
	e.changed = make(chan struct{})
}

// authenticate answers 401 unless the request carries "Bot <token>". Routes
// Discord serves without a bot token (GET /gateway, interaction callbacks,
// webhook-token routes) are let through when the header is absent.
func (e *Emulator) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		if auth == "" && tokenlessRoute(r) {
			next.ServeHTTP(w, r)
			return
		}
		if auth != "Bot "+e.st.app.Token {
			writeAPIError(w, errUnauthorized())
			return
		}
		next.ServeHTTP(w, r)
	})
}

func tokenlessRoute(r *http.Request) bool {
	p := stripVersion(r.URL.Path)
	return (r.Method == http.MethodGet && p == "/gateway") ||
		strings.HasPrefix(p, "/interactions/") || strings.HasPrefix(p, "/webhooks/")
}

func stripVersion(p string) string {
	for _, v := range []string{"/api/v9", "/api/v10"} {
		if strings.HasPrefix(p, v+"/") {
			return strings.TrimPrefix(p, v)
		}
	}
	return p
}

// logRequests records every API request with its route template and both
// bodies. A request a route serves is logged by the route, under the lock
// with the state change it made (serveLocked); one answered before any
// route (a rate limit, an injected fault, a bad token) is logged here.
func (e *Emulator) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
		if err != nil {
			writeAPIError(w, newAPIError(400, 0, "400: Bad Request"))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		_, route := e.mux.Handler(r)
		p := &pendingLog{req: Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Route: route,
			ContentType: r.Header.Get("Content-Type"), Body: body}}
		r = r.WithContext(context.WithValue(r.Context(), pendingLogKey{}, p))
		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		e.mu.Lock()
		e.logLocked(r, rec.status, rec.body.Bytes())
		e.mu.Unlock()
		// The client sees the answer only once it is in the log, so a test
		// can read Requests right after a call returns.
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
		_, _ = w.Write(rec.body.Bytes())
	})
}

// pendingLogKey finds a request's pendingLog in its context.
type pendingLogKey struct{}

// pendingLog is a request being answered, logged once.
type pendingLog struct {
	req    Request
	logged bool
}

// logLocked appends r to the request log with its answer, unless it is
// logged already (or is not an API request).
func (e *Emulator) logLocked(r *http.Request, status int, body []byte) {
	p, ok := r.Context().Value(pendingLogKey{}).(*pendingLog)
	if !ok || p.logged {
		return
	}
	p.logged = true
	p.req.Time, p.req.Status, p.req.ResponseBody = e.cfg.now(), status, body
	if len(e.requests) >= requestLogLimit {
		e.requests = append(e.requests[:0:0], e.requests[len(e.requests)-requestLogLimit/2:]...)
	}
	e.requests = append(e.requests, p.req)
	e.notifyLocked()
}

// recorder holds a response until it has been logged.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(status int)      { r.status = status }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }

// Requests returns the REST requests answered so far, oldest first (the
// most recent 50,000 to 100,000 once the log has filled).
func (e *Emulator) Requests() []Request {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Request, len(e.requests))
	copy(out, e.requests)
	return out
}

// RateLimiter is the rate-limit layer, for its Stats and Violations.
func (e *Emulator) RateLimiter() *ratelimit.Limiter { return e.limiter }

// Faults is the fault-injection layer: change latency and error rate while
// a test runs, read what it injected.
func (e *Emulator) Faults() *fault.Injector { return e.faults }
