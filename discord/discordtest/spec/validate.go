package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

const (
	mediaJSON      = "application/json"
	mediaMultipart = "multipart/form-data"
)

// request is a decoded body with what the checks need to know about it.
type request struct {
	op       *operation
	instance any // decoded JSON, numbers as json.Number
	files    int // file parts of a multipart body
}

// ValidateRequest checks one request body as Discord would and returns nil
// when Discord would accept it. JSON bodies are checked as they are; for
// multipart/form-data the payload_json part is the body (that is how
// discordgo sends files), or, without one, the text fields are.
//
// Requests the spec does not describe, or whose operation takes no body, are
// not this function's business and pass (nil): the emulator answers 404 for
// unknown routes itself. An empty body on POST, PUT or PATCH counts as {}.
//
// It returns *Error, not error, so callers reach the HTTP status and code
// directly; don't assign the result to an error variable before comparing
// with nil (a nil *Error in an error interface is not nil).
func (v *Validator) ValidateRequest(method, path, contentType string, body []byte) *Error {
	op, _, ok := v.lookup(method, path)
	if !ok || len(op.bodies) == 0 {
		return nil
	}
	req, rerr := decodeRequest(op, contentType, body)
	if rerr != nil {
		return rerr
	}
	if req == nil {
		return nil
	}
	var f formErrors
	if err := v.checkSchema(&f, req); err != nil {
		// The embedded spec failed to compile: a bug here, not in the caller's
		// body, so answer as Discord does for its own faults.
		return &Error{HTTPStatus: http.StatusInternalServerError, Code: 0, Message: err.Error()}
	}
	checkLimits(&f, req)
	if e := f.asError(); e != nil {
		return e
	}
	if isEmptyMessage(req) {
		return emptyMessageError()
	}
	return nil
}

// decodeRequest reads the body into a JSON instance; nil, nil means there is
// nothing to check.
func decodeRequest(op *operation, contentType string, body []byte) (*request, *Error) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		mediaType = mediaJSON // discordgo always names its type; curl users may not
	}
	req := &request{op: op}
	if mediaType == mediaMultipart {
		payload, fields, files, err := readMultipart(params["boundary"], body)
		if err != nil {
			return nil, &Error{HTTPStatus: http.StatusBadRequest, Code: CodeInvalidFormBody, Message: "Invalid Form Body",
				Errors: map[string]any{errorsKey: []FieldError{{Code: "BASE_TYPE_INVALID", Message: err.Error()}}}}
		}
		req.files = files
		if payload == nil {
			req.instance = fields
			return req, nil
		}
		if len(bytes.TrimSpace(payload)) == 0 {
			return nil, invalidJSONError()
		}
		body = payload // and decode it as the JSON body below
	}
	if len(bytes.TrimSpace(body)) == 0 {
		switch op.method {
		case http.MethodPost, http.MethodPut, http.MethodPatch:
			req.instance = map[string]any{}
			return req, nil
		}
		return nil, nil
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return nil, invalidJSONError()
	}
	req.instance = inst
	return req, nil
}

// readMultipart splits a multipart/form-data body into its payload_json
// part (nil when absent), its other text fields, and the number of files.
func readMultipart(boundary string, body []byte) (payload []byte, fields map[string]any, files int, err error) {
	if boundary == "" {
		return nil, nil, 0, errors.New("multipart body without a boundary")
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	fields = map[string]any{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return payload, fields, files, nil
		}
		if err != nil {
			return nil, nil, 0, fmt.Errorf("read multipart body: %w", err)
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("read multipart part %q: %w", part.FormName(), err)
		}
		switch {
		case part.FormName() == "payload_json":
			payload = data
		case part.FileName() != "" || strings.HasPrefix(part.FormName(), "files["):
			files++
		default:
			fields[part.FormName()] = string(data)
		}
	}
}

// checkSchema coerces integer strings and validates against the operation's
// body schema. A multipart payload_json is the JSON body, so it is held to
// the JSON schema; only operations without one use the multipart schema.
func (v *Validator) checkSchema(f *formErrors, req *request) error {
	s, err := v.schema(req.op, mediaJSON)
	if err != nil {
		return err
	}
	if s == nil {
		if s, err = v.schema(req.op, mediaMultipart); err != nil {
			return err
		}
	}
	if s == nil {
		return nil
	}
	req.instance = coerceIntegerStrings(req.instance, s)
	if err := s.Validate(req.instance); err != nil {
		addSchemaErrors(f, err, req.instance)
	}
	return nil
}
