package discordtest

import (
	"encoding/json"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// interaction is the emulator's record of one interaction.
type interaction struct {
	id, token       string
	typ             discordgo.InteractionType
	guildID         string
	channelID       string
	userID          string
	name            string // command name or custom_id
	created         time.Time
	sourceMessageID string // the message a component (or its modal) was on

	responded    bool
	responseType discordgo.InteractionResponseType
	ephemeral    bool
	originalID   string
	followups    []string
	choices      []*discordgo.ApplicationCommandOptionChoice
	modal        *Modal
	failed       bool // a response came after the deadline

	// changed is closed and replaced whenever the app answers or edits
	// the answer, so a member waiting on this one interaction wakes on
	// its changes only (see Await).
	changed chan struct{}
}

// touch wakes whoever awaits this interaction's answer.
func (it *interaction) touch() {
	close(it.changed)
	it.changed = make(chan struct{})
}

// Modal is a modal an app answered an interaction with.
type Modal struct {
	CustomID string
	Title    string
	Inputs   []ModalInput
}

// ModalInput is a text input of a modal.
type ModalInput struct {
	CustomID  string
	Label     string
	Style     int
	Required  bool
	MinLength int
	MaxLength int
	Value     string
}

// Interaction is a handle on an interaction a simulated member started.
type Interaction struct {
	e         *Emulator
	ID        string
	Token     string
	Type      discordgo.InteractionType
	UserID    string
	ChannelID string
}

// Response is how the app answered an interaction, as it stands now.
type Response struct {
	Type discordgo.InteractionResponseType
	// Deferred is true for types 5 and 6: the app acknowledged and will
	// edit @original later (a type 5 message keeps the LOADING flag, 128,
	// until that edit).
	Deferred  bool
	Ephemeral bool
	// Message is the @original message (after any edits) for responses
	// that have one: types 4, 5, and 6/7 (the component's message).
	Message   *discordgo.Message
	Followups []*discordgo.Message
	Choices   []*discordgo.ApplicationCommandOptionChoice // type 8
	Modal     *Modal                                      // type 9
}

// Text is what the member read in the answer: the last followup, else the
// @original message, with its embeds' titles and descriptions.
func (r *Response) Text() string {
	m := r.Message
	if n := len(r.Followups); n > 0 {
		m = r.Followups[n-1]
	}
	if m == nil {
		return ""
	}
	text := m.Content
	for _, e := range m.Embeds {
		text += "\n" + e.Title + "\n" + e.Description
	}
	return text
}

// FailedInteraction is an interaction the member saw fail: no initial
// response within the deadline.
type FailedInteraction struct {
	ID        string
	Type      discordgo.InteractionType
	Name      string // command name or custom_id
	UserID    string
	ChannelID string
	// Late is true when a response did arrive, after the deadline; false
	// when none came at all.
	Late bool
}

// expired reports whether the initial-response deadline has passed.
func (e *Emulator) expired(it *interaction, now time.Time) bool {
	return now.Sub(it.created) > e.cfg.interactionDeadline
}

// sawFail reports whether the member saw the interaction fail: an answer
// came too late, or none came before the deadline.
func (e *Emulator) sawFail(it *interaction, now time.Time) bool {
	return it.failed || (!it.responded && e.expired(it, now))
}

// InteractionResponse returns how the app answered an interaction so far,
// and false while it has not.
func (s *State) InteractionResponse(id string) (*Response, bool) {
	it, ok := s.interactions[id]
	if !ok || !it.responded {
		return nil, false
	}
	r := &Response{Type: it.responseType, Ephemeral: it.ephemeral, Choices: it.choices, Modal: it.modal,
		Deferred: it.responseType == discordgo.InteractionResponseDeferredChannelMessageWithSource ||
			it.responseType == discordgo.InteractionResponseDeferredMessageUpdate}
	if m, ok := s.messages[it.originalID]; ok {
		r.Message = clone(m)
	}
	for _, id := range it.followups {
		if m, ok := s.messages[id]; ok {
			r.Followups = append(r.Followups, clone(m))
		}
	}
	return r, true
}

// settled reports, without copying anything, whether the app's answer is
// final: not absent, and not a "thinking…" message or a deferred update
// still waiting for the edit that completes it.
func (s *State) settled(it *interaction) bool {
	if !it.responded {
		return false
	}
	if it.modal != nil || it.choices != nil || len(it.followups) > 0 {
		return true
	}
	switch it.responseType {
	case discordgo.InteractionResponseDeferredChannelMessageWithSource:
		m, ok := s.messages[it.originalID]
		return ok && m.Flags&flagLoading == 0
	case discordgo.InteractionResponseDeferredMessageUpdate:
		// An automatic defer of a click (the handler was slow) settles
		// once the handler's update edited the message.
		m, ok := s.messages[it.originalID]
		return ok && m.EditedTimestamp != nil
	}
	return true
}

// Await waits for the app's settled answer to the interaction and returns
// it. It returns an error when the member saw the interaction fail (no
// initial answer within Discord's deadline) or when nothing settled within
// timeout. It never fails a test, so any
// goroutine may call it, and it wakes on this interaction's own changes
// rather than on every change to the emulator, so hundreds of members can
// wait at once without slowing the emulator down.
func (i *Interaction) Await(timeout time.Duration) (*Response, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	// The clock may be fake and a missed deadline is not a change, so
	// look again now and then as well.
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		i.e.mu.Lock()
		it, ok := i.e.st.interactions[i.ID]
		if !ok {
			i.e.mu.Unlock()
			return nil, fmt.Errorf("interaction %s is unknown to the emulator", i.ID)
		}
		if i.e.st.settled(it) {
			r, _ := i.e.st.InteractionResponse(i.ID)
			i.e.mu.Unlock()
			return r, nil
		}
		failed := i.e.sawFail(it, i.e.cfg.now())
		changed := it.changed
		i.e.mu.Unlock()
		if failed {
			return nil, fmt.Errorf("the member saw interaction %s (%s) fail: no answer within Discord's deadline", i.ID, it.name)
		}
		select {
		case <-changed:
		case <-tick.C:
		case <-deadline.C:
			return nil, fmt.Errorf("interaction %s (%s): no settled answer within %v", i.ID, it.name, timeout)
		}
	}
}

// Response returns the app's answer so far, and false while there is none.
func (i *Interaction) Response() (*Response, bool) {
	i.e.mu.Lock()
	defer i.e.mu.Unlock()
	return i.e.st.InteractionResponse(i.ID)
}

// WaitResponse waits for the app's initial response and fails the test if
// none comes within timeout.
func (i *Interaction) WaitResponse(t testing.TB, timeout time.Duration) *Response {
	t.Helper()
	var out *Response
	ok := i.e.waitUntil(timeout, func() bool {
		r, ok := i.e.st.InteractionResponse(i.ID)
		out = r
		return ok
	})
	if !ok {
		t.Fatalf("interaction %s (%s): no response within %v", i.ID, i.e.interactionName(i.ID), timeout)
	}
	return out
}

func (e *Emulator) interactionName(id string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if it, ok := e.st.interactions[id]; ok {
		return it.name
	}
	return "unknown"
}

// Failed reports whether the member saw this interaction fail.
func (i *Interaction) Failed() bool {
	i.e.mu.Lock()
	defer i.e.mu.Unlock()
	it, ok := i.e.st.interactions[i.ID]
	return ok && i.e.sawFail(it, i.e.cfg.now())
}

// FailedInteractions lists the interactions members saw fail so far.
func (e *Emulator) FailedInteractions() []FailedInteraction {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.cfg.now()
	var out []FailedInteraction
	for _, it := range e.st.interactions {
		if e.sawFail(it, now) {
			out = append(out, FailedInteraction{ID: it.id, Type: it.typ, Name: it.name, UserID: it.userID,
				ChannelID: it.channelID, Late: it.failed})
		}
	}
	sort.Slice(out, func(i, j int) bool { return idLess(out[i].ID, out[j].ID) })
	return out
}

// startInteractionLocked records an interaction and emits INTERACTION_CREATE.
func (e *Emulator) startInteractionLocked(userID, channelID string, typ discordgo.InteractionType, name string, data map[string]any, source *discordgo.Message) (*Interaction, error) {
	ch, ok := e.st.channels[channelID]
	if !ok {
		return nil, fmt.Errorf("unknown channel %s", channelID)
	}
	g, ok := e.st.guilds[ch.GuildID]
	if !ok {
		return nil, fmt.Errorf("channel %s is not in a guild", channelID)
	}
	member, ok := g.members[userID]
	if !ok {
		return nil, fmt.Errorf("user %s is not a member of guild %s", userID, g.g.ID)
	}
	perms := e.st.Permissions(channelID, userID)
	if perms&discordgo.PermissionViewChannel == 0 {
		return nil, fmt.Errorf("member %s cannot see channel %s", member.User.Username, ch.Name)
	}
	if typ == discordgo.InteractionApplicationCommand && perms&discordgo.PermissionUseApplicationCommands == 0 {
		return nil, fmt.Errorf("member %s may not use application commands in %s", member.User.Username, ch.Name)
	}
	now := e.cfg.now()
	it := &interaction{id: e.st.newID(), token: "aW50ZXJhY3Rpb246" + randomHex(32), typ: typ, guildID: g.g.ID,
		channelID: channelID, userID: userID, name: name, created: now, changed: make(chan struct{})}
	if source != nil {
		it.sourceMessageID = source.ID
	}
	e.st.interactions[it.id] = it
	e.st.tokens[it.token] = it.id
	// A shallow copy is enough: the payload is encoded before the lock
	// is released, and nothing here changes what m points to.
	m := *member
	m.Permissions = perms
	m.GuildID = ""
	payload := map[string]any{
		"id":                             it.id,
		"application_id":                 e.st.app.ID,
		"type":                           typ,
		"data":                           data,
		"guild_id":                       g.g.ID,
		"channel_id":                     channelID,
		"channel":                        map[string]any{"id": ch.ID, "type": ch.Type, "name": ch.Name, "guild_id": ch.GuildID, "parent_id": nilIfEmpty(ch.ParentID), "permissions": fmt.Sprint(perms)},
		"member":                         &m,
		"token":                          it.token,
		"version":                        1,
		"app_permissions":                fmt.Sprint(e.st.Permissions(channelID, e.st.bot.ID)),
		"locale":                         "en-US",
		"guild_locale":                   "en-US",
		"entitlements":                   []any{},
		"authorizing_integration_owners": map[string]any{"0": g.g.ID},
		"context":                        0,
	}
	if source != nil {
		payload["message"] = wireMessage{source}
	}
	e.dispatchLocked("INTERACTION_CREATE", payload)
	e.notifyLocked()
	return &Interaction{e: e, ID: it.id, Token: it.token, Type: typ, UserID: userID, ChannelID: channelID}, nil
}

// findCommandLocked finds a chat-input command visible in a guild.
func (e *Emulator) findCommandLocked(guildID, name string) (*discordgo.ApplicationCommand, error) {
	for _, scope := range []string{guildID, ""} {
		for _, c := range e.st.commands[scope] {
			if c.Name == name && commandType(c) == discordgo.ChatApplicationCommand {
				return c, nil
			}
		}
	}
	return nil, fmt.Errorf("no command %q is registered for guild %s", name, guildID)
}

// parseModal reads a type 9 response's data: 1-5 action rows of text inputs.
func parseModal(raw json.RawMessage) (*Modal, *apiError) {
	var d struct {
		CustomID   string `json:"custom_id"`
		Title      string `json:"title"`
		Components []struct {
			Type       int `json:"type"`
			Components []struct {
				Type      int    `json:"type"`
				CustomID  string `json:"custom_id"`
				Label     string `json:"label"`
				Style     int    `json:"style"`
				Required  *bool  `json:"required"`
				MinLength int    `json:"min_length"`
				MaxLength int    `json:"max_length"`
				Value     string `json:"value"`
			} `json:"components"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, errInvalidJSON()
	}
	if n := len([]rune(d.Title)); n < 1 || n > 45 {
		return nil, errBadLength("data.title", 1, 45)
	}
	if n := len(d.CustomID); n < 1 || n > 100 {
		return nil, errBadLength("data.custom_id", 1, 100)
	}
	if n := len(d.Components); n < 1 || n > 5 {
		return nil, errBadLength("data.components", 1, 5)
	}
	m := &Modal{CustomID: d.CustomID, Title: d.Title}
	for i, row := range d.Components {
		if row.Type != int(discordgo.ActionsRowComponent) || len(row.Components) != 1 ||
			row.Components[0].Type != int(discordgo.TextInputComponent) {
			return nil, errInvalidForm(fmt.Sprintf("data.components.%d", i), "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
				"A modal row holds exactly one text input.")
		}
		in := row.Components[0]
		m.Inputs = append(m.Inputs, ModalInput{CustomID: in.CustomID, Label: in.Label, Style: in.Style,
			Required: in.Required == nil || *in.Required, MinLength: in.MinLength, MaxLength: in.MaxLength, Value: in.Value})
	}
	return m, nil
}
