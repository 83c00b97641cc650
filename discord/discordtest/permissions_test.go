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

// TestPermissionSyncing: a channel synced to its category follows the
// category's overwrite changes; one with its own overwrites does not.
func TestPermissionSyncing(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t)
	seed := e.Seed()
	s := e.Session(t)
	var view int64 = discordgo.PermissionViewChannel
	hidden := []*discordgo.PermissionOverwrite{
		{ID: seed.GuildID, Type: discordgo.PermissionOverwriteTypeRole, Deny: view},
		{ID: seed.BotUserID, Type: discordgo.PermissionOverwriteTypeMember, Allow: view},
	}
	cat, err := s.GuildChannelCreateComplex(seed.GuildID, discordgo.GuildChannelCreateData{Name: "Rooms", Type: discordgo.ChannelTypeGuildCategory, PermissionOverwrites: hidden})
	if err != nil {
		t.Fatal(err)
	}
	synced, err := s.GuildChannelCreateComplex(seed.GuildID, discordgo.GuildChannelCreateData{Name: "synced", Type: discordgo.ChannelTypeGuildText, ParentID: cat.ID, PermissionOverwrites: hidden})
	if err != nil {
		t.Fatal(err)
	}
	own, err := s.GuildChannelCreateComplex(seed.GuildID, discordgo.GuildChannelCreateData{Name: "own", Type: discordgo.ChannelTypeGuildText, ParentID: cat.ID,
		PermissionOverwrites: append(hidden[:2:2], &discordgo.PermissionOverwrite{ID: seed.MemberIDs[1], Type: discordgo.PermissionOverwriteTypeMember, Allow: view})})
	if err != nil {
		t.Fatal(err)
	}
	member := seed.MemberIDs[0]
	if err := s.ChannelPermissionSet(cat.ID, member, discordgo.PermissionOverwriteTypeMember, view, 0); err != nil {
		t.Fatal(err)
	}
	if !e.CanSee(synced.ID, member) {
		t.Error("synced child did not follow its category")
	}
	if e.CanSee(own.ID, member) {
		t.Error("a de-synced child must keep its own overwrites")
	}
}

func TestSendingJoinsThread(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t)
	seed := e.Seed()
	s := e.Session(t)
	th, err := s.ThreadStart(seed.TextChannelID, "public", discordgo.ChannelTypeGuildPublicThread, 60)
	if err != nil {
		t.Fatal(err)
	}
	member := e.Members()[0]
	if _, err := member.Say(th.ID, "joining by talking"); err != nil {
		t.Fatal(err)
	}
	if got := e.ThreadMembers(th.ID); len(got) != 2 {
		t.Fatalf("thread members = %v, want the bot and the member", got)
	}
}
