package spec

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

// The JSON must be exactly Discord's shape, down to key names.
func TestErrorJSONIsDiscordsShape(t *testing.T) {
	v := validator(t)
	body := `{"content":"` + strings.Repeat("x", 2001) + `"}`
	e := v.ValidateRequest("POST", "/api/v9/channels/1/messages", "application/json", []byte(body))
	if e == nil {
		t.Fatal("accepted 2001 characters of content")
	}
	got, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"code":50035,"message":"Invalid Form Body","errors":{"content":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH","message":"Must be 2000 or fewer in length."}]}}}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestArrayErrorsAreKeyedByIndex(t *testing.T) {
	v := validator(t)
	body := `{"content":"x","embeds":[{"title":"ok"},{"title":"` + strings.Repeat("t", 257) + `"}]}`
	e := v.ValidateRequest("POST", "/api/v9/channels/1/messages", "application/json", []byte(body))
	if e == nil {
		t.Fatal("accepted a 257-character embed title")
	}
	var decoded struct {
		Errors map[string]map[string]map[string]map[string][]FieldError `json:"errors"`
	}
	raw, _ := json.Marshal(e)
	if err := json.Unmarshal(raw, &decoded); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	fes := decoded.Errors["embeds"]["1"]["title"]["_errors"]
	if len(fes) != 1 || fes[0].Code != "BASE_TYPE_MAX_LENGTH" || fes[0].Message != "Must be 256 or fewer in length." {
		t.Errorf("embeds.1.title errors = %+v in %s", fes, raw)
	}
	if _, ok := decoded.Errors["embeds"]["0"]; ok {
		t.Errorf("the valid embed 0 has errors: %s", raw)
	}
}

func TestMalformedBodies(t *testing.T) {
	v := validator(t)
	cases := []struct {
		name, contentType, body string
		wantCode                int
	}{
		{"truncated JSON", "application/json", `{"content":"x"`, CodeInvalidJSON},
		{"trailing garbage", "application/json", `{"content":"x"} {}`, CodeInvalidJSON},
		{"multipart payload_json not JSON", "multipart/form-data; boundary=XX",
			"--XX\r\nContent-Disposition: form-data; name=\"payload_json\"\r\n\r\n{nope\r\n--XX--\r\n", CodeInvalidJSON},
		{"multipart without boundary", "multipart/form-data", "--XX--", CodeInvalidFormBody},
		{"wrong type", "application/json", `{"content":5}`, CodeInvalidFormBody},
		{"array for object", "application/json", `[1,2]`, CodeInvalidFormBody},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := v.ValidateRequest("POST", "/api/v9/channels/1/messages", tc.contentType, []byte(tc.body))
			if e == nil || e.Code != tc.wantCode || e.HTTPStatus != 400 {
				t.Errorf("got %v, want 400 %d", e, tc.wantCode)
			}
		})
	}
}

func TestMultipartTextFieldsAreTheBody(t *testing.T) {
	v := validator(t)
	body := "--XX\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\n" + strings.Repeat("x", 2001) + "\r\n--XX--\r\n"
	e := v.ValidateRequest("POST", "/api/v9/channels/1/messages", "multipart/form-data; boundary=XX", []byte(body))
	if e == nil || len(e.FieldErrors("content")) == 0 {
		t.Errorf("got %v, want a content error", e)
	}
}

func TestRoutesWithoutBodyAreNotChecked(t *testing.T) {
	v := validator(t)
	for _, tc := range []struct{ method, path string }{
		{"POST", "/api/v9/channels/1/typing"},       // the spec gives no body
		{"GET", "/api/v9/channels/1/messages"},      // no body on GET
		{"POST", "/api/v9/not/a/discord/endpoint"},  // the emulator answers 404
		{"DELETE", "/api/v9/channels/1/messages/2"}, // no body
	} {
		if e := v.ValidateRequest(tc.method, tc.path, "application/json", []byte(`{"content":5}`)); e != nil {
			t.Errorf("%s %s: %v", tc.method, tc.path, e)
		}
	}
}

func TestWriteError(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteError(rec, emptyMessageError())
	if rec.Code != 400 || rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("status %d, content type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if got, want := rec.Body.String(), `{"code":50006,"message":"Cannot send an empty message"}`; got != want {
		t.Errorf("body %s, want %s", got, want)
	}
}

func TestErrorStringNamesEveryPath(t *testing.T) {
	var f formErrors
	f.add([]string{"embeds", "0", "title"}, "BASE_TYPE_MAX_LENGTH", "Must be 256 or fewer in length.")
	f.add([]string{"content"}, "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")
	got := f.asError().Error()
	for _, want := range []string{"50035", "content: BASE_TYPE_MAX_LENGTH", "embeds.0.title: BASE_TYPE_MAX_LENGTH"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
}

// Discord names what a field may be; so do we, for enumerations spelled as
// oneOf of consts and for alternatives told apart by their "type".
func TestChoicesAreListed(t *testing.T) {
	v := validator(t)
	cases := []struct {
		name, method, path, body string
		at                       []string
		want                     string
	}{
		{"enumeration", "POST", "/api/v9/channels/1/messages", `{"content":"x","allowed_mentions":{"parse":["bogus"]}}`,
			[]string{"allowed_mentions", "parse", "0"}, "Value must be one of ('users', 'roles', 'everyone')."},
		{"component type", "POST", "/api/v9/channels/1/messages", `{"content":"x","components":[{"type":1,"components":[{"type":77}]}]}`,
			[]string{"components", "0", "components", "0", "type"}, "Value must be one of (2, 3, 5, 6, 7, 8)."},
		{"callback type", "POST", "/api/v9/interactions/1/tok/callback", `{"type":42}`,
			[]string{"type"}, "Value must be one of (1, 4, 5, 6, 7, 8, 9, 12, 13)."},
		{"modal text input style", "POST", "/api/v9/interactions/1/tok/callback",
			`{"type":9,"data":{"custom_id":"m","title":"T","components":[{"type":1,"components":[{"type":4,"custom_id":"a","label":"L","style":9}]}]}}`,
			[]string{"data", "components", "0", "components", "0", "style"}, "Value must be one of (1, 2)."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := v.ValidateRequest(tc.method, tc.path, "application/json", []byte(tc.body))
			if e == nil {
				t.Fatal("accepted")
			}
			fes := e.FieldErrors(tc.at...)
			if len(fes) != 1 || fes[0].Code != "BASE_TYPE_CHOICES" || fes[0].Message != tc.want {
				raw, _ := json.Marshal(e)
				t.Errorf("errors at %v = %+v, want BASE_TYPE_CHOICES %q; whole error %s", tc.at, fes, tc.want, raw)
			}
		})
	}
}

func TestEmptyPayloadJSONIsInvalidJSON(t *testing.T) {
	v := validator(t)
	body := "--XX\r\nContent-Disposition: form-data; name=\"payload_json\"\r\n\r\n\r\n--XX--\r\n"
	e := v.ValidateRequest("POST", "/api/v9/channels/1/messages", "multipart/form-data; boundary=XX", []byte(body))
	if e == nil || e.Code != CodeInvalidJSON {
		t.Errorf("got %v, want 50109", e)
	}
}
