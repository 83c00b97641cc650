package workshop

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Pos is a place in a curriculum file. Line and Col start at 1; Col counts
// bytes, as Go's compiler and BurntSushi/toml do.
type Pos struct {
	File      string
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Severity says whether a Diagnostic refuses the file or only advises.
type Severity int

// The severities of a Diagnostic.
const (
	SeverityError   Severity = iota // the file breaks the format and is refused
	SeverityWarning                 // the file loads but drifts from peer-learning practice
)

func (s Severity) String() string {
	if s == SeverityWarning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one problem found in a curriculum file.
type Diagnostic struct {
	Pos      Pos
	Severity Severity
	Message  string
}

// String formats the diagnostic as "FILE:LINE:COL: message", with
// "warning: " before the message of a warning, so editors and CI logs can
// jump to it.
func (d Diagnostic) String() string {
	if d.Severity == SeverityWarning {
		return fmt.Sprintf("%s: warning: %s", d.Pos, d.Message)
	}
	return fmt.Sprintf("%s: %s", d.Pos, d.Message)
}

// Diagnostics is every problem found while loading curricula, ordered by file
// and position.
type Diagnostics []Diagnostic

// Errors returns the diagnostics that refuse a file.
func (ds Diagnostics) Errors() Diagnostics { return ds.filter(SeverityError) }

// Warnings returns the diagnostics that only advise.
func (ds Diagnostics) Warnings() Diagnostics { return ds.filter(SeverityWarning) }

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == SeverityError })
}

// Err returns nil when there is no error. Otherwise it returns an error whose
// text is every error line, one per line; it unwraps to a *Error with code
// EINVALID carrying the same lines, so the bot can show them to a host.
func (ds Diagnostics) Err() error {
	errs := ds.Errors()
	if len(errs) == 0 {
		return nil
	}
	lines := make([]string, len(errs))
	for i, d := range errs {
		lines[i] = d.String()
	}
	text := strings.Join(lines, "\n")
	return &diagnosticsError{text: text, err: Errorf(EINVALID, "%s", text)}
}

func (ds Diagnostics) filter(s Severity) Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

// sort orders diagnostics by file, line and column, keeping the order in
// which they were found for the same place.
func (ds Diagnostics) sort() {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Pos.File, b.Pos.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col),
		)
	})
}

// diagnosticsError is the error Diagnostics.Err returns.
type diagnosticsError struct {
	text string
	err  *Error
}

func (e *diagnosticsError) Error() string { return e.text }
func (e *diagnosticsError) Unwrap() error { return e.err }
