package fault

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func seeded(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed+1)) }

// countingHandler answers 200 and counts the requests that reach it.
func countingHandler(n *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusOK)
	})
}

func serve(h http.Handler, method, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec
}

func TestErrorRateOneAlwaysFails(t *testing.T) {
	var reached atomic.Int64
	in := New(Options{ErrorRate: 1, Rand: seeded(1)})
	h := in.Middleware(countingHandler(&reached))
	seen := map[int]bool{}
	for range 40 {
		rec := serve(h, "POST", "/api/v9/channels/1/messages")
		seen[rec.Code] = true
		var body struct {
			Message string `json:"message"`
			Code    *int   `json:"code"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("body %q: %v", rec.Body, err)
		}
		want := map[int]string{500: "500: Internal Server Error", 502: "502: Bad Gateway"}[rec.Code]
		if want == "" || body.Message != want || body.Code == nil || *body.Code != 0 {
			t.Errorf("status %d body %s, want 500 or 502 with Discord's message and code 0", rec.Code, rec.Body)
		}
		if rec.Header().Get("Content-Type") != "application/json" {
			t.Errorf("Content-Type = %q", rec.Header().Get("Content-Type"))
		}
	}
	if !seen[500] || !seen[502] {
		t.Errorf("statuses seen %v, want both 500 and 502 over 40 requests", seen)
	}
	if reached.Load() != 0 {
		t.Errorf("%d failed requests reached the handler; an injected error must replace it", reached.Load())
	}
	c := in.Counts()
	if c.Matched != 40 || c.FailedTotal() != 40 || c.Failed[500]+c.Failed[502] != 40 || c.Delayed != 0 {
		t.Errorf("Counts() = %+v", c)
	}
}

func TestErrorRateZeroNeverFails(t *testing.T) {
	var reached atomic.Int64
	in := New(Options{Rand: seeded(2)})
	h := in.Middleware(countingHandler(&reached))
	for range 200 {
		if rec := serve(h, "GET", "/api/v9/users/@me"); rec.Code != http.StatusOK {
			t.Fatalf("status %d with error rate 0", rec.Code)
		}
	}
	if reached.Load() != 200 || in.Counts().FailedTotal() != 0 {
		t.Errorf("reached %d, failed %d; want 200 and 0", reached.Load(), in.Counts().FailedTotal())
	}
}

func TestSeededRunsAreReproducible(t *testing.T) {
	run := func() []int {
		var reached atomic.Int64
		h := New(Options{ErrorRate: 0.5, Rand: seeded(42)}).Middleware(countingHandler(&reached))
		codes := make([]int, 100)
		for i := range codes {
			codes[i] = serve(h, "GET", "/x").Code
		}
		return codes
	}
	a, b := run(), run()
	ok, failed := 0, 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("request %d: %d then %d with the same seed", i, a[i], b[i])
		}
		if a[i] == http.StatusOK {
			ok++
		} else {
			failed++
		}
	}
	if ok == 0 || failed == 0 {
		t.Errorf("error rate 0.5 gave %d successes and %d failures over 100 requests", ok, failed)
	}
}

func TestStatusesOption(t *testing.T) {
	var reached atomic.Int64
	h := New(Options{ErrorRate: 1, Statuses: []int{503, 200, 404}}).Middleware(countingHandler(&reached))
	for range 10 {
		if rec := serve(h, "GET", "/x"); rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("status %d, want 503 (non-5xx statuses are dropped)", rec.Code)
		}
	}
	h = New(Options{ErrorRate: 1, Statuses: []int{404}, Rand: seeded(3)}).Middleware(countingHandler(&reached))
	if rec := serve(h, "GET", "/x"); rec.Code != 500 && rec.Code != 502 {
		t.Errorf("status %d, want the default 500 or 502 when no 5xx is given", rec.Code)
	}
}

func TestOutOfRangeOptionsAreClamped(t *testing.T) {
	var reached atomic.Int64
	for _, tc := range []struct {
		rate     float64
		wantFail bool
	}{{5, true}, {-1, false}, {math.NaN(), false}, {math.Inf(1), true}} {
		h := New(Options{ErrorRate: tc.rate, Latency: -time.Second, Jitter: -time.Second}).Middleware(countingHandler(&reached))
		failed := serve(h, "GET", "/x").Code != http.StatusOK
		if failed != tc.wantFail {
			t.Errorf("ErrorRate %v: failed = %v, want %v", tc.rate, failed, tc.wantFail)
		}
	}
}

func TestLatencyDelaysRequests(t *testing.T) {
	var reached atomic.Int64
	const latency = 30 * time.Millisecond
	in := New(Options{Latency: latency, Jitter: 10 * time.Millisecond, Rand: seeded(4)})
	h := in.Middleware(countingHandler(&reached))
	start := time.Now()
	rec := serve(h, "GET", "/x")
	// A lower bound only: the delay can be longer, never shorter.
	if elapsed := time.Since(start); elapsed < latency {
		t.Errorf("request took %s, want at least the latency %s", elapsed, latency)
	}
	if rec.Code != http.StatusOK || reached.Load() != 1 || in.Counts().Delayed != 1 {
		t.Errorf("status %d reached %d delayed %d; want 200, 1, 1", rec.Code, reached.Load(), in.Counts().Delayed)
	}
}

func TestLatencyEndsWhenClientGivesUp(t *testing.T) {
	var reached atomic.Int64
	h := New(Options{Latency: time.Hour}).Middleware(countingHandler(&reached))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		req := httptest.NewRequest("GET", "/x", nil).WithContext(ctx)
		h.ServeHTTP(httptest.NewRecorder(), req)
	}()
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a cancelled request is still held by the latency")
	}
	if reached.Load() != 0 {
		t.Error("a cancelled request reached the handler")
	}
}

func TestMatchRestrictsFaults(t *testing.T) {
	var reached atomic.Int64
	in := New(Options{ErrorRate: 1, Match: func(r *http.Request) bool { return r.Method == http.MethodPost }})
	h := in.Middleware(countingHandler(&reached))
	if rec := serve(h, "GET", "/api/v9/channels/1"); rec.Code != http.StatusOK {
		t.Errorf("unmatched GET: status %d, want 200", rec.Code)
	}
	if rec := serve(h, "POST", "/api/v9/channels/1/messages"); rec.Code < 500 {
		t.Errorf("matched POST: status %d, want a 5xx", rec.Code)
	}
	if c := in.Counts(); c.Matched != 1 {
		t.Errorf("Matched = %d, want 1", c.Matched)
	}
}

func TestSettersTakeEffect(t *testing.T) {
	var reached atomic.Int64
	in := New(Options{Rand: seeded(5)})
	h := in.Middleware(countingHandler(&reached))
	if serve(h, "GET", "/x").Code != http.StatusOK {
		t.Fatal("failure before any error rate was set")
	}
	in.SetErrorRate(1)
	if serve(h, "GET", "/x").Code < 500 {
		t.Error("SetErrorRate(1) did not make the next request fail")
	}
	in.SetErrorRate(0)
	in.SetLatency(20*time.Millisecond, 0)
	start := time.Now()
	if serve(h, "GET", "/x").Code != http.StatusOK || time.Since(start) < 20*time.Millisecond {
		t.Error("SetErrorRate(0) + SetLatency(20ms): want a delayed success")
	}
}

func TestConcurrentUse(t *testing.T) {
	var reached atomic.Int64
	in := New(Options{ErrorRate: 0.3, Rand: seeded(6)})
	h := in.Middleware(countingHandler(&reached))
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 100 {
				if i == 0 && j%10 == 0 {
					in.SetErrorRate(float64(j%3) / 3)
					in.SetLatency(0, time.Duration(j)*time.Microsecond)
				}
				serve(h, "GET", "/x")
				_ = in.Counts()
			}
		})
	}
	wg.Wait()
	c := in.Counts()
	if c.Matched != 400 || int64(c.FailedTotal())+reached.Load() != 400 {
		t.Errorf("Matched %d, failed %d + reached %d; want 400 and a sum of 400", c.Matched, c.FailedTotal(), reached.Load())
	}
}
