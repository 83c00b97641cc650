package workshop

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestTimeline(t *testing.T) {
	c, diags := ParseCurriculum("tiny.toml", []byte(validCurriculum))
	if diags.HasErrors() {
		t.Fatal(diags.Err())
	}
	want := []TimelineEntry{
		{Offset: 0, Duration: 2 * time.Minute, StepID: IntroID, Title: "Intro", Mode: ModePlenary, Rounds: 1},
		{Offset: 2 * time.Minute, Duration: 8 * time.Minute, StepID: "work", Title: "Work", Mode: ModeBreakout, Rounds: 1, GroupSize: 4},
		{Offset: 10 * time.Minute, Duration: 5 * time.Minute, StepID: "debrief", Title: "Debrief", Mode: ModePlenary, Rounds: 1},
	}
	if got := c.Timeline(); !slices.Equal(got, want) {
		t.Errorf("Timeline =\n%+v\nwant\n%+v", got, want)
	}
	if got := c.TotalDuration(); got != 15*time.Minute {
		t.Errorf("TotalDuration = %s", got)
	}
	if got := c.FirstExerciseOffset(); got != 2*time.Minute {
		t.Errorf("FirstExerciseOffset = %s", got)
	}
	c.Steps[0].Mode = ModePlenary
	if got := c.FirstExerciseOffset(); got != c.TotalDuration() {
		t.Errorf("FirstExerciseOffset without exercises = %s, want the total", got)
	}
}

func TestLoadLibrary(t *testing.T) {
	other := strings.Replace(validCurriculum, `id = "tiny"`, `id = "other"`, 1)
	first := fstest.MapFS{
		"tiny.toml":   {Data: []byte(validCurriculum)},
		"other.toml":  {Data: []byte(other)},
		"broken.toml": {Data: []byte("id = \n")},
		"notes.md":    {Data: []byte("not a curriculum")},
		"sub/x.toml":  {Data: []byte("ignored: only the top level is loaded")},
	}
	second := fstest.MapFS{
		"copy.toml": {Data: []byte("# a copy\n\n" + validCurriculum)},
	}
	lib, diags := LoadLibrary(first, second)
	checkDiags(t, diags, []wantDiag{
		errAt("broken.toml:1:6", "TOML syntax error"),
		errAt("copy.toml:3:1", `duplicate curriculum id "tiny": already loaded from tiny.toml:1:1`),
	})
	var ids []string
	for _, c := range lib.List() {
		ids = append(ids, c.ID)
	}
	if !slices.Equal(ids, []string{"other", "tiny"}) {
		t.Errorf("List ids = %v", ids)
	}
	if c, err := lib.Get("tiny"); err != nil || c.File != "tiny.toml" {
		t.Errorf("Get(tiny) = %v, %v", c, err)
	}
	_, err := lib.Get("nope")
	if ErrorCode(err) != ENOTFOUND || !strings.Contains(ErrorMessage(err), "Available: other, tiny.") {
		t.Errorf("Get(nope) error = %v", err)
	}
	if _, err := (&Library{}).Get("x"); ErrorCode(err) != ENOTFOUND {
		t.Errorf("empty library Get error = %v", err)
	}
}

func TestLoadCurriculumFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tiny.toml")
	if err := os.WriteFile(path, []byte(validCurriculum), 0o600); err != nil {
		t.Fatal(err)
	}
	c, diags := LoadCurriculumFile(path)
	if c == nil || len(diags) != 0 || c.File != path {
		t.Errorf("LoadCurriculumFile = %v, %v", c, diags)
	}
	missing := filepath.Join(t.TempDir(), "missing.toml")
	c, diags = LoadCurriculumFile(missing)
	if c != nil || len(diags) != 1 || diags[0].Pos != (Pos{missing, 1, 1}) || !diags.HasErrors() {
		t.Errorf("missing file = %v, %v", c, diags)
	}
}
