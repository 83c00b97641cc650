package db

import (
	"errors"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/lib/pq"
)

// timerChannel is the NOTIFY channel of the timers trigger
// (migrations/00002_timers.sql).
const timerChannel = "roundtable_timers"

// timerWakeups turns the timers trigger's notifications into due times for
// a sleeping worker. Polling stays the safety net: a missed notification
// only delays a timer until the worker's next poll.
type timerWakeups struct {
	listener *pq.Listener
	// due delivers the earliest due time notified since the last receive;
	// the zero time means "unknown, look now" (after connecting, or an
	// unreadable payload).
	due     chan time.Time
	stopped chan struct{}
}

// listenForTimers starts listening on url in the background; with an empty
// url the worker can only poll, which it logs.
func listenForTimers(url string, log *slog.Logger) *timerWakeups {
	w := &timerWakeups{due: make(chan time.Time), stopped: make(chan struct{})}
	if url == "" {
		log.Warn("timers: no database URL to LISTEN on; polling only")
		close(w.stopped)
		return w
	}
	w.listener = pq.NewListener(url, 100*time.Millisecond, 2*time.Second,
		func(event pq.ListenerEventType, err error) {
			switch event {
			case pq.ListenerEventDisconnected, pq.ListenerEventConnectionAttemptFailed:
				log.Warn("timers: notification connection lost; reconnecting", "event", event.String(), "err", err)
			case pq.ListenerEventReconnected:
				log.Info("timers: notification connection back")
			}
		})
	go w.forward(log)
	return w
}

// forward LISTENs, then hands notifications on, coalesced to the earliest,
// until the listener is closed.
func (w *timerWakeups) forward(log *slog.Logger) {
	defer close(w.stopped)
	notify := w.listener.NotificationChannel()

	// Listen blocks until connected (or closed), so the worker polls
	// meanwhile; once listening, a zero wake makes it look for timers
	// notified before the LISTEN took effect.
	var pending time.Time
	var out chan time.Time
	if err := w.listener.Listen(timerChannel); err != nil {
		if !errors.Is(err, net.ErrClosed) {
			log.Error("timers: cannot LISTEN; polling only", "err", err)
		}
	} else {
		out = w.due
	}

	for {
		select {
		case n, ok := <-notify:
			if !ok {
				return // the listener has stopped for good
			}
			due := notifiedDue(n)
			if out == nil || due.Before(pending) {
				pending = due
			}
			out = w.due
		case out <- pending:
			out = nil
			pending = time.Time{}
		}
	}
}

// notifiedDue reads the due time a notification carries; nil (sent after a
// reconnect, when notifications may have been lost) or garbage give zero.
func notifiedDue(n *pq.Notification) time.Time {
	if n == nil {
		return time.Time{}
	}
	ms, err := strconv.ParseInt(n.Extra, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// close stops the listener and waits until its goroutines are gone.
func (w *timerWakeups) close() {
	if w.listener != nil {
		_ = w.listener.Close() // only fails if already closed
	}
	<-w.stopped
}
