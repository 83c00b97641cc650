package spec

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func row(components ...discordgo.MessageComponent) discordgo.ActionsRow {
	return discordgo.ActionsRow{Components: components}
}

func button(id string) discordgo.Button {
	return discordgo.Button{Label: "Go", Style: discordgo.PrimaryButton, CustomID: id}
}

func buttons(n int) []discordgo.MessageComponent {
	out := make([]discordgo.MessageComponent, n)
	for i := range out {
		out[i] = button(fmt.Sprintf("b%d", i))
	}
	return out
}

func rows(n int) []discordgo.MessageComponent {
	out := make([]discordgo.MessageComponent, n)
	for i := range out {
		out[i] = row(button(fmt.Sprintf("r%d", i)))
	}
	return out
}

func fields(n int, name, value string) []*discordgo.MessageEmbedField {
	out := make([]*discordgo.MessageEmbedField, n)
	for i := range out {
		out[i] = &discordgo.MessageEmbedField{Name: name, Value: value}
	}
	return out
}

func modal(title string, components ...discordgo.MessageComponent) discordgo.InteractionResponse {
	return discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: "m", Title: title, Components: components,
	}}
}

func textInput(mutate func(*discordgo.TextInput)) discordgo.ActionsRow {
	ti := discordgo.TextInput{CustomID: "t", Label: "Answer", Style: discordgo.TextInputShort}
	mutate(&ti)
	return row(ti)
}

func command(mutate func(*discordgo.ApplicationCommand)) []*discordgo.ApplicationCommand {
	c := &discordgo.ApplicationCommand{Name: "checkin", Description: "Check in"}
	mutate(c)
	return []*discordgo.ApplicationCommand{{Name: "ok", Description: "fine"}, c}
}

// Each documented limit, broken once, must be refused with Discord's code at
// the JSON path Discord reports.
func TestLimitsAreEnforced(t *testing.T) {
	v := validator(t)
	long := func(n int) string { return strings.Repeat("é", n) } // runes, not bytes
	messages := discordgo.EndpointChannelMessages(channelID)
	callback := discordgo.EndpointInteractionResponse(interID, token)
	commands := discordgo.EndpointApplicationGuildCommands(appID, guildID)
	cases := []struct {
		name, method, endpoint string
		body                   any
		wantCode               int
		wantPath               []string // where the field error sits
		wantFieldCode          string
	}{
		{"content over 2000", "POST", messages, &discordgo.MessageSend{Content: long(2001)}, 50035, []string{"content"}, "BASE_TYPE_MAX_LENGTH"},
		{"empty message", "POST", messages, &discordgo.MessageSend{}, 50006, nil, ""},
		{"blank message", "POST", messages, &discordgo.MessageSend{Content: "  \n "}, 50006, nil, ""},
		{"six action rows", "POST", messages, &discordgo.MessageSend{Components: rows(6)}, 50035, []string{"components"}, "BASE_TYPE_MAX_LENGTH"},
		{"six buttons in a row", "POST", messages, &discordgo.MessageSend{Components: []discordgo.MessageComponent{row(buttons(6)...)}},
			50035, []string{"components", "0", "components"}, "COMPONENT_LAYOUT_WIDTH_EXCEEDED"},
		{"select beside a button", "POST", messages, &discordgo.MessageSend{Components: []discordgo.MessageComponent{row(
			button("b"), discordgo.SelectMenu{MenuType: discordgo.UserSelectMenu, CustomID: "s"})}},
			50035, []string{"components", "0", "components"}, "COMPONENT_LAYOUT_WIDTH_EXCEEDED"},
		{"button custom_id over 100", "POST", messages, &discordgo.MessageSend{Components: []discordgo.MessageComponent{row(button(long(101)))}},
			50035, []string{"components", "0", "components", "0", "custom_id"}, "BASE_TYPE_MAX_LENGTH"},
		{"select custom_id over 100", "POST", messages, &discordgo.MessageSend{Components: []discordgo.MessageComponent{row(
			discordgo.SelectMenu{MenuType: discordgo.RoleSelectMenu, CustomID: long(101)})}},
			50035, []string{"components", "0", "components", "0", "custom_id"}, "BASE_TYPE_MAX_LENGTH"},
		{"button without custom_id", "POST", messages, &discordgo.MessageSend{Components: []discordgo.MessageComponent{row(button(""))}},
			50035, []string{"components", "0", "components", "0", "custom_id"}, "BASE_TYPE_REQUIRED"},
		{"link button without url", "POST", messages, &discordgo.MessageSend{Components: []discordgo.MessageComponent{row(
			discordgo.Button{Label: "Docs", Style: discordgo.LinkButton})}},
			50035, []string{"components", "0", "components", "0", "url"}, "BASE_TYPE_REQUIRED"},
		{"eleven embeds", "POST", messages, &discordgo.MessageSend{Embeds: func() []*discordgo.MessageEmbed {
			out := make([]*discordgo.MessageEmbed, 11)
			for i := range out {
				out[i] = &discordgo.MessageEmbed{Title: "t"}
			}
			return out
		}()}, 50035, []string{"embeds"}, "BASE_TYPE_MAX_LENGTH"},
		{"embed title over 256", "POST", messages, &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Title: long(257)}}},
			50035, []string{"embeds", "0", "title"}, "BASE_TYPE_MAX_LENGTH"},
		{"embed description over 4096", "POST", messages, &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Description: long(4097)}}},
			50035, []string{"embeds", "0", "description"}, "BASE_TYPE_MAX_LENGTH"},
		{"26 embed fields", "POST", messages, &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Fields: fields(26, "n", "v")}}},
			50035, []string{"embeds", "0", "fields"}, "BASE_TYPE_MAX_LENGTH"},
		{"field name over 256", "POST", messages, &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Fields: fields(1, long(257), "v")}}},
			50035, []string{"embeds", "0", "fields", "0", "name"}, "BASE_TYPE_MAX_LENGTH"},
		{"field value over 1024", "POST", messages, &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Fields: fields(1, "n", long(1025))}}},
			50035, []string{"embeds", "0", "fields", "0", "value"}, "BASE_TYPE_MAX_LENGTH"},
		{"embeds over 6000 in all", "POST", messages, &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{
			{Description: long(4000), Footer: &discordgo.MessageEmbedFooter{Text: long(1000)}},
			{Description: long(900), Author: &discordgo.MessageEmbedAuthor{Name: long(101)}},
		}}, 50035, []string{"embeds"}, "MAX_EMBED_SIZE_EXCEEDED"},
		{"edit content over 2000", "PATCH", discordgo.EndpointChannelMessage(channelID, messageID), &discordgo.MessageEdit{Content: ptr(long(2001))},
			50035, []string{"content"}, "BASE_TYPE_MAX_LENGTH"},
		{"reply content over 2000", "POST", callback, discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{Content: long(2001)}},
			50035, []string{"data", "content"}, "BASE_TYPE_MAX_LENGTH"},
		{"empty reply", "POST", callback, discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{}}, 50006, nil, ""},
		{"update with six rows", "POST", callback, discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseUpdateMessage, Data: &discordgo.InteractionResponseData{Content: "x", Components: rows(6)}},
			50035, []string{"data", "components"}, "BASE_TYPE_MAX_LENGTH"},
		{"modal title over 45", "POST", callback, modal(long(46), textInput(func(*discordgo.TextInput) {})),
			50035, []string{"data", "title"}, "BASE_TYPE_BAD_LENGTH"},
		{"modal without rows", "POST", callback, modal("Check-in"),
			50035, []string{"data", "components"}, "BASE_TYPE_BAD_LENGTH"},
		{"modal with six rows", "POST", callback, modal("Check-in", func() []discordgo.MessageComponent {
			out := make([]discordgo.MessageComponent, 6)
			for i := range out {
				out[i] = textInput(func(ti *discordgo.TextInput) { ti.CustomID = fmt.Sprint(i) })
			}
			return out
		}()...), 50035, []string{"data", "components"}, "BASE_TYPE_BAD_LENGTH"},
		{"text input custom_id over 100", "POST", callback, modal("Check-in", textInput(func(ti *discordgo.TextInput) { ti.CustomID = long(101) })),
			50035, []string{"data", "components", "0", "components", "0", "custom_id"}, "BASE_TYPE_MAX_LENGTH"},
		{"text input label over 45", "POST", callback, modal("Check-in", textInput(func(ti *discordgo.TextInput) { ti.Label = long(46) })),
			50035, []string{"data", "components", "0", "components", "0", "label"}, "BASE_TYPE_MAX_LENGTH"},
		{"text input value over 4000", "POST", callback, modal("Check-in", textInput(func(ti *discordgo.TextInput) { ti.Value = long(4001) })),
			50035, []string{"data", "components", "0", "components", "0", "value"}, "BASE_TYPE_MAX_LENGTH"},
		{"text input max_length over 4000", "POST", callback, modal("Check-in", textInput(func(ti *discordgo.TextInput) { ti.MaxLength = 4001 })),
			50035, []string{"data", "components", "0", "components", "0", "max_length"}, "NUMBER_TYPE_MAX"},
		{"text input min_length over 4000", "POST", callback, modal("Check-in", textInput(func(ti *discordgo.TextInput) { ti.MinLength = 4001 })),
			50035, []string{"data", "components", "0", "components", "0", "min_length"}, "NUMBER_TYPE_MAX"},
		{"command name with upper case", "PUT", commands, command(func(c *discordgo.ApplicationCommand) { c.Name = "CheckIn" }),
			50035, []string{"1", "name"}, "APPLICATION_COMMAND_INVALID_NAME"},
		{"command name with a space", "PUT", commands, command(func(c *discordgo.ApplicationCommand) { c.Name = "check in" }),
			50035, []string{"1", "name"}, "APPLICATION_COMMAND_INVALID_NAME"},
		{"command name over 32", "PUT", commands, command(func(c *discordgo.ApplicationCommand) { c.Name = strings.Repeat("a", 33) }),
			50035, []string{"1", "name"}, "APPLICATION_COMMAND_INVALID_NAME"},
		{"command without description", "PUT", commands, command(func(c *discordgo.ApplicationCommand) { c.Description = "" }),
			50035, []string{"1", "description"}, "BASE_TYPE_BAD_LENGTH"},
		{"command description over 100", "PUT", commands, command(func(c *discordgo.ApplicationCommand) { c.Description = long(101) }),
			50035, []string{"1", "description"}, "BASE_TYPE_BAD_LENGTH"},
		{"26 command options", "PUT", commands, command(func(c *discordgo.ApplicationCommand) {
			for i := range 26 {
				c.Options = append(c.Options, &discordgo.ApplicationCommandOption{
					Type: discordgo.ApplicationCommandOptionString, Name: fmt.Sprintf("o%d", i), Description: "d"})
			}
		}), 50035, []string{"1", "options"}, "BASE_TYPE_MAX_LENGTH"},
		{"option name with upper case", "PUT", commands, command(func(c *discordgo.ApplicationCommand) {
			c.Options = []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionString, Name: "Topic", Description: "d"}}
		}), 50035, []string{"1", "options", "0", "name"}, "APPLICATION_COMMAND_INVALID_NAME"},
		{"channel name empty", "POST", discordgo.EndpointGuildChannels(guildID), discordgo.GuildChannelCreateData{Name: ""},
			50035, []string{"name"}, "BASE_TYPE_BAD_LENGTH"},
		{"channel name over 100", "POST", discordgo.EndpointGuildChannels(guildID), discordgo.GuildChannelCreateData{Name: long(101)},
			50035, []string{"name"}, "BASE_TYPE_BAD_LENGTH"},
		{"channel rename over 100", "PATCH", discordgo.EndpointChannel(channelID), &discordgo.ChannelEdit{Name: long(101)},
			50035, []string{"name"}, "BASE_TYPE_BAD_LENGTH"},
		{"followup content over 2000", "POST", discordgo.EndpointWebhookToken(appID, token), &discordgo.WebhookParams{Content: long(2001)},
			50035, []string{"content"}, "BASE_TYPE_MAX_LENGTH"},
		{"empty followup", "POST", discordgo.EndpointWebhookToken(appID, token), &discordgo.WebhookParams{}, 50006, nil, ""},
		{"original response edit with six rows", "PATCH", discordgo.EndpointInteractionResponseActions(appID, token),
			&discordgo.WebhookEdit{Components: ptr(rows(6))}, 50035, []string{"components"}, "BASE_TYPE_MAX_LENGTH"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := marshal(t, tc.body)
			e := v.ValidateRequest(tc.method, endpointPath(t, tc.endpoint), "application/json", body)
			if e == nil {
				t.Fatalf("accepted, want code %d", tc.wantCode)
			}
			if e.HTTPStatus != 400 || e.Code != tc.wantCode {
				t.Fatalf("got %d %d, want 400 %d: %s", e.HTTPStatus, e.Code, tc.wantCode, e)
			}
			if tc.wantFieldCode == "" {
				return
			}
			var codes []string
			for _, fe := range e.FieldErrors(tc.wantPath...) {
				codes = append(codes, fe.Code)
			}
			if !containsString(codes, tc.wantFieldCode) {
				got, _ := json.Marshal(e)
				t.Errorf("errors at %v = %v, want %s; whole error %s", tc.wantPath, codes, tc.wantFieldCode, got)
			}
		})
	}
}

func containsString(list []string, s string) bool {
	for _, have := range list {
		if have == s {
			return true
		}
	}
	return false
}

// Components v2 messages may carry more than five top-level components; the
// five-row rule is for classic layouts only.
func TestComponentsV2SkipsTheFiveRowLayout(t *testing.T) {
	v := validator(t)
	body := marshal(t, &discordgo.MessageSend{Components: rows(6), Flags: 1 << 15})
	if e := v.ValidateRequest("POST", "/api/v9/channels/1/messages", "application/json", body); e != nil {
		t.Errorf("components v2 message with six rows rejected: %s", e)
	}
}
