package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestCurriculumCheckStrictPassesShippedCurricula(t *testing.T) {
	files, err := filepath.Glob("../../curricula/*.toml")
	if err != nil || len(files) < 3 {
		t.Fatalf("shipped curricula: %v %v", files, err)
	}
	code, out, errOut := runMain(t, nil, append([]string{"curriculum", "check", "--strict"}, files...)...)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if got := strings.Count(out, ": ok (0 warnings)"); got != len(files) {
		t.Errorf("%d of %d files ok:\n%s", got, len(files), out)
	}
}

func TestCurriculumCheckByID(t *testing.T) {
	t.Chdir(t.TempDir())
	code, out, errOut := runMain(t, nil, "curriculum", "check", "design-thinking", "--strict")
	if code != 0 || !strings.Contains(out, "design-thinking.toml: ok") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	code, _, errOut = runMain(t, nil, "curriculum", "check", "no-such-course")
	if code != 1 || !strings.Contains(errOut, "design-thinking") {
		t.Fatalf("unknown id: exit %d, stderr %q (want the known ids listed)", code, errOut)
	}
}

func TestCurriculumCheckReportsErrorsAndWarningsWithPositions(t *testing.T) {
	dir := t.TempDir()
	broken := writeFile(t, dir, "broken.toml", `id = "broken"
title = "Broken"

[intro]
duration = "5m"
prompt = "hi"

[[step]]
id = "a"
title = "A"
mode = "breakout"
duration = "ten minutes"
prompt = "go"
`)
	code, out, _ := runMain(t, nil, "curriculum", "check", broken)
	if code != 1 || !regexp.MustCompile(regexp.QuoteMeta(broken)+`:12:\d+: `).MatchString(out) {
		t.Fatalf("exit %d, want 1 and an error at line 12:\n%s", code, out)
	}

	// Valid, but it never ends with a plenary debrief: a warning.
	lint := writeFile(t, dir, "lint.toml", `id = "lint"
title = "Lint"

[intro]
duration = "5m"
prompt = "hi"

[[step]]
id = "work"
title = "Work"
mode = "solo"
duration = "10m"
prompt = "go"
`)
	code, out, _ = runMain(t, nil, "curriculum", "check", lint)
	if code != 0 || !strings.Contains(out, ": warning: ") {
		t.Fatalf("without --strict: exit %d, want 0 and a warning:\n%s", code, out)
	}
	code, _, errOut := runMain(t, nil, "curriculum", "check", "--strict", lint)
	if code != 1 || !strings.Contains(errOut, "--strict") {
		t.Fatalf("with --strict: exit %d, want 1; stderr %q", code, errOut)
	}
}

func TestCurriculumShowDesignThinking(t *testing.T) {
	t.Chdir(t.TempDir())
	code, out, errOut := runMain(t, nil, "curriculum", "show", "design-thinking")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, col := range []string{"OFFSET", "STEP", "MODE", "DURATION", "ROUNDS", "GROUP SIZE"} {
		if !strings.Contains(out, col) {
			t.Errorf("no %s column:\n%s", col, out)
		}
	}
	// Sum the exercises (every row but the intro and the final debrief) and
	// find the first exercise's offset, from the printed table alone.
	row := regexp.MustCompile(`(?m)^(\d+(?::\d\d)+)\s+(.+?)\s{2,}(breakout|solo|plenary|break)\s+(\d+) min`)
	rows := row.FindAllStringSubmatch(out, -1)
	if len(rows) < 11 {
		t.Fatalf("expected intro, 9 exercises and a debrief, got %d rows:\n%s", len(rows), out)
	}
	var exercises time.Duration
	firstExercise := time.Duration(-1)
	for _, r := range rows[1 : len(rows)-1] {
		m, _ := time.ParseDuration(r[4] + "m")
		exercises += m
		if firstExercise < 0 && (r[3] == "breakout" || r[3] == "solo") {
			firstExercise = parseClock(t, r[1])
		}
	}
	if exercises != 55*time.Minute {
		t.Errorf("exercises last %v, want 55m:\n%s", exercises, out)
	}
	if firstExercise < 0 || firstExercise > 10*time.Minute {
		t.Errorf("first exercise at %v, want at most 10m", firstExercise)
	}
}

// parseClock reads M:SS or H:MM:SS.
func parseClock(t *testing.T, s string) time.Duration {
	t.Helper()
	var d time.Duration
	for _, part := range strings.Split(s, ":") {
		n, err := strconv.Atoi(part)
		if err != nil {
			t.Fatalf("bad clock %q", s)
		}
		d = d*60 + time.Duration(n)*time.Second
	}
	return d
}

func TestCurriculaDirsAreLoaded(t *testing.T) {
	src, err := os.ReadFile("../../curricula/design-thinking.toml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.Mkdir("mine", 0o755); err != nil {
		t.Fatal(err)
	}
	custom := strings.Replace(string(src), `id      = "design-thinking"`, `id      = "my-course"`, 1)
	writeFile(t, "mine", "my-course.toml", custom)
	writeFile(t, dir, "bot.toml", "[workshop]\ncurricula_dirs = [\"mine\"]\n")
	code, out, errOut := runMain(t, nil, "curriculum", "show", "my-course")
	if code != 0 || !strings.Contains(out, "(my-course)") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	writeFile(t, dir, "bot.toml", "[workshop]\ncurricula_dirs = [\"missing\"]\n")
	code, _, errOut = runMain(t, nil, "curriculum", "show", "my-course")
	if code != 1 || !strings.Contains(errOut, `"missing" is not a readable folder`) {
		t.Fatalf("missing folder: exit %d, stderr %q", code, errOut)
	}
}
