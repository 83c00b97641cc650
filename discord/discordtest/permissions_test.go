package discordtest_test

import (
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
)

// TestPermissionComputation checks topics-permissions.mdx's order: the
// @everyone overwrite, then all role denies, then all role allows, then the
// member overwrite; owners see everything; threads follow their parent.
func TestPermissionComputation(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t)
	seed := e.Seed()
	s := e.Session(t)
	denyRole, err := s.GuildRoleCreate(seed.GuildID, &discordgo.RoleParams{Name: "muted"})
	if err != nil {
		t.Fatal(err)
	}
	allowRole, err := s.GuildRoleCreate(seed.GuildID, &discordgo.RoleParams{Name: "cohort"})
	if err != nil {
		t.Fatal(err)
	}
	both, roleOnly, memberDenied := seed.MemberIDs[0], seed.MemberIDs[1], seed.MemberIDs[2]
	for _, grant := range []struct{ user, role string }{
		{both, denyRole.ID}, {both, allowRole.ID}, {roleOnly, denyRole.ID}, {memberDenied, allowRole.ID},
	} {
		if err := s.GuildMemberRoleAdd(seed.GuildID, grant.user, grant.role); err != nil {
			t.Fatal(err)
		}
	}
	var view int64 = discordgo.PermissionViewChannel
	ch, err := s.GuildChannelCreateComplex(seed.GuildID, discordgo.GuildChannelCreateData{
		Name: "cohort", Type: discordgo.ChannelTypeGuildText,
		PermissionOverwrites: []*discordgo.PermissionOverwrite{
			// Role overwrites listed before @everyone's: order in the list must not matter.
			{ID: allowRole.ID, Type: discordgo.PermissionOverwriteTypeRole, Allow: view},
			{ID: denyRole.ID, Type: discordgo.PermissionOverwriteTypeRole, Deny: view},
			{ID: seed.GuildID, Type: discordgo.PermissionOverwriteTypeRole, Deny: view},
			{ID: memberDenied, Type: discordgo.PermissionOverwriteTypeMember, Deny: view},
			{ID: seed.BotUserID, Type: discordgo.PermissionOverwriteTypeMember, Allow: view | discordgo.PermissionSendMessages},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]bool{both: true, roleOnly: false, memberDenied: false, seed.OwnerID: true, seed.BotUserID: true}
	for user, want := range cases {
		if got := e.CanSee(ch.ID, user); got != want {
			t.Errorf("CanSee(%s) = %v, want %v", user, got, want)
		}
	}
	// Without SEND_MESSAGES, the text-dependent bits go too.
	if p := e.Permissions(ch.ID, both); p&discordgo.PermissionSendMessages == 0 || p&discordgo.PermissionAttachFiles == 0 {
		t.Errorf("cohort member permissions %b lack send/attach", p)
	}
	th, err := s.ThreadStart(ch.ID, "pairs", discordgo.ChannelTypeGuildPrivateThread, 60)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ThreadMemberAdd(th.ID, roleOnly); err != nil {
		t.Fatal(err)
	}
	if e.CanSee(th.ID, roleOnly) {
		t.Error("a thread member who cannot see the parent must not see the thread")
	}
	if err := s.ThreadMemberAdd(th.ID, both); err != nil {
		t.Fatal(err)
	}
	if !e.CanSee(th.ID, both) {
		t.Error("thread member with access to the parent cannot see the thread")
	}
}
