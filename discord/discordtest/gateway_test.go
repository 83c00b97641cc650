package discordtest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
)

// TestResumeAfterDrop proves discordgo resumes after an abnormal close and
// after op 7, and receives the dispatches it missed while away.
func TestResumeAfterDrop(t *testing.T) {
	for _, kind := range []discordtest.DropKind{discordtest.DropAbnormal, discordtest.DropReconnect} {
		t.Run(map[discordtest.DropKind]string{discordtest.DropAbnormal: "abnormal", discordtest.DropReconnect: "op7"}[kind], func(t *testing.T) {
			t.Parallel()
			e := discordtest.New(t)
			seed := e.Seed()
			s := e.Session(t)
			created := make(chan string, 8)
			s.AddHandler(func(_ *discordgo.Session, c *discordgo.ChannelCreate) { created <- c.ID })
			if n := e.DropGateway(kind); n != 1 {
				t.Fatalf("dropped %d connections, want 1", n)
			}
			// The session is detached now: this CHANNEL_CREATE can only reach
			// the client through a resume.
			ch, err := s.GuildChannelCreate(seed.GuildID, "while-away", discordgo.ChannelTypeGuildText)
			if err != nil {
				t.Fatalf("create while disconnected: %v", err)
			}
			select {
			case id := <-created:
				if id != ch.ID {
					t.Fatalf("CHANNEL_CREATE for %s, want %s", id, ch.ID)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("missed CHANNEL_CREATE never replayed")
			}
			st := e.GatewayStats()
			if st.Ready != 1 || st.Resumes != 1 || st.Connected != 1 {
				t.Fatalf("gateway stats = %+v, want one READY and one resume", st)
			}
		})
	}
}

func TestInvalidSessionReidentifies(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t)
	s := e.Session(t)
	ready := make(chan struct{}, 2)
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Ready) { ready <- struct{}{} })
	if n := e.DropGateway(discordtest.DropInvalidSession); n != 1 {
		t.Fatalf("dropped %d", n)
	}
	select {
	case <-ready:
	case <-time.After(wait):
		t.Fatal("no new READY after op 9")
	}
	if st := e.GatewayStats(); st.Ready != 2 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestFatalCloseCodes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		adjust func(*discordgo.Session)
		code   int
	}{
		{"bad token", func(s *discordgo.Session) { s.Identify.Token = "Bot not-the-token" }, 4004},
		{"privileged intent", func(s *discordgo.Session) { s.Identify.Intents |= discordgo.IntentGuildPresences }, 4014},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := discordtest.New(t)
			s, err := e.NewSession()
			if err != nil {
				t.Fatal(err)
			}
			tc.adjust(s)
			if err := s.Open(); err == nil {
				_ = s.Close()
				t.Fatal("Open succeeded")
			} else if !strings.Contains(err.Error(), "close") {
				t.Logf("open error: %v", err)
			}
			closes := e.GatewayCloses()
			if len(closes) != 1 || closes[0].Code != tc.code {
				t.Fatalf("closes = %+v, want one %d", closes, tc.code)
			}
		})
	}
}

func TestMessageContentIntent(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t)
	seed := e.Seed()
	s := e.Session(t)
	got := make(chan *discordgo.Message, 4)
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { got <- m.Message })
	member := e.Members()[0]
	plain, err := member.Say(seed.TextChannelID, "secret plans")
	if err != nil {
		t.Fatal(err)
	}
	mention, err := member.Say(seed.TextChannelID, "hey <@"+seed.BotUserID+">")
	if err != nil {
		t.Fatal(err)
	}
	// Handlers run in their own goroutines: match by ID, not arrival order.
	byID := map[string]*discordgo.Message{}
	for range 2 {
		select {
		case m := <-got:
			byID[m.ID] = m
		case <-time.After(wait):
			t.Fatal("missing MESSAGE_CREATE")
		}
	}
	if m := byID[plain.ID]; m == nil || m.Content != "" || m.Author.ID != member.UserID {
		t.Fatalf("without MESSAGE_CONTENT the content must be empty, got %+v", m)
	}
	if m := byID[mention.ID]; m == nil || !strings.Contains(m.Content, seed.BotUserID) {
		t.Fatalf("a mention of the bot keeps its content, got %+v", m)
	}
}

func TestHeartbeatRequest(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t)
	e.Session(t)
	var before int
	deadline := time.Now().Add(wait)
	for before = e.GatewayStats().Heartbeats; before == 0 && time.Now().Before(deadline); before = e.GatewayStats().Heartbeats {
		time.Sleep(10 * time.Millisecond) // discordgo's first heartbeat
	}
	if n := e.RequestHeartbeat(); n != 1 {
		t.Fatalf("asked %d clients", n)
	}
	for e.GatewayStats().Heartbeats == before {
		if time.Now().After(deadline) {
			t.Fatal("client did not answer op 1")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestMemberDM(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t)
	s := e.Session(t)
	got := make(chan *discordgo.Message, 1)
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { got <- m.Message })
	member := e.Members()[0]
	if _, err := member.DM("checked in: wrote tests"); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-got:
		// DMs keep their content without MESSAGE_CONTENT.
		if m.Content != "checked in: wrote tests" || m.GuildID != "" || m.ChannelID != e.DMChannel(member.UserID) {
			t.Fatalf("DM = %+v", m)
		}
	case <-time.After(wait):
		t.Fatal("no MESSAGE_CREATE for the DM")
	}
}
