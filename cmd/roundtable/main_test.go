package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// runMain runs Main in-process with its own buffers and environment.
func runMain(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: envOf(env)}
	code = Main(context.Background(), args, e)
	return code, out.String(), errOut.String()
}

func TestVersion(t *testing.T) {
	code, out, _ := runMain(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "roundtable ") {
		t.Fatalf("code %d, out %q", code, out)
	}
}

func TestEveryCommandHasHelpWithExample(t *testing.T) {
	for _, c := range subcommands() {
		code, out, errOut := runMain(t, nil, c.name, "-help")
		if code != 0 {
			t.Errorf("%s -help: exit %d, stderr %q", c.name, code, errOut)
		}
		if !strings.Contains(out, "Usage:") || !strings.Contains(out, "Example") {
			t.Errorf("%s -help lacks usage or an example:\n%s", c.name, out)
		}
	}
}

func TestUnknownCommandIsUsageError(t *testing.T) {
	code, _, errOut := runMain(t, nil, "frobnicate")
	if code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
}

func TestNoCommandPrintsUsage(t *testing.T) {
	code, out, _ := runMain(t, nil)
	if code != 2 || !strings.Contains(out, "Commands:") {
		t.Fatalf("code %d, out %q", code, out)
	}
}

func TestRunWithoutTokenExplainsHowToGetOne(t *testing.T) {
	t.Chdir(t.TempDir())
	code, _, errOut := runMain(t, nil, "run")
	if code != 2 {
		t.Fatalf("exit %d, want 2; stderr %q", code, errOut)
	}
	for _, want := range []string{"DISCORD_TOKEN is not set", "discord.com/developers/applications", "Reset Token", "export DISCORD_TOKEN="} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

func TestRunRejectsBadConfigBeforeAnythingElse(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("bot.toml", []byte("[discord]\napi_bse = \"x\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runMain(t, map[string]string{"DISCORD_TOKEN": "x"}, "run")
	if code != 1 || !strings.Contains(errOut, `bot.toml:2: unknown key "discord.api_bse"`) {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
}
