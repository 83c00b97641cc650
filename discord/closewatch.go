package discord

import (
	"encoding/binary"
	"net"
	"sync"
)

// discordgo ignores the gateway's close codes and reconnects forever, even
// after 4004 (bad token) or 4014 (disallowed intents), which no retry can fix.
// gorilla/websocket hides close frames from its callers once discordgo has
// installed its own close handler, so we watch the raw stream instead: the
// dialer wraps each gateway connection in a watchedConn that parses the
// server's frame headers (server frames are never masked, and cost a few
// bytes of bookkeeping each) and reports the code of any close frame.

// watchedConn is a net.Conn that reports the server's WebSocket close frames.
type watchedConn struct {
	net.Conn
	mu     sync.Mutex
	frames frameWatcher
}

func newWatchedConn(c net.Conn, onClose func(code int)) *watchedConn {
	return &watchedConn{Conn: c, frames: frameWatcher{onClose: onClose, inHandshake: true}}
}

func (c *watchedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	c.frames.feed(p[:n])
	c.mu.Unlock()
	return n, err
}

// frameWatcher follows WebSocket frame boundaries in a byte stream (RFC 6455
// section 5.2) and calls onClose with the status code of each close frame.
type frameWatcher struct {
	onClose func(code int)
	// inHandshake is true while the server's HTTP upgrade response (which
	// precedes the first frame on the same connection) is still arriving.
	inHandshake bool
	tail        uint32 // the last four bytes of the handshake, to spot its end
	header      []byte // bytes of the current frame header read so far
	skip        uint64 // payload bytes still to pass over
	close       []byte // payload of a close frame being read
	inClose     bool
}

// feed consumes the next chunk of the stream.
func (w *frameWatcher) feed(b []byte) {
	for w.inHandshake && len(b) > 0 {
		w.tail = w.tail<<8 | uint32(b[0])
		b = b[1:]
		if w.tail == 0x0d0a0d0a { // "\r\n\r\n" ends the HTTP headers
			w.inHandshake = false
		}
	}
	for len(b) > 0 {
		if w.skip > 0 {
			n := uint64(len(b))
			if n > w.skip {
				n = w.skip
			}
			if w.inClose && len(w.close) < 2 {
				w.close = append(w.close, b[:min(int(n), 2-len(w.close))]...)
			}
			w.skip -= n
			b = b[n:]
			if w.skip == 0 {
				w.endFrame()
			}
			continue
		}
		w.header = append(w.header, b[0])
		b = b[1:]
		need, ok := headerLen(w.header)
		if !ok || len(w.header) < need {
			continue
		}
		w.skip = payloadLen(w.header)
		w.inClose = w.header[0]&0x0f == 0x8
		w.header = w.header[:0]
		if w.skip == 0 {
			w.endFrame()
		}
	}
}

func (w *frameWatcher) endFrame() {
	if w.inClose {
		code := 1005 // "no status received", as RFC 6455 names an empty close
		if len(w.close) == 2 {
			code = int(binary.BigEndian.Uint16(w.close))
		}
		if w.onClose != nil {
			w.onClose(code)
		}
	}
	w.inClose, w.close = false, w.close[:0]
}

// headerLen returns the full length of a frame header once its first two
// bytes are known.
func headerLen(h []byte) (int, bool) {
	if len(h) < 2 {
		return 0, false
	}
	n := 2
	switch h[1] & 0x7f {
	case 126:
		n += 2
	case 127:
		n += 8
	}
	if h[1]&0x80 != 0 {
		n += 4 // masking key: servers must not mask, but a broken one is still followed
	}
	return n, true
}

func payloadLen(h []byte) uint64 {
	switch l := h[1] & 0x7f; l {
	case 126:
		return uint64(binary.BigEndian.Uint16(h[2:4]))
	case 127:
		return binary.BigEndian.Uint64(h[2:10])
	default:
		return uint64(l)
	}
}
