package commands

import (
	"strings"

	"github.com/roundtable-bot/roundtable/workshop"
)

// idVersion prefixes every custom_id this bot writes. A button posted by a
// bot that spoke another version (or by another bot altogether) fails to
// decode and is answered as stale instead of being misread.
const idVersion = "rt1"

// MaxCustomIDLength is Discord's limit on a component's or modal's custom_id.
const MaxCustomIDLength = 100

const maxKindLength = 31

// ID is the decoded custom_id of a button, select menu, modal or text input:
// Kind routes it (Router.Component, Router.Modal) and Args carry its state,
// such as a run ID. Args may hold any text; ':' and '%' are escaped.
type ID struct {
	Kind string
	Args []string
}

// NewID builds an ID.
func NewID(kind string, args ...string) ID { return ID{Kind: kind, Args: args} }

// Arg returns argument n, or "" when there are fewer arguments: handlers
// treat a missing argument like an empty one and validate it themselves.
func (id ID) Arg(n int) string {
	if n < 0 || n >= len(id.Args) {
		return ""
	}
	return id.Args[n]
}

// Encode writes the ID as rt1:<kind>:<arg>:<arg>... . It fails with a
// workshop EINVALID error when the kind is malformed or the result would
// exceed Discord's 100 characters.
func (id ID) Encode() (string, error) {
	if !validKind(id.Kind) {
		return "", workshop.Errorf(workshop.EINVALID, "custom_id kind %q must match [a-z][a-z0-9_.-]{0,30}", id.Kind)
	}
	var b strings.Builder
	n := len(idVersion) + 1 + len(id.Kind)
	for _, a := range id.Args {
		n += 1 + len(a) + 2*(strings.Count(a, ":")+strings.Count(a, "%"))
	}
	if n > MaxCustomIDLength {
		return "", workshop.Errorf(workshop.EINVALID, "custom_id for %q would be %d characters; Discord allows %d", id.Kind, n, MaxCustomIDLength)
	}
	b.Grow(n)
	b.WriteString(idVersion)
	b.WriteByte(':')
	b.WriteString(id.Kind)
	for _, a := range id.Args {
		b.WriteByte(':')
		for i := 0; i < len(a); i++ {
			switch a[i] {
			case ':':
				b.WriteString("%3A")
			case '%':
				b.WriteString("%25")
			default:
				b.WriteByte(a[i])
			}
		}
	}
	return b.String(), nil
}

// DecodeID parses a custom_id written by Encode. Anything else (another
// version, a malformed kind, a bad escape, more than 100 characters) is an
// EINVALID error; the router answers such a click as stale.
func DecodeID(s string) (ID, error) {
	if len(s) > MaxCustomIDLength {
		return ID{}, workshop.Errorf(workshop.EINVALID, "custom_id is %d characters; Discord allows %d", len(s), MaxCustomIDLength)
	}
	rest, ok := strings.CutPrefix(s, idVersion+":")
	if !ok {
		return ID{}, workshop.Errorf(workshop.EINVALID, "custom_id %q is not a %s id", s, idVersion)
	}
	kind, argList, hasArgs := strings.Cut(rest, ":")
	if !validKind(kind) {
		return ID{}, workshop.Errorf(workshop.EINVALID, "custom_id %q has a malformed kind", s)
	}
	id := ID{Kind: kind}
	if !hasArgs {
		return id, nil
	}
	id.Args = strings.Split(argList, ":")
	for i, a := range id.Args {
		u, ok := unescapeArg(a)
		if !ok {
			return ID{}, workshop.Errorf(workshop.EINVALID, "custom_id %q has a malformed argument %d", s, i)
		}
		id.Args[i] = u
	}
	return id, nil
}

// unescapeArg undoes Encode's escaping. Only the two escapes Encode writes
// are accepted, so every valid custom_id has exactly one spelling.
func unescapeArg(a string) (string, bool) {
	if strings.IndexByte(a, '%') < 0 {
		return a, true
	}
	var b strings.Builder
	b.Grow(len(a))
	for i := 0; i < len(a); i++ {
		if a[i] != '%' {
			b.WriteByte(a[i])
			continue
		}
		if i+2 >= len(a) {
			return "", false
		}
		switch a[i+1 : i+3] {
		case "3A":
			b.WriteByte(':')
		case "25":
			b.WriteByte('%')
		default:
			return "", false
		}
		i += 2
	}
	return b.String(), true
}

// validKind reports whether k matches ^[a-z][a-z0-9_.-]{0,30}$.
func validKind(k string) bool {
	if len(k) == 0 || len(k) > maxKindLength || k[0] < 'a' || k[0] > 'z' {
		return false
	}
	for i := 1; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}
