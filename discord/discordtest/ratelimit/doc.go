// Package ratelimit reproduces Discord's REST rate limits as an HTTP
// middleware for the Discord emulator (package discordtest).
//
// It keys buckets the way Discord does: by route template (method plus path
// with ids replaced by placeholders) and the top-level resource in the path
// (channel_id, guild_id, or webhook_id+token), per bot token. On top of the
// per-route buckets it applies known sub-limits (channel renames: 2 per 10
// minutes), the global limit of 50 requests per second per token
// (interaction endpoints and webhooks exempt), and counts invalid requests
// (401, 403 and 429 answers) the way Discord's Cloudflare ban does.
//
// Every limited response carries X-RateLimit-Limit, -Remaining, -Reset,
// -Reset-After and -Bucket; a 429 carries Retry-After, X-RateLimit-Scope and a
// JSON body with retry_after, as described in Discord's "Rate Limits" page.
// Global 429s follow that page's example and carry no per-route headers:
// discordgo v0.29.0 would otherwise apply the route's Reset-After to every
// bucket (it reads X-RateLimit-Global together with Reset-After).
//
// Buckets use fixed windows that open at a bucket's first request, which is
// what Discord's headers show (Reset-After counts down from the first call).
//
// Reacting to headers, an unmodified discordgo session never hits a per-route
// 429 on its own buckets: it sleeps when Remaining reaches 0 until Reset-After.
// It does hit 429s where its bucket keys differ from Discord's: sub-limits
// the headers never show (channel renames), its fixed 200 ms spacing of
// reactions where Discord allows one per 250 ms, and one client bucket per
// URL for all methods (a GET's headers can hide an exhausted PATCH bucket on
// the same URL). It retries every 429 after the body's retry_after.
//
// In strict mode every 429 the limiter answers is a Violation, handed to
// Options.OnViolation so the emulator can fail the test that caused it.
package ratelimit
