package fault

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Options configure an Injector. The zero value injects nothing.
type Options struct {
	// Latency delays every matched request.
	Latency time.Duration
	// Jitter adds a uniformly random extra delay in [0, Jitter].
	Jitter time.Duration
	// ErrorRate is the probability (0..1) that a matched request is answered
	// with a server error instead of reaching the next handler.
	ErrorRate float64
	// Statuses are the errors to answer, picked uniformly; only 5xx codes
	// and 429 are kept. Empty means 500 and 502. A 429 is Discord's answer
	// for a shared resource limit (X-RateLimit-Scope: shared): one the
	// client could not have seen coming from its own buckets.
	Statuses []int
	// RetryAfter is how long an injected 429 asks the client to wait.
	// Zero means 250 ms.
	RetryAfter time.Duration
	// Rand is the randomness source; seed it for reproducible tests. The
	// Injector guards it with its own mutex. Nil means a time-seeded source.
	Rand *rand.Rand
	// Match restricts faults to the requests it accepts; nil matches all.
	Match func(*http.Request) bool
}

// Counts reports what an Injector did.
type Counts struct {
	// Matched is the number of requests faults applied to.
	Matched int
	// Delayed is the number of matched requests held back by a non-zero delay.
	Delayed int
	// Failed counts the injected error answers by status code.
	Failed map[int]int
}

// FailedTotal is the number of injected error answers of any status.
func (c Counts) FailedTotal() int {
	n := 0
	for _, v := range c.Failed {
		n += v
	}
	return n
}

// Injector is a fault-injecting middleware. It is safe for concurrent use.
type Injector struct {
	match      func(*http.Request) bool
	statuses   []int
	retryAfter time.Duration

	mu        sync.Mutex
	rand      *rand.Rand
	latency   time.Duration
	jitter    time.Duration
	errorRate float64
	counts    Counts
}

// New returns an Injector configured by opts. Out-of-range values are
// clamped: negative durations become 0, ErrorRate is held to [0, 1] (NaN
// becomes 0).
func New(opts Options) *Injector {
	r := opts.Rand
	if r == nil {
		seed := uint64(time.Now().UnixNano())
		r = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	}
	var statuses []int
	for _, s := range opts.Statuses {
		if s >= 500 && s <= 599 || s == http.StatusTooManyRequests {
			statuses = append(statuses, s)
		}
	}
	if len(statuses) == 0 {
		statuses = []int{http.StatusInternalServerError, http.StatusBadGateway}
	}
	retryAfter := opts.RetryAfter
	if retryAfter <= 0 {
		retryAfter = 250 * time.Millisecond
	}
	in := &Injector{
		match:      opts.Match,
		statuses:   statuses,
		retryAfter: retryAfter,
		rand:       r,
		counts:     Counts{Failed: make(map[int]int)},
	}
	in.SetLatency(opts.Latency, opts.Jitter)
	in.SetErrorRate(opts.ErrorRate)
	return in
}

// SetLatency changes the delay of requests that start from now on.
func (in *Injector) SetLatency(latency, jitter time.Duration) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.latency = max(latency, 0)
	in.jitter = max(jitter, 0)
}

// SetErrorRate changes the probability of an injected error, clamped to [0, 1].
func (in *Injector) SetErrorRate(rate float64) {
	switch {
	case math.IsNaN(rate) || rate < 0:
		rate = 0
	case rate > 1:
		rate = 1
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	in.errorRate = rate
}

// Counts returns a snapshot of what was injected so far.
func (in *Injector) Counts() Counts {
	in.mu.Lock()
	defer in.mu.Unlock()
	c := in.counts
	c.Failed = make(map[int]int, len(in.counts.Failed))
	for k, v := range in.counts.Failed {
		c.Failed[k] = v
	}
	return c
}

// Middleware applies the faults in front of next.
func (in *Injector) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if in.match != nil && !in.match(r) {
			next.ServeHTTP(w, r)
			return
		}
		delay, status := in.plan()
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				// The client gave up; nobody reads an answer.
				t.Stop()
				return
			}
		}
		switch status {
		case 0:
		case http.StatusTooManyRequests:
			writeSharedLimit(w, in.retryAfter)
			return
		default:
			writeDiscordError(w, status)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// plan draws the delay and the error (0 for none) of one matched request
// and counts them.
func (in *Injector) plan() (time.Duration, int) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.counts.Matched++
	delay := in.latency
	if in.jitter > 0 {
		delay += time.Duration(in.rand.Int64N(int64(in.jitter) + 1))
	}
	if delay > 0 {
		in.counts.Delayed++
	}
	status := 0
	if in.errorRate > 0 && in.rand.Float64() < in.errorRate {
		status = in.statuses[in.rand.IntN(len(in.statuses))]
		in.counts.Failed[status]++
	}
	return delay, status
}

// discordError is the shape of Discord's HTTP-level error bodies, e.g.
// {"message": "404: Not Found", "code": 0}.
type discordError struct {
	Message string `json:"message"`
	Code    int    `json:"code"`
}

func writeDiscordError(w http.ResponseWriter, status int) {
	body, err := json.Marshal(discordError{Message: strconv.Itoa(status) + ": " + http.StatusText(status)})
	if err != nil {
		http.Error(w, http.StatusText(status), status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// rateLimited is the body of Discord's 429 (topics-rate-limits.mdx).
type rateLimited struct {
	Message    string  `json:"message"`
	RetryAfter float64 `json:"retry_after"` // seconds
	Global     bool    `json:"global"`
}

// writeSharedLimit answers as Discord does when a shared resource is rate
// limited: 429, Retry-After in whole seconds, scope shared, and the wait in
// the body in seconds.
func writeSharedLimit(w http.ResponseWriter, retryAfter time.Duration) {
	body, err := json.Marshal(rateLimited{Message: "The resource is being rate limited.", RetryAfter: retryAfter.Seconds()})
	if err != nil {
		http.Error(w, http.StatusText(http.StatusTooManyRequests), http.StatusTooManyRequests)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Retry-After", strconv.FormatInt(int64(math.Ceil(retryAfter.Seconds())), 10))
	h.Set("X-RateLimit-Scope", "shared")
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = w.Write(body)
}
