package discordtest

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Gateway opcodes (topics-opcodes-and-status-codes.mdx).
const (
	opDispatch       = 0
	opHeartbeat      = 1
	opIdentify       = 2
	opResume         = 6
	opReconnect      = 7
	opInvalidSession = 9
	opHello          = 10
	opHeartbeatACK   = 11
)

// Gateway close codes the emulator sends.
const (
	CloseUnknownError         = 4000
	CloseDecodeError          = 4002
	CloseNotAuthenticated     = 4003
	CloseAuthenticationFailed = 4004
	CloseAlreadyAuthenticated = 4005
	CloseInvalidAPIVersion    = 4012
	CloseDisallowedIntents    = 4014
)

// replayLimit bounds each session's buffer of sent dispatches; a resume from
// further back gets Invalid Session, as Discord does for stale sessions.
const replayLimit = 5000

const writeTimeout = 2 * time.Second

type gatewayState struct {
	sessions   map[string]*gwSession
	conns      map[*gwConn]struct{}
	closes     []GatewayClose
	resumes    int
	ready      int
	heartbeats int
}

// gwSession is a gateway session: it outlives connections so a client can
// resume it and receive what it missed.
type gwSession struct {
	id      string
	intents discordgo.Intent
	version int
	seq     int64
	buffer  []gwFrame
	conn    *gwConn // nil while the client is away
}

type gwFrame struct {
	seq int64
	raw []byte
}

type gwConn struct {
	ws         *websocket.Conn
	version    int
	session    *gwSession
	heartbeats int
}

// GatewayClose is a close frame the emulator sent to a gateway client.
type GatewayClose struct {
	Time      time.Time
	Code      int
	Reason    string
	SessionID string
}

type frame struct {
	Op int     `json:"op"`
	D  any     `json:"d"`
	S  *int64  `json:"s"`
	T  *string `json:"t"`
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// serveGateway runs one gateway connection: Hello, then the client's opcodes
// until it goes away.
func (e *Emulator) serveGateway(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered the client.
	}
	c := &gwConn{ws: ws}
	e.mu.Lock()
	e.gw.conns[c] = struct{}{}
	switch v := r.URL.Query().Get("v"); v {
	case "9", "10":
		c.version, _ = strconv.Atoi(v)
		e.writeLocked(c, frame{Op: opHello, D: map[string]any{"heartbeat_interval": e.cfg.heartbeatInterval.Milliseconds()}})
	default:
		e.closeLocked(c, CloseInvalidAPIVersion, "Invalid API version.")
	}
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.detachLocked(c)
		delete(e.gw.conns, c)
		e.mu.Unlock()
		ws.Close()
	}()
	for {
		_, msg, err := ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) && (ce.Code == websocket.CloseNormalClosure || ce.Code == websocket.CloseGoingAway) {
				// A client closing with 1000/1001 ends its session for good
				// (unless it has already resumed it elsewhere).
				e.mu.Lock()
				if s := c.session; s != nil && (s.conn == c || s.conn == nil) {
					delete(e.gw.sessions, s.id)
				}
				e.mu.Unlock()
			}
			return
		}
		e.handleOp(c, msg)
	}
}

// handleOp runs one client opcode under the lock; deferring the unlock
// keeps the emulator usable even if handling panics.
func (e *Emulator) handleOp(c *gwConn, msg []byte) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.handleOpLocked(c, msg)
}

func (e *Emulator) handleOpLocked(c *gwConn, msg []byte) {
	var in struct {
		Op int             `json:"op"`
		D  json.RawMessage `json:"d"`
	}
	if err := json.Unmarshal(msg, &in); err != nil {
		e.closeLocked(c, CloseDecodeError, "Error while decoding payload.")
		return
	}
	switch in.Op {
	case opHeartbeat:
		c.heartbeats++
		e.gw.heartbeats++
		e.notifyLocked()
		e.writeLocked(c, frame{Op: opHeartbeatACK})
	case opIdentify:
		e.identifyLocked(c, in.D)
	case opResume:
		e.resumeLocked(c, in.D)
	default:
		if c.session == nil {
			e.closeLocked(c, CloseNotAuthenticated, "Not authenticated.")
		}
		// Presence and voice state updates are accepted and ignored.
	}
}

func (e *Emulator) tokenValid(token string) bool {
	return strings.TrimPrefix(token, "Bot ") == e.st.app.Token
}

func (e *Emulator) identifyLocked(c *gwConn, raw json.RawMessage) {
	var id struct {
		Token   string           `json:"token"`
		Intents discordgo.Intent `json:"intents"`
	}
	if err := json.Unmarshal(raw, &id); err != nil {
		e.closeLocked(c, CloseDecodeError, "Error while decoding payload.")
		return
	}
	if c.session != nil {
		e.closeLocked(c, CloseAlreadyAuthenticated, "Already authenticated.")
		return
	}
	if !e.tokenValid(id.Token) {
		e.closeLocked(c, CloseAuthenticationFailed, "Authentication failed.")
		return
	}
	if id.Intents&PrivilegedIntents&^e.st.app.PrivilegedIntents != 0 {
		e.closeLocked(c, CloseDisallowedIntents, "Disallowed intent(s).")
		return
	}
	s := &gwSession{id: e.st.rand(), intents: id.Intents, version: c.version, conn: c}
	c.session = s
	e.gw.sessions[s.id] = s
	e.gw.ready++
	var guilds []any
	for _, gid := range e.st.guildOrder {
		guilds = append(guilds, map[string]any{"id": gid, "unavailable": true})
	}
	e.sendLocked(s, "READY", map[string]any{
		"v":                  c.version,
		"user":               e.st.bot,
		"guilds":             guilds,
		"session_id":         s.id,
		"resume_gateway_url": e.gatewayURL(c),
		"application":        map[string]any{"id": e.st.app.ID, "flags": applicationFlags(e.st.app.PrivilegedIntents)},
		"private_channels":   []any{},
		"session_type":       "normal",
	})
	for _, gid := range e.st.guildOrder {
		e.sendLocked(s, "GUILD_CREATE", e.guildCreateLocked(gid, s.intents))
	}
}

func (e *Emulator) gatewayURL(c *gwConn) string {
	if e.seed.GatewayURL != "" {
		return e.seed.GatewayURL
	}
	return "ws://" + c.ws.LocalAddr().String() + "/ws"
}

// applicationFlags are the GATEWAY_* flags that say which privileged intents
// the application has enabled (resources-application.mdx).
func applicationFlags(p discordgo.Intent) int {
	flags := 0
	if p&discordgo.IntentGuildPresences != 0 {
		flags |= 1 << 12
	}
	if p&discordgo.IntentGuildMembers != 0 {
		flags |= 1 << 14
	}
	if p&discordgo.IntentMessageContent != 0 {
		flags |= 1 << 18
	}
	return flags
}

func (e *Emulator) resumeLocked(c *gwConn, raw json.RawMessage) {
	var rs struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if err := json.Unmarshal(raw, &rs); err != nil {
		e.closeLocked(c, CloseDecodeError, "Error while decoding payload.")
		return
	}
	if !e.tokenValid(rs.Token) {
		e.closeLocked(c, CloseAuthenticationFailed, "Authentication failed.")
		return
	}
	s, ok := e.gw.sessions[rs.SessionID]
	if !ok || (len(s.buffer) > 0 && s.buffer[0].seq > rs.Seq+1) {
		e.writeLocked(c, frame{Op: opInvalidSession, D: false})
		return
	}
	if s.conn != nil && s.conn != c {
		e.detachLocked(s.conn)
	}
	s.conn = c
	c.session = s
	e.gw.resumes++
	for _, f := range s.buffer {
		if f.seq > rs.Seq {
			e.writeRawLocked(c, f.raw)
		}
	}
	e.sendLocked(s, "RESUMED", nil)
}

// sendLocked sends a dispatch on a session: it gets the next sequence
// number and stays in the replay buffer, so a client that was away when it
// was sent receives it on resume.
func (e *Emulator) sendLocked(s *gwSession, name string, data any) {
	s.seq++
	seq := s.seq
	raw, err := marshalWire(frame{Op: opDispatch, D: wireValue(data), S: &seq, T: &name})
	if err != nil {
		return
	}
	s.buffer = append(s.buffer, gwFrame{seq: seq, raw: raw})
	if len(s.buffer) > replayLimit {
		s.buffer = s.buffer[len(s.buffer)-replayLimit:]
	}
	if s.conn != nil {
		e.writeRawLocked(s.conn, raw)
	}
}

func (e *Emulator) writeLocked(c *gwConn, f frame) {
	raw, err := json.Marshal(f)
	if err != nil {
		return
	}
	e.writeRawLocked(c, raw)
}

// writeRawLocked writes a frame; a client too slow to take it within the
// write timeout is dropped (it may resume).
func (e *Emulator) writeRawLocked(c *gwConn, raw []byte) {
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	if err := c.ws.WriteMessage(websocket.TextMessage, raw); err != nil {
		e.detachLocked(c)
		c.ws.Close()
	}
}

// closeLocked sends a close frame with a gateway close code and drops the
// connection, recording it for GatewayCloses.
func (e *Emulator) closeLocked(c *gwConn, code int, reason string) {
	rec := GatewayClose{Time: e.cfg.now(), Code: code, Reason: reason}
	if c.session != nil {
		rec.SessionID = c.session.id
	}
	e.gw.closes = append(e.gw.closes, rec)
	e.notifyLocked()
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(writeTimeout))
	e.detachLocked(c)
	c.ws.Close()
}

// detachLocked stops sending dispatches to a connection; its session keeps
// buffering them for a resume.
func (e *Emulator) detachLocked(c *gwConn) {
	if c.session != nil && c.session.conn == c {
		c.session.conn = nil
	}
}

// DropKind is how DropGateway disconnects clients.
type DropKind int

const (
	// DropAbnormal closes the TCP connection without a close frame, like a
	// network failure (close code 1006 on the client).
	DropAbnormal DropKind = iota + 1
	// DropReconnect sends op 7 Reconnect: the client should reconnect and resume.
	DropReconnect
	// DropInvalidSession sends op 9 Invalid Session (d: false): the session
	// is gone and the client must identify again.
	DropInvalidSession
)

// DropGateway disconnects every identified gateway client the given way and
// returns how many it dropped. Dispatches from then on are buffered until
// the client resumes.
func (e *Emulator) DropGateway(kind DropKind) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for c := range e.gw.conns {
		s := c.session
		if s == nil || s.conn != c {
			continue
		}
		n++
		switch kind {
		case DropAbnormal:
			e.detachLocked(c)
			c.ws.Close()
		case DropReconnect:
			e.writeLocked(c, frame{Op: opReconnect})
			e.detachLocked(c)
		case DropInvalidSession:
			e.writeLocked(c, frame{Op: opInvalidSession, D: false})
			delete(e.gw.sessions, s.id)
			c.session = nil
		}
	}
	return n
}

// RequestHeartbeat sends op 1 Heartbeat to every connected client, which
// must answer at once with a heartbeat of its own. It returns how many
// clients were asked.
func (e *Emulator) RequestHeartbeat() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for c := range e.gw.conns {
		if c.session != nil && c.session.conn == c {
			e.writeLocked(c, frame{Op: opHeartbeat})
			n++
		}
	}
	return n
}

// GatewayCloses returns the close frames the emulator sent, oldest first.
func (e *Emulator) GatewayCloses() []GatewayClose {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]GatewayClose(nil), e.gw.closes...)
}

// GatewayStats counts gateway sessions started (READY sent) and resumed,
// and heartbeats received.
type GatewayStats struct {
	Ready      int
	Resumes    int
	Heartbeats int
	// Connected is the number of sessions with a live connection.
	Connected int
}

// GatewayStats reports the gateway's session counters.
func (e *Emulator) GatewayStats() GatewayStats {
	e.mu.Lock()
	defer e.mu.Unlock()
	st := GatewayStats{Ready: e.gw.ready, Resumes: e.gw.resumes, Heartbeats: e.gw.heartbeats}
	for _, s := range e.gw.sessions {
		if s.conn != nil {
			st.Connected++
		}
	}
	return st
}

// settledLocked reports whether every live gateway session is connected
// and has sent its first heartbeat on that connection. discordgo starts its
// heartbeat goroutine at the end of Open (and of every reconnect) and sends
// at once; closing the session before that goroutine has run, or while it
// is reconnecting, makes it fail a write and reconnect forever after the
// test, so Session waits for this before it closes.
func (e *Emulator) settledLocked() bool {
	for _, s := range e.gw.sessions {
		if s.conn == nil || s.conn.heartbeats == 0 {
			return false
		}
	}
	return true
}
