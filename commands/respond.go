package commands

import (
	"errors"
	"fmt"

	"github.com/bwmarrin/discordgo"
)

// ErrAnswered is returned by a response that can no longer be sent: a modal
// after the interaction was acknowledged, anything after a modal or
// autocomplete choices.
var ErrAnswered = errors.New("the interaction was already answered in a way that allows no further response")

// ReplyOption adds to a message sent by Reply, Update, EditReply or Followup.
type ReplyOption func(*message)

// message is what a response carries besides its content.
type message struct {
	content       string
	embeds        []*discordgo.MessageEmbed
	embedsSet     bool
	components    []discordgo.MessageComponent
	componentsSet bool
	mentions      *discordgo.MessageAllowedMentions
	files         []*discordgo.File
}

// WithEmbeds attaches embeds (in an edit, replaces them; none clears them).
func WithEmbeds(embeds ...*discordgo.MessageEmbed) ReplyOption {
	return func(m *message) { m.embeds, m.embedsSet = embeds, true }
}

// WithComponents attaches action rows (in an edit, replaces them; none
// clears them).
func WithComponents(rows ...discordgo.MessageComponent) ReplyOption {
	return func(m *message) { m.components, m.componentsSet = rows, true }
}

// WithAllowedMentions limits whom the message may ping. Without it Discord
// pings whatever the content mentions and the bot may mention.
func WithAllowedMentions(am *discordgo.MessageAllowedMentions) ReplyOption {
	return func(m *message) { m.mentions = am }
}

// WithFiles uploads files with the message.
func WithFiles(files ...*discordgo.File) ReplyOption {
	return func(m *message) { m.files = files }
}

func newMessage(content string, opts []ReplyOption) message {
	m := message{content: Truncate(content, MaxContentLength)}
	for _, o := range opts {
		o(&m)
	}
	return m
}

func (m message) data(ephemeral bool) *discordgo.InteractionResponseData {
	return &discordgo.InteractionResponseData{Content: m.content, Embeds: m.embeds, Components: m.components,
		AllowedMentions: m.mentions, Files: m.files, Flags: EphemeralFlag(ephemeral)}
}

func (m message) edit() *discordgo.WebhookEdit {
	e := &discordgo.WebhookEdit{Content: &m.content, AllowedMentions: m.mentions, Files: m.files}
	if m.embedsSet {
		embeds := m.embeds
		if embeds == nil {
			embeds = []*discordgo.MessageEmbed{}
		}
		e.Embeds = &embeds
	}
	if m.componentsSet {
		comps := m.components
		if comps == nil {
			comps = []discordgo.MessageComponent{}
		}
		e.Components = &comps
	}
	return e
}

func (m message) params(ephemeral bool) *discordgo.WebhookParams {
	return &discordgo.WebhookParams{Content: m.content, Embeds: m.embeds, Components: m.components,
		AllowedMentions: m.mentions, Files: m.files, Flags: EphemeralFlag(ephemeral)}
}

// Reply answers with a message. As the initial response it is a channel
// message (type 4); after a defer it fills the loading message; after an
// answer it is a followup. A Reply whose visibility differs from a deferred
// loading message's is posted as a followup and the placeholder deleted,
// so an ephemeral error never appears in public and vice versa.
func (c *Context) Reply(ephemeral bool, content string, opts ...ReplyOption) error {
	m := newMessage(content, opts)
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.replyLocked(ephemeral, m)
}

// ReplyEmbed answers with embeds and no text, as Reply does.
func (c *Context) ReplyEmbed(ephemeral bool, embeds ...*discordgo.MessageEmbed) error {
	return c.Reply(ephemeral, "", WithEmbeds(embeds...))
}

func (c *Context) replyLocked(ephemeral bool, m message) error {
	switch c.state {
	case stateNone:
		err := c.responder.Respond(c.ctx, c.interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource, Data: m.data(ephemeral)})
		if err != nil {
			return err
		}
		c.state = stateMessage
	case stateDeferred:
		if ephemeral == c.deferredEphemeral {
			if _, err := c.responder.EditOriginal(c.ctx, c.interaction, m.edit()); err != nil {
				return err
			}
			c.state = stateMessage
			return nil
		}
		if _, err := c.responder.Followup(c.ctx, c.interaction, m.params(ephemeral)); err != nil {
			return err
		}
		c.state = stateMessage
		if err := c.responder.DeleteOriginal(c.ctx, c.interaction); err != nil {
			c.logger.Warn("could not delete the deferred placeholder", "err", err)
		}
	case stateMessage, stateDeferredUpdate, stateUpdated:
		if _, err := c.responder.Followup(c.ctx, c.interaction, m.params(ephemeral)); err != nil {
			return err
		}
	default:
		return fmt.Errorf("reply: %w", ErrAnswered)
	}
	return nil
}

// Update edits the message whose component was clicked (type 7, or an edit
// after DeferUpdate). Content is replaced; embeds and components stay
// unless given.
func (c *Context) Update(content string, opts ...ReplyOption) error {
	if c.interaction.Message == nil {
		return errors.New("update: the interaction has no message to update (only components and their modals do)")
	}
	m := newMessage(content, opts)
	c.mu.Lock()
	defer c.mu.Unlock()
	switch c.state {
	case stateNone:
		data := m.data(false)
		if !m.componentsSet {
			data.Components = c.interaction.Message.Components
		}
		if !m.embedsSet {
			data.Embeds = c.interaction.Message.Embeds
		}
		err := c.responder.Respond(c.ctx, c.interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseUpdateMessage, Data: data})
		if err != nil {
			return err
		}
	case stateDeferredUpdate, stateUpdated:
		if _, err := c.responder.EditOriginal(c.ctx, c.interaction, m.edit()); err != nil {
			return err
		}
	default:
		return fmt.Errorf("update after a new message was sent: %w", ErrAnswered)
	}
	c.state = stateUpdated
	return nil
}

// EditReply edits the initial response's message (for a component answered
// with Update or DeferUpdate, the component's message).
func (c *Context) EditReply(content string, opts ...ReplyOption) error {
	m := newMessage(content, opts)
	c.mu.Lock()
	defer c.mu.Unlock()
	switch c.state {
	case stateDeferred, stateMessage, stateDeferredUpdate, stateUpdated:
	case stateNone:
		return errors.New("edit reply: nothing was sent yet")
	default:
		return fmt.Errorf("edit reply: %w", ErrAnswered)
	}
	if _, err := c.responder.EditOriginal(c.ctx, c.interaction, m.edit()); err != nil {
		return err
	}
	switch c.state {
	case stateDeferred:
		c.state = stateMessage
	case stateDeferredUpdate:
		c.state = stateUpdated
	}
	return nil
}

// Followup posts a further message; the interaction must have been
// answered (or deferred) first.
func (c *Context) Followup(ephemeral bool, content string, opts ...ReplyOption) (*discordgo.Message, error) {
	m := newMessage(content, opts)
	c.mu.Lock()
	defer c.mu.Unlock()
	switch c.state {
	case stateNone:
		return nil, errors.New("followup: answer or defer the interaction first")
	case stateModal, stateChoices:
		return nil, fmt.Errorf("followup: %w", ErrAnswered)
	}
	return c.responder.Followup(c.ctx, c.interaction, m.params(ephemeral))
}

// Defer acknowledges the interaction with a loading message (type 5) to be
// filled by a later Reply or EditReply. A no-op when already acknowledged.
func (c *Context) Defer(ephemeral bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.deferLocked(ephemeral)
}

func (c *Context) deferLocked(ephemeral bool) error {
	if c.state != stateNone {
		return nil
	}
	err := c.responder.Respond(c.ctx, c.interaction, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: EphemeralFlag(ephemeral)}})
	if err != nil {
		return err
	}
	c.state, c.deferredEphemeral = stateDeferred, ephemeral
	return nil
}

// DeferUpdate acknowledges a component click without a visible change
// (type 6); the handler may Update the message later. A no-op when already
// acknowledged.
func (c *Context) DeferUpdate() error {
	if c.interaction.Message == nil {
		return errors.New("defer update: the interaction has no message (only components and their modals do)")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.deferUpdateLocked()
}

func (c *Context) deferUpdateLocked() error {
	if c.state != stateNone {
		return nil
	}
	err := c.responder.Respond(c.ctx, c.interaction, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredMessageUpdate})
	if err != nil {
		return err
	}
	c.state = stateDeferredUpdate
	return nil
}

// Modal opens a modal (type 9) of single-line or paragraph text inputs, one
// per row, the only layout discordgo v0.29 reads back reliably. It must be
// the initial response: open it before any slow work, since the router
// defers handlers that take longer than RouterOptions.DeferAfter.
func (c *Context) Modal(id ID, title string, inputs ...discordgo.TextInput) error {
	if c.interaction.Type == discordgo.InteractionModalSubmit {
		return errors.New("modal: a modal cannot answer a modal submit")
	}
	customID, err := id.Encode()
	if err != nil {
		return fmt.Errorf("modal: %w", err)
	}
	rows := make([]discordgo.MessageComponent, len(inputs))
	for i := range inputs {
		rows[i] = discordgo.ActionsRow{Components: []discordgo.MessageComponent{inputs[i]}}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state != stateNone {
		return fmt.Errorf("modal: %w", ErrAnswered)
	}
	err = c.responder.Respond(c.ctx, c.interaction, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseModal,
		Data: &discordgo.InteractionResponseData{CustomID: customID, Title: Truncate(title, 45), Components: rows}})
	if err != nil {
		return err
	}
	c.state = stateModal
	return nil
}

// autoDefer acknowledges an interaction its handler has not answered in
// time: a loading ephemeral message for commands and modal submits, a
// silent acknowledgement for components.
func (c *Context) autoDefer() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state != stateNone {
		return nil
	}
	c.autoDeferred = true
	if c.interaction.Type == discordgo.InteractionMessageComponent {
		return c.deferUpdateLocked()
	}
	return c.deferLocked(true)
}

func (c *Context) wasAutoDeferred() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.autoDeferred
}

// finish makes sure the member sees an answer after a handler returned nil.
// It reports whether the handler had left the interaction unanswered.
func (c *Context) finish() (unanswered bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch c.state {
	case stateNone:
		return true, c.replyLocked(true, message{content: "Done."})
	case stateDeferred:
		// The loading message would spin until the token expires.
		return true, c.replyLocked(c.deferredEphemeral, message{content: "Done."})
	}
	return false, nil
}

// respondChoices answers an autocomplete request (type 8).
func (c *Context) respondChoices(choices []*discordgo.ApplicationCommandOptionChoice) error {
	if len(choices) > 25 {
		choices = choices[:25]
	}
	if choices == nil {
		choices = []*discordgo.ApplicationCommandOptionChoice{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state != stateNone {
		return fmt.Errorf("autocomplete: %w", ErrAnswered)
	}
	err := c.responder.Respond(c.ctx, c.interaction, &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices}})
	if err != nil {
		return err
	}
	c.state = stateChoices
	return nil
}
