package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/db/dbtest"
)

// syncBuffer is a bytes.Buffer safe to write from one goroutine while the
// test reads it from another.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startEmulatorCommand runs `roundtable emulator --addr 127.0.0.1:0` until
// the test ends and returns the JSON line it printed.
func startEmulatorCommand(t *testing.T, extra ...string) emulatorInfo {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdoutR, stdoutW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		env := &Env{Stdout: stdoutW, Stderr: io.Discard, Getenv: envOf(nil)}
		done <- Main(ctx, append([]string{"emulator", "--addr", "127.0.0.1:0"}, extra...), env)
		stdoutW.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("emulator exited %d", code)
		}
	})
	line, err := bufio.NewReader(stdoutR).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the emulator's line: %v", err)
	}
	go io.Copy(io.Discard, stdoutR) // nothing more is expected, but never block the command
	var info emulatorInfo
	if err := json.Unmarshal([]byte(line), &info); err != nil {
		t.Fatalf("the emulator's line is not JSON: %q: %v", line, err)
	}
	return info
}

func TestEmulatorPrintsOneLineOfJSONWithEverythingNeeded(t *testing.T) {
	info := startEmulatorCommand(t, "--profile", "none")
	for name, v := range map[string]string{
		"api_base": info.APIBase, "gateway_url": info.GatewayURL, "token": info.Token,
		"application_id": info.ApplicationID, "guild_id": info.GuildID,
		"text_channel_id": info.TextChannelID, "voice_channel_id": info.VoiceChannelID,
	} {
		if v == "" {
			t.Errorf("%s is empty", name)
		}
	}
	if len(info.MemberIDs) == 0 {
		t.Error("no member_ids")
	}
	resp, err := http.Get(info.ControlURL + "seed")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("control API answered %s", resp.Status)
	}
}

func TestEmulatorRejectsUnknownProfile(t *testing.T) {
	code, _, errOut := runMain(t, nil, "emulator", "--profile", "chaotic")
	if code != 2 || !strings.Contains(errOut, "--profile") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

// The whole path a newcomer takes: start the emulator, point the bot at it,
// run it; the bot connects, and stops cleanly on interrupt.
func TestRunConnectsToTheEmulatorAndStopsOnInterrupt(t *testing.T) {
	info := startEmulatorCommand(t)
	d := dbtest.New(t)
	dir := t.TempDir()
	t.Chdir(dir)
	writeFile(t, dir, "bot.toml", "[discord]\napi_base = \""+info.APIBase+"\"\nguild_ids = [\""+info.GuildID+"\"]\n[log]\nformat = \"text\"\n")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		env := &Env{Stdout: io.Discard, Stderr: &stderr, Getenv: envOf(map[string]string{"DISCORD_TOKEN": info.Token, "DATABASE_URL": d.URL})}
		done <- Main(ctx, []string{"run"}, env)
	}()
	deadline := time.After(30 * time.Second)
	for !strings.Contains(stderr.String(), "slash commands registered") {
		select {
		case code := <-done:
			t.Fatalf("run exited %d before connecting:\n%s", code, stderr.String())
		case <-deadline:
			t.Fatalf("run did not connect within 30s:\n%s", stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	// As a member, through the control API as the README shows: the bot
	// registered its commands in the guild and answers them.
	var started struct {
		InteractionID string `json:"interaction_id"`
	}
	controlPost(t, info.ControlURL+"members/"+info.MemberIDs[0]+"/command",
		`{"name": "roundtable", "channel_id": "`+info.TextChannelID+`"}`, &started)
	answered := false
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end) && !answered; time.Sleep(20 * time.Millisecond) {
		var got struct {
			Failed   bool            `json:"failed"`
			Response json.RawMessage `json:"response"`
		}
		controlGet(t, info.ControlURL+"interactions/"+started.InteractionID, &got)
		if got.Failed {
			t.Fatalf("the /roundtable interaction failed:\n%s", stderr.String())
		}
		answered = len(got.Response) > 0 && string(got.Response) != "null"
	}
	if !answered {
		t.Fatalf("/roundtable was not answered:\n%s", stderr.String())
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("run exited %d on interrupt:\n%s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not stop on interrupt")
	}
}

func TestRunStopsOnARejectedTokenFromTheGateway(t *testing.T) {
	info := startEmulatorCommand(t)
	d := dbtest.New(t)
	dir := t.TempDir()
	t.Chdir(dir)
	writeFile(t, dir, "bot.toml", "[discord]\napi_base = \""+info.APIBase+"\"\n[log]\nlevel = \"error\"\n")
	code, _, errOut := runMain(t, map[string]string{"DISCORD_TOKEN": "not-the-token", "DATABASE_URL": d.URL}, "run")
	if code != 1 || !strings.Contains(errOut, "401") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

func controlPost(t *testing.T, url, body string, out any) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	decodeControl(t, resp, out)
}

func controlGet(t *testing.T, url string, out any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	decodeControl(t, resp, out)
}

func decodeControl(t *testing.T, resp *http.Response, out any) {
	t.Helper()
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %s: %s", resp.Request.Method, resp.Request.URL, resp.Status, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("%s: %v: %s", resp.Request.URL, err, b)
	}
}
