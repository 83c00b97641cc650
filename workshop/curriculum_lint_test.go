package workshop

import (
	"strings"
	"testing"
)

// lintCurriculum builds a file from an intro duration and step bodies. The
// intro header is on line 4, its duration on line 5; step i's header is on
// the line the test computes from the bodies (each body is joined with
// newlines after its [[step]] header and a blank line).
func lintCurriculum(intro string, steps ...string) string {
	var b strings.Builder
	b.WriteString("id = \"lint\"\ntitle = \"Lint\"\n\n[intro]\nduration = \"" + intro + "\"\nprompt = \"Hi\"\n")
	for _, s := range steps {
		b.WriteString("\n[[step]]\n" + s + "\n")
	}
	return b.String()
}

// lintStep builds a step body: id, title, mode, duration, prompt (5 lines), plus
// extra lines.
func lintStep(id, mode, duration string, extra ...string) string {
	lines := []string{
		`id = "` + id + `"`,
		`title = "` + id + `"`,
		`mode = "` + mode + `"`,
		`duration = "` + duration + `"`,
		`prompt = "Do it"`,
	}
	return strings.Join(append(lines, extra...), "\n")
}

// Each step built by lintStep() without extras takes 7 lines (blank, header, 5
// keys), so the k-th such step (from 0) has its header on line 8+7k, its
// mode on 11+7k, its duration on 12+7k and its prompt on 13+7k.

func TestLint(t *testing.T) {
	work := lintStep("work", "breakout", "8m")
	debrief := lintStep("debrief", "plenary", "5m")
	tests := []struct {
		name string
		src  string
		want []wantDiag
	}{
		{
			name: "no warnings",
			src:  lintCurriculum("2m", work, debrief),
		},
		{
			name: "intro longer than ten minutes",
			src:  lintCurriculum("11m", work, debrief),
			want: []wantDiag{
				warnAt("f.toml:5:1", "the intro lasts 11m0s"),
				warnAt("f.toml:8:1", "the first exercise (breakout or solo) starts 11m0s after the run begins"),
			},
		},
		{
			name: "first exercise late",
			src:  lintCurriculum("5m", lintStep("talk", "plenary", "6m"), work, debrief),
			want: []wantDiag{warnAt("f.toml:15:1", "starts 11m0s after the run begins")},
		},
		{
			name: "a break before the first exercise counts",
			src:  lintCurriculum("5m", lintStep("coffee", "break", "6m"), lintStep("solo", "solo", "5m"), debrief),
			want: []wantDiag{warnAt("f.toml:15:1", "starts 11m0s")},
		},
		{
			name: "no exercise at all",
			src:  lintCurriculum("5m", lintStep("talk", "plenary", "5m"), lintStep("coffee", "break", "5m"), debrief),
			want: []wantDiag{warnAt("f.toml:4:1", "no breakout or solo step")},
		},
		{
			name: "plenary stretch from the intro",
			src:  lintCurriculum("5m", lintStep("talk", "plenary", "10m"), lintStep("more", "plenary", "6m"), work, debrief),
			want: []wantDiag{
				warnAt("f.toml:4:1", "plenary stretch of 21m0s (intro, talk, more) is longer than 20m0s"),
				warnAt("f.toml:22:1", "the first exercise (breakout or solo) starts 21m0s"),
			},
		},
		{
			name: "plenary stretch at the end",
			src:  lintCurriculum("2m", work, lintStep("show", "plenary", "15m"), lintStep("debrief", "plenary", "6m")),
			want: []wantDiag{warnAt("f.toml:15:1", "plenary stretch of 21m0s (show, debrief)")},
		},
		{
			name: "a break ends a plenary stretch",
			src:  lintCurriculum("2m", work, lintStep("show", "plenary", "15m"), lintStep("coffee", "break", "5m"), lintStep("debrief", "plenary", "15m")),
		},
		{
			name: "does not end with a plenary",
			src:  lintCurriculum("2m", work, lintStep("alone", "solo", "5m")),
			want: []wantDiag{warnAt("f.toml:18:1", "ends with a solo step")},
		},
		{
			name: "roles without enough rounds, rounds unset",
			src:  lintCurriculum("2m", lintStep("work", "breakout", "8m", `roles = ["asker", "teller"]`), debrief),
			want: []wantDiag{warnAt("f.toml:14:1", `2 roles but 1 round(s): someone never plays the role "teller"; set rounds = 2`)},
		},
		{
			name: "roles without enough rounds, rounds set",
			src:  lintCurriculum("2m", lintStep("work", "breakout", "9m", `rounds = 1`, `roles = ["a", "b", "c"]`), debrief),
			want: []wantDiag{warnAt("f.toml:14:1", "3 roles but 1 round(s)")},
		},
		{
			name: "more roles than people in a group",
			src:  lintCurriculum("2m", lintStep("work", "breakout", "9m", `group_size = 2`, `rounds = 3`, `roles = ["a", "b", "c"]`), debrief),
			want: []wantDiag{warnAt("f.toml:16:1", "3 roles for groups of 2")},
		},
		{
			name: "roles fit the default group size",
			src:  lintCurriculum("2m", lintStep("work", "breakout", "9m", `rounds = 3`, `roles = ["a", "b", "c"]`), debrief),
		},
		{
			name: "kept groups cannot change size",
			src:  lintCurriculum("2m", work, lintStep("solo", "solo", "3m"), lintStep("trios", "breakout", "9m", `group_size = 3`), debrief),
			want: []wantDiag{warnAt("f.toml:28:1", `groups of 3 cannot be kept from the previous breakout step "work" (groups of 4)`)},
		},
		{
			name: "regroup allows a new group size",
			src:  lintCurriculum("2m", work, lintStep("trios", "breakout", "9m", `group_size = 3`, `regroup = true`), debrief),
		},
		{
			name: "placeholders",
			src: lintCurriculum("2m",
				lintStep("work", "breakout", "8m", `rounds = 2`, `roles = ["a", "b"]`),
				strings.Replace(lintStep("alone", "solo", "5m"), `"Do it"`, `"{grup} {group} {role} {minutes} {x} {}"`, 1),
				debrief),
			want: []wantDiag{
				warnAt("f.toml:22:1", "unknown placeholder {grup} is shown as written; did you mean {group}?"),
				warnAt("f.toml:22:1", "placeholder {group} is empty in a solo step"),
				warnAt("f.toml:22:1", "placeholder {role} is empty: this step has no roles"),
				warnAt("f.toml:22:1", "unknown placeholder {x} is shown as written; placeholders are {group}"),
			},
		},
		{
			name: "placeholders in the intro",
			src:  strings.Replace(lintCurriculum("2m", work, debrief), `prompt = "Hi"`, `prompt = "{minutes} {group}"`, 1),
			want: []wantDiag{warnAt("f.toml:6:1", "placeholder {group} means nothing in the intro")},
		},
		{
			name: "no lint while there are errors",
			src:  lintCurriculum("11m", lintStep("work", "breakout", "8m", `rounds = 0`), debrief),
			want: []wantDiag{errAt("f.toml:14:1", "rounds must be at least 1")},
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
