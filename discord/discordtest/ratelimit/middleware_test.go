package ratelimit

import (
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func newTestLimiter(opts Options) (*Limiter, *fakeClock, http.Handler) {
	clock := newFakeClock()
	opts.Now = clock.Now
	l := New(ProfileRealistic(), opts)
	return l, clock, l.Middleware(okHandler)
}

func TestMessageBucketsArePerChannel(t *testing.T) {
	_, clock, h := newTestLimiter(Options{})
	for i := range 5 {
		rec := request(t, h, "POST", "/api/v9/channels/1/messages", botToken, `{"content":"hi"}`)
		if rec.Code != http.StatusOK {
			t.Fatalf("create %d in channel 1: status %d", i+1, rec.Code)
		}
		if got := headerInt(t, rec, HeaderRemaining); got != 4-i {
			t.Errorf("create %d: Remaining = %d, want %d", i+1, got, 4-i)
		}
		clock.Advance(100 * time.Millisecond)
	}
	other := request(t, h, "POST", "/api/v9/channels/2/messages", botToken, `{"content":"hi"}`)
	if other.Code != http.StatusOK || headerInt(t, other, HeaderRemaining) != 4 {
		t.Errorf("channel 2 first create: status %d Remaining %s, want 200 and 4", other.Code, other.Header().Get(HeaderRemaining))
	}
	same := request(t, h, "POST", "/api/v10/channels/1/messages", botToken, `{"content":"hi"}`)
	if same.Code != http.StatusTooManyRequests {
		t.Errorf("6th create in channel 1 via /api/v10: status %d, want 429 (same bucket)", same.Code)
	}
	if a, b := other.Header().Get(HeaderBucket), same.Header().Get(HeaderBucket); a == "" || a != b {
		t.Errorf("bucket hashes %q and %q: want the same non-empty hash (major parameters are not part of it)", a, b)
	}
	otherBot := request(t, h, "POST", "/api/v9/channels/1/messages", "Bot another", `{"content":"hi"}`)
	if otherBot.Code != http.StatusOK {
		t.Errorf("another bot in channel 1: status %d, want 200 (buckets are per bot)", otherBot.Code)
	}
}

func TestHeadersOnEveryResponse(t *testing.T) {
	_, clock, h := newTestLimiter(Options{})
	first := request(t, h, "GET", "/api/v9/users/@me", botToken, "")
	hash := first.Header().Get(HeaderBucket)
	if hash == "" {
		t.Fatal("no X-RateLimit-Bucket on a route without a rule")
	}
	clock.Advance(250 * time.Millisecond)
	second := request(t, h, "GET", "/api/v9/users/@me", botToken, "")
	now := float64(clock.Now().UnixNano()) / 1e9
	if got := headerInt(t, second, HeaderLimit); got != 50 {
		t.Errorf("Limit = %d, want the default 50", got)
	}
	if got := headerInt(t, second, HeaderRemaining); got != 48 {
		t.Errorf("Remaining = %d, want 48", got)
	}
	resetAfter := headerFloat(t, second, HeaderResetAfter)
	if !approx(resetAfter, 0.75) {
		t.Errorf("Reset-After = %v, want 0.75 (window opened 250 ms ago)", resetAfter)
	}
	if reset := headerFloat(t, second, HeaderReset); !approx(reset-now, resetAfter) {
		t.Errorf("Reset %v - now %v != Reset-After %v", reset, now, resetAfter)
	}
	if second.Header().Get(HeaderBucket) != hash {
		t.Errorf("bucket hash changed between requests: %q then %q", hash, second.Header().Get(HeaderBucket))
	}
	msg := request(t, h, "POST", "/api/v9/channels/1/messages", botToken, `{}`)
	if msg.Header().Get(HeaderBucket) == hash {
		t.Error("message create reports the same bucket as GET /users/@me")
	}
	if msg.Header().Get(HeaderScope) != "" || msg.Header().Get(HeaderGlobal) != "" {
		t.Error("Scope or Global header on a 200; Discord sends them on 429s only")
	}
}

func TestHeadersSetBeforeInnerHandlerWrites(t *testing.T) {
	clock := newFakeClock()
	l := New(ProfileRealistic(), Options{Now: clock.Now})
	var seen string
	h := l.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = w.Header().Get(HeaderRemaining)
		w.WriteHeader(http.StatusCreated)
	}))
	rec := request(t, h, "POST", "/api/v9/guilds/1/channels", botToken, `{"name":"a"}`)
	if seen != "499" || rec.Header().Get(HeaderRemaining) != "499" || rec.Code != http.StatusCreated {
		t.Errorf("inner handler saw Remaining %q, response has %q status %d; want 499, 499, 201", seen, rec.Header().Get(HeaderRemaining), rec.Code)
	}
}

func TestBurstOfSixMessagesGets429(t *testing.T) {
	l, clock, h := newTestLimiter(Options{})
	for range 5 {
		request(t, h, "POST", "/api/v9/channels/7/messages", botToken, `{"content":"x"}`)
		clock.Advance(800 * time.Millisecond)
	}
	// 4 s after the window opened: 1 s left.
	rec := request(t, h, "POST", "/api/v9/channels/7/messages", botToken, `{"content":"x"}`)
	b := decode429(t, rec)
	if *b.Global {
		t.Error("global = true on a per-route 429")
	}
	if !approx(*b.RetryAfter, 1) {
		t.Errorf("retry_after = %v, want 1", *b.RetryAfter)
	}
	if got := rec.Header().Get(HeaderRetryAfter); got != "1" {
		t.Errorf("Retry-After = %q, want 1", got)
	}
	if got := rec.Header().Get(HeaderScope); got != ScopeUser {
		t.Errorf("Scope = %q, want user", got)
	}
	if rec.Header().Get(HeaderGlobal) != "" {
		t.Error("X-RateLimit-Global on a per-route 429")
	}
	if headerInt(t, rec, HeaderRemaining) != 0 || headerInt(t, rec, HeaderLimit) != 5 || !approx(headerFloat(t, rec, HeaderResetAfter), 1) {
		t.Errorf("429 headers Limit %s Remaining %s Reset-After %s, want 5, 0, 1.000",
			rec.Header().Get(HeaderLimit), rec.Header().Get(HeaderRemaining), rec.Header().Get(HeaderResetAfter))
	}
	if rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("Content-Type = %q", rec.Header().Get("Content-Type"))
	}
	clock.Advance(time.Second)
	if again := request(t, h, "POST", "/api/v9/channels/7/messages", botToken, `{"content":"x"}`); again.Code != http.StatusOK {
		t.Errorf("after the reset: status %d, want 200", again.Code)
	}
	if l.Count429() != 1 {
		t.Errorf("Count429 = %d, want 1", l.Count429())
	}
}

func TestRetryAfterRoundsUp(t *testing.T) {
	_, clock, h := newTestLimiter(Options{})
	request(t, h, "PUT", "/api/v9/channels/1/messages/2/reactions/x/@me", botToken, "")
	clock.Advance(100*time.Millisecond + 400*time.Microsecond)
	rec := request(t, h, "DELETE", "/api/v9/channels/1/messages/2/reactions/x/@me", botToken, "")
	b := decode429(t, rec)
	// 149.6 ms left: rounded up so a client waiting exactly that long is not early.
	if *b.RetryAfter != 0.15 || rec.Header().Get(HeaderRetryAfter) != "1" || rec.Header().Get(HeaderResetAfter) != "0.150" {
		t.Errorf("retry_after %v, Retry-After %q, Reset-After %q; want 0.15, 1, 0.150", *b.RetryAfter, rec.Header().Get(HeaderRetryAfter), rec.Header().Get(HeaderResetAfter))
	}
}

func TestRenameSublimit(t *testing.T) {
	clock := newFakeClock()
	l := New(ProfileRealistic(), Options{Now: clock.Now})
	var bodies []string
	h := l.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("inner handler reading body: %v", err)
		}
		bodies = append(bodies, string(b))
		w.WriteHeader(http.StatusOK)
	}))
	for i, name := range []string{"a", "b"} {
		rec := request(t, h, "PATCH", "/api/v9/channels/5", botToken, `{"name":"`+name+`"}`)
		if rec.Code != http.StatusOK {
			t.Fatalf("rename %d: status %d", i+1, rec.Code)
		}
		clock.Advance(time.Minute)
	}
	if strings.Join(bodies, ",") != `{"name":"a"},{"name":"b"}` {
		t.Errorf("inner handler got bodies %q; the middleware must restore what it peeked at", bodies)
	}
	third := request(t, h, "PATCH", "/api/v9/channels/5", botToken, `{"name":"c","topic":"t"}`)
	b := decode429(t, third)
	if !approx(*b.RetryAfter, 480) {
		t.Errorf("retry_after = %v, want 480 (10 minutes after the first rename, 2 minutes later)", *b.RetryAfter)
	}
	// Discord reports the route bucket on a sub-limit 429, untouched.
	if got := headerInt(t, third, HeaderRemaining); got != 5 {
		t.Errorf("Remaining on the sub-limit 429 = %d, want 5 (route window of 15 s has reset)", got)
	}
	if third.Header().Get(HeaderRetryAfter) != "480" {
		t.Errorf("Retry-After = %q, want 480", third.Header().Get(HeaderRetryAfter))
	}
	if rec := request(t, h, "PATCH", "/api/v9/channels/5", botToken, `{"position":3}`); rec.Code != http.StatusOK {
		t.Errorf("edit without name or topic: status %d, want 200", rec.Code)
	}
	if rec := request(t, h, "PATCH", "/api/v9/channels/6", botToken, `{"name":"z"}`); rec.Code != http.StatusOK {
		t.Errorf("rename of another channel: status %d, want 200", rec.Code)
	}
	clock.Advance(8 * time.Minute)
	if rec := request(t, h, "PATCH", "/api/v9/channels/5", botToken, `{"name":"c"}`); rec.Code != http.StatusOK {
		t.Errorf("rename after 10 minutes: status %d, want 200", rec.Code)
	}
}

func TestChannelModifyRouteBucket(t *testing.T) {
	_, _, h := newTestLimiter(Options{})
	for i := range 5 {
		if rec := request(t, h, "PATCH", "/api/v9/channels/5", botToken, `{"position":1}`); rec.Code != http.StatusOK {
			t.Fatalf("edit %d: status %d", i+1, rec.Code)
		}
	}
	rec := request(t, h, "PATCH", "/api/v9/channels/5", botToken, `{"position":1}`)
	if b := decode429(t, rec); !approx(*b.RetryAfter, 15) {
		t.Errorf("retry_after = %v, want 15", *b.RetryAfter)
	}
}

func TestGlobalLimit(t *testing.T) {
	l, clock, h := newTestLimiter(Options{})
	for i := range 50 {
		// Distinct channels: 50 different route buckets, one global bucket.
		if rec := request(t, h, "GET", "/api/v9/channels/"+strconv.Itoa(i+1), botToken, ""); rec.Code != http.StatusOK {
			t.Fatalf("request %d: status %d", i+1, rec.Code)
		}
	}
	clock.Advance(400 * time.Millisecond)
	rec := request(t, h, "GET", "/api/v9/channels/999", botToken, "")
	b := decode429(t, rec)
	if !*b.Global || !approx(*b.RetryAfter, 0.6) {
		t.Errorf("global %v retry_after %v, want true and 0.6", *b.Global, *b.RetryAfter)
	}
	if rec.Header().Get(HeaderGlobal) != "true" || rec.Header().Get(HeaderScope) != ScopeGlobal {
		t.Errorf("X-RateLimit-Global %q Scope %q, want true and global", rec.Header().Get(HeaderGlobal), rec.Header().Get(HeaderScope))
	}
	if rec.Header().Get(HeaderResetAfter) != "" {
		t.Error("a global 429 carries Reset-After: discordgo would apply it to every bucket")
	}
	if r := request(t, h, "POST", "/api/v9/interactions/1/tok/callback", "", `{"type":4}`); r.Code != http.StatusOK {
		t.Errorf("interaction callback during a global limit: status %d, want 200 (exempt)", r.Code)
	}
	if r := request(t, h, "PATCH", "/api/v9/webhooks/2/tok/messages/@original", botToken, `{}`); r.Code != http.StatusOK {
		t.Errorf("webhook edit during a global limit: status %d, want 200 (exempt)", r.Code)
	}
	if r := request(t, h, "GET", "/api/v9/channels/999", "Bot other", ""); r.Code != http.StatusOK {
		t.Errorf("another bot: status %d, want 200", r.Code)
	}
	clock.Advance(600 * time.Millisecond)
	if r := request(t, h, "GET", "/api/v9/channels/999", botToken, ""); r.Code != http.StatusOK {
		t.Errorf("after the global window: status %d, want 200", r.Code)
	}
	if l.Count429() != 1 {
		t.Errorf("Count429 = %d, want 1", l.Count429())
	}
}

func TestGlobalLimitWithoutTokenIsPerClient(t *testing.T) {
	_, _, h := newTestLimiter(Options{})
	for range 50 {
		request(t, h, "GET", "/api/v9/gateway", "", "")
	}
	if rec := request(t, h, "GET", "/api/v9/gateway", "", ""); rec.Code != http.StatusTooManyRequests {
		t.Errorf("51st unauthenticated request from one address: status %d, want 429", rec.Code)
	}
	if rec := request(t, h, "GET", "/api/v9/gateway", botToken, ""); rec.Code == http.StatusTooManyRequests && rec.Header().Get(HeaderGlobal) == "true" {
		t.Error("a bot token shares the unauthenticated client's global bucket")
	}
}

func TestInvalidRequestCount(t *testing.T) {
	clock := newFakeClock()
	l := New(ProfileRealistic(), Options{Now: clock.Now})
	status := http.StatusOK
	scope := ""
	h := l.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if scope != "" {
			w.Header().Set(HeaderScope, scope)
		}
		w.WriteHeader(status)
	}))
	for _, tc := range []struct {
		status int
		scope  string
		want   int
	}{
		{http.StatusOK, "", 0},
		{http.StatusNotFound, "", 0},
		{http.StatusUnauthorized, "", 1},
		{http.StatusForbidden, "", 2},
		{http.StatusTooManyRequests, ScopeShared, 2},
		{http.StatusTooManyRequests, ScopeUser, 3},
	} {
		status, scope = tc.status, tc.scope
		request(t, h, "GET", "/api/v9/users/@me", botToken, "")
		if got := l.InvalidRequests(); got != tc.want {
			t.Errorf("after a %d (scope %q): InvalidRequests = %d, want %d", tc.status, tc.scope, got, tc.want)
		}
	}
	status, scope = http.StatusOK, ""
	for range 6 {
		request(t, h, "POST", "/api/v9/channels/1/messages", botToken, `{}`)
	}
	if got := l.InvalidRequests(); got != 4 {
		t.Errorf("after the limiter's own 429: InvalidRequests = %d, want 4", got)
	}
}

func TestInvalidRequestBan(t *testing.T) {
	clock := newFakeClock()
	p := ProfileRealistic()
	p.InvalidRequests = Limit{3, 10 * time.Minute}
	l := New(p, Options{Now: clock.Now, EnforceInvalidRequestLimit: true})
	h := l.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
	}))
	for range 3 {
		if rec := request(t, h, "GET", "/api/v9/guilds/1", botToken, ""); rec.Code != http.StatusForbidden {
			t.Fatalf("status %d, want the inner 403", rec.Code)
		}
	}
	rec := request(t, h, "GET", "/api/v9/guilds/1", botToken, "")
	if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), "error code: 1015") {
		t.Fatalf("past the invalid request limit: status %d body %q, want Cloudflare's 429", rec.Code, rec.Body)
	}
	if rec.Header().Get(HeaderRetryAfter) != "600" {
		t.Errorf("Retry-After = %q, want 600", rec.Header().Get(HeaderRetryAfter))
	}
	clock.Advance(10 * time.Minute)
	if rec := request(t, h, "GET", "/api/v9/guilds/1", botToken, ""); rec.Code != http.StatusForbidden {
		t.Errorf("after the ban window: status %d, want the inner 403", rec.Code)
	}
}

func TestStrictModeRecordsViolations(t *testing.T) {
	var reported []Violation
	l, clock, h := newTestLimiter(Options{Strict: true, OnViolation: func(v Violation) { reported = append(reported, v) }})
	for range 6 {
		request(t, h, "POST", "/api/v9/channels/3/messages", botToken, `{}`)
	}
	vs := l.Violations()
	if len(vs) != 1 || len(reported) != 1 {
		t.Fatalf("violations %d, reported %d; want 1 each", len(vs), len(reported))
	}
	v := vs[0]
	if v.Route != "POST /channels/{channel_id}/messages" || v.Major != "channel_id=3" || v.Rule != "message-create" ||
		v.Scope != ScopeUser || v.RetryAfter != 5*time.Second || !v.Time.Equal(clock.Now()) || v.Bucket != bucketHash("message-create") {
		t.Errorf("violation = %+v", v)
	}
	if !strings.Contains(v.String(), "POST /channels/{channel_id}/messages") {
		t.Errorf("String() = %q lacks the route", v.String())
	}
}

func TestNonStrictModeRecordsNoViolations(t *testing.T) {
	l, _, h := newTestLimiter(Options{OnViolation: func(v Violation) { t.Errorf("OnViolation called outside strict mode: %v", v) }})
	for range 6 {
		request(t, h, "POST", "/api/v9/channels/3/messages", botToken, `{}`)
	}
	if l.Count429() != 1 || len(l.Violations()) != 0 {
		t.Errorf("Count429 %d Violations %d, want 1 and 0", l.Count429(), len(l.Violations()))
	}
}

func TestStats(t *testing.T) {
	l, _, h := newTestLimiter(Options{})
	for range 7 {
		request(t, h, "POST", "/api/v9/channels/3/messages", botToken, `{}`)
	}
	request(t, h, "GET", "/api/v9/users/@me", botToken, "")
	got := l.Stats()
	want := []RouteStat{
		{Route: "POST /channels/{channel_id}/messages", Calls: 7, RateLimited: 2},
		{Route: "GET /users/@me", Calls: 1},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
}

func TestProfileNoneLimitsNothing(t *testing.T) {
	l := New(ProfileNone(), Options{})
	h := l.Middleware(okHandler)
	for i := range 100 {
		rec := request(t, h, "PATCH", "/api/v9/channels/1", botToken, `{"name":"n"}`)
		if rec.Code != http.StatusOK {
			t.Fatalf("request %d: status %d", i+1, rec.Code)
		}
		if rec.Header().Get(HeaderLimit) != "" {
			t.Fatalf("profile none sent X-RateLimit-Limit %q", rec.Header().Get(HeaderLimit))
		}
	}
	if s := l.Stats(); len(s) != 1 || s[0].Calls != 100 {
		t.Errorf("Stats() = %+v, want 100 calls counted", s)
	}
}

func TestProfileByName(t *testing.T) {
	for _, name := range []string{"", "realistic", " Realistic "} {
		p, err := ProfileByName(name)
		if err != nil || p.Name != "realistic" {
			t.Errorf("ProfileByName(%q) = %q, %v", name, p.Name, err)
		}
	}
	if p, err := ProfileByName("none"); err != nil || p.Name != "none" {
		t.Errorf("ProfileByName(none) = %q, %v", p.Name, err)
	}
	if _, err := ProfileByName("fast"); err == nil || !strings.Contains(err.Error(), "realistic") {
		t.Errorf("ProfileByName(fast) error = %v, want one naming the choices", err)
	}
}

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

func TestRealisticProfileRulesAreWellFormed(t *testing.T) {
	for _, r := range ProfileRealistic().Rules {
		if r.Name == "" || r.Limit.Unlimited() {
			t.Errorf("rule %+v has no name or no limit", r)
		}
		// A concrete path for the template must come back as the template,
		// or the rule would never match a request.
		path := placeholder.ReplaceAllStringFunc(r.Template, func(p string) string {
			switch p {
			case "{webhook_token}", "{interaction_token}":
				return "aToken-_x"
			case "{emoji}":
				return "blob:123"
			}
			return "1234567890"
		})
		if got := RouteOf(r.Method, "/api/v9"+path).Template; got != r.Template {
			t.Errorf("rule %s: %s parses as %q, not its template %q; the rule would never match", r.Name, path, got, r.Template)
		}
	}
}

func TestExemptRequestsPassUncounted(t *testing.T) {
	clock := newFakeClock()
	l := New(ProfileRealistic(), Options{Now: clock.Now, Exempt: func(r *http.Request) bool {
		return strings.HasPrefix(r.URL.Path, "/_emulator/")
	}})
	h := l.Middleware(okHandler)
	for range 100 {
		if rec := request(t, h, "POST", "/_emulator/click", "", `{}`); rec.Code != http.StatusOK || rec.Header().Get(HeaderLimit) != "" {
			t.Fatalf("exempt request: status %d, Limit header %q", rec.Code, rec.Header().Get(HeaderLimit))
		}
	}
	if len(l.Stats()) != 0 {
		t.Errorf("Stats() = %+v, want exempt requests uncounted", l.Stats())
	}
}
