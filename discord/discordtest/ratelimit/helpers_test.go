package ratelimit

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// okHandler answers 200 with an empty JSON object, like a trivial emulator.
var okHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, "{}")
})

const botToken = "Bot test-token"

func request(t *testing.T, h http.Handler, method, path, token, body string) *httptest.ResponseRecorder {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

type body429 struct {
	Message    string   `json:"message"`
	RetryAfter *float64 `json:"retry_after"`
	Global     *bool    `json:"global"`
}

func decode429(t *testing.T, rec *httptest.ResponseRecorder) body429 {
	t.Helper()
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("status = %d, want 429; body %s", rec.Code, rec.Body)
	}
	var b body429
	if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
		t.Fatalf("429 body %q: %v", rec.Body, err)
	}
	if b.Message != "You are being rate limited." || b.RetryAfter == nil || b.Global == nil {
		t.Fatalf("429 body %s lacks message, retry_after or global", rec.Body)
	}
	return b
}

func headerFloat(t *testing.T, rec *httptest.ResponseRecorder, name string) float64 {
	t.Helper()
	v := rec.Header().Get(name)
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		t.Fatalf("header %s = %q: %v", name, v, err)
	}
	return f
}

func headerInt(t *testing.T, rec *httptest.ResponseRecorder, name string) int {
	t.Helper()
	v := rec.Header().Get(name)
	n, err := strconv.Atoi(v)
	if err != nil {
		t.Fatalf("header %s = %q: %v", name, v, err)
	}
	return n
}

func approx(a, b float64) bool { return a-b < 0.0015 && b-a < 0.0015 }
