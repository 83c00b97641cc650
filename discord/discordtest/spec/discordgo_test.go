package spec

import (
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// The request bodies below are built from discordgo v0.29.0's own types and
// sent where discordgo's methods send them; every one must be accepted.
const (
	guildID   = "1100000000000000001"
	channelID = "1100000000000000002"
	messageID = "1100000000000000003"
	userID    = "1100000000000000004"
	roleID    = "1100000000000000005"
	appID     = "1100000000000000006"
	parentID  = "1100000000000000007"
	interID   = "1100000000000000008"
	token     = "aW50ZXJhY3Rpb246MTEwMDAwMDAwMDAwMDAwMDAwODpzZWNyZXQ"
)

func ptr[T any](v T) *T { return &v }

func sampleEmbed() *discordgo.MessageEmbed {
	return &discordgo.MessageEmbed{
		Type:        discordgo.EmbedTypeRich, // ChannelMessageSendComplex fills it in
		Title:       "Step 2 of 5: pair review",
		Description: "Swap your drafts and leave two comments each.",
		Color:       0x5865F2,
		Timestamp:   time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC).Format(time.RFC3339),
		Footer:      &discordgo.MessageEmbedFooter{Text: "Roundtable"},
		Author:      &discordgo.MessageEmbedAuthor{Name: "Workshop host"},
		Fields: []*discordgo.MessageEmbedField{
			{Name: "Ends", Value: "<t:1795510800:R>", Inline: true},
			{Name: "Group", Value: "Ada, Grace, Linus", Inline: true},
		},
	}
}

func sampleComponents() []discordgo.MessageComponent {
	return []discordgo.MessageComponent{
		discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Join", Style: discordgo.PrimaryButton, CustomID: "run:join:42"},
			discordgo.Button{Label: "Leave", Style: discordgo.SecondaryButton, CustomID: "run:leave:42", Disabled: true},
			discordgo.Button{Label: "Curriculum", Style: discordgo.LinkButton, URL: "https://example.org/c"},
		}},
		discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.SelectMenu{
				MenuType:    discordgo.StringSelectMenu,
				CustomID:    "run:group:42",
				Placeholder: "Pick a group",
				MinValues:   ptr(1),
				MaxValues:   1,
				Options: []discordgo.SelectMenuOption{
					{Label: "Group A", Value: "a", Default: true},
					{Label: "Group B", Value: "b", Emoji: &discordgo.ComponentEmoji{Name: "🅱️"}},
				},
			},
		}},
		discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.SelectMenu{MenuType: discordgo.UserSelectMenu, CustomID: "run:peer:42", Placeholder: "Pick a peer"},
		}},
	}
}

func sampleModal() *discordgo.InteractionResponseData {
	return &discordgo.InteractionResponseData{
		CustomID: "checkin:modal",
		Title:    "Daily check-in",
		Components: []discordgo.MessageComponent{
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.TextInput{CustomID: "did", Label: "What did you do?", Style: discordgo.TextInputParagraph, Required: true, MaxLength: 1000},
			}},
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.TextInput{CustomID: "next", Label: "What's next?", Style: discordgo.TextInputShort, Placeholder: "one line", MinLength: 2, MaxLength: 200},
			}},
		},
	}
}

func sampleCommands() []*discordgo.ApplicationCommand {
	return []*discordgo.ApplicationCommand{
		{
			Name:                     "workshop",
			Description:              "Run a peer-learning workshop",
			DefaultMemberPermissions: ptr(int64(discordgo.PermissionManageChannels)),
			Contexts:                 &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild},
			Options: []*discordgo.ApplicationCommandOption{
				{
					Type:        discordgo.ApplicationCommandOptionSubCommand,
					Name:        "start",
					Description: "Start a workshop",
					Options: []*discordgo.ApplicationCommandOption{
						{Type: discordgo.ApplicationCommandOptionString, Name: "curriculum", Description: "Which curriculum", Required: true, Autocomplete: true},
						{Type: discordgo.ApplicationCommandOptionInteger, Name: "groups", Description: "Group size", MinValue: ptr(2.0), MaxValue: 6},
						{Type: discordgo.ApplicationCommandOptionChannel, Name: "lobby", Description: "Voice lobby", ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildVoice}},
					},
				},
				{
					Type:        discordgo.ApplicationCommandOptionSubCommand,
					Name:        "pace",
					Description: "Change the pace",
					Options: []*discordgo.ApplicationCommandOption{{
						Type: discordgo.ApplicationCommandOptionString, Name: "speed", Description: "How fast",
						Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "Slow", Value: "slow"}, {Name: "Fast", Value: "fast"}},
					}},
				},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "stop", Description: "Stop the workshop"},
			},
		},
		{Name: "checkin", Description: "Check in for today"},
		{Type: discordgo.UserApplicationCommand, Name: "Invite to my group"},
		{Name: "streak", Description: "Your streak", DMPermission: ptr(false), NSFW: ptr(false)},
	}
}

func TestDiscordgoRequestsAreAccepted(t *testing.T) {
	v := validator(t)
	now := time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC)
	overwrites := []*discordgo.PermissionOverwrite{
		{ID: guildID, Type: discordgo.PermissionOverwriteTypeRole, Deny: discordgo.PermissionViewChannel},
		{ID: roleID, Type: discordgo.PermissionOverwriteTypeRole, Allow: discordgo.PermissionViewChannel | discordgo.PermissionVoiceConnect},
		{ID: userID, Type: discordgo.PermissionOverwriteTypeMember, Allow: discordgo.PermissionManageChannels | discordgo.PermissionVoiceMoveMembers},
	}
	content := "Edited: step 3 starts now"
	cases := []struct {
		name, method, endpoint string
		body                   any
	}{
		{"ChannelMessageSend", "POST", discordgo.EndpointChannelMessages(channelID), &discordgo.MessageSend{Content: "Hello, workshop!"}},
		{"ChannelMessageSendComplex", "POST", discordgo.EndpointChannelMessages(channelID), &discordgo.MessageSend{
			Content:         "Step 2 starts now <@" + userID + ">",
			Embeds:          []*discordgo.MessageEmbed{sampleEmbed()},
			Components:      sampleComponents(),
			AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{discordgo.AllowedMentionTypeUsers}},
		}},
		{"ChannelMessageSendReply", "POST", discordgo.EndpointChannelMessages(channelID), &discordgo.MessageSend{
			Content:   "Reply",
			Reference: &discordgo.MessageReference{MessageID: messageID, ChannelID: channelID, GuildID: guildID},
		}},
		{"ChannelMessageForward", "POST", discordgo.EndpointChannelMessages(channelID), &discordgo.MessageSend{
			Reference: &discordgo.MessageReference{Type: discordgo.MessageReferenceTypeForward, MessageID: messageID, ChannelID: parentID},
		}},
		{"ChannelMessageSendEmbedOnly", "POST", discordgo.EndpointChannelMessages(channelID), &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{sampleEmbed()}}},
		{"ChannelMessageEditComplex", "PATCH", discordgo.EndpointChannelMessage(channelID, messageID), &discordgo.MessageEdit{
			Content: &content, Components: ptr(sampleComponents()), Embeds: &[]*discordgo.MessageEmbed{sampleEmbed()},
			ID: messageID, Channel: channelID,
		}},
		{"ChannelMessageEditClearComponents", "PATCH", discordgo.EndpointChannelMessage(channelID, messageID), &discordgo.MessageEdit{
			Content: &content, Components: &[]discordgo.MessageComponent{}, ID: messageID, Channel: channelID,
		}},
		{"GuildChannelCreateComplexCategory", "POST", discordgo.EndpointGuildChannels(guildID), discordgo.GuildChannelCreateData{
			Name: "Workshop: Go generics", Type: discordgo.ChannelTypeGuildCategory, PermissionOverwrites: overwrites,
		}},
		{"GuildChannelCreateComplexVoice", "POST", discordgo.EndpointGuildChannels(guildID), discordgo.GuildChannelCreateData{
			Name: "Group A", Type: discordgo.ChannelTypeGuildVoice, ParentID: parentID, UserLimit: 4, Bitrate: 64000, Position: 2,
			PermissionOverwrites: overwrites,
		}},
		{"GuildChannelCreateComplexText", "POST", discordgo.EndpointGuildChannels(guildID), discordgo.GuildChannelCreateData{
			Name: "group-a-notes", Type: discordgo.ChannelTypeGuildText, Topic: "Notes for group A", ParentID: parentID, RateLimitPerUser: 5,
		}},
		{"ChannelEditComplex", "PATCH", discordgo.EndpointChannel(channelID), &discordgo.ChannelEdit{
			Name: "group-a-done", Topic: "Finished", Position: ptr(3), ParentID: parentID, PermissionOverwrites: overwrites,
			NSFW: ptr(false), RateLimitPerUser: ptr(0),
		}},
		{"ChannelEditArchiveThread", "PATCH", discordgo.EndpointChannel(channelID), &discordgo.ChannelEdit{Archived: ptr(true), Locked: ptr(true)}},
		{"ChannelPermissionSet", "PUT", discordgo.EndpointChannelPermission(channelID, roleID), struct {
			ID    string                            `json:"id"`
			Type  discordgo.PermissionOverwriteType `json:"type"`
			Allow int64                             `json:"allow,string"`
			Deny  int64                             `json:"deny,string"`
		}{roleID, discordgo.PermissionOverwriteTypeRole, discordgo.PermissionViewChannel | discordgo.PermissionSendMessages, discordgo.PermissionMentionEveryone}},
		{"GuildMemberMove", "PATCH", discordgo.EndpointGuildMember(guildID, userID), struct {
			ChannelID *string `json:"channel_id"`
		}{ptr(channelID)}},
		{"GuildMemberMoveDisconnect", "PATCH", discordgo.EndpointGuildMember(guildID, userID), struct {
			ChannelID *string `json:"channel_id"`
		}{nil}},
		{"GuildMemberEdit", "PATCH", discordgo.EndpointGuildMember(guildID, userID), &discordgo.GuildMemberParams{
			Nick: "Ada (host)", Roles: &[]string{roleID}, Mute: ptr(false), Deaf: ptr(false),
		}},
		{"GuildMemberEditTimeout", "PATCH", discordgo.EndpointGuildMember(guildID, userID), &discordgo.GuildMemberParams{CommunicationDisabledUntil: &now}},
		{"UserChannelCreate", "POST", discordgo.EndpointUserChannels("@me"), struct {
			RecipientID string `json:"recipient_id"`
		}{userID}},
		{"ThreadStartComplex", "POST", discordgo.EndpointChannelThreads(channelID), &discordgo.ThreadStart{
			Name: "Help: goroutine leak", AutoArchiveDuration: 1440, Type: discordgo.ChannelTypeGuildPrivateThread, Invitable: false,
		}},
		{"ThreadStartPublic", "POST", discordgo.EndpointChannelThreads(channelID), &discordgo.ThreadStart{
			Name: "Questions", AutoArchiveDuration: 60, Type: discordgo.ChannelTypeGuildPublicThread,
		}},
		{"MessageThreadStartComplex", "POST", discordgo.EndpointChannelMessageThread(channelID, messageID), &discordgo.ThreadStart{
			Name: "Discussion", AutoArchiveDuration: 4320,
		}},
		{"GuildScheduledEventCreate", "POST", discordgo.EndpointGuildScheduledEvents(guildID), &discordgo.GuildScheduledEventParams{
			ChannelID: channelID, Name: "Go generics workshop", Description: "Two hours, four steps",
			ScheduledStartTime: &now, PrivacyLevel: discordgo.GuildScheduledEventPrivacyLevelGuildOnly,
			EntityType: discordgo.GuildScheduledEventEntityTypeVoice,
		}},
		{"GuildScheduledEventCreateExternal", "POST", discordgo.EndpointGuildScheduledEvents(guildID), &discordgo.GuildScheduledEventParams{
			Name: "Meetup", ScheduledStartTime: &now, ScheduledEndTime: ptr(now.Add(2 * time.Hour)),
			PrivacyLevel: discordgo.GuildScheduledEventPrivacyLevelGuildOnly, EntityType: discordgo.GuildScheduledEventEntityTypeExternal,
			EntityMetadata: &discordgo.GuildScheduledEventEntityMetadata{Location: "Library, room 2"},
		}},
		{"InteractionRespondMessage", "POST", discordgo.EndpointInteractionResponse(interID, token), discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "Joined group A", Flags: discordgo.MessageFlagsEphemeral},
		}},
		{"InteractionRespondMessageRich", "POST", discordgo.EndpointInteractionResponse(interID, token), discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Embeds: []*discordgo.MessageEmbed{sampleEmbed()}, Components: sampleComponents()},
		}},
		{"InteractionRespondDeferred", "POST", discordgo.EndpointInteractionResponse(interID, token), discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		}},
		{"InteractionRespondDeferredEphemeral", "POST", discordgo.EndpointInteractionResponse(interID, token), discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
		}},
		{"InteractionRespondDeferredUpdate", "POST", discordgo.EndpointInteractionResponse(interID, token), discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredMessageUpdate,
		}},
		{"InteractionRespondUpdate", "POST", discordgo.EndpointInteractionResponse(interID, token), discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseUpdateMessage,
			Data: &discordgo.InteractionResponseData{Content: "You joined", Components: sampleComponents()},
		}},
		{"InteractionRespondModal", "POST", discordgo.EndpointInteractionResponse(interID, token), discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseModal, Data: sampleModal(),
		}},
		{"InteractionRespondAutocomplete", "POST", discordgo.EndpointInteractionResponse(interID, token), discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{
				{Name: "Go generics", Value: "go-generics"}, {Name: "SQL basics", Value: "sql-basics"},
			}},
		}},
		{"ApplicationCommandBulkOverwriteGuild", "PUT", discordgo.EndpointApplicationGuildCommands(appID, guildID), sampleCommands()},
		{"ApplicationCommandBulkOverwriteGlobal", "PUT", discordgo.EndpointApplicationGlobalCommands(appID), sampleCommands()},
		{"ApplicationCommandCreate", "POST", discordgo.EndpointApplicationGuildCommands(appID, guildID), sampleCommands()[0]},
		{"ChannelMessageSendPoll", "POST", discordgo.EndpointChannelMessages(channelID), &discordgo.MessageSend{Poll: &discordgo.Poll{
			Question: discordgo.PollMedia{Text: "Which topic next?"},
			Answers: []discordgo.PollAnswer{
				{Media: &discordgo.PollMedia{Text: "Generics"}},
				{Media: &discordgo.PollMedia{Text: "Iterators", Emoji: &discordgo.ComponentEmoji{Name: "🔁"}}},
			},
			Duration: 24,
		}}},
		{"ForumThreadStartComplex", "POST", discordgo.EndpointChannelThreads(channelID), struct {
			*discordgo.ThreadStart
			Message *discordgo.MessageSend `json:"message"`
		}{&discordgo.ThreadStart{Name: "Week 3 questions", AutoArchiveDuration: 10080, AppliedTags: []string{roleID}},
			&discordgo.MessageSend{Content: "Ask here", Embeds: []*discordgo.MessageEmbed{sampleEmbed()}}}},
		{"GuildRoleCreate", "POST", discordgo.EndpointGuildRoles(guildID), &discordgo.RoleParams{
			Name: "Workshop host", Color: ptr(0x57F287), Hoist: ptr(true), Mentionable: ptr(false),
			Permissions: ptr(int64(discordgo.PermissionManageChannels | discordgo.PermissionVoiceMoveMembers)),
		}},
		{"ChannelInviteCreate", "POST", discordgo.EndpointChannelInvites(channelID), struct {
			MaxAge    int  `json:"max_age"`
			MaxUses   int  `json:"max_uses"`
			Temporary bool `json:"temporary"`
			Unique    bool `json:"unique"`
		}{0, 0, false, true}},
		{"WebhookCreate", "POST", discordgo.EndpointChannelWebhooks(channelID), struct {
			Name   string `json:"name"`
			Avatar string `json:"avatar,omitempty"`
		}{"Roundtable", ""}},
		{"ChannelMessagesBulkDelete", "POST", discordgo.EndpointChannelMessagesBulkDelete(channelID), struct {
			Messages []string `json:"messages"`
		}{[]string{messageID, userID}}},
		{"GuildMemberMute", "PATCH", discordgo.EndpointGuildMember(guildID, userID), struct {
			Mute bool `json:"mute"`
		}{true}},
		{"FollowupMessageCreate", "POST", discordgo.EndpointWebhookToken(appID, token) + "?wait=true", &discordgo.WebhookParams{
			Content: "Your group is ready", Flags: discordgo.MessageFlagsEphemeral, Components: sampleComponents(),
		}},
		{"FollowupMessageCreateEmbed", "POST", discordgo.EndpointWebhookToken(appID, token), &discordgo.WebhookParams{
			Embeds: []*discordgo.MessageEmbed{sampleEmbed()},
		}},
		{"InteractionResponseEdit", "PATCH", discordgo.EndpointInteractionResponseActions(appID, token), &discordgo.WebhookEdit{
			Content: &content, Components: ptr(sampleComponents()), Embeds: &[]*discordgo.MessageEmbed{sampleEmbed()},
		}},
		{"FollowupMessageEdit", "PATCH", discordgo.EndpointFollowupMessageActions(appID, token, messageID), &discordgo.WebhookEdit{
			Content: &content, Components: &[]discordgo.MessageComponent{},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := marshal(t, tc.body)
			path := endpointPath(t, tc.endpoint)
			if _, ok := v.Match(tc.method, path); !ok {
				t.Fatalf("Match(%s, %s): no route", tc.method, path)
			}
			if e := v.ValidateRequest(tc.method, path, "application/json", body); e != nil {
				t.Errorf("%s %s rejected %s\nbody: %s", tc.method, path, e, body)
			}
		})
	}
}

// discordgo sends files as multipart/form-data with the JSON in a
// payload_json part (MultipartBodyWithJSON).
func TestDiscordgoMultipartIsAccepted(t *testing.T) {
	v := validator(t)
	files := []*discordgo.File{{Name: "chart.png", ContentType: "image/png", Reader: strings.NewReader("\x89PNG fake")}}
	contentType, body, err := discordgo.MultipartBodyWithJSON(&discordgo.MessageSend{Content: "Your streak", Files: files}, files)
	if err != nil {
		t.Fatal(err)
	}
	path := endpointPath(t, discordgo.EndpointChannelMessages(channelID))
	if e := v.ValidateRequest("POST", path, contentType, body); e != nil {
		t.Errorf("multipart message rejected: %s", e)
	}

	// A file alone is not an empty message.
	files = []*discordgo.File{{Name: "chart.png", ContentType: "image/png", Reader: strings.NewReader("\x89PNG fake")}}
	contentType, body, err = discordgo.MultipartBodyWithJSON(&discordgo.MessageSend{Files: files}, files)
	if err != nil {
		t.Fatal(err)
	}
	if e := v.ValidateRequest("POST", path, contentType, body); e != nil {
		t.Errorf("file-only message rejected: %s", e)
	}

	// The limits apply to payload_json too.
	files = []*discordgo.File{{Name: "a.txt", Reader: strings.NewReader("a")}}
	contentType, body, err = discordgo.MultipartBodyWithJSON(&discordgo.MessageSend{Content: strings.Repeat("x", 2001)}, files)
	if err != nil {
		t.Fatal(err)
	}
	e := v.ValidateRequest("POST", path, contentType, body)
	if e == nil || len(e.FieldErrors("content")) == 0 {
		t.Errorf("multipart with 2001 characters of content: got %v, want a content error", e)
	}
}
