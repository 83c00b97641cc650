package main

import (
	"net"
	"strings"
	"testing"

	"github.com/roundtable-bot/roundtable/db/dbtest"
)

func TestRunFailsClearlyWhenDiscordIsUnreachable(t *testing.T) {
	d := dbtest.New(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens here: Discord is out of reach

	dir := t.TempDir()
	t.Chdir(dir)
	writeFile(t, dir, "bot.toml", "[discord]\napi_base = \"http://"+addr+"\"\n[log]\nlevel = \"error\"\n")
	code, _, errOut := runMain(t, map[string]string{"DISCORD_TOKEN": "token", "DATABASE_URL": d.URL}, "run")
	if code != 1 || !strings.Contains(errOut, "cannot reach Discord at http://"+addr) {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}
