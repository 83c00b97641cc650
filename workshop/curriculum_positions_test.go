package workshop

import "testing"

func TestScanKeyPositions(t *testing.T) {
	src := `# comment with "quotes" and [brackets]
a = 1 # trailing
"quoted key" = 'x'
b.c = { d = [1, 2], e = "}" }
s = """
multi = "not a key"
[not.a.table]
"""
lit = '''
[[step]]
'''

[[step]]
id = "one"   
roles = [
  "a",   # comment
  "b",
]

[[step]]
  id = "two"
t = [{ x = 1 }, { y = "]" }]
[intro]
  prompt = "say \"hi\""
  after = 1
`
	pos := scanKeyPositions("f", []byte(src))
	want := map[string]string{
		"a":                "f:2:1",
		`"quoted key"`:     "f:3:1",
		"b":                "f:4:1",
		"b.c":              "f:4:1",
		"b.c.d":            "f:4:9",
		"b.c.d[1]":         "f:4:17",
		"b.c.e":            "f:4:21",
		"s":                "f:5:1",
		"lit":              "f:9:1",
		"step[0]":          "f:13:1",
		"step[0].id":       "f:14:1",
		"step[0].roles":    "f:15:1",
		"step[0].roles[0]": "f:16:3",
		"step[0].roles[1]": "f:17:3",
		"step[1]":          "f:20:1",
		"step[1].id":       "f:21:3",
		"step[1].t[1].y":   "f:22:19",
		"intro":            "f:23:1",
		"intro.prompt":     "f:24:3",
		"intro.after":      "f:25:3",
	}
	for path, w := range want {
		if got := pos.at("f", path).String(); got != w {
			t.Errorf("%s at %s, want %s", path, got, w)
		}
	}
	for _, bogus := range []string{"multi", "not", "step[2]"} {
		if _, ok := pos[bogus]; ok {
			t.Errorf("%s recorded, but it is inside a string", bogus)
		}
	}
	bom := scanKeyPositions("f", []byte("\xef\xbb\xbfid = 1\n"))
	if got := bom.at("f", "id").String(); got != "f:1:1" {
		t.Errorf("key after a byte order mark at %s, want f:1:1", got)
	}
	// A missing key falls back to its table, then to the top of the file.
	if got := pos.at("f", "step[1].title").String(); got != "f:20:1" {
		t.Errorf("missing key at %s, want its table at f:20:1", got)
	}
	if got := pos.at("f", "nothing").String(); got != "f:1:1" {
		t.Errorf("missing table at %s, want f:1:1", got)
	}
}
