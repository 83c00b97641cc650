package commands

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportsNeitherDBNorDiscord keeps DESIGN.md's dependency rule for this
// package: commands may use the domain and discordgo, never the other
// adapters (the emulator, used only by tests, is not a dependency).
func TestImportsNeitherDBNorDiscord(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const module = "github.com/roundtable-bot/roundtable/"
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{module + "db", module + "discord"} {
			if dep == banned || strings.HasPrefix(dep, banned+"/") {
				t.Errorf("commands depends on %s", dep)
			}
		}
	}
}
