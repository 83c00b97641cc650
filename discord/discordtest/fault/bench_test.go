package fault

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

var noop = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })

// BenchmarkMiddleware measures the injector's cost when half the requests
// fail and none are delayed.
func BenchmarkMiddleware(b *testing.B) {
	h := New(Options{ErrorRate: 0.5, Rand: seeded(7)}).Middleware(noop)
	req := httptest.NewRequest("POST", "/api/v9/channels/1/messages", nil)
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
}
