package ratelimit

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// stepClock advances by step on every reading, so a benchmark loop moves
// through time without sleeping. Benchmarks run one goroutine, no lock needed.
type stepClock struct {
	t    time.Time
	step time.Duration
}

func (c *stepClock) Now() time.Time {
	c.t = c.t.Add(c.step)
	return c.t
}

// BenchmarkMiddleware measures the limiter's cost on an admitted message
// create: route parsing, bucket lookup, headers, status watching. The clock
// moves 1.1 s per request so the 5 per 5 s bucket never fills.
func BenchmarkMiddleware(b *testing.B) {
	clock := &stepClock{t: time.Unix(1_800_000_000, 0), step: 1100 * time.Millisecond}
	h := New(ProfileRealistic(), Options{Now: clock.Now}).Middleware(okHandler)
	req := httptest.NewRequest("POST", "/api/v9/channels/123456789012345678/messages", nil)
	req.Header.Set("Authorization", botToken)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkBaseline is the same request without the limiter, to subtract.
func BenchmarkBaseline(b *testing.B) {
	req := httptest.NewRequest("POST", "/api/v9/channels/123456789012345678/messages", nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		okHandler.ServeHTTP(rec, req)
	}
}

// BenchmarkMiddlewareRename adds the body peek of a channel rename.
func BenchmarkMiddlewareRename(b *testing.B) {
	clock := &stepClock{t: time.Unix(1_800_000_000, 0), step: 6 * time.Minute}
	h := New(ProfileRealistic(), Options{Now: clock.Now}).Middleware(okHandler)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("PATCH", "/api/v9/channels/123456789012345678", strings.NewReader(`{"name":"room-1"}`))
		req.Header.Set("Authorization", botToken)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkMiddlewareRejected measures a 429 answer.
func BenchmarkMiddlewareRejected(b *testing.B) {
	clock := &stepClock{t: time.Unix(1_800_000_000, 0), step: time.Nanosecond}
	h := New(ProfileRealistic(), Options{Now: clock.Now}).Middleware(okHandler)
	req := httptest.NewRequest("POST", "/api/v9/channels/1/messages/bulk-delete", nil)
	req.Header.Set("Authorization", botToken)
	h.ServeHTTP(httptest.NewRecorder(), req)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusTooManyRequests {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

func BenchmarkRouteOf(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		RouteOf("PUT", "/api/v9/channels/123456789012345678/messages/123456789012345679/reactions/blob:1/@me")
	}
}
