package workshop

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// validCurriculum is a small file with no diagnostics; tests edit copies of
// it. Line numbers: id 1, title 2, [intro] 4, [[step]] 8 and 15.
const validCurriculum = `id = "tiny"
title = "Tiny workshop"

[intro]
duration = "2m"
prompt = "Hello {minutes}"

[[step]]
id = "work"
title = "Work"
mode = "breakout"
duration = "8m"
prompt = "Go"

[[step]]
id = "debrief"
title = "Debrief"
mode = "plenary"
duration = "5m"
prompt = "Talk"
`

// wantDiag is one expected diagnostic: its exact position, its severity and
// a piece of its message.
type wantDiag struct {
	pos      string // "FILE:LINE:COL"
	severity Severity
	contains string
}

func errAt(pos, contains string) wantDiag  { return wantDiag{pos, SeverityError, contains} }
func warnAt(pos, contains string) wantDiag { return wantDiag{pos, SeverityWarning, contains} }

// checkDiags asserts that got holds exactly the wanted diagnostics.
func checkDiags(t *testing.T, got Diagnostics, want []wantDiag) {
	t.Helper()
	used := make([]bool, len(got))
	for _, w := range want {
		found := false
		for i, d := range got {
			if !used[i] && d.Pos.String() == w.pos && d.Severity == w.severity && strings.Contains(d.Message, w.contains) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("missing %s at %s containing %q", w.severity, w.pos, w.contains)
		}
	}
	for i, d := range got {
		if !used[i] {
			t.Errorf("unexpected diagnostic: %s", d)
		}
	}
}

// editCurriculum replaces old (which must occur once) in the valid curriculum.
func editCurriculum(t *testing.T, src, old, new string) string {
	t.Helper()
	if strings.Count(src, old) != 1 {
		t.Fatalf("editCurriculum: %q occurs %d times", old, strings.Count(src, old))
	}
	return strings.Replace(src, old, new, 1)
}

func TestParseValidCurriculum(t *testing.T) {
	c, diags := ParseCurriculum("tiny.toml", []byte(validCurriculum))
	if len(diags) != 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	if c.ID != "tiny" || c.Title != "Tiny workshop" || c.File != "tiny.toml" {
		t.Errorf("header = %q %q %q", c.ID, c.Title, c.File)
	}
	if c.GroupSize != DefaultGroupSize || c.Grouping != GroupingMixed || c.Rooms != RoomsPrivate {
		t.Errorf("defaults = %d %q %q", c.GroupSize, c.Grouping, c.Rooms)
	}
	if c.Intro.Duration != 2*time.Minute || c.Intro.Pos.Line != 4 {
		t.Errorf("intro = %+v", c.Intro)
	}
	if len(c.Steps) != 2 {
		t.Fatalf("steps = %d", len(c.Steps))
	}
	work := c.Steps[0]
	if work.Rounds != 1 || work.GroupSize != DefaultGroupSize || work.Pos.Line != 8 || work.Pos.Col != 1 {
		t.Errorf("work = %+v", work)
	}
	if len(work.Warn) != 1 || work.Warn[0] != time.Minute {
		t.Errorf("default warn = %v, want [1m]", work.Warn)
	}
	if debrief := c.Steps[1]; debrief.GroupSize != 0 || debrief.Rounds != 1 {
		t.Errorf("plenary step = %+v", debrief)
	}
	if len(c.Hash) != 64 || string(c.Source) != validCurriculum {
		t.Errorf("hash %q or source not kept", c.Hash)
	}
}

func TestParseErrors(t *testing.T) {
	v := validCurriculum
	tests := []struct {
		name string
		src  string
		want []wantDiag
	}{
		{
			name: "toml syntax error",
			src:  editCurriculum(t, v, `title = "Work"`, `title = "Work`),
			want: []wantDiag{errAt("f.toml:10:14", "TOML syntax error")},
		},
		{
			name: "unknown key in a step",
			src:  editCurriculum(t, v, `prompt = "Go"`, `promt = "Go"`),
			want: []wantDiag{
				errAt("f.toml:13:1", `unknown key "step.promt"; did you mean "prompt"?`),
				errAt("f.toml:8:1", `missing required key "prompt"`),
			},
		},
		{
			name: "unknown key is case-sensitive",
			src:  editCurriculum(t, v, `title = "Tiny workshop"`, `Title = "Tiny workshop"`),
			want: []wantDiag{
				errAt("f.toml:1:1", `missing required key "title"`),
				errAt("f.toml:2:1", `unknown key "Title"`),
			},
		},
		{
			name: "unknown key in intro and at the top",
			src:  editCurriculum(t, editCurriculum(t, v, `prompt = "Hello {minutes}"`, "prompt = \"Hello\"\n  colour = 3"), `id = "tiny"`, `id = "tiny"`+"\nversion = 2"),
			want: []wantDiag{
				errAt("f.toml:2:1", `unknown key "version"`),
				errAt("f.toml:8:3", `unknown key "intro.colour"`),
			},
		},
		{
			name: "missing required keys point at their table",
			src:  editCurriculum(t, editCurriculum(t, v, "title = \"Debrief\"\n", ""), `duration = "2m"`+"\n", ""),
			want: []wantDiag{
				errAt("f.toml:4:1", `missing required key "duration" in [intro]`),
				errAt("f.toml:14:1", `missing required key "title" in [[step]]`),
			},
		},
		{
			name: "missing intro and steps",
			src:  "id = \"x\"\ntitle = \"X\"\n",
			want: []wantDiag{
				errAt("f.toml:1:1", "missing required table [intro]"),
				errAt("f.toml:1:1", "missing [[step]]"),
			},
		},
		{
			name: "bad ids",
			src:  editCurriculum(t, editCurriculum(t, v, `id = "tiny"`, `id = "Tiny"`), `id = "work"`, `id = "-work"`),
			want: []wantDiag{
				errAt("f.toml:1:1", `curriculum id "Tiny" must be`),
				errAt("f.toml:9:1", `step id "-work" must be`),
			},
		},
		{
			name: "id too long",
			src:  editCurriculum(t, v, `id = "tiny"`, `id = "`+strings.Repeat("a", 33)+`"`),
			want: []wantDiag{errAt("f.toml:1:1", "must be 1-32 characters")},
		},
		{
			name: "duplicate step id",
			src:  editCurriculum(t, v, `id = "debrief"`, `id = "work"`),
			want: []wantDiag{errAt("f.toml:16:1", `duplicate step id "work": already used at line 9`)},
		},
		{
			name: "step id intro is reserved",
			src:  editCurriculum(t, v, `id = "work"`, `id = "intro"`),
			want: []wantDiag{errAt("f.toml:9:1", `"intro" is reserved`)},
		},
		{
			name: "title and summary lengths",
			src: editCurriculum(t, editCurriculum(t, v, `title = "Work"`, `title = ""`), `title = "Tiny workshop"`,
				`title = "`+strings.Repeat("é", 101)+`"`+"\nsummary = \""+strings.Repeat("s", 301)+`"`),
			want: []wantDiag{
				errAt("f.toml:2:1", "title is 101 characters long; the limit is 100"),
				errAt("f.toml:3:1", "summary is 301 characters long; the limit is 300"),
				errAt("f.toml:11:1", "title is empty"),
			},
		},
		{
			name: "group size out of range, at the top and in a step",
			src:  editCurriculum(t, editCurriculum(t, v, `id = "tiny"`, "id = \"tiny\"\ngroup_size = 1"), `mode = "breakout"`, "mode = \"breakout\"\ngroup_size = 26"),
			want: []wantDiag{
				errAt("f.toml:2:1", "group_size 1 is out of range"),
				errAt("f.toml:13:1", "group_size 26 is out of range"),
			},
		},
		{
			name: "unknown grouping, rooms and mode list the valid values",
			src: editCurriculum(t, editCurriculum(t, v, `id = "tiny"`, "id = \"tiny\"\ngrouping = \"by-skill\"\nrooms = \"hidden\""),
				`mode = "breakout"`, `mode = "breakoutt"`),
			want: []wantDiag{
				errAt("f.toml:2:1", `unknown grouping "by-skill"; valid: "random", "mixed-experience", "same-experience", "self-select"`),
				errAt("f.toml:3:1", `unknown rooms "hidden"; valid: "private", "open"`),
				errAt("f.toml:13:1", `unknown mode "breakoutt"; valid: "breakout", "solo", "plenary", "break"`),
			},
		},
		{
			name: "unparseable duration",
			src:  editCurriculum(t, v, `duration = "8m"`, `duration = "8 minutes"`),
			want: []wantDiag{errAt("f.toml:12:1", `duration "8 minutes" is not a duration`)},
		},
		{
			name: "duration out of range",
			src:  editCurriculum(t, editCurriculum(t, v, `duration = "8m"`, `duration = "5s"`), `duration = "5m"`, `duration = "4h1m"`),
			want: []wantDiag{
				errAt("f.toml:12:1", "duration 5s is out of range"),
				errAt("f.toml:19:1", "duration 4h1m0s is out of range"),
			},
		},
		{
			name: "total over eight hours",
			src:  editCurriculum(t, editCurriculum(t, v, `duration = "8m"`, `duration = "4h"`), `duration = "5m"`, `duration = "4h"`),
			want: []wantDiag{errAt("f.toml:19:1", "lasts 8h2m0s in all")},
		},
		{
			name: "rounds not dividing the duration",
			src:  editCurriculum(t, v, `duration = "8m"`, "duration = \"8m\"\nrounds = 7"),
			want: []wantDiag{errAt("f.toml:13:1", "duration 8m0s does not split into 7 rounds of whole seconds")},
		},
		{
			name: "fractional seconds",
			src:  editCurriculum(t, v, `duration = "8m"`, `duration = "90.5s"`),
			want: []wantDiag{errAt("f.toml:12:1", "not a whole number of seconds")},
		},
		{
			name: "rounds below one",
			src:  editCurriculum(t, v, `duration = "8m"`, "duration = \"8m\"\nrounds = 0"),
			want: []wantDiag{errAt("f.toml:13:1", "rounds must be at least 1")},
		},
		{
			name: "breakout-only keys on a plenary step",
			src: editCurriculum(t, v, `prompt = "Talk"`,
				"prompt = \"Talk\"\nrounds = 2\nroles = [\"a\", \"b\"]\ngroup_size = 2\nregroup = true\ndeliverable = \"x\""),
			want: []wantDiag{
				errAt("f.toml:21:1", "rounds is only for breakout steps; this step is plenary"),
				errAt("f.toml:22:1", "roles is only for breakout steps"),
				errAt("f.toml:23:1", "group_size is only for breakout steps"),
				errAt("f.toml:24:1", "regroup is only for breakout steps"),
				errAt("f.toml:25:1", "deliverable is only for breakout and solo steps"),
			},
		},
		{
			name: "prompt missing or empty",
			src:  editCurriculum(t, editCurriculum(t, v, "prompt = \"Go\"\n", ""), `prompt = "Talk"`, `prompt = "  "`),
			want: []wantDiag{
				errAt("f.toml:8:1", `missing required key "prompt"`),
				errAt("f.toml:19:1", "prompt is empty"),
			},
		},
		{
			name: "a break needs no prompt",
			src:  editCurriculum(t, v, "mode = \"plenary\"\nduration = \"5m\"\nprompt = \"Talk\"", "mode = \"break\"\nduration = \"5m\""),
			want: []wantDiag{warnAt("f.toml:18:1", "ends with a break step")},
		},
		{
			name: "warn entries",
			src:  editCurriculum(t, v, `duration = "8m"`, "duration = \"8m\"\nwarn = [\"2m\", \"soon\", \"8m\", \"0s\"]"),
			want: []wantDiag{
				errAt("f.toml:13:15", `warn[1] "soon" is not a duration`),
				errAt("f.toml:13:23", `warn[2] "8m" is not shorter than the step`),
				errAt("f.toml:13:29", `warn[3] "0s" must be positive`),
			},
		},
		{
			name: "wrong types",
			src: editCurriculum(t, editCurriculum(t, v, `duration = "8m"`, "duration = 8\nrounds = \"2\"\nroles = \"a\"\nregroup = \"yes\""),
				`title = "Tiny workshop"`, "title = \"Tiny workshop\"\ntags = [\"a\", 3]\nintro2 = 1"),
			want: []wantDiag{
				errAt("f.toml:3:14", "tags[1] must be a string, not an integer"),
				errAt("f.toml:4:1", `unknown key "intro2"`),
				errAt("f.toml:14:1", "duration must be a string, not an integer"),
				errAt("f.toml:15:1", "rounds must be a whole number, not a string"),
				errAt("f.toml:16:1", "roles must be an array of strings, not a string"),
				errAt("f.toml:17:1", "regroup must be true or false, not a string"),
			},
		},
		{
			name: "intro and step of the wrong shape",
			src:  "id = \"x\"\ntitle = \"X\"\nintro = \"hi\"\nstep = 3\n",
			want: []wantDiag{
				errAt("f.toml:3:1", "intro must be a table ([intro]), not a string"),
				errAt("f.toml:4:1", "step must be an array of tables ([[step]]), not an integer"),
			},
		},
		{
			name: "roles too long or empty",
			src:  editCurriculum(t, v, `mode = "breakout"`, "mode = \"breakout\"\nrounds = 2\nroles = [\"\", \""+strings.Repeat("r", MaxRoleLen+1)+"\"]"),
			want: []wantDiag{
				errAt("f.toml:13:10", "roles[0] is empty"),
				errAt("f.toml:13:14", "the limit is 32"),
			},
		},
		{
			name: "deliverable too long",
			src:  editCurriculum(t, v, `mode = "breakout"`, "mode = \"breakout\"\ndeliverable = \""+strings.Repeat("d", MaxDeliverableLen+1)+"\""),
			want: []wantDiag{errAt("f.toml:12:1", "deliverable is 301 characters long")},
		},
		{
			name: "prompt too long for discord",
			src:  editCurriculum(t, v, `prompt = "Go"`, `prompt = "`+strings.Repeat("x", 1990)+`"`),
			want: []wantDiag{errAt("f.toml:13:1", "prompt is too long for Discord")},
		},
		{
			name: "intro prompt too long for discord",
			src:  editCurriculum(t, v, `prompt = "Hello {minutes}"`, `prompt = "`+strings.Repeat("x", 1990)+`"`),
			want: []wantDiag{errAt("f.toml:6:1", "prompt is too long for Discord")},
		},
		{
			name: "steps as inline tables",
			src: "id = \"x\"\ntitle = \"X\"\nintro = { duration = \"1m\" }\nstep = [\n" +
				"  { id = \"a\", title = \"A\", mode = \"solo\", duration = \"2m\", prompt = \"p\" },\n" +
				"  { id = \"b\", title = \"B\", mode = \"plenary\", duration = \"2m\", promt = \"p\" },\n]\n",
			want: []wantDiag{
				errAt("f.toml:6:3", `missing required key "prompt"`),
				errAt("f.toml:6:63", `unknown key "step.promt"`),
			},
		},
		{
			name: "all errors are collected",
			src: editCurriculum(t, editCurriculum(t, editCurriculum(t, v, `id = "tiny"`, `id = "T"`), `duration = "8m"`, `duration = "8"`),
				`mode = "plenary"`, `mode = "lecture"`),
			want: []wantDiag{
				errAt("f.toml:1:1", `curriculum id "T"`),
				errAt("f.toml:12:1", `duration "8" is not a duration`),
				errAt("f.toml:18:1", `unknown mode "lecture"`),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, diags := ParseCurriculum("f.toml", []byte(tt.src))
			checkDiags(t, diags, tt.want)
			if diags.HasErrors() != (c == nil) {
				t.Errorf("curriculum nil = %v, errors = %v", c == nil, diags.HasErrors())
			}
		})
	}
}

func TestPromptsAreTrimmed(t *testing.T) {
	src := editCurriculum(t, validCurriculum, `prompt = "Go"`, "prompt = \"\"\"\n \n    indented code\nend  \n\n\"\"\"")
	c, diags := ParseCurriculum("f.toml", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags.Err())
	}
	if got, want := c.Steps[0].Prompt, "    indented code\nend"; got != want {
		t.Errorf("prompt = %q, want %q", got, want)
	}
}

// A prompt exactly at the limit loads, and one character more does not: the
// load-time check is the worst case of what RenderPrompt can produce.
func TestPromptLengthLimitIsExact(t *testing.T) {
	step := Step{Title: "Work", Mode: ModeBreakout, Duration: 8 * time.Minute, Rounds: 2, Prompt: "{group} {role} {next_role} {minutes}"}
	room := MaxMessageLen - worstPromptLen(step)
	for _, extra := range []int{0, 1} {
		prompt := step.Prompt + strings.Repeat("é", room+extra)
		src := editCurriculum(t, validCurriculum, `prompt = "Go"`, "rounds = 2\nroles = [\"a\", \"b\"]\nprompt = \""+prompt+"\"")
		c, diags := ParseCurriculum("f.toml", []byte(src))
		if got := diags.HasErrors(); got != (extra == 1) {
			t.Fatalf("extra %d: errors = %v: %v", extra, got, diags)
		}
		if c == nil {
			continue
		}
		msg := c.Steps[0].RenderPrompt(PromptVars{
			Group: strings.Repeat("g", 100), Role: strings.Repeat("r", 100), NextRole: strings.Repeat("n", 100),
			Round: 2, Deadline: time.Date(2286, 11, 21, 0, 0, 0, 0, time.UTC),
		})
		if n := len([]rune(msg)); n > MaxMessageLen {
			t.Errorf("rendered prompt is %d characters", n)
		}
	}
}

func TestDiagnosticsErr(t *testing.T) {
	src := editCurriculum(t, editCurriculum(t, validCurriculum, `duration = "8m"`, `duration = "8"`), `mode = "plenary"`, `mode = "lecture"`)
	_, diags := ParseCurriculum("f.toml", []byte(src))
	err := diags.Err()
	if err == nil {
		t.Fatal("Err() = nil with errors")
	}
	want := "f.toml:12:1: duration \"8\" is not a duration like \"90s\", \"5m\" or \"1h30m\"\n" +
		"f.toml:18:1: unknown mode \"lecture\"; valid: \"breakout\", \"solo\", \"plenary\", \"break\""
	if err.Error() != want {
		t.Errorf("Err() =\n%s\nwant\n%s", err, want)
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != EINVALID || ErrorCode(err) != EINVALID || ErrorMessage(err) != want {
		t.Errorf("Err() does not unwrap to an EINVALID *Error with the lines: %#v", e)
	}
	if got := (Diagnostics{{Pos: Pos{"a", 1, 1}, Severity: SeverityWarning, Message: "w"}}).Err(); got != nil {
		t.Errorf("Err() with only warnings = %v", got)
	}
}

func TestDiagnosticString(t *testing.T) {
	d := Diagnostic{Pos: Pos{"a.toml", 3, 7}, Message: "bad"}
	if got := d.String(); got != "a.toml:3:7: bad" {
		t.Errorf("error String() = %q", got)
	}
	d.Severity = SeverityWarning
	if got := d.String(); got != "a.toml:3:7: warning: bad" {
		t.Errorf("warning String() = %q", got)
	}
	ds := Diagnostics{d, {Pos: Pos{"a.toml", 1, 1}, Message: "e"}}
	if len(ds.Errors()) != 1 || len(ds.Warnings()) != 1 || !ds.HasErrors() || ds.Warnings().HasErrors() {
		t.Errorf("Errors/Warnings/HasErrors disagree: %v", ds)
	}
}
