package spec

import "testing"

// The spec's `"enum": []` on a join request's action would refuse every
// value; after repair the referenced enumeration decides.
func TestEmptyEnumIsRepaired(t *testing.T) {
	v := validator(t)
	path := "/api/v9/guilds/1/requests/2"
	if e := v.ValidateRequest("PATCH", path, "application/json", []byte(`{"action":"APPROVED"}`)); e != nil {
		t.Errorf("APPROVED refused: %v", e)
	}
	e := v.ValidateRequest("PATCH", path, "application/json", []byte(`{"action":"MAYBE"}`))
	if e == nil || len(e.FieldErrors("action")) == 0 {
		t.Errorf("MAYBE: got %v, want an error at action", e)
	}
}
