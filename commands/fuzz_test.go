package commands

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// FuzzDispatch feeds interactions, as discordgo decodes them from any JSON,
// through a router with routes of every kind: the router must neither
// panic (its last-resort recover would log "dispatch panicked") nor leave
// a routed interaction unanswered.
func FuzzDispatch(f *testing.F) {
	for _, seed := range []string{
		`{"id":"1","type":2,"token":"t","member":{"user":{"id":"3"},"permissions":"8"},"data":{"name":"workshop","options":[{"name":"start","type":1,"options":[{"name":"n","type":4,"value":3}]}]}}`,
		`{"id":"1","type":2,"data":{"name":"pick","options":[{"name":"room","type":7,"value":"9"}],"resolved":{"channels":{"9":{"id":"9","name":"x"}}}}}`,
		`{"id":"1","type":3,"message":{"id":"5"},"data":{"custom_id":"rt1:ws.join:run%3A1","component_type":2}}`,
		`{"id":"1","type":3,"data":{"custom_id":"rt1:ws:a","component_type":3,"values":["a","b"]}}`,
		`{"id":"1","type":4,"data":{"name":"workshop","options":[{"name":"q","type":3,"value":"de","focused":true}]}}`,
		`{"id":"1","type":5,"data":{"custom_id":"rt1:form:x","components":[{"type":1,"components":[{"type":4,"custom_id":"idea","value":"v"}]}]}}`,
		`{"id":"1","type":5,"data":{"custom_id":"rt1:form:x","components":[{"type":18}]}}`,
		`{"id":"1","type":1}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var i discordgo.Interaction
		if err := json.Unmarshal(raw, &i); err != nil {
			return
		}
		var logs bufLogger
		r := NewRouter(RouterOptions{Logger: logs.logger(), DeferAfter: time.Hour})
		h := func(ctx *Context) error {
			_, _ = ctx.Int("n")
			_, _ = ctx.Channel("room")
			_, _ = ctx.Field("idea")
			_ = ctx.Values()
			_ = ctx.Member()
			if ctx.Message() != nil {
				return ctx.Update("updated")
			}
			return ctx.Reply(true, ctx.Subcommand())
		}
		r.Command("workshop", h)
		r.Command("pick", h)
		r.Component("ws", h)
		r.Modal("form", h)
		r.Autocomplete("workshop", func(ctx *Context) ([]*discordgo.ApplicationCommandOptionChoice, error) {
			name, value := ctx.Focused()
			return []*discordgo.ApplicationCommandOptionChoice{{Name: name, Value: value}}, nil
		})
		m := &memResponder{}
		r.Dispatch(t.Context(), m, nil, &i)
		if out := logs.String(); strings.Contains(out, "dispatch panicked") {
			t.Fatalf("dispatch panicked:\n%s", out)
		}
		switch i.Type {
		case discordgo.InteractionApplicationCommand, discordgo.InteractionMessageComponent, discordgo.InteractionModalSubmit:
			if len(m.Calls()) == 0 {
				t.Fatalf("interaction of type %d left unanswered", i.Type)
			}
		}
	})
}
