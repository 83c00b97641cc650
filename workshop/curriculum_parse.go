package workshop

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

// idPattern is the shape of curriculum and step ids: short, lower-case,
// safe in a slash-command option, a custom_id and a file name.
var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)

// The keys each table accepts, in the order the format documents them.
var (
	rootKeys  = []string{"id", "title", "summary", "tags", "group_size", "grouping", "rooms", "intro", "step"}
	introKeys = []string{"duration", "prompt"}
	stepKeys  = []string{"id", "title", "mode", "duration", "prompt", "rounds", "roles", "warn", "deliverable", "group_size", "regroup"}
)

// ParseCurriculum parses and validates one curriculum file. file names it in
// diagnostics. It returns every error and warning it finds, each with the
// line and column of the offending key (or of its table when the key is
// missing). The curriculum is nil exactly when there are errors. Lint
// warnings are computed only for a file without errors, since they reason
// about durations and modes that must first be valid.
func ParseCurriculum(file string, src []byte) (*Curriculum, Diagnostics) {
	p := &parser{file: file}
	c := p.parse(src)
	p.diags.sort()
	if p.diags.HasErrors() {
		return nil, p.diags
	}
	return c, p.diags
}

// parser collects diagnostics while it builds a Curriculum.
type parser struct {
	file  string
	pos   keyPositions
	diags Diagnostics
}

func (p *parser) errorf(path, format string, args ...any) {
	p.diags = append(p.diags, Diagnostic{Pos: p.at(path), Severity: SeverityError, Message: fmt.Sprintf(format, args...)})
}

func (p *parser) warnf(path, format string, args ...any) {
	p.diags = append(p.diags, Diagnostic{Pos: p.at(path), Severity: SeverityWarning, Message: fmt.Sprintf(format, args...)})
}

func (p *parser) at(path string) Pos { return p.pos.at(p.file, path) }

func (p *parser) parse(src []byte) *Curriculum {
	// Decoding into a map rather than a struct keeps key names exact:
	// BurntSushi/toml matches struct fields case-insensitively, so "Title"
	// would pass silently, and md.Undecoded() cannot tell which [[step]] an
	// unknown key is in. Unknown keys are found by walking the map instead.
	var doc map[string]any
	if _, err := toml.Decode(string(src), &doc); err != nil {
		p.syntaxError(src, err)
		return nil
	}
	p.pos = scanKeyPositions(p.file, src)
	sum := sha256.Sum256(src)
	c := &Curriculum{
		Source:    slices.Clone(src),
		Hash:      hex.EncodeToString(sum[:]),
		File:      p.file,
		GroupSize: DefaultGroupSize,
		Grouping:  DefaultGrouping,
		Rooms:     DefaultRooms,
	}
	p.unknownKeys(doc, "", rootKeys, "the top level")

	if v, ok := p.requiredString(doc, "", "id"); ok {
		p.checkID("id", v, "curriculum")
		c.ID = v
	}
	if v, ok := p.requiredString(doc, "", "title"); ok {
		p.checkTitle("title", v)
		c.Title = v
	}
	if v, ok := p.optString(doc, "", "summary"); ok {
		if n := utf8.RuneCountInString(v); n > MaxSummaryLen {
			p.errorf("summary", "summary is %d characters long; the limit is %d", n, MaxSummaryLen)
		}
		c.Summary = v
	}
	if v, ok := p.optStrings(doc, "", "tags"); ok {
		for i, t := range v {
			if strings.TrimSpace(t) == "" {
				p.errorf(elemPath("tags", i), "tags[%d] is empty", i)
			}
		}
		c.Tags = v
	}
	if v, ok := p.optInt(doc, "", "group_size"); ok && p.checkGroupSize("group_size", v) {
		c.GroupSize = int(v)
	}
	if v, ok := p.optString(doc, "", "grouping"); ok {
		if g := Grouping(v); slices.Contains(Groupings(), g) {
			c.Grouping = g
		} else {
			p.errorf("grouping", "unknown grouping %q; valid: %s", v, joinQuoted(Groupings()))
		}
	}
	if v, ok := p.optString(doc, "", "rooms"); ok {
		if r := RoomPrivacy(v); slices.Contains(RoomPrivacies(), r) {
			c.Rooms = r
		} else {
			p.errorf("rooms", "unknown rooms %q; valid: %s", v, joinQuoted(RoomPrivacies()))
		}
	}

	switch v, ok := doc["intro"]; {
	case !ok:
		p.errorf("", "missing required table [intro]: the plenary opening of the run")
	default:
		if m, isTable := v.(map[string]any); isTable {
			c.Intro = p.intro(m, c.Title)
		} else {
			p.errorf("intro", "intro must be a table ([intro]), not %s", typeName(v))
		}
	}

	switch v, ok := doc["step"]; {
	case !ok:
		p.errorf("", "missing [[step]]: a curriculum needs at least one step")
	default:
		steps, isArray := tables(v)
		if !isArray {
			p.errorf("step", "step must be an array of tables ([[step]]), not %s", typeName(v))
			break
		}
		if len(steps) == 0 {
			p.errorf("step", "a curriculum needs at least one step")
		}
		firstID := map[string]string{} // step id -> path of its first use
		for i, m := range steps {
			s := p.step(elemPath("step", i), m, c.GroupSize)
			c.Steps = append(c.Steps, s)
			if s.ID == "" {
				continue // missing or invalid, already reported
			}
			if first, dup := firstID[s.ID]; dup {
				p.errorf(elemPath("step", i)+".id", "duplicate step id %q: already used at line %d", s.ID, p.at(first+".id").Line)
			} else {
				firstID[s.ID] = elemPath("step", i)
			}
		}
	}

	if p.diags.HasErrors() {
		return nil
	}
	p.checkTotal(c)
	if p.diags.HasErrors() {
		return nil
	}
	p.lint(c)
	return c
}

// syntaxError reports a decoding failure at the place the decoder names.
func (p *parser) syntaxError(src []byte, err error) {
	pos := Pos{File: p.file, Line: 1, Col: 1}
	msg := err.Error()
	var pe toml.ParseError
	if errors.As(err, &pe) {
		pos = clampPos(src, Pos{File: p.file, Line: pe.Position.Line, Col: pe.Position.Col})
		msg = "TOML syntax error: " + pe.Message
	}
	p.diags = append(p.diags, Diagnostic{Pos: pos, Severity: SeverityError, Message: msg})
}

// clampPos keeps a position inside src: at most one column past the end of
// an existing line. The decoder can point past the end at an unexpected end
// of file.
func clampPos(src []byte, p Pos) Pos {
	lines := bytes.Split(src, []byte("\n"))
	p.Line = min(max(p.Line, 1), len(lines))
	p.Col = min(max(p.Col, 1), len(lines[p.Line-1])+1)
	return p
}

// unknownKeys reports every key of m that the format does not define.
func (p *parser) unknownKeys(m map[string]any, path string, known []string, where string) {
	names := make([]string, 0, len(m))
	for k := range m {
		if !slices.Contains(known, k) {
			names = append(names, k)
		}
	}
	slices.Sort(names) // the diagnostics are sorted by position later; this keeps ties stable
	for _, k := range names {
		full := joinPath(plainPath(path), k)
		msg := fmt.Sprintf("unknown key %q", full)
		if s := suggest(k, known); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		} else {
			msg += fmt.Sprintf("; %s accepts %s", where, strings.Join(known, ", "))
		}
		p.errorf(joinPath(path, k), "%s", msg)
	}
}

// trimPrompt drops the blank lines and trailing white space a TOML
// multi-line string leaves around a prompt. Leading spaces on the first line
// stay: they may indent a code block.
func trimPrompt(s string) string {
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	for {
		line, rest, found := strings.Cut(s, "\n")
		if !found || strings.TrimSpace(line) != "" {
			return s
		}
		s = rest
	}
}

// plainPath drops array indices: "step[2]" -> "step", as users write keys.
func plainPath(path string) string {
	var b strings.Builder
	skip := false
	for _, r := range path {
		switch {
		case r == '[':
			skip = true
		case r == ']':
			skip = false
		case !skip:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (p *parser) intro(m map[string]any, title string) Intro {
	in := Intro{Pos: p.at("intro")}
	p.unknownKeys(m, "intro", introKeys, "[intro]")
	if d, ok := p.duration(m, "intro", "duration", true); ok {
		in.Duration = d
	}
	if v, ok := p.optString(m, "intro", "prompt"); ok {
		in.Prompt = trimPrompt(v)
		if in.Duration > 0 {
			if n := worstIntroLen(title, in); n > MaxMessageLen {
				p.errorf("intro.prompt", "prompt is too long for Discord: with the bot's header it can reach %d characters, the limit is %d (shorten it by %d)", n, MaxMessageLen, n-MaxMessageLen)
			}
		}
	}
	return in
}

func (p *parser) step(path string, m map[string]any, defaultGroupSize int) Step {
	s := Step{Pos: p.at(path), Rounds: 1}
	key := func(k string) string { return path + "." + k }
	p.unknownKeys(m, path, stepKeys, "[[step]]")

	if v, ok := p.requiredString(m, path, "id"); ok {
		if p.checkID(key("id"), v, "step") {
			if v == IntroID {
				p.errorf(key("id"), "step id %q is reserved for the [intro] table", IntroID)
			} else {
				s.ID = v
			}
		}
	}
	if v, ok := p.requiredString(m, path, "title"); ok {
		p.checkTitle(key("title"), v)
		s.Title = v
	}
	modeKnown := false
	if v, ok := p.requiredString(m, path, "mode"); ok {
		if md := Mode(v); slices.Contains(Modes(), md) {
			s.Mode, modeKnown = md, true
		} else {
			p.errorf(key("mode"), "unknown mode %q; valid: %s", v, joinQuoted(Modes()))
		}
	}
	breakout := s.Mode == ModeBreakout
	// breakoutOnly reports a breakout-only key on another kind of step.
	breakoutOnly := func(k string) bool {
		if _, set := m[k]; !set || !modeKnown || breakout {
			return true
		}
		p.errorf(key(k), "%s is only for breakout steps; this step is %s", k, s.Mode)
		return false
	}

	durationOK := false
	if d, ok := p.duration(m, path, "duration", true); ok {
		s.Duration, durationOK = d, true
	}

	roundsOK := true
	if v, ok := p.optInt(m, path, "rounds"); ok && breakoutOnly("rounds") {
		if v < 1 {
			p.errorf(key("rounds"), "rounds must be at least 1, not %d", v)
			roundsOK = false
		} else if v > int64(MaxStepDuration/time.Second) {
			p.errorf(key("rounds"), "%d rounds cannot fit in one step", v)
			roundsOK = false
		} else {
			s.Rounds = int(v)
		}
	}
	if durationOK && roundsOK && s.Duration%(time.Duration(s.Rounds)*time.Second) != 0 {
		if s.Rounds == 1 {
			p.errorf(key("duration"), "duration %s is not a whole number of seconds", s.Duration)
		} else {
			p.errorf(key("rounds"), "duration %s does not split into %d rounds of whole seconds", s.Duration, s.Rounds)
		}
	}

	if v, ok := p.optStrings(m, path, "roles"); ok && breakoutOnly("roles") {
		for i, r := range v {
			switch n := utf8.RuneCountInString(r); {
			case strings.TrimSpace(r) == "":
				p.errorf(elemPath(key("roles"), i), "roles[%d] is empty", i)
			case n > MaxRoleLen:
				p.errorf(elemPath(key("roles"), i), "role %q is %d characters long; the limit is %d", r, n, MaxRoleLen)
			case strings.ContainsAny(r, "\r\n"):
				p.errorf(elemPath(key("roles"), i), "role %q must be on one line", r)
			}
		}
		s.Roles = v
	}

	if v, ok := p.optInt(m, path, "group_size"); ok && breakoutOnly("group_size") && p.checkGroupSize(key("group_size"), v) {
		s.GroupSize = int(v)
	}
	if breakout && s.GroupSize == 0 {
		s.GroupSize = defaultGroupSize
	}
	if v, ok := p.optBool(m, path, "regroup"); ok && breakoutOnly("regroup") {
		s.Regroup = v
	}

	s.Warn = p.warn(m, path, s.Duration, durationOK)

	if v, ok := p.optString(m, path, "deliverable"); ok {
		n := utf8.RuneCountInString(v)
		switch {
		case modeKnown && s.Mode != ModeBreakout && s.Mode != ModeSolo:
			p.errorf(key("deliverable"), "deliverable is only for breakout and solo steps; this step is %s", s.Mode)
		case strings.TrimSpace(v) == "":
			p.errorf(key("deliverable"), "deliverable is empty; leave the key out for a step without one")
		case n > MaxDeliverableLen:
			p.errorf(key("deliverable"), "deliverable is %d characters long; the limit is %d", n, MaxDeliverableLen)
		}
		s.Deliverable = v
	}

	prompt, hasPrompt := p.optString(m, path, "prompt")
	prompt = trimPrompt(prompt)
	switch {
	case !hasPrompt && m["prompt"] == nil && s.Mode != ModeBreak && modeKnown:
		p.errorf(path, "missing required key %q (every %s step needs a prompt)", "prompt", s.Mode)
	case hasPrompt && strings.TrimSpace(prompt) == "" && s.Mode != ModeBreak:
		p.errorf(key("prompt"), "prompt is empty")
	case hasPrompt:
		s.Prompt = prompt
		if durationOK && roundsOK {
			if n := worstPromptLen(s); n > MaxMessageLen {
				p.errorf(key("prompt"), "prompt is too long for Discord: with the bot's header and the longest names in its placeholders it can reach %d characters, the limit is %d (shorten it by %d)", n, MaxMessageLen, n-MaxMessageLen)
			}
		}
	}
	return s
}

// warn reads a step's reminders, or gives the default when the key is
// absent. Reminders are sorted from the earliest (the most time left) on.
func (p *parser) warn(m map[string]any, path string, d time.Duration, durationOK bool) []time.Duration {
	key := path + ".warn"
	list, ok := p.optStrings(m, path, "warn")
	if !ok {
		if _, set := m["warn"]; !set && durationOK && d >= DefaultWarnFrom {
			return []time.Duration{DefaultWarn}
		}
		return nil
	}
	out := make([]time.Duration, 0, len(list))
	for i, v := range list {
		w, err := time.ParseDuration(v)
		switch {
		case err != nil:
			p.errorf(elemPath(key, i), "warn[%d] %q is not a duration like \"1m\" or \"30s\"", i, v)
			continue
		case w <= 0:
			p.errorf(elemPath(key, i), "warn[%d] %q must be positive: it is the time left when the reminder is sent", i, v)
			continue
		case durationOK && w >= d:
			p.errorf(elemPath(key, i), "warn[%d] %q is not shorter than the step (%s)", i, v, d)
			continue
		}
		out = append(out, w)
	}
	slices.SortFunc(out, func(a, b time.Duration) int { return cmp.Compare(b, a) })
	return out
}

func (p *parser) checkTotal(c *Curriculum) {
	total := c.Intro.Duration
	for i, s := range c.Steps {
		total += s.Duration
		if total > MaxTotalDuration {
			var all time.Duration = c.Intro.Duration
			for _, s := range c.Steps {
				all += s.Duration
			}
			p.errorf(elemPath("step", i)+".duration", "the curriculum lasts %s in all (intro plus steps), the limit is %s; it passes the limit during this step", all, MaxTotalDuration)
			return
		}
	}
}

func (p *parser) checkID(path, v, what string) bool {
	if idPattern.MatchString(v) {
		return true
	}
	p.errorf(path, "%s id %q must be 1-%d characters of a-z, 0-9 and '-', starting with a letter or digit", what, v, MaxIDLen)
	return false
}

func (p *parser) checkTitle(path, v string) {
	switch n := utf8.RuneCountInString(v); {
	case strings.TrimSpace(v) == "":
		p.errorf(path, "title is empty")
	case n > MaxTitleLen:
		p.errorf(path, "title is %d characters long; the limit is %d", n, MaxTitleLen)
	case strings.ContainsAny(v, "\r\n"):
		p.errorf(path, "title must be on one line")
	}
}

func (p *parser) checkGroupSize(path string, v int64) bool {
	if v >= MinGroupSize && v <= MaxGroupSize {
		return true
	}
	p.errorf(path, "group_size %d is out of range: groups have %d to %d members", v, MinGroupSize, MaxGroupSize)
	return false
}

// duration reads a Go duration string between MinStepDuration and
// MaxStepDuration.
func (p *parser) duration(m map[string]any, table, k string, required bool) (time.Duration, bool) {
	var v string
	var ok bool
	if required {
		v, ok = p.requiredString(m, table, k)
	} else {
		v, ok = p.optString(m, table, k)
	}
	if !ok {
		return 0, false
	}
	path := joinPath(table, k)
	d, err := time.ParseDuration(v)
	switch {
	case err != nil:
		p.errorf(path, "%s %q is not a duration like \"90s\", \"5m\" or \"1h30m\"", k, v)
	case d < MinStepDuration || d > MaxStepDuration:
		p.errorf(path, "%s %s is out of range: it must be between %s and %s", k, d, MinStepDuration, MaxStepDuration)
	default:
		return d, true
	}
	return 0, false
}

// requiredString reads a string key that must be present.
func (p *parser) requiredString(m map[string]any, table, k string) (string, bool) {
	if _, set := m[k]; !set {
		where := "at the top level"
		if table != "" {
			where = "in [" + plainPath(table) + "]"
			if strings.HasPrefix(table, "step[") {
				where = "in [[step]]"
			}
		}
		p.errorf(table, "missing required key %q %s", k, where)
		return "", false
	}
	return p.optString(m, table, k)
}

// optString reads a string key; ok is false when it is absent or not a string.
func (p *parser) optString(m map[string]any, table, k string) (string, bool) {
	v, set := m[k]
	if !set {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		p.errorf(joinPath(table, k), "%s must be a string, not %s", k, typeName(v))
	}
	return s, ok
}

func (p *parser) optStrings(m map[string]any, table, k string) ([]string, bool) {
	v, set := m[k]
	if !set {
		return nil, false
	}
	list, ok := v.([]any)
	if !ok {
		p.errorf(joinPath(table, k), "%s must be an array of strings, not %s", k, typeName(v))
		return nil, false
	}
	out := make([]string, 0, len(list))
	good := true
	for i, e := range list {
		s, ok := e.(string)
		if !ok {
			p.errorf(elemPath(joinPath(table, k), i), "%s[%d] must be a string, not %s", k, i, typeName(e))
			good = false
			continue
		}
		out = append(out, s)
	}
	return out, good
}

func (p *parser) optInt(m map[string]any, table, k string) (int64, bool) {
	v, set := m[k]
	if !set {
		return 0, false
	}
	n, ok := v.(int64)
	if !ok {
		p.errorf(joinPath(table, k), "%s must be a whole number, not %s", k, typeName(v))
	}
	return n, ok
}

func (p *parser) optBool(m map[string]any, table, k string) (bool, bool) {
	v, set := m[k]
	if !set {
		return false, false
	}
	b, ok := v.(bool)
	if !ok {
		p.errorf(joinPath(table, k), "%s must be true or false, not %s", k, typeName(v))
	}
	return b, ok
}

// tables returns the tables of an array of tables, written as [[step]] or
// as an inline array of inline tables.
func tables(v any) ([]map[string]any, bool) {
	switch v := v.(type) {
	case []map[string]any:
		return v, true
	case []any:
		out := make([]map[string]any, 0, len(v))
		for _, e := range v {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, false
			}
			out = append(out, m)
		}
		return out, true
	}
	return nil, false
}

// typeName names a decoded TOML value's type for messages.
func typeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case time.Time:
		return "a date-time"
	case map[string]any:
		return "a table"
	case []map[string]any, []any:
		return "an array"
	}
	return fmt.Sprintf("a %T", v)
}

func joinQuoted[T ~string](values []T) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

// suggest returns the known key closest to a mistyped one, if it is close.
func suggest(k string, known []string) string {
	best, bestDist := "", 3
	for _, c := range known {
		if d := editDistance(strings.ToLower(k), c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, by bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
