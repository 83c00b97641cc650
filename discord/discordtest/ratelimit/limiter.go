package ratelimit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Scopes of a 429, as sent in X-RateLimit-Scope.
const (
	ScopeUser   = "user"   // a per-bot route bucket or sub-limit
	ScopeGlobal = "global" // the per-bot global limit
	ScopeShared = "shared" // a per-resource limit; not counted as invalid
)

// Options tune a Limiter. The zero value is usable: real time, not strict.
type Options struct {
	// Strict records every 429 the limiter answers as a Violation and
	// hands it to OnViolation.
	Strict bool
	// OnViolation, when set, is called in strict mode for each violation,
	// outside the limiter's lock (the emulator calls t.Errorf from it).
	OnViolation func(Violation)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// EnforceInvalidRequestLimit answers every request with a 429 once the
	// invalid requests in the current window pass the profile's
	// InvalidRequests limit, as Discord's temporary Cloudflare ban does.
	EnforceInvalidRequestLimit bool
	// Exempt, when set, lets the requests it accepts through untouched and
	// uncounted: the emulator's own control endpoints and the gateway
	// upgrade are not Discord REST calls.
	Exempt func(*http.Request) bool
}

// Violation is a 429 answered in strict mode.
type Violation struct {
	Time time.Time
	// Route is the method and template, e.g. "POST /channels/{channel_id}/messages".
	Route string
	// Major is the top-level resource, e.g. "channel_id=123".
	Major string
	// Bucket is the X-RateLimit-Bucket of the limit hit, "global" for the
	// global limit, "invalid-requests" for the Cloudflare ban.
	Bucket string
	// Rule names the rule that rejected the request, e.g. "channel-rename".
	Rule       string
	Scope      string
	RetryAfter time.Duration
}

func (v Violation) String() string {
	return fmt.Sprintf("rate limit hit at %s: %s (%s) rule %s bucket %s scope %s, retry after %s",
		v.Time.UTC().Format(time.RFC3339Nano), v.Route, v.Major, v.Rule, v.Bucket, v.Scope, v.RetryAfter)
}

// RouteStat counts the calls to one route.
type RouteStat struct {
	// Route is the method and template.
	Route string
	// Calls is every request seen, rejected ones included.
	Calls int
	// RateLimited is how many of them the limiter answered with 429.
	RateLimited int
}

// Limiter enforces a Profile. It is safe for concurrent use.
type Limiter struct {
	profile Profile
	opts    Options
	now     func() time.Time
	// rules by "METHOD template"; built once, read without the lock.
	rules map[string]routeRules

	mu              sync.Mutex
	buckets         map[bucketKey]*window
	globals         map[string]*window
	invalid         window
	invalidTotal    int
	count429        int
	stats           map[string]*RouteStat
	violations      []Violation
	hashes          map[string]string
	sweepAtCapacity int
}

type routeRules struct {
	primary   []*Rule // candidates in profile order; the first whose body condition holds wins
	sublimits []*Rule
	needsBody bool
}

type bucketKey struct {
	identity string
	rule     string
	major    string
}

// New returns a Limiter enforcing profile.
func New(profile Profile, opts Options) *Limiter {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	// The rule index points into the slice: a copy keeps a caller's later
	// edits of its Profile from changing a running limiter.
	profile.Rules = slices.Clone(profile.Rules)
	l := &Limiter{
		profile:         profile,
		opts:            opts,
		now:             now,
		rules:           make(map[string]routeRules),
		buckets:         make(map[bucketKey]*window),
		globals:         make(map[string]*window),
		invalid:         window{limit: profile.InvalidRequests},
		stats:           make(map[string]*RouteStat),
		hashes:          make(map[string]string),
		sweepAtCapacity: 4096,
	}
	for i := range profile.Rules {
		r := &profile.Rules[i]
		key := strings.ToUpper(r.Method) + " " + r.Template
		rr := l.rules[key]
		if r.Sublimit {
			rr.sublimits = append(rr.sublimits, r)
		} else {
			rr.primary = append(rr.primary, r)
		}
		if len(r.BodyHasAny) > 0 {
			rr.needsBody = true
		}
		l.rules[key] = rr
	}
	return l
}

// Profile returns the profile the limiter enforces.
func (l *Limiter) Profile() Profile {
	p := l.profile
	p.Rules = slices.Clone(p.Rules)
	return p
}

// InvalidRequests is the number of 401, 403 and 429 answers (except 429s of
// scope shared) since the limiter was made. Discord bans an IP address at
// 10,000 in 10 minutes.
func (l *Limiter) InvalidRequests() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.invalidTotal
}

// Count429 is the number of 429s the limiter answered.
func (l *Limiter) Count429() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.count429
}

// Violations returns the 429s answered in strict mode, oldest first.
func (l *Limiter) Violations() []Violation {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Violation(nil), l.violations...)
}

// Stats returns the calls per route, most called first.
func (l *Limiter) Stats() []RouteStat {
	l.mu.Lock()
	out := make([]RouteStat, 0, len(l.stats))
	for _, s := range l.stats {
		out = append(out, *s)
	}
	l.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Calls != out[j].Calls {
			return out[i].Calls > out[j].Calls
		}
		return out[i].Route < out[j].Route
	})
	return out
}

// needsBody reports whether a rule for route depends on the request body.
func (l *Limiter) needsBody(route Route) bool {
	return l.rules[route.Method+" "+route.Template].needsBody
}

// bucketInfo is what the headers of a limited route report.
type bucketInfo struct {
	limit     int
	remaining int
	resetAt   time.Time
	hash      string
}

// decision is the limiter's answer to one request.
type decision struct {
	// headers is set when the route has a bucket to report.
	headers *bucketInfo
	// reject is set for a 429.
	reject     bool
	scope      string
	global     bool
	retryAfter time.Duration
	message    string
	// banned answers like Cloudflare's temporary ban rather than Discord's API.
	banned bool
	// now is the time the decision was taken, for the reset headers.
	now time.Time
}

const (
	messageRateLimited = "You are being rate limited."
	messageBanned      = "You are being blocked from accessing our API temporarily due to exceeding our rate limits frequently. Please read our docs at https://discord.com/developers/docs/topics/rate-limits to prevent this moving forward."
)

// admit decides whether the request may pass and counts it. identity is the
// bot token (empty without one); client is the caller's address, used for
// the global limit without a token; bodyKeys are the top-level keys of a
// JSON body when the route's rules need them.
func (l *Limiter) admit(route Route, identity, client string, bodyKeys map[string]bool) (decision, *Violation) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()

	name := route.String()
	stat := l.stats[name]
	if stat == nil {
		stat = &RouteStat{Route: name}
		l.stats[name] = stat
	}
	stat.Calls++

	d, rule, bucketName := l.decide(route, name, identity, client, bodyKeys, now)
	d.now = now
	if !d.reject {
		return d, nil
	}
	stat.RateLimited++
	l.count429++
	l.countInvalidLocked(now)
	if !l.opts.Strict {
		return d, nil
	}
	v := Violation{
		Time: now, Route: name, Major: route.Major,
		Bucket: bucketName, Rule: rule, Scope: d.scope, RetryAfter: d.retryAfter,
	}
	l.violations = append(l.violations, v)
	return d, &v
}

// decide is admit's policy, run under the lock. It returns the decision, the
// name of the rule that rejected the request and the bucket it reports.
func (l *Limiter) decide(route Route, routeName, identity, client string, bodyKeys map[string]bool, now time.Time) (decision, string, string) {
	if l.opts.EnforceInvalidRequestLimit && !l.profile.InvalidRequests.Unlimited() && l.invalid.full(now) {
		return decision{reject: true, banned: true, scope: ScopeGlobal, global: true,
			retryAfter: l.invalid.resetAt.Sub(now), message: messageBanned}, "invalid-requests", "invalid-requests"
	}

	if !l.profile.Global.Unlimited() && !exemptFromGlobal(route) {
		key := identity
		if key == "" {
			key = "client:" + client
		}
		g := l.globals[key]
		if g == nil {
			g = &window{limit: l.profile.Global}
			l.globals[key] = g
		}
		if g.full(now) {
			return decision{reject: true, scope: ScopeGlobal, global: true,
				retryAfter: g.resetAt.Sub(now), message: messageRateLimited}, "global", "global"
		}
		// Counted even if a route bucket rejects the request below:
		// the global limit counts requests made, not requests served.
		g.take(now)
	}

	rr := l.rules[route.Method+" "+route.Template]
	var primary *Rule
	for _, r := range rr.primary {
		if bodyMatches(r, bodyKeys) {
			primary = r
			break
		}
	}
	limit, name, hashName, keying := l.profile.Default, routeName, routeName, PerMajor
	if primary != nil {
		limit, name, keying = primary.Limit, primary.Name, primary.Keying
		hashName = primary.Name
		if primary.Bucket != "" {
			hashName = primary.Bucket
		}
	}

	var routeWin *window
	var info *bucketInfo
	if !limit.Unlimited() {
		w := l.bucketLocked(bucketKey{identity: identity, rule: name, major: majorFor(keying, route)}, limit, now)
		routeWin = w
		info = &bucketInfo{limit: limit.Requests, hash: l.hashLocked(hashName)}
	}
	if routeWin != nil && routeWin.full(now) {
		fillInfo(info, routeWin)
		return decision{headers: info, reject: true, scope: ScopeUser,
			retryAfter: routeWin.resetAt.Sub(now), message: messageRateLimited}, name, info.hash
	}

	subs := make([]*window, 0, len(rr.sublimits))
	for _, s := range rr.sublimits {
		if s.Limit.Unlimited() || !bodyMatches(s, bodyKeys) {
			continue
		}
		w := l.bucketLocked(bucketKey{identity: identity, rule: s.Name, major: majorFor(s.Keying, route)}, s.Limit, now)
		if w.full(now) {
			// The route bucket is not consumed: Discord's headers on a
			// sub-limit 429 show the route's Remaining unchanged
			// (discord-api-docs#1900).
			if info != nil {
				fillInfo(info, routeWin)
			}
			return decision{headers: info, reject: true, scope: ScopeUser,
				retryAfter: w.resetAt.Sub(now), message: messageRateLimited}, s.Name, l.hashLocked(s.Name)
		}
		subs = append(subs, w)
	}
	for _, w := range subs {
		w.take(now)
	}
	if routeWin != nil {
		routeWin.take(now)
		fillInfo(info, routeWin)
	}
	return decision{headers: info}, "", ""
}

// countInvalid records a 401, 403 or 429 answer.
func (l *Limiter) countInvalid() {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.countInvalidLocked(now)
}

func (l *Limiter) countInvalidLocked(now time.Time) {
	l.invalidTotal++
	if !l.profile.InvalidRequests.Unlimited() {
		l.invalid.take(now)
	}
}

// bucketLocked returns the window for key, creating it; it drops expired
// windows when the map grows so a long emulator run keeps a bounded map.
func (l *Limiter) bucketLocked(key bucketKey, limit Limit, now time.Time) *window {
	if w := l.buckets[key]; w != nil {
		return w
	}
	if len(l.buckets) >= l.sweepAtCapacity {
		for k, w := range l.buckets {
			if w.expired(now) {
				delete(l.buckets, k)
			}
		}
		if len(l.buckets) >= l.sweepAtCapacity {
			l.sweepAtCapacity *= 2
		}
	}
	w := &window{limit: limit}
	l.buckets[key] = w
	return w
}

func fillInfo(info *bucketInfo, w *window) {
	info.remaining = w.remaining()
	info.resetAt = w.resetAt
}

func majorFor(k Keying, route Route) string {
	if k == PerBot {
		return ""
	}
	return route.Major
}

func bodyMatches(r *Rule, bodyKeys map[string]bool) bool {
	if len(r.BodyHasAny) == 0 {
		return true
	}
	for _, k := range r.BodyHasAny {
		if bodyKeys[k] {
			return true
		}
	}
	return false
}

// exemptFromGlobal reports whether Discord leaves the route out of the global
// limit: interaction endpoints (Rate Limits page) and webhooks, whose token
// is the authentication.
func exemptFromGlobal(route Route) bool {
	return strings.HasPrefix(route.Template, "/interactions/") || strings.HasPrefix(route.Template, "/webhooks/")
}

// hashLocked memoizes bucketHash; hashing on every request would cost more
// than the rest of the decision.
func (l *Limiter) hashLocked(name string) string {
	h, ok := l.hashes[name]
	if !ok {
		h = bucketHash(name)
		l.hashes[name] = h
	}
	return h
}

// bucketHash is an opaque, stable X-RateLimit-Bucket value for a rule. Like
// Discord's, it does not include the major parameter.
func bucketHash(name string) string {
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:16])
}
