package main

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/db/dbtest"
)

// controlResponse is what the emulator's control API says of an interaction.
type controlResponse struct {
	ID       string `json:"id"`
	Failed   bool   `json:"failed"`
	Response *struct {
		Type      int  `json:"type"`
		Ephemeral bool `json:"ephemeral"`
		Modal     *struct {
			CustomID string
		} `json:"modal"`
		Message json.RawMessage `json:"message"`
	} `json:"response"`
}

// actAndWait has a member act through the control API and waits for the
// bot's answer to that interaction.
func actAndWait(t *testing.T, info emulatorInfo, member, action, body string) controlResponse {
	t.Helper()
	var started struct {
		InteractionID string `json:"interaction_id"`
	}
	controlPost(t, info.ControlURL+"members/"+member+"/"+action, body, &started)
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		var got controlResponse
		controlGet(t, info.ControlURL+"interactions/"+started.InteractionID, &got)
		if got.Failed {
			t.Fatalf("%s %s: the interaction failed", action, body)
		}
		// A deferred answer (type 5) is complete once its message is edited in.
		if got.Response != nil && (got.Response.Type != 5 || len(got.Response.Message) > 4) {
			return got
		}
	}
	t.Fatalf("%s %s: no answer", action, body)
	return controlResponse{}
}

// The bot, as a community manager and a member use it: setup, then a
// check-in through the modal, stored in Postgres and shown in the channel.
func TestAccountabilityThroughTheBot(t *testing.T) {
	info := startEmulatorCommand(t, "--profile", "none")
	d := dbtest.New(t)
	dir := t.TempDir()
	t.Chdir(dir)
	writeFile(t, dir, "bot.toml", "[discord]\napi_base = \""+info.APIBase+"\"\nguild_ids = [\""+info.GuildID+"\"]\n[log]\nformat = \"text\"\n")
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		env := &Env{Stdout: io.Discard, Stderr: &stderr, Getenv: envOf(map[string]string{"DISCORD_TOKEN": info.Token, "DATABASE_URL": d.URL})}
		done <- Main(ctx, []string{"run"}, env)
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("run exited %d:\n%s", code, stderr.String())
		}
	})
	for end := time.Now().Add(30 * time.Second); !strings.Contains(stderr.String(), "slash commands registered"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("the bot did not start:\n%s", stderr.String())
		}
	}

	setup := actAndWait(t, info, info.OwnerID, "command", `{"name": "accountability setup", "channel_id": "`+info.TextChannelID+`",
		"options": {"channel": "`+info.TextChannelID+`", "cadence": "daily", "time": "09:00", "timezone": "Europe/Berlin"}}`)
	if setup.Response == nil {
		t.Fatal("setup not answered")
	}
	member := info.MemberIDs[0]
	denied := actAndWait(t, info, member, "command", `{"name": "accountability pause", "channel_id": "`+info.TextChannelID+`",
		"options": {"channel": "`+info.TextChannelID+`"}}`)
	if denied.Response == nil || !denied.Response.Ephemeral {
		t.Fatalf("a member's pause was not refused privately: %+v", denied.Response)
	}

	opened := actAndWait(t, info, member, "command", `{"name": "checkin", "channel_id": "`+info.TextChannelID+`"}`)
	if opened.Response == nil || opened.Response.Modal == nil {
		t.Fatalf("/checkin opened no modal: %+v", opened.Response)
	}
	submitted := actAndWait(t, info, member, "modal", `{"interaction_id": "`+opened.ID+`", "custom_id": "`+opened.Response.Modal.CustomID+`",
		"fields": {"done": "wrote the landing page", "next": "ask two friends to try it", "blockers": "", "mood": "4"}}`)
	if submitted.Response == nil {
		t.Fatal("check-in not answered")
	}
	var n int
	if err := d.GetContext(context.Background(), &n, `SELECT count(*) FROM checkins WHERE user_id = $1`, member); err != nil || n != 1 {
		t.Fatalf("check-ins in Postgres: %d (%v)\n%s", n, err, stderr.String())
	}
	var state struct {
		Messages map[string][]struct {
			Embeds []struct {
				Fields []struct{ Value string } `json:"fields"`
			} `json:"embeds"`
		} `json:"messages"`
	}
	controlGet(t, info.ControlURL+"state", &state)
	found := false
	for _, m := range state.Messages[info.TextChannelID] {
		for _, e := range m.Embeds {
			for _, f := range e.Fields {
				found = found || strings.Contains(f.Value, "wrote the landing page")
			}
		}
	}
	if !found {
		t.Fatalf("no check-in embed in the channel:\n%s", stderr.String())
	}
}
