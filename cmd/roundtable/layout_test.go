package main

import (
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
)

const module = "github.com/roundtable-bot/roundtable"

// TestDependencyRule keeps DESIGN.md's picture true: the domain packages
// import no project package and no platform library; the adapters (db,
// discord, commands) import the domain but never each other.
func TestDependencyRule(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}|{{join .Deps \" \"}}", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	domain := []string{"workshop", "accountability"}
	adapters := []string{"db", "discord", "commands"}
	forbiddenInDomain := []string{"github.com/bwmarrin/discordgo", "github.com/jmoiron/sqlx", "github.com/lib/pq", "github.com/pressly/goose"}

	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, depList, _ := strings.Cut(line, "|")
		deps := strings.Fields(depList)
		rel := strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/")
		top, _, _ := strings.Cut(rel, "/")
		switch {
		case slices.Contains(domain, top):
			checked++
			for _, d := range deps {
				if strings.HasPrefix(d, module) {
					t.Errorf("%s imports %s: domain packages import no project package", pkg, d)
				}
				for _, f := range forbiddenInDomain {
					if strings.HasPrefix(d, f) {
						t.Errorf("%s depends on %s: the domain must not know the platform", pkg, d)
					}
				}
			}
		case slices.Contains(adapters, top):
			checked++
			for _, d := range deps {
				dtop, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(d, module), "/"), "/")
				if strings.HasPrefix(d, module+"/") && dtop != top && slices.Contains(adapters, dtop) {
					t.Errorf("%s imports %s: db, discord and commands never import each other", pkg, d)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no package checked: is the module path right?")
	}
}

// The invite URL in the README must ask for exactly the permissions the
// emulator's bot role grants: the ones the tests prove are enough.
func TestReadmeInvitePermissionsMatchTheEmulatorsBotRole(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`permissions=(\d+)`).FindSubmatch(readme)
	if m == nil {
		t.Fatal("README has no invite URL with permissions=")
	}
	got, err := strconv.ParseInt(string(m[1]), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	if got != discordtest.BotPermissions {
		t.Fatalf("README asks for %d, the emulator's bot role grants %d", got, discordtest.BotPermissions)
	}
}
