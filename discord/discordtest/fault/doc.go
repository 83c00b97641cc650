// Package fault injects latency and server errors into the Discord
// emulator's REST API, so tests can check that the bot survives a slow or
// failing Discord.
//
// An Injector is an HTTP middleware. For each request its Match accepts, it
// waits Latency plus a random share of Jitter, then, with probability
// ErrorRate, answers a 5xx with a body shaped like Discord's
// ({"message": "502: Bad Gateway", "code": 0}) instead of calling the next
// handler, or, when Statuses include 429, Discord's answer for a shared
// resource limit (X-RateLimit-Scope: shared, retry_after in the body). The
// emulator never sees a failed request, so a client's retry cannot create
// twins. Setters change latency and error rate while a test runs; counters
// report what was injected.
//
// discordgo v0.29.0 retries a 502 up to Session.MaxRestRetries times (3 by
// default, so 4 attempts in all) and does not retry a 500 or any other 5xx;
// it waits out a 429's retry_after and tries again when
// ShouldRetryOnRateLimit is set (the default).
//
// Gateway faults (dropped connections, resumes) are the emulator's own job.
package fault
