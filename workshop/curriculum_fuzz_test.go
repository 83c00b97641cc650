package workshop

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The longest run-time values a prompt can be rendered with: names longer
// than the limits (RenderPrompt cuts them) and a 20-character Unix time.
var (
	longName    = strings.Repeat("名", 2*MaxRoleLen)
	maxDeadline = time.Unix(-(1 << 62), 0)
)

// FuzzParseCurriculum checks the parser's promises on any input: no panic,
// every diagnostic has a real position and a message, a curriculum exactly
// when there are no errors, and a loaded curriculum's prompts always fit in
// a Discord message.
func FuzzParseCurriculum(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("..", "curricula", "*.toml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range seeds {
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte(validCurriculum))
	f.Add([]byte(lintCurriculum("2m", lintStep("work", "breakout", "8m", `rounds = 2`, `roles = ["a", "b"]`), lintStep("debrief", "plenary", "5m"))))
	f.Fuzz(func(t *testing.T, src []byte) {
		c, diags := ParseCurriculum("f.toml", src)
		lines := bytes.Split(src, []byte("\n"))
		for _, d := range diags {
			if d.Pos.Line < 1 || d.Pos.Col < 1 || d.Pos.File != "f.toml" || d.Message == "" {
				t.Errorf("bad diagnostic %#v", d)
				continue
			}
			// A position is in the file: at most one past the end of a line.
			if d.Pos.Line > len(lines) || d.Pos.Col > len(lines[d.Pos.Line-1])+1 {
				t.Errorf("diagnostic outside the file: %s", d)
			}
		}
		if (c == nil) != diags.HasErrors() {
			t.Fatalf("curriculum nil = %v but errors = %v: %v", c == nil, diags.HasErrors(), diags)
		}
		if c == nil {
			return
		}
		if n := utf8.RuneCountInString(c.RenderIntro(maxDeadline)); n > MaxMessageLen {
			t.Errorf("intro renders to %d characters", n)
		}
		for _, s := range c.Steps {
			v := PromptVars{Group: longName, Role: longName, NextRole: longName, Round: s.Rounds, Deadline: maxDeadline}
			if n := utf8.RuneCountInString(s.RenderPrompt(v)); n > MaxMessageLen {
				t.Errorf("step %s renders to %d characters", s.ID, n)
			}
		}
		_ = c.Timeline()
	})
}
