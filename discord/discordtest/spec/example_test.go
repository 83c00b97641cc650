package spec_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/roundtable-bot/roundtable/discord/discordtest/spec"
)

func ExampleValidator_ValidateRequest() {
	v, err := spec.Default()
	if err != nil {
		fmt.Println(err)
		return
	}
	body := `{"content":"` + strings.Repeat("x", 2001) + `"}`
	e := v.ValidateRequest("POST", "/api/v9/channels/123/messages", "application/json", []byte(body))
	out, _ := json.Marshal(e)
	fmt.Println(e.HTTPStatus, string(out))

	e = v.ValidateRequest("POST", "/api/v9/channels/123/messages", "application/json", []byte(`{"content":"hi"}`))
	fmt.Println(e == nil)
	// Output:
	// 400 {"code":50035,"message":"Invalid Form Body","errors":{"content":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH","message":"Must be 2000 or fewer in length."}]}}}
	// true
}

func ExampleValidator_Match() {
	v, err := spec.Default()
	if err != nil {
		fmt.Println(err)
		return
	}
	r, ok := v.Match("PATCH", "/api/v9/webhooks/1/tok/messages/@original")
	fmt.Println(ok, r.OperationID, r.Template, r.Params["webhook_token"])
	// Output:
	// true update_original_webhook_message /webhooks/{webhook_id}/{webhook_token}/messages/@original tok
}
