package spec

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// Discord's JSON error codes this package answers with
// (topics-opcodes-and-status-codes.mdx).
const (
	CodeEmptyMessage    = 50006 // Cannot send an empty message
	CodeInvalidFormBody = 50035 // Invalid Form Body
	CodeInvalidJSON     = 50109 // The request body contains invalid JSON.
)

// Error is a rejection in Discord's shape. Errors is the tree Discord calls
// "errors": objects keyed by JSON field name (array elements by their index
// as a string) down to a "_errors" key holding a []FieldError.
type Error struct {
	HTTPStatus int
	Code       int
	Message    string
	Errors     map[string]any
}

// FieldError is one entry of an "_errors" list.
type FieldError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// errorsKey is the key under which Discord lists the errors of one location.
const errorsKey = "_errors"

// Error implements error with a one-line summary naming every failing path.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "discord %d %d: %s", e.HTTPStatus, e.Code, e.Message)
	walkFieldErrors(e.Errors, nil, func(path []string, fe FieldError) {
		fmt.Fprintf(&b, "; %s: %s %s", strings.Join(path, "."), fe.Code, fe.Message)
	})
	return b.String()
}

// MarshalJSON writes the body Discord would send:
// {"code":50035,"message":"Invalid Form Body","errors":{...}}.
func (e *Error) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Code    int            `json:"code"`
		Message string         `json:"message"`
		Errors  map[string]any `json:"errors,omitempty"`
	}{e.Code, e.Message, e.Errors})
}

// FieldErrors returns the errors recorded at a JSON path, e.g.
// FieldErrors("embeds", "0", "title"); no path means the body as a whole.
func (e *Error) FieldErrors(path ...string) []FieldError {
	node := e.Errors
	for _, key := range path {
		next, ok := node[key].(map[string]any)
		if !ok {
			return nil
		}
		node = next
	}
	fes, _ := node[errorsKey].([]FieldError)
	return fes
}

// WriteError answers an HTTP request with e as Discord would.
func WriteError(w http.ResponseWriter, e *Error) {
	body, err := json.Marshal(e)
	if err != nil { // cannot happen: only strings, ints and maps of them
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.HTTPStatus)
	_, _ = w.Write(body) // the client went away; nothing left to tell it
}

func emptyMessageError() *Error {
	return &Error{HTTPStatus: http.StatusBadRequest, Code: CodeEmptyMessage, Message: "Cannot send an empty message"}
}

func invalidJSONError() *Error {
	return &Error{HTTPStatus: http.StatusBadRequest, Code: CodeInvalidJSON, Message: "The request body contains invalid JSON."}
}

// formErrors collects field errors into Discord's nested tree.
type formErrors struct {
	tree map[string]any
}

func (f *formErrors) add(path []string, code, message string) {
	if f.tree == nil {
		f.tree = make(map[string]any)
	}
	node := f.tree
	for _, key := range path {
		next, ok := node[key].(map[string]any)
		if !ok {
			next = make(map[string]any)
			node[key] = next
		}
		node = next
	}
	list, _ := node[errorsKey].([]FieldError)
	fe := FieldError{Code: code, Message: message}
	for _, have := range list {
		if have == fe {
			return // one branch of a oneOf can report what another did
		}
	}
	node[errorsKey] = append(list, fe)
}

func (f *formErrors) empty() bool { return len(f.tree) == 0 }

// asError turns the collected errors into a 50035, or nil when there are none.
func (f *formErrors) asError() *Error {
	if f.empty() {
		return nil
	}
	return &Error{HTTPStatus: http.StatusBadRequest, Code: CodeInvalidFormBody, Message: "Invalid Form Body", Errors: f.tree}
}

// walkFieldErrors visits every FieldError in a tree, parents before children
// and keys in sorted order, so Error() reads the same every time.
func walkFieldErrors(node map[string]any, path []string, visit func([]string, FieldError)) {
	if fes, ok := node[errorsKey].([]FieldError); ok {
		for _, fe := range fes {
			visit(path, fe)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(node)) {
		if child, ok := node[key].(map[string]any); ok {
			walkFieldErrors(child, append(path[:len(path):len(path)], key), visit)
		}
	}
}
