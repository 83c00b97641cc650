package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// DefaultDeferAfter leaves a second of Discord's three for the automatic
// defer itself to arrive.
const DefaultDeferAfter = 2 * time.Second

// RouterOptions configure a Router; the zero value is usable.
type RouterOptions struct {
	// Logger receives dispatch failures and handler bugs (default: discard).
	Logger *slog.Logger
	// Now is the clock handlers see through Context.Now (default time.Now).
	Now func() time.Time
	// DeferAfter is how long a handler may take before the router defers
	// its initial response (default 2 s; negative disables it, for tests
	// that must see a handler's own first response).
	DeferAfter time.Duration
}

// Middleware wraps every command, component and modal handler: for checks
// many handlers share (a host-only guard), metrics or tracing. Panics,
// errors and automatic defers stay the router's business.
type Middleware func(Handler) Handler

// AutocompleteHandler returns the choices for the option being typed
// (Context.Focused); at most 25 are sent.
type AutocompleteHandler func(ctx *Context) ([]*discordgo.ApplicationCommandOptionChoice, error)

// Router dispatches interactions to handlers. Register handlers before the
// session opens; registering later is safe but races with dispatch order.
type Router struct {
	logger     *slog.Logger
	now        func() time.Time
	deferAfter time.Duration

	mu           sync.RWMutex
	commands     map[string]Handler
	components   map[string]Handler
	modals       map[string]Handler
	autocomplete map[string]AutocompleteHandler
	middleware   []Middleware

	inflight sync.WaitGroup
}

// NewRouter returns a Router with no routes.
func NewRouter(opts RouterOptions) *Router {
	r := &Router{logger: opts.Logger, now: opts.Now, deferAfter: opts.DeferAfter,
		commands: map[string]Handler{}, components: map[string]Handler{}, modals: map[string]Handler{},
		autocomplete: map[string]AutocompleteHandler{}}
	if r.logger == nil {
		r.logger = slog.New(slog.DiscardHandler)
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.deferAfter == 0 {
		r.deferAfter = DefaultDeferAfter
	}
	return r
}

// Command routes a slash command by name. Use SubcommandMux for its
// subcommands. A later registration replaces an earlier one.
func (r *Router) Command(name string, h Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.commands[name] = h
}

// Use adds middleware; the first added is the outermost. It applies to
// dispatches that start after it returns.
func (r *Router) Use(mw ...Middleware) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.middleware = append(r.middleware, mw...)
}

// wrap applies the middleware to h.
func (r *Router) wrap(h Handler) Handler {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for i := len(r.middleware) - 1; i >= 0; i-- {
		h = r.middleware[i](h)
	}
	return h
}

// Autocomplete routes a command's autocomplete requests by command name.
func (r *Router) Autocomplete(name string, h AutocompleteHandler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.autocomplete[name] = h
}

// Component routes buttons and select menus by the Kind of their custom_id:
// prefix "workshop" receives kinds "workshop" and "workshop.join" unless a
// longer prefix ("workshop.join") is registered too. A prefix that is not a
// valid kind can never match; it is logged and ignored.
func (r *Router) Component(prefix string, h Handler) {
	r.addPrefix(r.components, "component", prefix, h)
}

// Modal routes modal submits by the Kind of their custom_id, as Component.
func (r *Router) Modal(prefix string, h Handler) { r.addPrefix(r.modals, "modal", prefix, h) }

func (r *Router) addPrefix(routes map[string]Handler, what, prefix string, h Handler) {
	if !validKind(prefix) {
		r.logger.Error("ignoring a route whose prefix can never match a custom_id kind", "route", what, "prefix", prefix)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	routes[prefix] = h
}

// lookupKind finds the handler for kind, trying ever shorter dot-separated
// prefixes: "workshop.join.level", "workshop.join", "workshop".
func (r *Router) lookupKind(routes map[string]Handler, kind string) Handler {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for {
		if h, ok := routes[kind]; ok {
			return h
		}
		dot := strings.LastIndexByte(kind, '.')
		if dot < 0 {
			return nil
		}
		kind = kind[:dot]
	}
}

func (r *Router) lookupCommand(name string) Handler {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.commands[name]
}

// Handle dispatches an interaction from a discordgo session; pass it to
// Session.AddHandler. It returns when the handler and every answer are done.
func (r *Router) Handle(s *discordgo.Session, ic *discordgo.InteractionCreate) {
	if ic == nil || ic.Interaction == nil {
		return
	}
	r.Dispatch(context.Background(), SessionResponder{Session: s}, s, ic.Interaction)
}

// Wait blocks until every dispatch in progress has finished: call it after
// closing the session, so no handler is cut off mid-answer at shutdown.
func (r *Router) Wait() { r.inflight.Wait() }

// Dispatch routes one interaction and answers it through resp; s may be nil
// when no session exists (tests, benchmarks). It never panics.
func (r *Router) Dispatch(parent context.Context, resp Responder, s *discordgo.Session, i *discordgo.Interaction) {
	if i == nil {
		return
	}
	r.inflight.Add(1)
	defer r.inflight.Done()
	ctx, cancel := context.WithTimeout(parent, TokenLifetime)
	defer cancel()
	c := &Context{ctx: ctx, session: s, interaction: i, responder: resp, now: r.now, baseLogger: r.logger}
	defer func() {
		// The handler's own panics are caught in call; this catches the
		// router's and the responder's, so the bot never dies.
		if p := recover(); p != nil {
			r.logger.Error("interaction dispatch panicked", "interaction", i.ID, "panic", p, "stack", string(debug.Stack()))
		}
	}()
	c.member = memberOf(i)

	// Switch on the type before touching Data: discordgo's typed accessors
	// panic on the wrong type, and Data is nil when discordgo could not
	// decode it (a modal with a component type it does not know).
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		data, ok := commandData(i)
		if !ok {
			r.run(c, "command", nil, errors.New("command interaction without data"))
			return
		}
		c.path, c.options = leafOptions(data.Name, data.Options)
		c.resolved = data.Resolved
		c.name = data.Name
		h := r.lookupCommand(data.Name)
		var err error
		if h == nil {
			err = fmt.Errorf("/%s: %w", data.Name, ErrUnknownCommand)
		}
		r.run(c, "command", h, err)
	case discordgo.InteractionApplicationCommandAutocomplete:
		data, ok := commandData(i)
		if !ok {
			r.logger.Warn("autocomplete interaction without data", "interaction", i.ID)
			return
		}
		c.path, c.options = leafOptions(data.Name, data.Options)
		c.resolved = data.Resolved
		c.name = data.Name
		r.runAutocomplete(c)
	case discordgo.InteractionMessageComponent:
		data, ok := componentData(i)
		if !ok {
			r.run(c, "component", nil, fmt.Errorf("component interaction without data: %w", ErrStale))
			return
		}
		c.name = data.CustomID
		c.values = data.Values
		h, err := r.route(c, r.components, data.CustomID)
		r.run(c, "component", h, err)
	case discordgo.InteractionModalSubmit:
		data, ok := modalData(i)
		if !ok {
			r.run(c, "modal", nil, errUnreadableModal)
			return
		}
		c.name = data.CustomID
		c.fields = modalFields(data.Components)
		h, err := r.route(c, r.modals, data.CustomID)
		r.run(c, "modal", h, err)
	default:
		// Pings arrive only over the HTTP endpoint; other types are newer
		// than this bot. Either way there is nothing to answer here.
		r.logger.Debug("ignoring interaction", "interaction", i.ID, "type", int(i.Type))
	}
}

// route decodes a custom_id and finds the handler for its kind.
func (r *Router) route(c *Context, routes map[string]Handler, customID string) (Handler, error) {
	id, err := DecodeID(customID)
	if err != nil {
		return nil, fmt.Errorf("custom_id %q: %w: %w", customID, ErrStale, err)
	}
	c.id = id
	h := r.lookupKind(routes, id.Kind)
	if h == nil {
		return nil, fmt.Errorf("custom_id kind %q: %w", id.Kind, ErrStale)
	}
	return h, nil
}

// run calls h (unless routing already failed with err) under the automatic
// defer, then makes sure the member sees an answer.
func (r *Router) run(c *Context, what string, h Handler, err error) {
	start := r.now()
	if h != nil {
		// Wrapped inside the call, so a panicking middleware is recovered
		// and answered like a panicking handler.
		err = r.callWithDefer(c, func(c *Context) error { return r.wrap(h)(c) })
	}
	if c.wasAutoDeferred() {
		c.Logger().Info("slow handler was deferred automatically", "kind", what, "elapsed", r.now().Sub(start))
	}
	if err != nil {
		r.answerError(c, what, err)
		return
	}
	unanswered, ferr := c.finish()
	if ferr != nil {
		c.Logger().Error("could not answer the interaction after its handler", "kind", what, "err", ferr)
	} else if unanswered {
		// A bug in the handler: the member got "Done." instead of an answer.
		c.Logger().Warn("handler returned without answering; sent \"Done.\"", "kind", what)
	}
}

// callWithDefer runs the handler while a timer defers the initial response
// if the handler is still silent after DeferAfter. The timer's function is
// owned by this call: it is stopped, or waited for, before returning, so no
// answer is sent after the dispatch ends. A timer rather than a goroutine
// waiting on one: 5 µs instead of 13 µs per dispatch here
// (BenchmarkDispatchCommand).
func (r *Router) callWithDefer(c *Context, h Handler) error {
	if r.deferAfter < 0 {
		return call(c, h)
	}
	fired := make(chan struct{})
	t := time.AfterFunc(r.deferAfter, func() {
		defer close(fired)
		defer func() {
			if p := recover(); p != nil {
				c.Logger().Error("automatic defer panicked", "panic", p, "stack", string(debug.Stack()))
			}
		}()
		if err := c.autoDefer(); err != nil {
			c.Logger().Warn("automatic defer failed", "err", err)
		}
	})
	err := call(c, h)
	if !t.Stop() {
		<-fired
	}
	return err
}

// call runs a handler, turning a panic into an error.
func call(c *Context, h Handler) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &panicError{value: p, stack: debug.Stack()}
		}
	}()
	return h(c)
}

// runAutocomplete answers an autocomplete request with the handler's
// choices, or none when there is no handler or it fails: autocomplete has
// no room for an error message.
func (r *Router) runAutocomplete(c *Context) {
	r.mu.RLock()
	h := r.autocomplete[c.name]
	r.mu.RUnlock()
	var choices []*discordgo.ApplicationCommandOptionChoice
	if h != nil {
		err := call(c, func(c *Context) error {
			var err error
			choices, err = h(c)
			return err
		})
		if err != nil {
			r.logError(c, "autocomplete", err)
			choices = nil
		}
	}
	if err := c.respondChoices(choices); err != nil {
		c.Logger().Warn("could not send autocomplete choices", "err", err)
	}
}

// answerError is the error boundary: it logs err and tells the member, in
// an ephemeral message, what explain decided.
func (r *Router) answerError(c *Context, what string, err error) {
	msg := r.logError(c, what, err)
	if rerr := c.Reply(true, msg); rerr != nil {
		c.Logger().Error("could not tell the member about an error", "kind", what, "err", err, "reply_err", rerr)
	}
}

func (r *Router) logError(c *Context, what string, err error) string {
	msg, level := explain(err)
	var pe *panicError
	if errors.As(err, &pe) {
		c.Logger().Error("handler panicked", "kind", what, "panic", pe.value, "stack", string(pe.stack))
		return msg
	}
	c.Logger().Log(c.ctx, level, "handler failed", "kind", what, "err", err)
	return msg
}

// commandData reads a command's data, accepting the value discordgo
// decodes into and a pointer (interactions built by hand).
func commandData(i *discordgo.Interaction) (*discordgo.ApplicationCommandInteractionData, bool) {
	switch d := i.Data.(type) {
	case discordgo.ApplicationCommandInteractionData:
		return &d, true
	case *discordgo.ApplicationCommandInteractionData:
		return d, d != nil
	}
	return nil, false
}

func componentData(i *discordgo.Interaction) (*discordgo.MessageComponentInteractionData, bool) {
	switch d := i.Data.(type) {
	case discordgo.MessageComponentInteractionData:
		return &d, true
	case *discordgo.MessageComponentInteractionData:
		return d, d != nil
	}
	return nil, false
}

func modalData(i *discordgo.Interaction) (*discordgo.ModalSubmitInteractionData, bool) {
	switch d := i.Data.(type) {
	case discordgo.ModalSubmitInteractionData:
		return &d, true
	case *discordgo.ModalSubmitInteractionData:
		return d, d != nil
	}
	return nil, false
}
