package discordtest

import (
	"fmt"
	"net/http"
)

// apiError is an error answered the way Discord answers it: an HTTP status
// and a JSON body {"code", "message", "errors"}.
type apiError struct {
	Status  int            `json:"-"`
	Code    int            `json:"code"`
	Message string         `json:"message"`
	Errors  map[string]any `json:"errors,omitempty"`
}

func (e *apiError) Error() string {
	return fmt.Sprintf("discord %d: %d %s", e.Status, e.Code, e.Message)
}

func newAPIError(status, code int, message string) *apiError {
	return &apiError{Status: status, Code: code, Message: message}
}

// Errors with the codes and messages of topics-opcodes-and-status-codes.mdx.
func errUnauthorized() *apiError       { return newAPIError(401, 0, "401: Unauthorized") }
func errNotFound() *apiError           { return newAPIError(404, 0, "404: Not Found") }
func errUnknownChannel() *apiError     { return newAPIError(404, 10003, "Unknown Channel") }
func errUnknownGuild() *apiError       { return newAPIError(404, 10004, "Unknown Guild") }
func errUnknownMember() *apiError      { return newAPIError(404, 10007, "Unknown Member") }
func errUnknownMessage() *apiError     { return newAPIError(404, 10008, "Unknown Message") }
func errUnknownRole() *apiError        { return newAPIError(404, 10011, "Unknown Role") }
func errUnknownUser() *apiError        { return newAPIError(404, 10013, "Unknown User") }
func errUnknownWebhook() *apiError     { return newAPIError(404, 10015, "Unknown Webhook") }
func errUnknownCommand() *apiError     { return newAPIError(404, 10063, "Unknown application command") }
func errUnknownInteraction() *apiError { return newAPIError(404, 10062, "Unknown interaction") }
func errUnknownEvent() *apiError       { return newAPIError(404, 10070, "Unknown Guild Scheduled Event") }
func errUnknownTag() *apiError         { return newAPIError(404, 10087, "Unknown Tag") }
func errMissingAccess() *apiError      { return newAPIError(403, 50001, "Missing Access") }
func errMissingPermissions() *apiError { return newAPIError(403, 50013, "Missing Permissions") }
func errInvalidWebhookToken() *apiError {
	return newAPIError(401, 50027, "Invalid Webhook Token")
}
func errTooManyChannels() *apiError {
	return newAPIError(400, 30013, "Maximum number of guild channels reached (500)")
}
func errTooManyRoles() *apiError {
	return newAPIError(400, 30005, "Maximum number of guild roles reached (250)")
}
func errNotInVoice() *apiError {
	return newAPIError(400, 40032, "Target user is not connected to voice.")
}
func errAlreadyAcknowledged() *apiError {
	return newAPIError(400, 40060, "Interaction has already been acknowledged.")
}
func errEmptyMessage() *apiError { return newAPIError(400, 50006, "Cannot send an empty message") }
func errNonTextChannel() *apiError {
	return newAPIError(400, 50008, "Cannot send messages in a non-text channel")
}
func errCannotMessageUser() *apiError {
	return newAPIError(403, 50007, "Cannot send messages to this user")
}
func errForumMessage() *apiError {
	return newAPIError(400, 40058, "Cannot send a message in a forum channel")
}
func errCannotEditOthers() *apiError {
	return newAPIError(403, 50005, "Cannot edit a message authored by another user")
}
func errWrongChannelType() *apiError {
	return newAPIError(400, 50024, "Cannot execute action on this channel type")
}
func errInvalidJSON() *apiError {
	return newAPIError(400, 50109, "The request body contains invalid JSON.")
}

// errInvalidForm is Discord's 50035 with one field error, e.g.
// errInvalidForm("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.").
// A dotted field ("permission_overwrites.0.allow") nests as Discord nests it.
func errInvalidForm(field, code, message string) *apiError {
	e := newAPIError(400, 50035, "Invalid Form Body")
	leaf := map[string]any{"_errors": []any{map[string]any{"code": code, "message": message}}}
	e.Errors = nestField(field, leaf)
	return e
}

func nestField(field string, leaf map[string]any) map[string]any {
	for i := len(field) - 1; i >= 0; i-- {
		if field[i] == '.' {
			return nestField(field[:i], map[string]any{field[i+1:]: leaf})
		}
	}
	return map[string]any{field: leaf}
}

func errBadLength(field string, min, max int) *apiError {
	return errInvalidForm(field, "BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between %d and %d in length.", min, max))
}

// writeJSON answers v as JSON with the given status; 204 has no body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	status, body := encodeJSON(status, v)
	writeBody(w, status, body)
}

// encodeJSON is the status and body of an answer of v as JSON; 204 has no
// body.
func encodeJSON(status int, v any) (int, []byte) {
	if status == http.StatusNoContent {
		return status, nil
	}
	body, err := marshalWire(v)
	if err != nil {
		return http.StatusInternalServerError, []byte(`{"code":0,"message":"500: Internal Server Error"}`)
	}
	return status, body
}

// writeBody sends an encoded JSON answer.
func writeBody(w http.ResponseWriter, status int, body []byte) {
	if body != nil {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeAPIError(w http.ResponseWriter, e *apiError) { writeJSON(w, e.Status, e) }
