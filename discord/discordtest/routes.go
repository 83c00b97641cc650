package discordtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// call is one REST request being answered under the emulator's lock.
type call struct {
	r    *http.Request
	body []byte
	now  time.Time
}

func (c *call) param(name string) string { return c.r.PathValue(name) }

// decode reads the JSON body into v; a malformed body is Discord's 50109.
func (c *call) decode(v any) *apiError {
	if len(bytes.TrimSpace(c.body)) == 0 {
		return errInvalidJSON()
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return errInvalidJSON()
	}
	return nil
}

// upload is one file of a multipart/form-data request.
type upload struct {
	field       string // "files[0]"
	filename    string
	contentType string
	data        []byte
}

// payload returns the JSON part of a request: the body itself, or the
// payload_json field of a multipart/form-data body, with its files.
func (c *call) payload() ([]byte, []upload, *apiError) {
	mediaType, params, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/form-data" {
		return c.body, nil, nil
	}
	mr := multipart.NewReader(bytes.NewReader(c.body), params["boundary"])
	var payloadJSON []byte
	var files []upload
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, errInvalidForm("_", "MULTIPART_INVALID", "Invalid multipart body.")
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return nil, nil, errInvalidForm("_", "MULTIPART_INVALID", "Invalid multipart body.")
		}
		switch name := part.FormName(); {
		case name == "payload_json":
			payloadJSON = data
		case strings.HasPrefix(name, "files[") || part.FileName() != "":
			files = append(files, upload{field: name, filename: part.FileName(),
				contentType: part.Header.Get("Content-Type"), data: data})
		}
	}
	return payloadJSON, files, nil
}

func (c *call) queryInt(name string, def, lo, hi int) (int, *apiError) {
	v := c.r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, errInvalidForm(name, "NUMBER_TYPE_COERCE", fmt.Sprintf("Value %q is not int.", v))
	}
	if n < lo || n > hi {
		return 0, errInvalidForm(name, "NUMBER_TYPE_MAX", fmt.Sprintf("int value should be between %d and %d.", lo, hi))
	}
	return n, nil
}

// handlerFunc answers a REST call: a status and a value to send as JSON, or
// an error Discord would send.
type handlerFunc func(c *call) (int, any, *apiError)

// route serves a handler under both API versions discordgo and Discord's
// docs use. Handlers run under the emulator's lock, so each one is atomic
// with the gateway events it emits.
func (e *Emulator) route(method, path string, h handlerFunc) {
	for _, v := range []string{"/api/v9", "/api/v10"} {
		e.mux.HandleFunc(method+" "+v+path, func(w http.ResponseWriter, r *http.Request) {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				writeAPIError(w, newAPIError(400, 0, "400: Bad Request"))
				return
			}
			status, out := e.serveLocked(h, &call{r: r, body: body})
			writeBody(w, status, out)
		})
	}
}

// serveLocked runs a handler under the lock and encodes its answer, and
// logs the request, before the lock is released: the answer may point into
// the state, which the next request may change, and a test that sees the
// state change also finds the request in Requests. A handler bug must not
// leave the emulator locked for every later request, so a panic becomes a
// 500 that names it.
func (e *Emulator) serveLocked(h handlerFunc, c *call) (int, []byte) {
	e.mu.Lock()
	defer e.mu.Unlock()
	status, v, apiErr := e.runHandler(h, c)
	var body []byte
	if apiErr != nil {
		status, body = encodeJSON(apiErr.Status, apiErr)
	} else {
		e.notifyLocked()
		status, body = encodeJSON(status, v)
	}
	e.logLocked(c.r, status, body)
	return status, body
}

// runHandler calls h, turning a panic into a 500.
func (e *Emulator) runHandler(h handlerFunc, c *call) (status int, v any, apiErr *apiError) {
	defer func() {
		if p := recover(); p != nil {
			status, v, apiErr = 0, nil, newAPIError(http.StatusInternalServerError, 0, fmt.Sprintf("500: emulator bug: %v", p))
		}
	}()
	c.now = e.cfg.now()
	return h(c)
}

func (e *Emulator) registerRoutes() {
	e.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) { writeAPIError(w, errNotFound()) })
	e.gatewayRoutes()
	e.userRoutes()
	e.commandRoutes()
	e.guildRoutes()
	e.channelRoutes()
	e.overwriteRoutes()
	e.messageRoutes()
	e.threadRoutes()
	e.memberRoutes()
	e.interactionRoutes()
	e.eventRoutes()
}

// optional is a JSON field that may be absent, null, or a value; PATCH
// bodies need all three.
type optional[T any] struct {
	Set   bool
	Null  bool
	Value T
}

func (o *optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

// permBits is a permission bit set, sent by Discord's clients as a string
// (discordgo) or a number.
type permBits int64

func (p *permBits) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*p = 0
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("permission bits %q: %w", s, err)
	}
	*p = permBits(n)
	return nil
}
