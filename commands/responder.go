package commands

import (
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"
)

// Responder sends an interaction's answers. SessionResponder carries them
// over a discordgo session; tests and benchmarks answer in memory. The
// Context decides which call fits (initial response, edit, followup), so a
// Responder only transports.
type Responder interface {
	// Respond sends the initial response (interaction callback).
	Respond(ctx context.Context, i *discordgo.Interaction, r *discordgo.InteractionResponse) error
	// EditOriginal edits the initial response's message (@original).
	EditOriginal(ctx context.Context, i *discordgo.Interaction, edit *discordgo.WebhookEdit) (*discordgo.Message, error)
	// DeleteOriginal deletes the initial response's message.
	DeleteOriginal(ctx context.Context, i *discordgo.Interaction) error
	// Followup posts a further message in the interaction's channel.
	Followup(ctx context.Context, i *discordgo.Interaction, params *discordgo.WebhookParams) (*discordgo.Message, error)
}

// SessionResponder answers through a discordgo session's REST client.
type SessionResponder struct {
	Session *discordgo.Session
}

// Respond implements Responder.
func (r SessionResponder) Respond(ctx context.Context, i *discordgo.Interaction, resp *discordgo.InteractionResponse) error {
	if err := r.Session.InteractionRespond(i, resp, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("interaction response type %d: %w", resp.Type, err)
	}
	return nil
}

// EditOriginal implements Responder.
func (r SessionResponder) EditOriginal(ctx context.Context, i *discordgo.Interaction, edit *discordgo.WebhookEdit) (*discordgo.Message, error) {
	m, err := r.Session.InteractionResponseEdit(i, edit, discordgo.WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("edit interaction response: %w", err)
	}
	return m, nil
}

// DeleteOriginal implements Responder.
func (r SessionResponder) DeleteOriginal(ctx context.Context, i *discordgo.Interaction) error {
	if err := r.Session.InteractionResponseDelete(i, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("delete interaction response: %w", err)
	}
	return nil
}

// Followup implements Responder.
func (r SessionResponder) Followup(ctx context.Context, i *discordgo.Interaction, params *discordgo.WebhookParams) (*discordgo.Message, error) {
	m, err := r.Session.FollowupMessageCreate(i, true, params, discordgo.WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("interaction followup: %w", err)
	}
	return m, nil
}
