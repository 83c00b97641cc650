package spec

import (
	"encoding/json"
	"testing"
)

// FuzzValidateRequest feeds arbitrary bodies to the busiest operations: the
// validator must never panic, and whatever it answers must marshal.
func FuzzValidateRequest(f *testing.F) {
	v := validator(f)
	seeds := []string{
		`{"content":"hi"}`,
		`{"content":"x","embeds":[{"title":"t","fields":[{"name":"n","value":"v"}]}],"components":[{"type":1,"components":[{"type":2,"style":1,"custom_id":"a"}]}]}`,
		`{"type":9,"data":{"custom_id":"m","title":"T","components":[{"type":1,"components":[{"type":4,"custom_id":"a","label":"L","style":1}]}]}}`,
		`[{"name":"a","description":"b","options":[{"type":3,"name":"x","description":"y"}]}]`,
		`{"name":"a","permission_overwrites":[{"id":"1","type":0,"allow":"1024","deny":"0"}]}`,
		`{"components":[{"type":1,"components":"x"}],"embeds":{"0":1}}`,
		`null`, `[]`, `"x"`, `{"type":"4","data":[]}`, ``,
	}
	paths := []struct{ method, path string }{
		{"POST", "/api/v9/channels/1/messages"},
		{"POST", "/api/v9/interactions/1/tok/callback"},
		{"PUT", "/api/v9/applications/1/guilds/2/commands"},
		{"POST", "/api/v9/guilds/1/channels"},
	}
	for _, s := range seeds {
		for i := range paths {
			f.Add(uint8(i), s)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		p := paths[int(which)%len(paths)]
		e := v.ValidateRequest(p.method, p.path, "application/json", []byte(body))
		if e == nil {
			return
		}
		if _, err := json.Marshal(e); err != nil {
			t.Fatalf("marshal %v: %v", e, err)
		}
		if e.HTTPStatus != 400 {
			t.Fatalf("status %d for a client's body: %v", e.HTTPStatus, e)
		}
	})
}
