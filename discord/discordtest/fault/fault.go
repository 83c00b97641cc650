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
	// are kept. Empty means 500 and 502.
	Statuses []int
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
	match    func(*http.Request) bool
	statuses []int

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
		if s >= 500 && s <= 599 {
			statuses = append(statuses, s)
		}
	}
	if len(statuses) == 0 {
		statuses = []int{http.StatusInternalServerError, http.StatusBadGateway}
	}
	in := &Injector{
		match:    opts.Match,
		statuses: statuses,
		rand:     r,
		counts:   Counts{Failed: make(map[int]int)},
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
		if status != 0 {
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
