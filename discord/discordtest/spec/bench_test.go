package spec

import (
	"testing"

	"github.com/bwmarrin/discordgo"
)

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFirstMessageCreate is Load plus the first create_message, which
// compiles that operation's schema.
func BenchmarkFirstMessageCreate(b *testing.B) {
	body := typicalMessage(b)
	b.ReportAllocs()
	for b.Loop() {
		v, err := Load()
		if err != nil {
			b.Fatal(err)
		}
		if e := v.ValidateRequest("POST", "/api/v9/channels/1/messages", "application/json", body); e != nil {
			b.Fatal(e)
		}
	}
}

func BenchmarkValidateMessageCreate(b *testing.B) {
	v := validator(b)
	body := typicalMessage(b)
	if e := v.ValidateRequest("POST", "/api/v9/channels/1/messages", "application/json", body); e != nil {
		b.Fatal(e) // warm: compile outside the loop
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if e := v.ValidateRequest("POST", "/api/v9/channels/1/messages", "application/json", body); e != nil {
			b.Fatal(e)
		}
	}
}

func BenchmarkValidateChannelCreate(b *testing.B) {
	v := validator(b)
	body := marshal(b, discordgo.GuildChannelCreateData{
		Name: "Group A", Type: discordgo.ChannelTypeGuildVoice, ParentID: parentID,
		PermissionOverwrites: []*discordgo.PermissionOverwrite{
			{ID: guildID, Type: discordgo.PermissionOverwriteTypeRole, Deny: discordgo.PermissionViewChannel},
			{ID: roleID, Type: discordgo.PermissionOverwriteTypeRole, Allow: discordgo.PermissionViewChannel},
		},
	})
	b.ReportAllocs()
	for b.Loop() {
		if e := v.ValidateRequest("POST", "/api/v9/guilds/1/channels", "application/json", body); e != nil {
			b.Fatal(e)
		}
	}
}

// typicalMessage is what the bot posts at a step change: text, one embed,
// two rows of components.
func typicalMessage(tb testing.TB) []byte {
	return marshal(tb, &discordgo.MessageSend{
		Content:    "Step 2 starts now <@" + userID + ">",
		Embeds:     []*discordgo.MessageEmbed{sampleEmbed()},
		Components: sampleComponents()[:2],
	})
}
