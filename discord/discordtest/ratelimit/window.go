package ratelimit

import "time"

// window is a fixed-window counter that opens at its first request, as
// Discord's buckets do (Reset-After counts down from the first call).
type window struct {
	limit   Limit
	count   int
	resetAt time.Time
}

// refresh starts a new window when the current one has ended.
func (w *window) refresh(now time.Time) {
	if !now.Before(w.resetAt) {
		w.count = 0
		w.resetAt = now.Add(w.limit.Per)
	}
}

// full reports whether another request would exceed the limit.
func (w *window) full(now time.Time) bool {
	w.refresh(now)
	return w.count >= w.limit.Requests
}

// take counts one request; callers check full first.
func (w *window) take(now time.Time) {
	w.refresh(now)
	w.count++
}

// remaining is how many requests the current window still allows.
func (w *window) remaining() int {
	if r := w.limit.Requests - w.count; r > 0 {
		return r
	}
	return 0
}

// expired reports whether the window has ended, so the counter holds no
// information worth keeping.
func (w *window) expired(now time.Time) bool { return !now.Before(w.resetAt) }
