package spec

import (
	"fmt"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// Every value of discordgo's enumerations that a bot sends must be one the
// spec accepts, or a bot using the constant would be refused by the emulator.
func TestDiscordgoEnumValuesAreAccepted(t *testing.T) {
	v := validator(t)
	type request struct {
		name, method, endpoint string
		body                   any
	}
	var cases []request
	msg := func(name string, c discordgo.MessageComponent) request {
		return request{name, "POST", discordgo.EndpointChannelMessages(channelID), &discordgo.MessageSend{
			Components: []discordgo.MessageComponent{row(c)}}}
	}
	for _, style := range []discordgo.ButtonStyle{discordgo.PrimaryButton, discordgo.SecondaryButton, discordgo.SuccessButton, discordgo.DangerButton} {
		cases = append(cases, msg(fmt.Sprintf("button style %d", style), discordgo.Button{Label: "b", Style: style, CustomID: "b"}))
	}
	cases = append(cases, msg("link button", discordgo.Button{Label: "b", Style: discordgo.LinkButton, URL: "https://example.org"}))
	for _, menu := range []discordgo.SelectMenuType{discordgo.StringSelectMenu, discordgo.UserSelectMenu, discordgo.RoleSelectMenu,
		discordgo.MentionableSelectMenu, discordgo.ChannelSelectMenu} {
		sm := discordgo.SelectMenu{MenuType: menu, CustomID: "s"}
		if menu == discordgo.StringSelectMenu {
			sm.Options = []discordgo.SelectMenuOption{{Label: "a", Value: "a"}}
		}
		cases = append(cases, msg(fmt.Sprintf("select type %d", menu), sm))
	}
	for _, style := range []discordgo.TextInputStyle{discordgo.TextInputShort, discordgo.TextInputParagraph} {
		cases = append(cases, request{fmt.Sprintf("text input style %d", style), "POST", discordgo.EndpointInteractionResponse(interID, token),
			modal("m", textInput(func(ti *discordgo.TextInput) { ti.Style = style }))})
	}
	for _, ct := range []discordgo.ChannelType{discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildVoice, discordgo.ChannelTypeGuildCategory,
		discordgo.ChannelTypeGuildNews, discordgo.ChannelTypeGuildStageVoice, discordgo.ChannelTypeGuildForum} {
		cases = append(cases, request{fmt.Sprintf("channel type %d", ct), "POST", discordgo.EndpointGuildChannels(guildID), discordgo.GuildChannelCreateData{Name: "c", Type: ct}})
	}
	for _, ot := range []discordgo.PermissionOverwriteType{discordgo.PermissionOverwriteTypeRole, discordgo.PermissionOverwriteTypeMember} {
		cases = append(cases, request{fmt.Sprintf("overwrite type %d", ot), "PUT", discordgo.EndpointChannelPermission(channelID, roleID), struct {
			ID    string                            `json:"id"`
			Type  discordgo.PermissionOverwriteType `json:"type"`
			Allow int64                             `json:"allow,string"`
			Deny  int64                             `json:"deny,string"`
		}{roleID, ot, discordgo.PermissionViewChannel, 0}})
	}
	for ot := discordgo.ApplicationCommandOptionString; ot <= discordgo.ApplicationCommandOptionAttachment; ot++ {
		cases = append(cases, request{fmt.Sprintf("option type %d", ot), "PUT", discordgo.EndpointApplicationGuildCommands(appID, guildID), []*discordgo.ApplicationCommand{{
			Name: "c", Description: "d", Options: []*discordgo.ApplicationCommandOption{{Type: ot, Name: "o", Description: "d"}},
		}}})
	}
	for _, ct := range []discordgo.ApplicationCommandType{discordgo.UserApplicationCommand, discordgo.MessageApplicationCommand} {
		cases = append(cases, request{fmt.Sprintf("command type %d", ct), "PUT", discordgo.EndpointApplicationGuildCommands(appID, guildID), []*discordgo.ApplicationCommand{{Name: "Do it", Type: ct}}})
	}
	for _, ctx := range []discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM, discordgo.InteractionContextPrivateChannel} {
		cases = append(cases, request{fmt.Sprintf("context %d", ctx), "PUT", discordgo.EndpointApplicationGlobalCommands(appID), []*discordgo.ApplicationCommand{{
			Name: "c", Description: "d", Contexts: &[]discordgo.InteractionContextType{ctx},
			IntegrationTypes: &[]discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall, discordgo.ApplicationIntegrationUserInstall},
		}}})
	}
	for _, am := range []discordgo.AllowedMentionType{discordgo.AllowedMentionTypeRoles, discordgo.AllowedMentionTypeUsers, discordgo.AllowedMentionTypeEveryone} {
		cases = append(cases, request{"allowed mention " + string(am), "POST", discordgo.EndpointChannelMessages(channelID), &discordgo.MessageSend{
			Content: "x", AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{am}}}})
	}
	for _, flags := range []discordgo.MessageFlags{discordgo.MessageFlagsEphemeral, discordgo.MessageFlagsSuppressEmbeds, discordgo.MessageFlagsSuppressNotifications} {
		cases = append(cases, request{fmt.Sprintf("flags %d", flags), "POST", discordgo.EndpointWebhookToken(appID, token), &discordgo.WebhookParams{Content: "x", Flags: flags}})
	}
	for _, tc := range cases {
		body := marshal(t, tc.body)
		t.Run(tc.name, func(t *testing.T) {
			if e := v.ValidateRequest(tc.method, endpointPath(t, tc.endpoint), "application/json", body); e != nil {
				t.Errorf("%s rejected: %s", body, e)
			}
		})
	}
}
