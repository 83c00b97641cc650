package ratelimit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Header names Discord uses.
const (
	HeaderLimit      = "X-RateLimit-Limit"
	HeaderRemaining  = "X-RateLimit-Remaining"
	HeaderReset      = "X-RateLimit-Reset"
	HeaderResetAfter = "X-RateLimit-Reset-After"
	HeaderBucket     = "X-RateLimit-Bucket"
	HeaderGlobal     = "X-RateLimit-Global"
	HeaderScope      = "X-RateLimit-Scope"
	HeaderRetryAfter = "Retry-After"
)

// maxPeekBody bounds how much of a body the limiter reads to find its keys;
// bodies of routes with body-dependent rules (channel edits) are tiny.
const maxPeekBody = 1 << 20

// Middleware enforces the limits in front of next. It sets the rate limit
// headers before next writes, answers 429 itself when a limit is hit, and
// watches next's status to count invalid requests.
func (l *Limiter) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l.opts.Exempt != nil && l.opts.Exempt(r) {
			next.ServeHTTP(w, r)
			return
		}
		route := RouteOf(r.Method, r.URL.Path)
		var keys map[string]bool
		if l.needsBody(route) {
			var err error
			keys, err = peekBodyKeys(r)
			if err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]any{"message": "400: Bad Request", "code": 0})
				return
			}
		}
		d, v := l.admit(route, r.Header.Get("Authorization"), clientHost(r.RemoteAddr), keys)
		if v != nil && l.opts.OnViolation != nil {
			l.opts.OnViolation(*v)
		}
		if d.headers != nil {
			setBucketHeaders(w.Header(), d.headers, d.now)
		}
		if d.reject {
			write429(w, d)
			return
		}
		next.ServeHTTP(&statusWatcher{ResponseWriter: w, limiter: l}, r)
	})
}

// setBucketHeaders writes the per-route headers. Times are rounded up to the
// millisecond so a client that waits exactly Reset-After never comes back
// early.
func setBucketHeaders(h http.Header, b *bucketInfo, now time.Time) {
	h.Set(HeaderLimit, strconv.Itoa(b.limit))
	h.Set(HeaderRemaining, strconv.Itoa(b.remaining))
	h.Set(HeaderReset, formatMillis(ceilMillis(b.resetAt.UnixNano())))
	h.Set(HeaderResetAfter, formatMillis(ceilMillis(int64(b.resetAt.Sub(now)))))
	h.Set(HeaderBucket, b.hash)
}

// rateLimitBody is Discord's "Rate Limit Response Structure".
type rateLimitBody struct {
	Message    string          `json:"message"`
	RetryAfter json.RawMessage `json:"retry_after"`
	Global     bool            `json:"global"`
}

func write429(w http.ResponseWriter, d decision) {
	retryMillis := ceilMillis(int64(d.retryAfter))
	retrySeconds := (retryMillis + 999) / 1000
	h := w.Header()
	h.Set(HeaderRetryAfter, strconv.FormatInt(retrySeconds, 10))
	h.Set(HeaderScope, d.scope)
	if d.global {
		h.Set(HeaderGlobal, "true")
	}
	if d.banned {
		// Cloudflare answers the ban, not Discord's API: no JSON body.
		h.Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprintf(w, "%s\nerror code: 1015\n", d.message)
		return
	}
	writeJSON(w, http.StatusTooManyRequests, rateLimitBody{
		Message:    d.message,
		RetryAfter: json.RawMessage(formatMillis(retryMillis)),
		Global:     d.global,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// ceilMillis rounds nanoseconds up to whole milliseconds (never negative).
func ceilMillis(nanos int64) int64 {
	if nanos <= 0 {
		return 0
	}
	return int64(math.Ceil(float64(nanos) / float64(time.Millisecond)))
}

// formatMillis renders milliseconds as seconds with three decimals.
func formatMillis(ms int64) string {
	var buf [24]byte
	b := strconv.AppendInt(buf[:0], ms/1000, 10)
	frac := ms % 1000
	return string(append(b, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10)))
}

// peekBodyKeys reads the request body, puts it back for the next handler,
// and returns the top-level keys of a JSON object body (nil for any other
// body: the emulator's validation answers malformed JSON).
func peekBodyKeys(r *http.Request) (map[string]bool, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	orig := r.Body
	buf, err := io.ReadAll(io.LimitReader(orig, maxPeekBody+1))
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	if len(buf) > maxPeekBody {
		r.Body = readCloser{io.MultiReader(bytes.NewReader(buf), orig), orig}
		return nil, nil
	}
	r.Body = readCloser{bytes.NewReader(buf), orig}
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.Contains(ct, "json") {
		return nil, nil
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(buf, &obj) != nil {
		return nil, nil
	}
	keys := make(map[string]bool, len(obj))
	for k := range obj {
		keys[k] = true
	}
	return keys, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

func clientHost(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return remoteAddr
	}
	return host
}

// statusWatcher counts the inner handler's invalid answers (401, 403, and
// 429 unless of scope shared).
type statusWatcher struct {
	http.ResponseWriter
	limiter     *Limiter
	wroteHeader bool
}

func (s *statusWatcher) WriteHeader(code int) {
	if !s.wroteHeader {
		s.wroteHeader = true
		switch {
		case code == http.StatusUnauthorized, code == http.StatusForbidden:
			s.limiter.countInvalid()
		case code == http.StatusTooManyRequests && s.Header().Get(HeaderScope) != ScopeShared:
			s.limiter.countInvalid()
		}
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWatcher) Write(p []byte) (int, error) {
	if !s.wroteHeader {
		s.WriteHeader(http.StatusOK)
	}
	return s.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusWatcher) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Flush supports streaming handlers.
func (s *statusWatcher) Flush() {
	if !s.wroteHeader {
		s.WriteHeader(http.StatusOK)
	}
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack supports the gateway's websocket upgrade when the emulator serves
// it behind the same middleware.
func (s *statusWatcher) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := s.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("ratelimit: underlying ResponseWriter cannot hijack")
	}
	s.wroteHeader = true
	return h.Hijack()
}
