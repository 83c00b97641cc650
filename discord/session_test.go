package discord

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
)

func TestConnectFailsClearlyWhenDiscordIsUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens here now

	_, err = Connect(context.Background(), Options{Token: "x", APIBase: "http://" + addr, Timeout: 5 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "cannot reach Discord at http://"+addr) {
		t.Fatalf("err = %v", err)
	}
}

func TestConnectGivesUpOnASilentServer(t *testing.T) {
	// Accepts connections and never answers: the bot must not hang.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { <-done; c.Close() }()
		}
	}()
	_, err = Connect(context.Background(), Options{Token: "x", APIBase: "http://" + ln.Addr().String(), Timeout: time.Second})
	if err == nil || !strings.Contains(err.Error(), "cannot reach Discord") {
		t.Fatalf("err = %v", err)
	}
}

func TestConnectExplainsARejectedToken(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"message": "401: Unauthorized", "code": 0}`))
	}))
	defer srv.Close()
	_, err := Connect(context.Background(), Options{Token: "bad", APIBase: srv.URL, Timeout: 5 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), "DISCORD_TOKEN") {
		t.Fatalf("err = %v", err)
	}
}

func TestRewriteTransportRedirectsDiscordRequests(t *testing.T) {
	var gotPath string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { gotPath = r.URL.Path }))
	defer srv.Close()
	base, _ := url.Parse(srv.URL + "/proxy/")
	resp, err := NewHTTPClient(base).Get("https://discord.com/api/v9/users/@me")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if gotPath != "/proxy/api/v9/users/@me" {
		t.Fatalf("path = %q", gotPath)
	}
}

func TestConnectStopsOnDisallowedIntents(t *testing.T) {
	e := discordtest.New(t, discordtest.WithPrivilegedIntents(0))
	base := strings.TrimSuffix(e.Seed().APIBase, "/api/v9")
	_, err := Connect(context.Background(), Options{
		Token:   e.Seed().Token,
		APIBase: base,
		Intents: Intents | discordgo.IntentsGuildMembers, // privileged, and not enabled for this application
		Timeout: 10 * time.Second,
	})
	if err == nil || !strings.Contains(err.Error(), "4014") || !strings.Contains(err.Error(), "Privileged Gateway Intents") {
		t.Fatalf("err = %v", err)
	}
}

func TestConnectReachesReadyThroughTheEmulator(t *testing.T) {
	e := discordtest.New(t)
	base := strings.TrimSuffix(e.Seed().APIBase, "/api/v9")
	s, err := Connect(context.Background(), Options{Token: e.Seed().Token, APIBase: base, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.State.User == nil || s.State.User.ID != e.Seed().BotUserID {
		t.Fatalf("READY user = %+v", s.State.User)
	}
}
