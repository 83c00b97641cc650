package commands

import (
	"bytes"
	"context"
	"log/slog"
	"strconv"
	"sync"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// memCall is one call a memResponder received.
type memCall struct {
	op     string // respond, edit, delete, followup
	resp   *discordgo.InteractionResponse
	edit   *discordgo.WebhookEdit
	params *discordgo.WebhookParams
}

// memResponder answers interactions in memory, recording every call.
type memResponder struct {
	mu    sync.Mutex
	calls []memCall
	// respondErr, when set, fails Respond calls of these types.
	respondErr map[discordgo.InteractionResponseType]error
	// onRespond is told of every Respond, after it is recorded.
	onRespond chan discordgo.InteractionResponseType
}

func (m *memResponder) record(c memCall) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = append(m.calls, c)
}

func (m *memResponder) Respond(_ context.Context, _ *discordgo.Interaction, r *discordgo.InteractionResponse) error {
	if err := m.respondErr[r.Type]; err != nil {
		return err
	}
	m.record(memCall{op: "respond", resp: r})
	if m.onRespond != nil {
		m.onRespond <- r.Type
	}
	return nil
}

func (m *memResponder) EditOriginal(_ context.Context, _ *discordgo.Interaction, e *discordgo.WebhookEdit) (*discordgo.Message, error) {
	m.record(memCall{op: "edit", edit: e})
	return &discordgo.Message{ID: "original"}, nil
}

func (m *memResponder) DeleteOriginal(context.Context, *discordgo.Interaction) error {
	m.record(memCall{op: "delete"})
	return nil
}

func (m *memResponder) Followup(_ context.Context, _ *discordgo.Interaction, p *discordgo.WebhookParams) (*discordgo.Message, error) {
	m.record(memCall{op: "followup", params: p})
	return &discordgo.Message{ID: "followup"}, nil
}

func (m *memResponder) Calls() []memCall {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]memCall(nil), m.calls...)
}

// ops lists the calls' operations, e.g. "respond:4", "edit", "followup:eph".
func (m *memResponder) ops() []string {
	var out []string
	for _, c := range m.Calls() {
		switch c.op {
		case "respond":
			out = append(out, "respond:"+strconv.Itoa(int(c.resp.Type)))
		case "followup":
			if c.params.Flags&discordgo.MessageFlagsEphemeral != 0 {
				out = append(out, "followup:eph")
			} else {
				out = append(out, "followup:pub")
			}
		default:
			out = append(out, c.op)
		}
	}
	return out
}

// onlyReply returns the single initial response, failing otherwise.
func onlyReply(t *testing.T, m *memResponder) *discordgo.InteractionResponse {
	t.Helper()
	calls := m.Calls()
	if len(calls) != 1 || calls[0].op != "respond" {
		t.Fatalf("want exactly one initial response, got %v", m.ops())
	}
	return calls[0].resp
}

// bufLogger logs as text into a buffer the test can read.
type bufLogger struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *bufLogger) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *bufLogger) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *bufLogger) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// Builders for interactions as discordgo decodes them.

func member(userID string, perms int64, roles ...string) *discordgo.Member {
	return &discordgo.Member{User: &discordgo.User{ID: userID, Username: "user" + userID, GlobalName: "User " + userID},
		Roles: roles, Permissions: perms}
}

func commandInteraction(name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
	return &discordgo.Interaction{ID: "100", AppID: "1", Type: discordgo.InteractionApplicationCommand, GuildID: "10",
		ChannelID: "20", Token: "tok", Member: member("30", discordgo.PermissionSendMessages),
		Data: discordgo.ApplicationCommandInteractionData{ID: "5", Name: name, Options: opts}}
}

func opt(name string, value any) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionString, Value: value}
}

func sub(name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionSubCommand, Options: opts}
}

func group(name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionSubCommandGroup, Options: opts}
}

func componentInteraction(customID string, values ...string) *discordgo.Interaction {
	return &discordgo.Interaction{ID: "101", AppID: "1", Type: discordgo.InteractionMessageComponent, GuildID: "10",
		ChannelID: "20", Token: "tok", Member: member("30", 0),
		Message: &discordgo.Message{ID: "200", ChannelID: "20", Content: "card",
			Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: "Join", CustomID: customID}}}}},
		Data: discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.ButtonComponent, Values: values}}
}

func modalInteraction(customID string, fields map[string]string) *discordgo.Interaction {
	var rows []discordgo.MessageComponent
	for k, v := range fields {
		rows = append(rows, &discordgo.ActionsRow{Components: []discordgo.MessageComponent{&discordgo.TextInput{CustomID: k, Value: v}}})
	}
	return &discordgo.Interaction{ID: "102", AppID: "1", Type: discordgo.InteractionModalSubmit, GuildID: "10",
		ChannelID: "20", Token: "tok", Member: member("30", 0),
		Data: discordgo.ModalSubmitInteractionData{CustomID: customID, Components: rows}}
}

// dispatch runs one interaction through r, answering in memory.
func dispatch(r *Router, i *discordgo.Interaction) *memResponder {
	m := &memResponder{}
	r.Dispatch(context.Background(), m, nil, i)
	return m
}
