package discord

import (
	"context"
	"sync"
	"time"
)

// pacer keeps the effector under limits that discordgo cannot see:
// discordgo keys its buckets by URL, but Discord counts member moves per
// guild (PATCH /guilds/{g}/members/{user}: a different URL per member),
// permission overwrites per channel, and every request against the
// global per-bot limit. Each key is a sliding window of Limit requests per
// Per. A request's slot is stamped with the time its answer came back,
// which is never earlier than when Discord counted it, so requests spaced
// by Per from those stamps can never land in one of Discord's windows
// together, whatever the latency.
type pacer struct {
	now func() time.Time

	mu      sync.Mutex
	windows map[string]*paceWindow
	changed chan struct{} // closed and replaced when a slot is released
}

type paceWindow struct {
	limit    RateLimit
	inFlight int
	done     []time.Time // answer times of the recent requests, oldest first
}

func newPacer() *pacer {
	return &pacer{now: time.Now, windows: map[string]*paceWindow{}, changed: make(chan struct{})}
}

// paceKey names one limit to take a slot of.
type paceKey struct {
	name  string
	limit RateLimit
}

// acquire waits until every key has a free slot and takes one in each; the
// returned release stamps them with the answer's time. Keys with a zero
// limit are ignored.
func (p *pacer) acquire(ctx context.Context, keys ...paceKey) (release func(), err error) {
	for {
		p.mu.Lock()
		wait, changed := p.waitLocked(keys)
		if wait == 0 {
			for _, k := range keys {
				if w := p.windowLocked(k); w != nil {
					w.inFlight++
				}
			}
			p.mu.Unlock()
			return func() { p.release(keys) }, nil
		}
		p.mu.Unlock()
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, ctx.Err()
		case <-changed:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// waitLocked is how long to wait before every key has a free slot (0 when
// they all have one now), and a channel that closes when a slot frees.
func (p *pacer) waitLocked(keys []paceKey) (time.Duration, <-chan struct{}) {
	now := p.now()
	var wait time.Duration
	for _, k := range keys {
		w := p.windowLocked(k)
		if w == nil {
			continue
		}
		for len(w.done) > 0 && now.Sub(w.done[0]) >= w.limit.Per {
			w.done = w.done[1:]
		}
		if w.inFlight+len(w.done) < w.limit.Requests {
			continue
		}
		d := time.Hour // only requests in flight: wait for one to answer
		if len(w.done) > 0 {
			d = w.done[0].Add(w.limit.Per).Sub(now)
		}
		wait = max(wait, max(d, time.Millisecond))
	}
	return wait, p.changed
}

func (p *pacer) windowLocked(k paceKey) *paceWindow {
	if k.limit.Requests <= 0 || k.limit.Per <= 0 {
		return nil
	}
	w, ok := p.windows[k.name]
	if !ok {
		w = &paceWindow{limit: k.limit}
		p.windows[k.name] = w
	}
	return w
}

func (p *pacer) release(keys []paceKey) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	for _, k := range keys {
		if w := p.windowLocked(k); w != nil {
			w.inFlight--
			w.done = append(w.done, now)
		}
	}
	// Forget idle windows so a long-running bot does not keep one per
	// channel it ever touched.
	for name, w := range p.windows {
		if w.inFlight == 0 && (len(w.done) == 0 || now.Sub(w.done[len(w.done)-1]) >= w.limit.Per) {
			delete(p.windows, name)
		}
	}
	close(p.changed)
	p.changed = make(chan struct{})
}
