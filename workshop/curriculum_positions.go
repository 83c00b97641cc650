package workshop

import (
	"bytes"
	"strconv"
	"strings"
)

// BurntSushi/toml keeps key positions private (and per key name, not per
// array element), so diagnostics find their place with this small scanner.
// It runs only on documents the TOML decoder has already accepted, and it
// only records where keys, table headers and array elements start; it
// never decides what is valid. On input it does not understand it still
// terminates, and lookups fall back to the enclosing table.

var utf8BOM = []byte("\xef\xbb\xbf")

// keyPositions maps a path to where it is written. A path joins key names
// with "." and marks array elements (including [[tables]]) with "[i]", e.g.
// "step[1].roles[0]"; names that are not bare keys are quoted.
type keyPositions map[string]Pos

// scanKeyPositions indexes every key, header and array element of src.
func scanKeyPositions(file string, src []byte) keyPositions {
	s := &posScanner{src: src, file: file, line: 1, out: keyPositions{}, arrays: map[string]int{}}
	if bytes.HasPrefix(src, utf8BOM) {
		// The decoder skips a byte order mark; so do columns, as it is invisible.
		s.i, s.lineStart = len(utf8BOM), len(utf8BOM)
	}
	s.document()
	return s.out
}

// at returns the position of path, or of its closest enclosing key or table
// when path itself is not written (a missing key), or 1:1 of the file.
func (kp keyPositions) at(file, path string) Pos {
	for path != "" {
		if p, ok := kp[path]; ok {
			return p
		}
		path = parentPath(path)
	}
	return Pos{File: file, Line: 1, Col: 1}
}

// parentPath strips the last element of a path: "a.b[2]" -> "a.b" -> "a".
func parentPath(path string) string {
	if strings.HasSuffix(path, "]") {
		if i := strings.LastIndexByte(path, '['); i >= 0 {
			return path[:i]
		}
	}
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	return ""
}

// joinPath appends a key name to a path, quoting names that are not bare.
func joinPath(path, name string) string {
	if !isBareKey(name) {
		name = strconv.Quote(name)
	}
	if path == "" {
		return name
	}
	return path + "." + name
}

// elemPath is the path of element i of the array at path.
func elemPath(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func isBareKey(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !isBareKeyChar(name[i]) {
			return false
		}
	}
	return true
}

func isBareKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

type posScanner struct {
	src       []byte
	file      string
	i         int // offset of the next byte
	line      int // line of src[i]
	lineStart int // offset of the first byte of the line
	out       keyPositions
	arrays    map[string]int // [[table]] path -> tables seen so far
}

func (s *posScanner) eof() bool { return s.i >= len(s.src) }

func (s *posScanner) peek() byte {
	if s.eof() {
		return 0
	}
	return s.src[s.i]
}

func (s *posScanner) peekAt(n int) byte {
	if s.i+n >= len(s.src) {
		return 0
	}
	return s.src[s.i+n]
}

func (s *posScanner) advance() {
	if s.eof() {
		return
	}
	if s.src[s.i] == '\n' {
		s.line++
		s.lineStart = s.i + 1
	}
	s.i++
}

func (s *posScanner) here() Pos {
	return Pos{File: s.file, Line: s.line, Col: s.i - s.lineStart + 1}
}

// record keeps the first position seen for a path: a dotted key like
// a.b = 1 also defines "a", and the first definition is the one to show.
func (s *posScanner) record(path string, p Pos) {
	if _, ok := s.out[path]; !ok {
		s.out[path] = p
	}
}

func (s *posScanner) skipSpace() {
	for c := s.peek(); c == ' ' || c == '\t' || c == '\r'; c = s.peek() {
		s.advance()
	}
}

func (s *posScanner) skipComment() {
	if s.peek() != '#' {
		return
	}
	for !s.eof() && s.peek() != '\n' {
		s.advance()
	}
}

// skipBlank skips white space, newlines and comments.
func (s *posScanner) skipBlank() {
	for {
		s.skipSpace()
		s.skipComment()
		if s.peek() != '\n' {
			return
		}
		s.advance()
	}
}

func (s *posScanner) document() {
	table := ""
	for {
		s.skipBlank()
		if s.eof() {
			return
		}
		start := s.i
		if s.peek() == '[' {
			table = s.header()
		} else {
			p := s.here()
			keys := s.key()
			s.skipSpace()
			if len(keys) > 0 && s.peek() == '=' {
				s.advance()
				s.value(s.recordKey(table, keys, p))
			}
		}
		// Whatever is left on the line (a comment, or text this scanner
		// does not understand) ends the statement.
		for !s.eof() && s.peek() != '\n' {
			s.advance()
		}
		if s.i == start {
			s.advance()
		}
	}
}

// header reads [table] or [[table]] and returns the path of the table.
func (s *posScanner) header() string {
	p := s.here()
	s.advance()
	isArray := s.peek() == '['
	if isArray {
		s.advance()
	}
	keys := s.key()
	s.skipSpace()
	for range 2 {
		if s.peek() == ']' {
			s.advance()
		}
	}
	path := ""
	for j, k := range keys {
		path = joinPath(path, k)
		if n, ok := s.arrays[path]; j == len(keys)-1 && isArray {
			s.arrays[path] = n + 1
			path = elemPath(path, n)
		} else if ok && n > 0 {
			path = elemPath(path, n-1)
		}
	}
	if path != "" {
		s.record(path, p)
	}
	return path
}

// recordKey records a (possibly dotted) key at p and returns its full path.
func (s *posScanner) recordKey(table string, keys []string, p Pos) string {
	path := table
	for _, k := range keys {
		path = joinPath(path, k)
		s.record(path, p)
	}
	return path
}

// key reads a dotted key: bare, "basic" or 'literal' parts separated by dots.
func (s *posScanner) key() []string {
	var keys []string
	for {
		s.skipSpace()
		var k string
		switch c := s.peek(); {
		case c == '"':
			k = s.quotedKey('"')
		case c == '\'':
			k = s.quotedKey('\'')
		case isBareKeyChar(c):
			start := s.i
			for isBareKeyChar(s.peek()) {
				s.advance()
			}
			k = string(s.src[start:s.i])
		default:
			return keys
		}
		keys = append(keys, k)
		s.skipSpace()
		if s.peek() != '.' {
			return keys
		}
		s.advance()
	}
}

func (s *posScanner) quotedKey(quote byte) string {
	s.advance()
	start := s.i
	for !s.eof() && s.peek() != quote && s.peek() != '\n' {
		if quote == '"' && s.peek() == '\\' {
			s.advance()
		}
		s.advance()
	}
	raw := string(s.src[start:min(s.i, len(s.src))])
	if s.peek() == quote {
		s.advance()
	}
	if quote == '"' {
		if u, err := strconv.Unquote(`"` + raw + `"`); err == nil {
			return u
		}
	}
	return raw
}

// value skips one value, recording the elements of arrays and the keys of
// inline tables under path.
func (s *posScanner) value(path string) {
	s.skipSpace()
	switch c := s.peek(); c {
	case '"', '\'':
		s.str(c)
	case '[':
		s.advance()
		for n := 0; ; n++ {
			s.skipBlank()
			if s.eof() {
				return
			}
			if s.peek() == ']' {
				s.advance()
				return
			}
			start := s.i
			p := elemPath(path, n)
			s.record(p, s.here())
			s.value(p)
			s.skipBlank()
			if s.peek() == ',' {
				s.advance()
			} else if s.i == start {
				s.advance()
			}
		}
	case '{':
		s.advance()
		for {
			s.skipBlank()
			if s.eof() {
				return
			}
			switch s.peek() {
			case '}':
				s.advance()
				return
			case ',':
				s.advance()
				continue
			}
			p := s.here()
			keys := s.key()
			s.skipSpace()
			if len(keys) == 0 || s.peek() != '=' {
				s.advance()
				continue
			}
			s.advance()
			s.value(s.recordKey(path, keys, p))
		}
	default:
		// A number, boolean or date: it ends where the next token begins.
		for !s.eof() && !strings.ContainsRune(",]}\n#", rune(s.peek())) {
			s.advance()
		}
	}
}

// str skips a basic ("...", """...""") or literal ('...', ”'...”') string.
func (s *posScanner) str(quote byte) {
	if s.peekAt(1) == quote && s.peekAt(2) == quote {
		for range 3 {
			s.advance()
		}
		for !s.eof() {
			if quote == '"' && s.peek() == '\\' {
				s.advance()
				s.advance()
				continue
			}
			if s.peek() == quote && s.peekAt(1) == quote && s.peekAt(2) == quote {
				// Up to two more quotes may end the content: """a""""".
				for n := 0; n < 5 && s.peek() == quote; n++ {
					s.advance()
				}
				return
			}
			s.advance()
		}
		return
	}
	s.advance()
	for !s.eof() && s.peek() != '\n' {
		c := s.peek()
		s.advance()
		if c == quote {
			return
		}
		if quote == '"' && c == '\\' {
			s.advance()
		}
	}
}
