package discord

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// frame builds an unmasked server frame with the given opcode and payload.
func frame(op byte, payload []byte) []byte {
	b := []byte{0x80 | op}
	switch n := len(payload); {
	case n < 126:
		b = append(b, byte(n))
	case n <= 0xffff:
		b = append(b, 126, 0, 0)
		binary.BigEndian.PutUint16(b[2:], uint16(n))
	default:
		b = append(b, 127, 0, 0, 0, 0, 0, 0, 0, 0)
		binary.BigEndian.PutUint64(b[2:], uint64(n))
	}
	return append(b, payload...)
}

func closeFrame(code uint16, reason string) []byte {
	p := binary.BigEndian.AppendUint16(nil, code)
	return frame(0x8, append(p, reason...))
}

func TestFrameWatcherFindsCloseCodesAcrossFrameSizesAndChunks(t *testing.T) {
	var stream bytes.Buffer
	stream.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
	stream.Write(frame(0x1, []byte(`{"op":10}`)))
	stream.Write(frame(0x2, bytes.Repeat([]byte{0x88}, 300)))   // 16-bit length; bytes that look like close headers
	stream.Write(frame(0x1, bytes.Repeat([]byte("x"), 70_000))) // 64-bit length
	stream.Write(closeFrame(4014, "Disallowed intent(s)."))
	stream.Write(frame(0x8, nil)) // a close with no status

	for _, chunk := range []int{1, 2, 3, 7, 125, 4096, stream.Len()} {
		var got []int
		w := frameWatcher{onClose: func(code int) { got = append(got, code) }, inHandshake: true}
		data := stream.Bytes()
		for len(data) > 0 {
			n := min(chunk, len(data))
			w.feed(data[:n])
			data = data[n:]
		}
		if len(got) != 2 || got[0] != 4014 || got[1] != 1005 {
			t.Errorf("chunks of %d: close codes %v, want [4014 1005]", chunk, got)
		}
	}
}

func TestFatalCloseCodesExplainThemselves(t *testing.T) {
	s := &Session{fatal: make(chan error, 1)}
	s.onClose(4004)
	s.onClose(4014) // a second fatal code is dropped: the first is the reason
	select {
	case err := <-s.fatal:
		if !bytes.Contains([]byte(err.Error()), []byte("4004")) || !bytes.Contains([]byte(err.Error()), []byte("Reset Token")) {
			t.Fatalf("unhelpful error: %v", err)
		}
	default:
		t.Fatal("4004 not reported")
	}
}
