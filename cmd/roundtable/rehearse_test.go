package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The README's "try it now" step: a whole design-thinking workshop plays
// against the emulator, and the host reads the timeline, the API calls and
// the channel budget. Nothing is left behind in the temporary folder.
func TestRehearseDesignThinking(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	t.Chdir(t.TempDir()) // no bot.toml: built-in defaults

	code, out, errOut := runMain(t, nil, "rehearse", "design-thinking", "--speed", "300", "--participants", "4")
	if code != 0 {
		t.Fatalf("rehearse exited %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, section := range []string{
		"Rehearsing Design Thinking Crash Course (design-thinking) with 4 participants at 300x",
		"Timeline: what each room saw", "API calls by route", "429s: none", "Channel budget: at most",
		"of Discord's 500 per server",
		"Voice: 2 members in voice", "Everyone in voice was back in the main voice channel at the end.",
	} {
		if !strings.Contains(out, section) {
			t.Errorf("the report has no %q:\n%s", section, out)
		}
	}
	// Each room saw its own messages: the lobby and intro in the main
	// channel, the prompts in the groups' rooms, the end in the main channel.
	for _, line := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)lobby\s+#general\s+📚 Design Thinking Crash Course`),
		regexp.MustCompile(`(?m)#general\s+\*\*Design Thinking Crash Course\*\* · welcome · ends <t:\d+:R>`),
		regexp.MustCompile(`(?m)#group-1\s+@member\d · \*\*Interview\*\* · round 1 of 2`),
		regexp.MustCompile(`(?m)#group-2\s+🔄 \*\*Interview\*\* · round 2 of 2`),
		regexp.MustCompile(`(?m)#general\s+🏁 \*\*Design Thinking Crash Course\*\* is over`),
		regexp.MustCompile(`(?m)^\s+\d+\s+0\s+POST /channels/\{channel_id\}/messages`),
		regexp.MustCompile(`(?m)^\s+\d+\s+0\s+POST /guilds/\{guild_id\}/channels`),
	} {
		if !line.MatchString(out) {
			t.Errorf("the report has no line matching %s:\n%s", line, out)
		}
	}
	// 4 participants in pairs: a category and a voice and a text room per
	// group, on top of the emulator's two channels.
	if !strings.Contains(out, "at most 7 channels at once (2 before the run, up to 5 for its rooms)") {
		t.Errorf("channel budget for two pairs:\n%s", out)
	}
	left, err := filepath.Glob(filepath.Join(tmp, "roundtable-rehearsal-*"))
	if err != nil || len(left) > 0 {
		t.Errorf("the rehearsal left %v behind (%v)", left, err)
	}
}

// A curriculum file is rehearsed on its own, even one whose id is a
// built-in's (an edited copy).
func TestRehearseAFile(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	dir := t.TempDir()
	t.Chdir(dir)
	path := writeFile(t, dir, "mine.toml", `
id    = "design-thinking"
title = "My quick pairs"
group_size = 2

[intro]
duration = "1m"

[[step]]
id       = "talk"
title    = "Talk it over"
mode     = "breakout"
duration = "2m"
prompt   = "Talk for {minutes} minutes, {group}."
`)
	code, out, errOut := runMain(t, nil, "rehearse", path, "--speed", "600", "--participants", "3")
	if code != 0 {
		t.Fatalf("rehearse exited %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "Rehearsing My quick pairs (design-thinking) with 3 participants at 600x") {
		t.Errorf("report header:\n%s", out)
	}
	if !regexp.MustCompile(`#group-1\s+.*\*\*Talk it over\*\*`).MatchString(out) {
		t.Errorf("no prompt in group 1's room:\n%s", out)
	}
}

func TestRehearseRefusesBadUsage(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"rehearse"}, "name exactly one curriculum"},
		{[]string{"rehearse", "design-thinking", "--speed", "0.5"}, "--speed must be between 1 and 3600"},
		{[]string{"rehearse", "design-thinking", "--participants", "0"}, "--participants must be between 1 and 100"},
		{[]string{"rehearse", "no-such-curriculum"}, "to rehearse a file, give its path ending in .toml"},
		{[]string{"rehearse", "missing.toml"}, "reading curriculum"},
	} {
		code, _, errOut := runMain(t, nil, tc.args...)
		if code == 0 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want it to say %q", tc.args, code, errOut, tc.want)
		}
	}
	code, out, _ := runMain(t, nil, "rehearse", "-help")
	if code != 0 || !strings.Contains(out, "roundtable rehearse design-thinking") || !strings.Contains(out, "-speed") {
		t.Errorf("-help: exit %d:\n%s", code, out)
	}
}
