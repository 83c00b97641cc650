package commands

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/workshop"
)

func TestCommandRoutingReadsOptionsAndMember(t *testing.T) {
	r := NewRouter(RouterOptions{})
	var got string
	r.Command("workshop", SubcommandMux{
		"start": func(ctx *Context) error {
			name, _ := ctx.String("curriculum")
			n, okN := ctx.Int("group_size")
			_, okMissing := ctx.Int("starts_in")
			b := ctx.BoolOr("public", true)
			m := ctx.Member()
			got = fmt.Sprintf("%s|%s|%d %v %v|%v|%s %s %s %v", ctx.CommandName(), ctx.Subcommand(), n, okN, okMissing, b,
				m.UserID, m.DisplayName, m.GuildID, m.Has(discordgo.PermissionSendMessages))
			return ctx.Reply(false, "started "+name)
		},
		"admin reset": func(ctx *Context) error { return ctx.Reply(true, "reset "+ctx.StringOr("what", "all")) },
	}.Handle)

	m := dispatch(r, commandInteraction("workshop", sub("start", opt("curriculum", "design-thinking"),
		&discordgo.ApplicationCommandInteractionDataOption{Name: "group_size", Type: discordgo.ApplicationCommandOptionInteger, Value: float64(3)},
		&discordgo.ApplicationCommandInteractionDataOption{Name: "public", Type: discordgo.ApplicationCommandOptionBoolean, Value: false})))
	resp := onlyReply(t, m)
	if resp.Type != discordgo.InteractionResponseChannelMessageWithSource || resp.Data.Content != "started design-thinking" || resp.Data.Flags != 0 {
		t.Errorf("response = type %d %q flags %d", resp.Type, resp.Data.Content, resp.Data.Flags)
	}
	if want := "workshop|start|3 true false|false|30 User 30 10 true"; got != want {
		t.Errorf("handler saw %q, want %q", got, want)
	}

	m = dispatch(r, commandInteraction("workshop", group("admin", sub("reset"))))
	if resp := onlyReply(t, m); resp.Data.Content != "reset all" || resp.Data.Flags != discordgo.MessageFlagsEphemeral {
		t.Errorf("group subcommand answered %q flags %d", resp.Data.Content, resp.Data.Flags)
	}
}

func TestResolvedOptions(t *testing.T) {
	r := NewRouter(RouterOptions{})
	r.Command("pick", func(ctx *Context) error {
		ch, okC := ctx.Channel("room")
		u, okU := ctx.User("who")
		role, okR := ctx.Role("host")
		_, okMissing := ctx.Channel("other")
		return ctx.Reply(true, fmt.Sprintf("%s %v %s %v %s %v %v", ch.Name, okC, u.Username, okU, role.ID, okR, okMissing))
	})
	i := commandInteraction("pick", opt("room", "7"), opt("who", "8"), opt("host", "9"))
	d := i.Data.(discordgo.ApplicationCommandInteractionData)
	d.Resolved = &discordgo.ApplicationCommandInteractionDataResolved{
		Channels: map[string]*discordgo.Channel{"7": {ID: "7", Name: "general"}},
		Users:    map[string]*discordgo.User{"8": {ID: "8", Username: "ada"}},
	}
	i.Data = d
	if got, want := onlyReply(t, dispatch(r, i)).Data.Content, "general true ada true 9 true false"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestUnknownCommandAndSubcommand(t *testing.T) {
	r := NewRouter(RouterOptions{})
	r.Command("workshop", SubcommandMux{}.Handle)
	for _, i := range []*discordgo.Interaction{commandInteraction("nope"), commandInteraction("workshop", sub("gone"))} {
		resp := onlyReply(t, dispatch(r, i))
		if resp.Data.Content != MsgUnknownCommand || resp.Data.Flags != discordgo.MessageFlagsEphemeral {
			t.Errorf("unknown command answered %q flags %d", resp.Data.Content, resp.Data.Flags)
		}
	}
}

func TestComponentRoutingByKindPrefix(t *testing.T) {
	r := NewRouter(RouterOptions{})
	var hits []string
	r.Component("workshop", func(ctx *Context) error {
		hits = append(hits, "workshop:"+ctx.ID().Kind+":"+ctx.ID().Arg(0))
		return ctx.DeferUpdate()
	})
	r.Component("workshop.join", func(ctx *Context) error {
		hits = append(hits, "join:"+ctx.ID().Arg(0)+":"+strings.Join(ctx.Values(), ","))
		return ctx.Update("joined", WithComponents())
	})
	r.Component("Not A Kind", func(*Context) error { t.Error("an invalid prefix was routed"); return nil })

	join, _ := NewID("workshop.join", "run:1").Encode()
	leave, _ := NewID("workshop.leave", "run:1").Encode()
	m := dispatch(r, componentInteraction(join, "a", "b"))
	resp := onlyReply(t, m)
	if resp.Type != discordgo.InteractionResponseUpdateMessage || resp.Data.Content != "joined" || len(resp.Data.Components) != 0 {
		t.Errorf("update = type %d %q %v", resp.Type, resp.Data.Content, resp.Data.Components)
	}
	if resp := onlyReply(t, dispatch(r, componentInteraction(leave))); resp.Type != discordgo.InteractionResponseDeferredMessageUpdate {
		t.Errorf("leave answered type %d", resp.Type)
	}
	if want := []string{"join:run:1:a,b", "workshop:workshop.leave:run:1"}; !slices.Equal(hits, want) {
		t.Errorf("hits = %q, want %q", hits, want)
	}
}

func TestUpdateKeepsComponentsUnlessGiven(t *testing.T) {
	r := NewRouter(RouterOptions{})
	r.Component("card", func(ctx *Context) error { return ctx.Update("3 joined") })
	id, _ := NewID("card").Encode()
	resp := onlyReply(t, dispatch(r, componentInteraction(id)))
	if len(resp.Data.Components) != 1 {
		t.Errorf("an Update without WithComponents dropped the message's buttons: %v", resp.Data.Components)
	}
}

func TestStaleAndGarbledComponents(t *testing.T) {
	r := NewRouter(RouterOptions{})
	r.Command("only", func(ctx *Context) error { return ctx.Reply(true, "ok") })
	gone, _ := NewID("gone", "1").Encode()
	for _, cid := range []string{"legacy_join_42", "rt9:x", "rt1:k:%zz", gone, ""} {
		resp := onlyReply(t, dispatch(r, componentInteraction(cid)))
		if resp.Data.Content != MsgStale || resp.Data.Flags != discordgo.MessageFlagsEphemeral {
			t.Errorf("custom_id %q answered %q flags %d", cid, resp.Data.Content, resp.Data.Flags)
		}
	}
	// A component whose data discordgo could not decode.
	i := componentInteraction("x")
	i.Data = nil
	if resp := onlyReply(t, dispatch(r, i)); resp.Data.Content != MsgStale {
		t.Errorf("component without data answered %q", resp.Data.Content)
	}
}

func TestModalFieldsAndUnreadableModal(t *testing.T) {
	r := NewRouter(RouterOptions{})
	r.Modal("submit", func(ctx *Context) error {
		v, ok := ctx.Field("idea")
		_, okMissing := ctx.Field("other")
		return ctx.Reply(true, fmt.Sprintf("%s %s %v %v", ctx.ID().Arg(0), v, ok, okMissing))
	})
	id, _ := NewID("submit", "run7").Encode()
	if got := onlyReply(t, dispatch(r, modalInteraction(id, map[string]string{"idea": "a:b"}))).Data.Content; got != "run7 a:b true false" {
		t.Errorf("modal handler answered %q", got)
	}
	i := modalInteraction(id, nil)
	i.Data = nil // discordgo leaves Data nil for component types it does not know
	if resp := onlyReply(t, dispatch(r, i)); resp.Data.Content != MsgUnreadable || resp.Data.Flags != discordgo.MessageFlagsEphemeral {
		t.Errorf("unreadable modal answered %q", resp.Data.Content)
	}
}

func TestPanicIsAnsweredAndLogged(t *testing.T) {
	var logs bufLogger
	r := NewRouter(RouterOptions{Logger: logs.logger()})
	r.Command("boom", func(*Context) error { panic("kaboom") })
	r.Command("ok", func(ctx *Context) error { return ctx.Reply(true, "fine") })
	resp := onlyReply(t, dispatch(r, commandInteraction("boom")))
	if resp.Data.Content != MsgGeneric || resp.Data.Flags != discordgo.MessageFlagsEphemeral {
		t.Errorf("panic answered %q flags %d", resp.Data.Content, resp.Data.Flags)
	}
	if out := logs.String(); !strings.Contains(out, "kaboom") || !strings.Contains(out, "router_test.go") || !strings.Contains(out, "interaction=100") {
		t.Errorf("panic log lacks the value, the stack or the interaction id:\n%s", out)
	}
	if got := onlyReply(t, dispatch(r, commandInteraction("ok"))).Data.Content; got != "fine" {
		t.Errorf("after a panic the next command answered %q", got)
	}
}

func TestHandlerWithoutAnswerGetsDone(t *testing.T) {
	var logs bufLogger
	r := NewRouter(RouterOptions{Logger: logs.logger()})
	r.Command("quiet", func(*Context) error { return nil })
	resp := onlyReply(t, dispatch(r, commandInteraction("quiet")))
	if resp.Data.Content != "Done." || resp.Data.Flags != discordgo.MessageFlagsEphemeral {
		t.Errorf("silent handler answered %q", resp.Data.Content)
	}
	if !strings.Contains(logs.String(), "without answering") {
		t.Errorf("the bug was not logged:\n%s", logs.String())
	}
}

func TestSecondReplyBecomesFollowup(t *testing.T) {
	r := NewRouter(RouterOptions{})
	r.Command("two", func(ctx *Context) error {
		if err := ctx.Reply(false, "one"); err != nil {
			return err
		}
		if err := ctx.Reply(true, "two"); err != nil {
			return err
		}
		if err := ctx.EditReply("one, edited"); err != nil {
			return err
		}
		if err := ctx.Modal(NewID("late"), "Too late"); !errors.Is(err, ErrAnswered) {
			return fmt.Errorf("a modal after a reply was not refused: %v", err)
		}
		return nil
	})
	m := dispatch(r, commandInteraction("two"))
	if got, want := m.ops(), []string{"respond:4", "followup:eph", "edit"}; !slices.Equal(got, want) {
		t.Errorf("calls = %v, want %v", got, want)
	}
}

// TestAutoDefer proves the router defers a slow handler and that the
// handler's later answers fill the deferred message. The handler waits for
// the defer itself, so no wall-clock assumption is involved.
func TestAutoDefer(t *testing.T) {
	for _, tc := range []struct {
		name   string
		i      *discordgo.Interaction
		answer func(*Context) error
		want   []string
	}{
		{"command ephemeral reply edits the loading message", commandInteraction("slow"),
			func(ctx *Context) error { return ctx.Reply(true, "done") }, []string{"respond:5", "edit"}},
		{"command public reply replaces the ephemeral placeholder", commandInteraction("slow"),
			func(ctx *Context) error { return ctx.Reply(false, "for all") }, []string{"respond:5", "followup:pub", "delete"}},
		{"command error fills the loading message", commandInteraction("slow"),
			func(*Context) error { return workshop.Errorf(workshop.EINVALID, "no such curriculum") }, []string{"respond:5", "edit"}},
		{"command silence fills the loading message", commandInteraction("slow"),
			func(*Context) error { return nil }, []string{"respond:5", "edit"}},
		{"component update edits the message", componentInteraction("rt1:slow"),
			func(ctx *Context) error { return ctx.Update("updated") }, []string{"respond:6", "edit"}},
		{"component reply is an ephemeral followup", componentInteraction("rt1:slow"),
			func(ctx *Context) error { return ctx.Reply(true, "noted") }, []string{"respond:6", "followup:eph"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := NewRouter(RouterOptions{DeferAfter: time.Millisecond})
			m := &memResponder{onRespond: make(chan discordgo.InteractionResponseType, 4)}
			h := func(ctx *Context) error {
				<-m.onRespond // the automatic defer
				return tc.answer(ctx)
			}
			r.Command("slow", h)
			r.Component("slow", h)
			r.Dispatch(t.Context(), m, nil, tc.i)
			if got := m.ops(); !slices.Equal(got, tc.want) {
				t.Errorf("calls = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFastHandlerIsNotDeferred(t *testing.T) {
	r := NewRouter(RouterOptions{DeferAfter: time.Hour})
	r.Command("fast", func(ctx *Context) error { return ctx.Reply(true, "quick") })
	if resp := onlyReply(t, dispatch(r, commandInteraction("fast"))); resp.Type != discordgo.InteractionResponseChannelMessageWithSource {
		t.Errorf("fast handler answered type %d", resp.Type)
	}
}

func TestErrorReplyIsCapped(t *testing.T) {
	r := NewRouter(RouterOptions{})
	r.Command("long", func(*Context) error { return workshop.Errorf(workshop.EINVALID, "%s", strings.Repeat("é", 3000)) })
	got := onlyReply(t, dispatch(r, commandInteraction("long"))).Data.Content
	if n := len([]rune(got)); n != MaxContentLength || !strings.HasSuffix(got, "…") {
		t.Errorf("error reply has %d characters, ends %q", n, got[len(got)-6:])
	}
}

func TestAutocomplete(t *testing.T) {
	var logs bufLogger
	r := NewRouter(RouterOptions{Logger: logs.logger()})
	r.Autocomplete("workshop", func(ctx *Context) ([]*discordgo.ApplicationCommandOptionChoice, error) {
		name, typed := ctx.Focused()
		if typed == "fail" {
			return nil, errors.New("store down")
		}
		var out []*discordgo.ApplicationCommandOptionChoice
		for n := range 30 {
			out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: fmt.Sprintf("%s-%s-%d", name, typed, n), Value: n})
		}
		return out, nil
	})
	ac := func(typed string) *discordgo.Interaction {
		i := commandInteraction("workshop", sub("start", &discordgo.ApplicationCommandInteractionDataOption{
			Name: "curriculum", Type: discordgo.ApplicationCommandOptionString, Value: typed, Focused: true}))
		i.Type = discordgo.InteractionApplicationCommandAutocomplete
		return i
	}
	resp := onlyReply(t, dispatch(r, ac("des")))
	if resp.Type != discordgo.InteractionApplicationCommandAutocompleteResult || len(resp.Data.Choices) != 25 ||
		resp.Data.Choices[0].Name != "curriculum-des-0" {
		t.Errorf("autocomplete answered type %d with %d choices", resp.Type, len(resp.Data.Choices))
	}
	resp = onlyReply(t, dispatch(r, ac("fail")))
	if resp.Data.Choices == nil || len(resp.Data.Choices) != 0 {
		t.Errorf("failed autocomplete answered %v", resp.Data.Choices)
	}
	if !strings.Contains(logs.String(), "store down") {
		t.Errorf("autocomplete failure not logged:\n%s", logs.String())
	}
}

func TestModalMustBeFirstAndOpensRows(t *testing.T) {
	r := NewRouter(RouterOptions{})
	r.Component("submit", func(ctx *Context) error {
		return ctx.Modal(NewID("submit.form", "run1"), "Your group's canvas",
			discordgo.TextInput{CustomID: "canvas", Label: "Canvas", Style: discordgo.TextInputParagraph, Required: true})
	})
	id, _ := NewID("submit").Encode()
	resp := onlyReply(t, dispatch(r, componentInteraction(id)))
	if resp.Type != discordgo.InteractionResponseModal || resp.Data.CustomID != "rt1:submit.form:run1" || len(resp.Data.Components) != 1 {
		t.Fatalf("modal = type %d %q %d rows", resp.Type, resp.Data.CustomID, len(resp.Data.Components))
	}
	if _, ok := resp.Data.Components[0].(discordgo.ActionsRow); !ok {
		t.Errorf("modal row is %T, want an action row", resp.Data.Components[0])
	}
}

func TestResponderFailureIsLoggedNotFatal(t *testing.T) {
	var logs bufLogger
	r := NewRouter(RouterOptions{Logger: logs.logger()})
	r.Command("x", func(ctx *Context) error { return ctx.Reply(true, "hi") })
	m := &memResponder{respondErr: map[discordgo.InteractionResponseType]error{
		discordgo.InteractionResponseChannelMessageWithSource: errors.New("network down")}}
	r.Dispatch(t.Context(), m, nil, commandInteraction("x"))
	if !strings.Contains(logs.String(), "network down") {
		t.Errorf("responder failure not logged:\n%s", logs.String())
	}
}

func TestIgnoredInteractionTypes(t *testing.T) {
	r := NewRouter(RouterOptions{})
	for _, i := range []*discordgo.Interaction{
		{ID: "1", Type: discordgo.InteractionPing},
		{ID: "2", Type: discordgo.InteractionType(99)},
		{ID: "3", Type: discordgo.InteractionApplicationCommand}, // no data, no member
		{ID: "4", Type: discordgo.InteractionApplicationCommandAutocomplete},
	} {
		m := dispatch(r, i)
		if i.Type == discordgo.InteractionApplicationCommand {
			if resp := onlyReply(t, m); resp.Data.Flags != discordgo.MessageFlagsEphemeral {
				t.Errorf("command without data answered publicly")
			}
			continue
		}
		if len(m.Calls()) != 0 {
			t.Errorf("type %d answered %v", i.Type, m.ops())
		}
	}
	r.Handle(nil, nil)
	r.Handle(nil, &discordgo.InteractionCreate{})
	r.Dispatch(t.Context(), &memResponder{}, nil, nil)
	r.Wait()
}

func TestContextClockAndDMMember(t *testing.T) {
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	r := NewRouter(RouterOptions{Now: func() time.Time { return at }})
	r.Command("who", func(ctx *Context) error {
		m := ctx.Member()
		deadline, ok := ctx.Deadline()
		return ctx.Reply(true, fmt.Sprintf("%s %s %q %v %v %v", m.UserID, m.DisplayName, m.GuildID,
			m.Has(discordgo.PermissionManageEvents), ctx.Now().Equal(at), ok && !deadline.IsZero()))
	})
	i := commandInteraction("who")
	i.Member, i.GuildID = nil, ""
	i.User = &discordgo.User{ID: "55", Username: "ada"}
	if got := onlyReply(t, dispatch(r, i)).Data.Content; got != `55 ada "" false true true` {
		t.Errorf("DM member: %s", got)
	}
	admin := Member{Permissions: discordgo.PermissionAdministrator, Roles: []string{"r1"}}
	if !admin.Has(discordgo.PermissionManageEvents) || !admin.HasRole("r1") || admin.HasRole("r2") {
		t.Error("Administrator should imply every permission; HasRole should match exactly")
	}
}

func TestMiddlewareOrderAndRefusal(t *testing.T) {
	r := NewRouter(RouterOptions{})
	var order []string
	tag := func(name string) Middleware {
		return func(next Handler) Handler {
			return func(ctx *Context) error {
				order = append(order, name)
				return next(ctx)
			}
		}
	}
	hostOnly := func(next Handler) Handler {
		return func(ctx *Context) error {
			if !ctx.Member().Has(discordgo.PermissionManageEvents) {
				return workshop.Errorf(workshop.EFORBIDDEN, "Only a host can do that.")
			}
			return next(ctx)
		}
	}
	r.Use(tag("outer"), tag("inner"), hostOnly)
	r.Command("begin", func(ctx *Context) error { order = append(order, "handler"); return ctx.Reply(true, "begun") })
	resp := onlyReply(t, dispatch(r, commandInteraction("begin")))
	if resp.Data.Content != "Only a host can do that." || !slices.Equal(order, []string{"outer", "inner"}) {
		t.Errorf("answered %q after %v", resp.Data.Content, order)
	}
	order = nil
	i := commandInteraction("begin")
	i.Member.Permissions = discordgo.PermissionManageEvents
	if got := onlyReply(t, dispatch(r, i)).Data.Content; got != "begun" || !slices.Equal(order, []string{"outer", "inner", "handler"}) {
		t.Errorf("host answered %q after %v", got, order)
	}

	r2 := NewRouter(RouterOptions{})
	r2.Use(func(Handler) Handler { panic("bad middleware") })
	r2.Command("x", func(ctx *Context) error { return ctx.Reply(true, "x") })
	if got := onlyReply(t, dispatch(r2, commandInteraction("x"))).Data.Content; got != MsgGeneric {
		t.Errorf("panicking middleware answered %q", got)
	}
}

// TestConcurrentDispatch runs many interactions at once through one router
// (with the race detector in CI) while routes are still being added.
func TestConcurrentDispatch(t *testing.T) {
	r := NewRouter(RouterOptions{DeferAfter: time.Microsecond})
	r.Command("ping", func(ctx *Context) error { return ctx.Reply(true, "pong") })
	done := make(chan []string)
	for n := range 40 {
		go func() {
			if n%10 == 0 {
				r.Component(fmt.Sprintf("k%d", n), func(ctx *Context) error { return ctx.DeferUpdate() })
			}
			done <- dispatch(r, commandInteraction("ping")).ops()
		}()
	}
	for range 40 {
		ops := <-done
		// Either answered at once, or deferred by the router and then edited.
		if !slices.Equal(ops, []string{"respond:4"}) && !slices.Equal(ops, []string{"respond:5", "edit"}) {
			t.Errorf("calls = %v", ops)
		}
	}
	r.Wait()
}

// TestPublicDeferThenPrivateError: an error after a public defer must not
// appear in public; the loading message is removed instead.
func TestPublicDeferThenPrivateError(t *testing.T) {
	r := NewRouter(RouterOptions{})
	r.Command("start", func(ctx *Context) error {
		if err := ctx.Defer(false); err != nil {
			return err
		}
		return workshop.Errorf(workshop.ENOTFOUND, "No curriculum called that.")
	})
	m := dispatch(r, commandInteraction("start"))
	if got, want := m.ops(), []string{"respond:5", "followup:eph", "delete"}; !slices.Equal(got, want) {
		t.Errorf("calls = %v, want %v", got, want)
	}
	if c := m.Calls()[1]; c.params.Content != "No curriculum called that." {
		t.Errorf("followup %q", c.params.Content)
	}
}
