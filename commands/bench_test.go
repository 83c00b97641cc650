package commands

import (
	"context"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// nopResponder accepts every answer and keeps nothing, so a benchmark
// measures the router alone.
type nopResponder struct{}

func (nopResponder) Respond(context.Context, *discordgo.Interaction, *discordgo.InteractionResponse) error {
	return nil
}

func (nopResponder) EditOriginal(context.Context, *discordgo.Interaction, *discordgo.WebhookEdit) (*discordgo.Message, error) {
	return nil, nil
}

func (nopResponder) DeleteOriginal(context.Context, *discordgo.Interaction) error { return nil }

func (nopResponder) Followup(context.Context, *discordgo.Interaction, *discordgo.WebhookParams) (*discordgo.Message, error) {
	return nil, nil
}

// BenchmarkDispatchCommand is the router's cost for a trivial slash command
// with a subcommand and an option: routing, the Context, the automatic-defer
// goroutine and timer, and building the reply, with no network.
func BenchmarkDispatchCommand(b *testing.B) {
	r := NewRouter(RouterOptions{})
	r.Command("workshop", SubcommandMux{"status": func(ctx *Context) error {
		return ctx.Reply(true, "run "+ctx.StringOr("run", "?")+" is live")
	}}.Handle)
	i := commandInteraction("workshop", sub("status", opt("run", "7")))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		r.Dispatch(ctx, nopResponder{}, nil, i)
	}
}

// BenchmarkDispatchButton adds decoding the custom_id and the kind lookup.
func BenchmarkDispatchButton(b *testing.B) {
	r := NewRouter(RouterOptions{})
	for _, k := range []string{"ws.join", "ws.leave", "ws.help", "ws.submit", "ws.host"} {
		r.Component(k, func(ctx *Context) error { return ctx.DeferUpdate() })
	}
	id, err := NewID("ws.host.pause", "run:7").Encode()
	if err != nil {
		b.Fatal(err)
	}
	i := componentInteraction(id)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		r.Dispatch(ctx, nopResponder{}, nil, i)
	}
}

// BenchmarkDispatchCommandNoDefer is BenchmarkDispatchCommand without the
// automatic defer, to show what the defer goroutine costs.
func BenchmarkDispatchCommandNoDefer(b *testing.B) {
	r := NewRouter(RouterOptions{DeferAfter: -1})
	r.Command("ping", func(ctx *Context) error { return ctx.Reply(true, "pong") })
	i := commandInteraction("ping")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		r.Dispatch(ctx, nopResponder{}, nil, i)
	}
}

func BenchmarkEncodeDecodeID(b *testing.B) {
	id := NewID("ws.submit", "01HZX3:run", "3")
	b.ReportAllocs()
	for b.Loop() {
		s, err := id.Encode()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := DecodeID(s); err != nil {
			b.Fatal(err)
		}
	}
}
