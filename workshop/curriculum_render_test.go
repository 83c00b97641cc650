package workshop

import (
	"strings"
	"testing"
	"time"
)

func TestRenderPrompt(t *testing.T) {
	deadline := time.Unix(1767225600, 0)
	interview := Step{
		Title: "Interview", Mode: ModeBreakout, Duration: 8 * time.Minute, Rounds: 2,
		Roles:  []string{"interviewer", "interviewee"},
		Prompt: "Group {group}: you are the {role}, then the {next_role}. {minutes} minutes. {unknown}",
	}
	tests := []struct {
		name string
		step Step
		vars PromptVars
		want string
	}{
		{
			name: "all placeholders",
			step: interview,
			vars: PromptVars{Group: "Blue", Role: "interviewer", NextRole: "interviewee", Round: 1, Deadline: deadline},
			want: "**Interview** · round 1 of 2 · ends <t:1767225600:R>\n\n" +
				"Group Blue: you are the interviewer, then the interviewee. 4 minutes. {unknown}",
		},
		{
			name: "round clamped, long names cut",
			step: interview,
			vars: PromptVars{Group: strings.Repeat("g", 40), Role: strings.Repeat("r", 40), Round: 9, Deadline: deadline},
			want: "**Interview** · round 2 of 2 · ends <t:1767225600:R>\n\n" +
				"Group " + strings.Repeat("g", MaxGroupNameLen) + ": you are the " + strings.Repeat("r", MaxRoleLen) +
				", then the . 4 minutes. {unknown}",
		},
		{
			name: "one round and no deadline",
			step: Step{Title: "Sketch", Mode: ModeSolo, Duration: 90 * time.Second, Rounds: 1, Prompt: "{minutes} minutes"},
			want: "**Sketch**\n\n1.5 minutes",
		},
		{
			name: "fewer rounds shown",
			step: interview,
			vars: PromptVars{Round: 1, Rounds: 1},
			want: "**Interview**\n\nGroup : you are the , then the . 4 minutes. {unknown}",
		},
		{
			name: "a break without a prompt",
			step: Step{Title: "Coffee", Mode: ModeBreak, Duration: 5 * time.Minute, Rounds: 1},
			vars: PromptVars{Deadline: deadline},
			want: "**Coffee** · ends <t:1767225600:R>",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.step.RenderPrompt(tt.vars); got != tt.want {
				t.Errorf("RenderPrompt =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestRenderIntro(t *testing.T) {
	c := &Curriculum{Title: "Design", Intro: Intro{Duration: 5 * time.Minute, Prompt: "We have {minutes} minutes, {group}."}}
	want := "**Design** · welcome · ends <t:1767225600:R>\n\nWe have 5 minutes, {group}."
	if got := c.RenderIntro(time.Unix(1767225600, 0)); got != want {
		t.Errorf("RenderIntro =\n%q\nwant\n%q", got, want)
	}
}
