package workshop

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Peer-learning lint thresholds: people should start working within
// minutes, and nobody should listen for long without doing something.
const (
	LintMaxIntro          = 10 * time.Minute
	LintMaxFirstExercise  = 10 * time.Minute
	LintMaxPlenaryStretch = 20 * time.Minute
)

// placeholderPattern finds {word} in a prompt. Braces around anything else
// (code, JSON) are left alone.
var placeholderPattern = regexp.MustCompile(`\{[A-Za-z_][A-Za-z0-9_]*\}`)

var knownPlaceholders = []string{PlaceholderGroup, PlaceholderRole, PlaceholderNextRole, PlaceholderMinutes}

// placeholders returns the distinct {word}s of a prompt in order of first use.
func placeholders(prompt string) []string {
	var out []string
	for _, ph := range placeholderPattern.FindAllString(prompt, -1) {
		if !slices.Contains(out, ph) {
			out = append(out, ph)
		}
	}
	return out
}

// lint warns where a valid curriculum drifts from peer-learning practice
// (the "Lint" section of the format). It runs only on a curriculum without
// errors, so durations and modes are known to be valid.
func (p *parser) lint(c *Curriculum) {
	if c.Intro.Duration > LintMaxIntro {
		p.warnf("intro.duration", "the intro lasts %s; keep it to %s or less so people start working soon", c.Intro.Duration, LintMaxIntro)
	}
	p.lintFirstExercise(c)
	p.lintPlenaryStretches(c)
	if last := len(c.Steps) - 1; last >= 0 && c.Steps[last].Mode != ModePlenary {
		p.warnf(elemPath("step", last)+".mode", "the curriculum ends with a %s step; end with a plenary debrief so groups can teach each other what they found", c.Steps[last].Mode)
	}
	p.lintPlaceholders("intro.prompt", c.Intro.Prompt, nil, "")
	var prevBreakout *Step
	for i, s := range c.Steps {
		path := elemPath("step", i)
		p.lintRoles(path, s)
		p.lintPlaceholders(path+".prompt", s.Prompt, &s, s.Mode)
		if s.Mode == ModeBreakout {
			p.lintKeptGroups(path, s, prevBreakout)
			prevBreakout = &c.Steps[i]
		}
	}
}

// lintKeptGroups warns when a breakout step keeps the previous breakout's
// groups (no regroup) but asks for another group size: the bot has to form
// new groups anyway, and the file should say so.
func (p *parser) lintKeptGroups(path string, s Step, prev *Step) {
	if prev == nil || s.Regroup || s.GroupSize == prev.GroupSize {
		return
	}
	where := path + ".group_size"
	if _, ok := p.pos[where]; !ok {
		where = path
	}
	p.warnf(where, "groups of %d cannot be kept from the previous breakout step %q (groups of %d); new groups will be formed, so set regroup = true", s.GroupSize, prev.ID, prev.GroupSize)
}

func (p *parser) lintFirstExercise(c *Curriculum) {
	offset := c.Intro.Duration
	for i, s := range c.Steps {
		if s.Mode == ModeBreakout || s.Mode == ModeSolo {
			if offset > LintMaxFirstExercise {
				p.warnf(elemPath("step", i), "the first exercise (breakout or solo) starts %s after the run begins; start one within %s", offset, LintMaxFirstExercise)
			}
			return
		}
		offset += s.Duration
	}
	p.warnf("intro", "no breakout or solo step: participants never work on their own or in groups")
}

// lintPlenaryStretches warns once per run of consecutive plenary parts that
// lasts longer than LintMaxPlenaryStretch, at the part that begins it. The
// intro counts as plenary: it opens the first stretch. A break ends a
// stretch, since people stop listening during it.
func (p *parser) lintPlenaryStretches(c *Curriculum) {
	start, length, names := "intro", c.Intro.Duration, []string{IntroID}
	flush := func() {
		if length > LintMaxPlenaryStretch {
			p.warnf(start, "plenary stretch of %s (%s) is longer than %s; people learn by working, so break it up with a breakout or solo step", length, strings.Join(names, ", "), LintMaxPlenaryStretch)
		}
		start, length, names = "", 0, nil
	}
	for i, s := range c.Steps {
		if s.Mode != ModePlenary {
			flush()
			continue
		}
		if start == "" {
			start = elemPath("step", i)
		}
		length += s.Duration
		names = append(names, s.ID)
	}
	flush()
}

func (p *parser) lintRoles(path string, s Step) {
	if len(s.Roles) == 0 {
		return
	}
	if s.Rounds < len(s.Roles) {
		where := path + ".rounds"
		if _, ok := p.pos[where]; !ok {
			where = path + ".roles"
		}
		p.warnf(where, "%d roles but %d round(s): someone never plays %s; set rounds = %d", len(s.Roles), s.Rounds, describeRoles(s.Roles[s.Rounds:]), len(s.Roles))
	}
	if len(s.Roles) > s.GroupSize {
		p.warnf(path+".roles", "%d roles for groups of %d: some roles will have nobody to play them", len(s.Roles), s.GroupSize)
	}
}

func describeRoles(roles []string) string {
	if len(roles) == 1 {
		return fmt.Sprintf("the role %q", roles[0])
	}
	return "some roles"
}

// lintPlaceholders warns about {words} that will not be replaced, or that
// will be replaced by nothing. s is nil for the intro.
func (p *parser) lintPlaceholders(path, prompt string, s *Step, mode Mode) {
	for _, ph := range placeholders(prompt) {
		switch {
		case !slices.Contains(knownPlaceholders, ph):
			msg := fmt.Sprintf("unknown placeholder %s is shown as written", ph)
			if guess := suggest(ph, knownPlaceholders); guess != "" {
				msg += fmt.Sprintf("; did you mean %s?", guess)
			} else {
				msg += "; placeholders are " + strings.Join(knownPlaceholders, ", ")
			}
			p.warnf(path, "%s", msg)
		case s == nil && ph != PlaceholderMinutes:
			p.warnf(path, "placeholder %s means nothing in the intro and is shown as written; only %s is replaced there", ph, PlaceholderMinutes)
		case s != nil && ph == PlaceholderGroup && mode != ModeBreakout:
			p.warnf(path, "placeholder %s is empty in a %s step: only breakout steps have groups", ph, mode)
		case s != nil && (ph == PlaceholderRole || ph == PlaceholderNextRole) && len(s.Roles) == 0:
			p.warnf(path, "placeholder %s is empty: this step has no roles", ph)
		}
	}
}
