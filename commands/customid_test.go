package commands

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/roundtable-bot/roundtable/workshop"
)

func TestIDRoundTrip(t *testing.T) {
	for _, id := range []ID{
		{Kind: "join"},
		{Kind: "workshop.join", Args: []string{"run-1"}},
		{Kind: "w_x-y.z", Args: []string{"", "a:b", "100%", "%3A", "::", "é✓"}},
		{Kind: "a", Args: []string{strings.Repeat("x", MaxCustomIDLength-len("rt1:a:"))}},
	} {
		s, err := id.Encode()
		if err != nil {
			t.Fatalf("encode %+v: %v", id, err)
		}
		got, err := DecodeID(s)
		if err != nil {
			t.Fatalf("decode %q: %v", s, err)
		}
		if got.Kind != id.Kind || !slices.Equal(got.Args, id.Args) {
			t.Errorf("round trip %+v -> %q -> %+v", id, s, got)
		}
	}
	if s, _ := NewID("join", "a:b", "50%").Encode(); s != "rt1:join:a%3Ab:50%25" {
		t.Errorf("encoded %q", s)
	}
}

func TestIDEncodeRejects(t *testing.T) {
	for _, id := range []ID{
		{Kind: ""},
		{Kind: "Join"},
		{Kind: "1join"},
		{Kind: "join now"},
		{Kind: "join:now"},
		{Kind: "a" + strings.Repeat("b", 31)},
		{Kind: "a", Args: []string{strings.Repeat("x", MaxCustomIDLength)}},
		{Kind: "a", Args: []string{strings.Repeat(":", 32)}}, // 96 after escaping, plus the prefix
	} {
		s, err := id.Encode()
		if err == nil {
			t.Errorf("encode %+v = %q, want an error", id, s)
			continue
		}
		if code := workshop.ErrorCode(err); code != workshop.EINVALID {
			t.Errorf("encode %+v: code %q, want %q", id, code, workshop.EINVALID)
		}
	}
}

func TestDecodeIDRejects(t *testing.T) {
	for _, s := range []string{
		"", "rt1", "rt1:", "rt2:join", "RT1:join", "join", "rt1:Join", "rt1::x", "rt1:join:%", "rt1:join:%3",
		"rt1:join:%3a", "rt1:join:%41", "rt1:join:a%", "rt1:" + strings.Repeat("a", 97),
	} {
		if id, err := DecodeID(s); err == nil {
			t.Errorf("decode %q = %+v, want an error", s, id)
		} else if workshop.ErrorCode(err) != workshop.EINVALID {
			t.Errorf("decode %q: code %q", s, workshop.ErrorCode(err))
		}
	}
}

func TestIDArg(t *testing.T) {
	id := NewID("k", "a")
	if id.Arg(0) != "a" || id.Arg(1) != "" || id.Arg(-1) != "" {
		t.Errorf("Arg misbehaves: %q %q %q", id.Arg(0), id.Arg(1), id.Arg(-1))
	}
}

// FuzzDecodeID: decoding never panics and accepts only canonical ids;
// encoding never writes more than Discord's 100 characters and always
// decodes back to what was encoded.
func FuzzDecodeID(f *testing.F) {
	f.Add("rt1:join:a%3Ab", "join", "a:b", "")
	f.Add("rt1:workshop.join:run-1:x", "workshop.join", "run-1", "100%")
	f.Add("rt1:k:%zz", "k", "", "::")
	f.Add("legacy_join", "Bad", "é", "%3A")
	f.Fuzz(func(t *testing.T, raw, kind, a1, a2 string) {
		if id, err := DecodeID(raw); err == nil {
			again, err := id.Encode()
			if err != nil {
				t.Fatalf("decoded %q to %+v, which does not encode: %v", raw, id, err)
			}
			if again != raw {
				t.Fatalf("decoded %q to %+v, which encodes as %q", raw, id, again)
			}
		}
		for _, id := range []ID{{Kind: kind}, {Kind: kind, Args: []string{a1}}, {Kind: kind, Args: []string{a1, a2}}} {
			s, err := id.Encode()
			if err != nil {
				if validKind(kind) && len(s) > 0 {
					t.Fatalf("failed encode returned %q", s)
				}
				continue
			}
			if len(s) > MaxCustomIDLength || utf8.RuneCountInString(s) > MaxCustomIDLength {
				t.Fatalf("encoded %+v as %d bytes: %q", id, len(s), s)
			}
			got, err := DecodeID(s)
			if err != nil {
				t.Fatalf("encoded %+v as %q, which does not decode: %v", id, s, err)
			}
			if got.Kind != id.Kind || !slices.Equal(got.Args, id.Args) {
				t.Fatalf("%+v -> %q -> %+v", id, s, got)
			}
		}
	})
}
