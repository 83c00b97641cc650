package spec

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
)

// maxBodyBytes caps what Middleware reads: Discord's largest upload limit
// (500 MiB is boosted tiers; bots are held to 25 MiB) plus room for the form.
const maxBodyBytes = 32 << 20

// CodeRequestTooLarge is Discord's "Request entity too large".
const CodeRequestTooLarge = 40005

// Middleware validates the body of every POST, PUT and PATCH before next sees
// it and answers a rejection itself, as Discord would (an empty body counts
// as {}, so an empty message create gets 50006 like on Discord). Accepted
// requests reach next with the body restored. Other methods pass untouched.
func (v *Validator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch:
		default:
			next.ServeHTTP(w, r)
			return
		}
		body, err := readBody(r)
		if err != nil {
			WriteError(w, err)
			return
		}
		if e := v.ValidateRequest(r.Method, r.URL.Path, r.Header.Get("Content-Type"), body); e != nil {
			WriteError(w, e)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		next.ServeHTTP(w, r)
	})
}

func readBody(r *http.Request) ([]byte, *Error) {
	if r.Body == nil {
		return nil, nil
	}
	defer func() { _ = r.Body.Close() }() // read fully or abandoned; nothing to report
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	switch {
	case err != nil:
		return nil, &Error{HTTPStatus: http.StatusBadRequest, Code: CodeInvalidFormBody, Message: fmt.Sprintf("read body: %v", err)}
	case len(body) > maxBodyBytes:
		return nil, &Error{HTTPStatus: http.StatusRequestEntityTooLarge, Code: CodeRequestTooLarge, Message: "Request entity too large"}
	}
	return body, nil
}
