package spec

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestMiddleware(t *testing.T) {
	v := validator(t)
	var reached []string // bodies next saw, in order
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("next read body: %v", err)
		}
		reached = append(reached, string(b))
		w.WriteHeader(http.StatusNoContent)
	})
	srv := httptest.NewServer(v.Middleware(next))
	defer srv.Close()

	do := func(method, path, body string) *http.Response {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = resp.Body.Close() })
		return resp
	}

	ok := `{"content":"hello"}`
	if resp := do("POST", "/api/v9/channels/1/messages", ok); resp.StatusCode != http.StatusNoContent {
		t.Errorf("valid message: status %d", resp.StatusCode)
	}
	if len(reached) != 1 || reached[0] != ok {
		t.Fatalf("next saw %q, want the body restored as %q", reached, ok)
	}

	resp := do("POST", "/api/v9/channels/1/messages", `{"content":"`+strings.Repeat("x", 2001)+`"}`)
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("too long: status %d, content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var got struct {
		Code   int            `json:"code"`
		Errors map[string]any `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || got.Code != CodeInvalidFormBody || got.Errors["content"] == nil {
		t.Errorf("too long: decoded %+v, err %v", got, err)
	}

	if resp := do("POST", "/api/v9/channels/1/messages", ``); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("empty body: status %d, want 400 (50006)", resp.StatusCode)
	}
	if resp := do("GET", "/api/v9/channels/1/messages", `not json`); resp.StatusCode != http.StatusNoContent {
		t.Errorf("GET passes untouched: status %d", resp.StatusCode)
	}
	if len(reached) != 2 {
		t.Errorf("next reached %d times, want 2 (the valid POST and the GET)", len(reached))
	}
}
