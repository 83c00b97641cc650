package discordtest_test

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
)

func TestPrivateChannelVisibility(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t)
	seed := e.Seed()
	s := e.Session(t)
	inside, outside := seed.MemberIDs[0], seed.MemberIDs[1]
	var room int64 = discordgo.PermissionViewChannel | discordgo.PermissionVoiceConnect | discordgo.PermissionSendMessages
	ch, err := s.GuildChannelCreateComplex(seed.GuildID, discordgo.GuildChannelCreateData{
		Name: "room-1", Type: discordgo.ChannelTypeGuildVoice, UserLimit: 4,
		PermissionOverwrites: []*discordgo.PermissionOverwrite{
			{ID: seed.GuildID, Type: discordgo.PermissionOverwriteTypeRole, Deny: discordgo.PermissionViewChannel},
			{ID: seed.BotUserID, Type: discordgo.PermissionOverwriteTypeMember, Allow: room},
			{ID: inside, Type: discordgo.PermissionOverwriteTypeMember, Allow: room},
		},
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if !e.CanSee(ch.ID, inside) || e.CanSee(ch.ID, outside) {
		t.Fatalf("inside sees=%v outside sees=%v", e.CanSee(ch.ID, inside), e.CanSee(ch.ID, outside))
	}
	want := []string{seed.BotUserID, seed.OwnerID, inside}
	slices.Sort(want)
	if got := e.Visible(ch.ID); !slices.Equal(got, want) {
		t.Fatalf("visible = %v, want %v", got, want)
	}
	// Letting the second member in with ChannelPermissionSet.
	if err := s.ChannelPermissionSet(ch.ID, outside, discordgo.PermissionOverwriteTypeMember, room, 0); err != nil {
		t.Fatalf("permission set: %v", err)
	}
	if !e.CanSee(ch.ID, outside) || len(e.Overwrites(ch.ID)) != 4 {
		t.Fatalf("overwrites = %+v", e.Overwrites(ch.ID))
	}
	// The bot cannot hand out what it lacks (Administrator).
	err = s.ChannelPermissionSet(ch.ID, outside, discordgo.PermissionOverwriteTypeMember, discordgo.PermissionAdministrator, 0)
	if code := restCode(t, err); code != 50013 {
		t.Fatalf("code = %d, want 50013", code)
	}
	if err := s.ChannelPermissionDelete(ch.ID, outside); err != nil || e.CanSee(ch.ID, outside) {
		t.Fatalf("delete overwrite: %v", err)
	}
}

func TestChannelLimits(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t, discordtest.WithProfile("none"))
	seed := e.Seed()
	s := e.Session(t)
	cat, err := s.GuildChannelCreate(seed.GuildID, "workshop", discordgo.ChannelTypeGuildCategory)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if _, err := s.GuildChannelCreateComplex(seed.GuildID, discordgo.GuildChannelCreateData{
			Name: fmt.Sprintf("room-%d", i), Type: discordgo.ChannelTypeGuildText, ParentID: cat.ID}); err != nil {
			t.Fatalf("channel %d: %v", i, err)
		}
	}
	_, err = s.GuildChannelCreateComplex(seed.GuildID, discordgo.GuildChannelCreateData{
		Name: "room-51", Type: discordgo.ChannelTypeGuildText, ParentID: cat.ID})
	if code := restCode(t, err); code != 50035 {
		t.Fatalf("51st in category: code %d, want 50035", code)
	}
	// 2 seeded + 1 category + 50 = 53; fill up to 500.
	for i := len(e.Channels(seed.GuildID)); i < 500; i++ {
		if _, err := s.GuildChannelCreate(seed.GuildID, fmt.Sprintf("c-%d", i), discordgo.ChannelTypeGuildText); err != nil {
			t.Fatalf("channel %d: %v", i, err)
		}
	}
	_, err = s.GuildChannelCreate(seed.GuildID, "one-too-many", discordgo.ChannelTypeGuildText)
	if code := restCode(t, err); code != 30013 {
		t.Fatalf("501st channel: code %d, want 30013", code)
	}
	_, err = s.GuildChannelCreate(seed.GuildID, "", discordgo.ChannelTypeGuildText)
	if err == nil {
		t.Fatal("empty name accepted")
	}
}

func TestMessagesComplexAndFiles(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t)
	seed := e.Seed()
	s := e.Session(t)
	m, err := s.ChannelMessageSendComplex(seed.TextChannelID, &discordgo.MessageSend{
		Content: "Step 1 <@" + seed.MemberIDs[0] + ">",
		Embeds:  []*discordgo.MessageEmbed{{Title: "Intro", Description: "Say hi", Fields: []*discordgo.MessageEmbedField{{Name: "Time", Value: "<t:1700000000:R>"}}}},
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Done", Style: discordgo.PrimaryButton, CustomID: "step:done"},
		}}},
	})
	if err != nil {
		t.Fatalf("send complex: %v", err)
	}
	if len(m.Mentions) != 1 || len(m.Components) != 1 || len(m.Embeds) != 1 {
		t.Fatalf("message = %+v", m)
	}
	f, err := s.ChannelMessageSendComplex(seed.TextChannelID, &discordgo.MessageSend{
		Content: "chart",
		Files:   []*discordgo.File{{Name: "chart.png", ContentType: "image/png", Reader: bytes.NewReader([]byte("\x89PNG fake"))}},
	})
	if err != nil {
		t.Fatalf("send file: %v", err)
	}
	if len(f.Attachments) != 1 || f.Attachments[0].Filename != "chart.png" {
		t.Fatalf("attachments = %+v", f.Attachments)
	}
	if data, ok := e.Attachment(f.Attachments[0].ID); !ok || string(data) != "\x89PNG fake" {
		t.Fatalf("attachment bytes = %q", data)
	}
	if _, err := s.ChannelMessageEdit(seed.TextChannelID, m.ID, "Step 1 (done)"); err != nil {
		t.Fatalf("edit: %v", err)
	}
	got, err := s.ChannelMessage(seed.TextChannelID, m.ID)
	if err != nil || got.Content != "Step 1 (done)" || got.EditedTimestamp == nil {
		t.Fatalf("get after edit: %+v, %v", got, err)
	}
	_, err = s.ChannelMessageSend(seed.TextChannelID, "")
	if code := restCode(t, err); code != 50006 {
		t.Fatalf("empty message: code %d, want 50006", code)
	}
	if err := s.ChannelMessageDelete(seed.TextChannelID, f.ID); err != nil {
		t.Fatal(err)
	}
	if n := len(e.Messages(seed.TextChannelID)); n != 1 {
		t.Fatalf("messages left = %d", n)
	}
	_, err = s.ChannelMessage(seed.TextChannelID, f.ID)
	if code := restCode(t, err); code != 10008 {
		t.Fatalf("deleted message: code %d, want 10008", code)
	}
	_, err = s.Channel("123")
	if code := restCode(t, err); code != 10003 {
		t.Fatalf("unknown channel: code %d, want 10003", code)
	}
}

func TestMemberMove(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t)
	seed := e.Seed()
	s := e.Session(t)
	room, err := s.GuildChannelCreate(seed.GuildID, "room", discordgo.ChannelTypeGuildVoice)
	if err != nil {
		t.Fatal(err)
	}
	member := e.Members()[0]
	err = s.GuildMemberMove(seed.GuildID, member.UserID, &room.ID)
	if code := restCode(t, err); code != 40032 {
		t.Fatalf("move while not in voice: code %d, want 40032", code)
	}
	moved := make(chan string, 4)
	s.AddHandler(func(_ *discordgo.Session, v *discordgo.VoiceStateUpdate) {
		if v.UserID == member.UserID {
			moved <- v.ChannelID
		}
	})
	if err := member.JoinVoice(seed.VoiceChannelID); err != nil {
		t.Fatal(err)
	}
	if err := s.GuildMemberMove(seed.GuildID, member.UserID, &room.ID); err != nil {
		t.Fatalf("move: %v", err)
	}
	if got := e.VoiceChannelOf(member.UserID); got != room.ID {
		t.Fatalf("voice channel = %q, want %q", got, room.ID)
	}
	// discordgo runs each handler in its own goroutine, so the two updates
	// (join, then move) may arrive in either order.
	var seen []string
	for range 2 {
		select {
		case got := <-moved:
			seen = append(seen, got)
		case <-time.After(wait):
			t.Fatal("no VOICE_STATE_UPDATE")
		}
	}
	if !slices.Contains(seen, seed.VoiceChannelID) || !slices.Contains(seen, room.ID) {
		t.Fatalf("VOICE_STATE_UPDATE channels %v, want the lobby and the room", seen)
	}
	if err := s.GuildMemberMove(seed.GuildID, member.UserID, nil); err != nil || e.VoiceChannelOf(member.UserID) != "" {
		t.Fatalf("disconnect: %v", err)
	}
}

func TestThreadsDMAndEvents(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t)
	seed := e.Seed()
	s := e.Session(t)
	m, err := s.ChannelMessageSend(seed.TextChannelID, "Who is stuck?")
	if err != nil {
		t.Fatal(err)
	}
	th, err := s.MessageThreadStartComplex(seed.TextChannelID, m.ID, &discordgo.ThreadStart{Name: "help", AutoArchiveDuration: 1440})
	if err != nil || th.ID != m.ID || th.Type != discordgo.ChannelTypeGuildPublicThread {
		t.Fatalf("thread from message: %+v, %v", th, err)
	}
	priv, err := s.ThreadStartComplex(seed.TextChannelID, &discordgo.ThreadStart{Name: "peer support", Type: discordgo.ChannelTypeGuildPrivateThread, AutoArchiveDuration: 60})
	if err != nil {
		t.Fatalf("private thread: %v", err)
	}
	member := seed.MemberIDs[0]
	if e.CanSee(priv.ID, member) {
		t.Fatal("private thread visible before joining")
	}
	if err := s.ThreadMemberAdd(priv.ID, member); err != nil {
		t.Fatalf("thread member add: %v", err)
	}
	if !e.CanSee(priv.ID, member) || e.CanSee(priv.ID, seed.MemberIDs[1]) {
		t.Fatal("private thread visibility wrong after join")
	}
	_, err = s.ThreadStartComplex(seed.TextChannelID, &discordgo.ThreadStart{Name: "bad", Type: discordgo.ChannelTypeGuildPrivateThread, AutoArchiveDuration: 30})
	if code := restCode(t, err); code != 50035 {
		t.Fatalf("bad archive duration: code %d", code)
	}
	if _, err := s.ChannelMessageSend(priv.ID, "welcome"); err != nil {
		t.Fatalf("send in thread: %v", err)
	}
	if err := s.ThreadMemberRemove(priv.ID, member); err != nil {
		t.Fatalf("thread member remove: %v", err)
	}

	dm, err := s.UserChannelCreate(member)
	if err != nil || dm.Type != discordgo.ChannelTypeDM {
		t.Fatalf("dm: %+v %v", dm, err)
	}
	if _, err := s.ChannelMessageSend(dm.ID, "reminder"); err != nil {
		t.Fatalf("dm send: %v", err)
	}
	if len(e.Messages(e.DMChannel(member))) != 1 {
		t.Fatal("dm not stored")
	}

	start := time.Now().Add(time.Hour)
	end := start.Add(time.Hour)
	ev, err := s.GuildScheduledEventCreate(seed.GuildID, &discordgo.GuildScheduledEventParams{
		Name: "Workshop", ChannelID: seed.VoiceChannelID, ScheduledStartTime: &start, ScheduledEndTime: &end,
		EntityType: discordgo.GuildScheduledEventEntityTypeVoice, PrivacyLevel: discordgo.GuildScheduledEventPrivacyLevelGuildOnly,
	})
	if err != nil {
		t.Fatalf("event create: %v", err)
	}
	if _, err := s.GuildScheduledEventEdit(seed.GuildID, ev.ID, &discordgo.GuildScheduledEventParams{Name: "Workshop 2"}); err != nil {
		t.Fatalf("event edit: %v", err)
	}
	if evs := e.ScheduledEvents(seed.GuildID); len(evs) != 1 || evs[0].Name != "Workshop 2" {
		t.Fatalf("events = %+v", evs)
	}
	if err := s.GuildScheduledEventDelete(seed.GuildID, ev.ID); err != nil || len(e.ScheduledEvents(seed.GuildID)) != 0 {
		t.Fatalf("event delete: %v", err)
	}
}
