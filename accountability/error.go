package accountability

import (
	"errors"
	"fmt"
)

// Error codes tell the program what kind of failure happened; the boundary
// that talks to a member (commands) turns them into words. They mirror the
// workshop package's codes (benbjohnson/wtf style) without importing it, so
// the two domains stay independent.
const (
	ECONFLICT    = "conflict"    // the action clashes with existing state (already resolved)
	EINTERNAL    = "internal"    // a bug or an unexpected failure; the member sees a generic message
	EINVALID     = "invalid"     // the input is wrong; Message says how
	ENOTFOUND    = "not_found"   // the thing asked for does not exist
	EFORBIDDEN   = "forbidden"   // the member may not do this
	EUNAVAILABLE = "unavailable" // a dependency (Postgres, Discord) is down; try again later
)

// Error is a domain error: Code is for the program, Message is safe to show a
// member. Wrap it with fmt.Errorf("...: %w", err) to add context for logs.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf builds an *Error with a formatted, member-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the member-safe message of the first *Error in err's
// chain, or a generic one: internal details never reach a member.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. Please try again in a moment."
}
