package curricula_test

import (
	"io/fs"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/curricula"
	"github.com/roundtable-bot/roundtable/workshop"
)

func TestShippedCurriculaHaveNoDiagnostics(t *testing.T) {
	files, err := fs.Glob(curricula.FS, "*.toml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 3 {
		t.Fatalf("shipped curricula = %v, want at least 3", files)
	}
	lib, diags := workshop.LoadLibrary(curricula.FS)
	for _, d := range diags {
		t.Errorf("%s", d)
	}
	if got := len(lib.List()); got != len(files) {
		t.Errorf("library holds %d curricula, want one per file (%d)", got, len(files))
	}
	for _, id := range []string{"design-thinking", "business-model-canvas", "project-planning"} {
		c, err := lib.Get(id)
		if err != nil {
			t.Errorf("Get(%q): %v", id, err)
			continue
		}
		if c.FirstExerciseOffset() > 10*time.Minute {
			t.Errorf("%s: first exercise at %s, want within 10m", id, c.FirstExerciseOffset())
		}
	}
}

func TestDesignThinkingFollowsTheWorksheet(t *testing.T) {
	lib, diags := workshop.LoadLibrary(curricula.FS)
	if err := diags.Err(); err != nil {
		t.Fatal(err)
	}
	c, err := lib.Get("design-thinking")
	if err != nil {
		t.Fatal(err)
	}
	if c.Intro.Duration != 5*time.Minute {
		t.Errorf("intro = %s, want 5m", c.Intro.Duration)
	}
	last := c.Steps[len(c.Steps)-1]
	if last.Mode != workshop.ModePlenary || last.Duration < 10*time.Minute || last.Duration > 20*time.Minute {
		t.Errorf("last step = %s %s, want a 10-20 minute plenary debrief", last.Mode, last.Duration)
	}
	// The nine exercises of the d.school worksheet, in order, with its minutes.
	want := []time.Duration{8, 8, 3, 3, 4, 8, 3, 10, 8}
	exercises := c.Steps[:len(c.Steps)-1]
	if len(exercises) != len(want) {
		t.Fatalf("%d exercises, want %d", len(exercises), len(want))
	}
	var sum time.Duration
	for i, s := range exercises {
		sum += s.Duration
		if s.Duration != want[i]*time.Minute {
			t.Errorf("exercise %d (%s) = %s, want %dm", i+1, s.ID, s.Duration, want[i])
		}
		if s.Mode == workshop.ModeBreakout && s.GroupSize != 2 {
			t.Errorf("exercise %s works in groups of %d, want pairs", s.ID, s.GroupSize)
		}
	}
	if sum != 55*time.Minute {
		t.Errorf("exercises sum to %s, want 55m", sum)
	}
	if got := c.FirstExerciseOffset(); got > 10*time.Minute {
		t.Errorf("first exercise at %s, want within 10m", got)
	}
}
