package discordtest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
)

func TestRolesAndMembers(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t)
	seed := e.Seed()
	s := e.Session(t)
	role, err := s.GuildRoleCreate(seed.GuildID, &discordgo.RoleParams{Name: "facilitator"})
	if err != nil {
		t.Fatalf("role create: %v", err)
	}
	var admin int64 = discordgo.PermissionAdministrator
	if _, err := s.GuildRoleCreate(seed.GuildID, &discordgo.RoleParams{Name: "boss", Permissions: &admin}); restCode(t, err) != 50013 {
		t.Fatalf("granting administrator: %v", err)
	}
	member := seed.MemberIDs[0]
	updates := make(chan *discordgo.GuildMemberUpdate, 4)
	s.AddHandler(func(_ *discordgo.Session, u *discordgo.GuildMemberUpdate) { updates <- u })
	if err := s.GuildMemberRoleAdd(seed.GuildID, member, role.ID); err != nil {
		t.Fatalf("role add: %v", err)
	}
	select {
	case u := <-updates:
		if u.User.ID != member || len(u.Roles) != 1 || u.Roles[0] != role.ID {
			t.Fatalf("GUILD_MEMBER_UPDATE = %+v", u.Member)
		}
	case <-time.After(wait):
		t.Fatal("no GUILD_MEMBER_UPDATE")
	}
	// The bot's own managed role is not below its highest role.
	if err := s.GuildMemberRoleAdd(seed.GuildID, member, seed.BotRoleID); restCode(t, err) != 50013 {
		t.Fatalf("adding the bot role: %v", err)
	}
	if err := s.GuildMemberRoleRemove(seed.GuildID, member, role.ID); err != nil {
		t.Fatalf("role remove: %v", err)
	}
	if m, _ := e.GuildMember(seed.GuildID, member); len(m.Roles) != 0 {
		t.Fatalf("roles after remove = %v", m.Roles)
	}
	if err := s.GuildMemberRoleAdd(seed.GuildID, member, "42"); restCode(t, err) != 10011 {
		t.Fatalf("unknown role: %v", err)
	}
	members, err := s.GuildMembers(seed.GuildID, "", 1000)
	if err != nil || len(members) != len(seed.MemberIDs)+2 || members[0].User == nil {
		t.Fatalf("members = %d, %v", len(members), err)
	}
	if _, err := s.GuildMember(seed.GuildID, "42"); restCode(t, err) != 10007 {
		t.Fatalf("unknown member: %v", err)
	}
	if _, err := s.GuildChannels("42"); restCode(t, err) != 10004 {
		t.Fatalf("unknown guild: %v", err)
	}
	if _, err := s.User("42"); restCode(t, err) != 10013 {
		t.Fatalf("unknown user: %v", err)
	}
}

func TestMemberListNeedsGuildMembersIntent(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t, discordtest.WithPrivilegedIntents(0))
	s := e.Session(t)
	if _, err := s.GuildMembers(e.Seed().GuildID, "", 10); restCode(t, err) != 50001 {
		t.Fatalf("member list without GUILD_MEMBERS: %v", err)
	}
}

func TestChannelEditAndDelete(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t)
	seed := e.Seed()
	s := e.Session(t)
	cat, err := s.GuildChannelCreate(seed.GuildID, "Workshop", discordgo.ChannelTypeGuildCategory)
	if err != nil {
		t.Fatal(err)
	}
	room, err := s.GuildChannelCreateComplex(seed.GuildID, discordgo.GuildChannelCreateData{
		Name: "room", Type: discordgo.ChannelTypeGuildVoice, ParentID: cat.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.GuildChannelCreateComplex(seed.GuildID, discordgo.GuildChannelCreateData{
		Name: "big", Type: discordgo.ChannelTypeGuildVoice, UserLimit: 100}); restCode(t, err) != 50035 {
		t.Fatalf("user_limit 100: %v", err)
	}
	renamed, err := s.ChannelEdit(room.ID, &discordgo.ChannelEdit{Name: "room-a", UserLimit: 5})
	if err != nil || renamed.Name != "room-a" || renamed.UserLimit != 5 {
		t.Fatalf("edit: %+v %v", renamed, err)
	}
	member := e.Members()[0]
	if err := member.JoinVoice(room.ID); err != nil {
		t.Fatal(err)
	}
	left := make(chan string, 4)
	s.AddHandler(func(_ *discordgo.Session, v *discordgo.VoiceStateUpdate) {
		if v.UserID == member.UserID && v.ChannelID == "" {
			left <- v.UserID
		}
	})
	if _, err := s.ChannelDelete(room.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
	select {
	case <-left:
	case <-time.After(wait):
		t.Fatal("deleting a voice channel must disconnect its members")
	}
	if e.VoiceChannelOf(member.UserID) != "" {
		t.Fatal("member still in a deleted channel")
	}
	if _, ok := e.Channel(room.ID); ok {
		t.Fatal("channel still stored")
	}
	if _, err := s.ChannelDelete(room.ID); restCode(t, err) != 10003 {
		t.Fatalf("second delete: %v", err)
	}
}

func TestThreadModify(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t)
	seed := e.Seed()
	s := e.Session(t)
	th, err := s.ThreadStart(seed.TextChannelID, "standup", discordgo.ChannelTypeGuildPrivateThread, 1440)
	if err != nil {
		t.Fatal(err)
	}
	archived := true
	if _, err := s.ChannelEdit(th.ID, &discordgo.ChannelEdit{Archived: &archived}); err != nil {
		t.Fatalf("archive: %v", err)
	}
	if err := s.ThreadMemberAdd(th.ID, seed.MemberIDs[0]); restCode(t, err) != 50083 {
		t.Fatalf("adding to an archived thread: %v", err)
	}
	if _, err := s.ChannelMessageSend(th.ID, "wake up"); err != nil {
		t.Fatalf("send unarchives: %v", err)
	}
	if c, _ := e.Channel(th.ID); c.ThreadMetadata.Archived {
		t.Fatal("thread still archived after a message")
	}
}

func TestMessagePagination(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t, discordtest.WithProfile("none"))
	seed := e.Seed()
	s := e.Session(t)
	var ids []string
	for i := range 5 {
		m, err := s.ChannelMessageSend(seed.TextChannelID, fmt.Sprint(i))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	got, err := s.ChannelMessages(seed.TextChannelID, 2, "", "", "")
	if err != nil || len(got) != 2 || got[0].ID != ids[4] || got[1].ID != ids[3] {
		t.Fatalf("latest 2: %v", err)
	}
	got, _ = s.ChannelMessages(seed.TextChannelID, 2, ids[3], "", "")
	if len(got) != 2 || got[0].ID != ids[2] || got[1].ID != ids[1] {
		t.Fatal("before")
	}
	got, _ = s.ChannelMessages(seed.TextChannelID, 2, "", ids[0], "")
	if len(got) != 2 || got[0].ID != ids[2] || got[1].ID != ids[1] {
		t.Fatal("after")
	}
	got, _ = s.ChannelMessages(seed.TextChannelID, 3, "", "", ids[2])
	if len(got) != 3 || got[0].ID != ids[3] || got[2].ID != ids[1] {
		t.Fatal("around")
	}
}

func TestReorderActiveThreadsAndApplication(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t)
	seed := e.Seed()
	s := e.Session(t)
	if err := s.GuildChannelsReorder(seed.GuildID, []*discordgo.Channel{{ID: seed.VoiceChannelID, Position: 0}, {ID: seed.TextChannelID, Position: 1}}); err != nil {
		t.Fatalf("reorder: %v", err)
	}
	if chs := e.Channels(seed.GuildID); chs[0].ID != seed.VoiceChannelID && chs[1].ID != seed.VoiceChannelID {
		t.Fatalf("voice channel not moved up: %v", chs)
	}
	th, err := s.ThreadStart(seed.TextChannelID, "active", discordgo.ChannelTypeGuildPublicThread, 60)
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.GuildThreadsActive(seed.GuildID)
	if err != nil || len(list.Threads) != 1 || list.Threads[0].ID != th.ID || len(list.Members) != 1 {
		t.Fatalf("active threads: %+v %v", list, err)
	}
	app, err := s.Application("@me")
	if err != nil || app.ID != seed.ApplicationID {
		t.Fatalf("application: %+v %v", app, err)
	}
}
