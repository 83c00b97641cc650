package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/db"
)

// The durability point is about `kill -9`: a process that dies with
// no chance to finish anything (no deferred call, no graceful Close, its
// gateway connection and Postgres sessions cut). The in-process restart test
// stops the bot politely; this one runs the bot's wiring in a process of its
// own (this test binary, re-executed) and SIGKILLs it mid-breakout.
func TestWorkshopResumesAfterKillNineMidBreakout(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the bot as a process of its own")
	}
	testResumeMidBreakout(t, botLife{start: startBotProcess, stop: killBotProcess})
}

// botProcessEnv carries the bot process's settings (a botProcessSpec in
// JSON) from the test to the re-executed test binary.
const botProcessEnv = "ROUNDTABLE_TEST_BOT_PROCESS"

// botProcessSpec is what the bot process needs to run as the e2e bot.
type botProcessSpec struct {
	DatabaseURL string
	RoomGrace   time.Duration
	Bot         emulatedBotOptions
}

// botProcessReady is the line the bot process prints once it serves.
const botProcessReady = "roundtable test bot: ready"

// TestBotProcess is the bot process itself: it runs only when re-executed
// by startBotProcess, serves until it is killed, and never ends by itself
// before its parent's test would have timed out.
func TestBotProcess(t *testing.T) {
	raw := os.Getenv(botProcessEnv)
	if raw == "" {
		t.Skip("the bot process of TestWorkshopResumesAfterKillNineMidBreakout; runs only when that test starts it")
	}
	var spec botProcessSpec
	if err := json.Unmarshal([]byte(raw), &spec); err != nil {
		t.Fatalf("%s: %v", botProcessEnv, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	d, err := db.Open(ctx, spec.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	lib, err := loadLibrary(nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Workshop.RoomGrace = Duration{spec.RoomGrace}
	bot, err := startEmulatedBot(ctx, cfg, d, lib, spec.Bot, newLogger(LogConfig{Level: "info", Format: "text"}, os.Stderr))
	if err != nil {
		t.Fatal(err)
	}
	defer bot.Close()
	fmt.Println(botProcessReady)
	<-ctx.Done()
}

// startBotProcess re-executes this test binary as the bot (TestBotProcess)
// on x's database and emulator, and returns once it serves.
func startBotProcess(x *e2e) {
	t := x.t
	t.Helper()
	spec, err := json.Marshal(botProcessSpec{DatabaseURL: x.d.URL, RoomGrace: x.cfg.Workshop.RoomGrace.Duration, Bot: x.opts})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestBotProcess$", "-test.count=1", "-test.timeout=4m")
	cmd.Env = append(os.Environ(), botProcessEnv+"="+string(spec))
	cmd.Stderr = x.logs // the bot's log, shown when the test fails
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the bot process: %v", err)
	}
	x.proc = cmd
	ready := make(chan error, 1)
	go func() { // ends when the process does: its stdout closes
		lines := bufio.NewScanner(out)
		for lines.Scan() {
			if strings.Contains(lines.Text(), botProcessReady) {
				ready <- nil
				_, _ = io.Copy(io.Discard, out)
				return
			}
			fmt.Fprintln(x.logs, lines.Text())
		}
		ready <- fmt.Errorf("the bot process ended before it was ready")
	}()
	select {
	case err := <-ready:
		if err != nil {
			t.Fatalf("%v\n%s", err, x.logs.String())
		}
	case <-time.After(60 * time.Second):
		killBotProcess(x)
		t.Fatalf("the bot process was not ready within 60s\n%s", x.logs.String())
	}
}

// killBotProcess SIGKILLs the bot process, as `kill -9` does, and reaps it.
func killBotProcess(x *e2e) {
	if x.proc == nil {
		return
	}
	if err := x.proc.Process.Signal(syscall.SIGKILL); err != nil {
		x.t.Logf("kill -9 of the bot process: %v", err)
	}
	_ = x.proc.Wait() // "signal: killed", as intended
	x.proc = nil
}
