package spec

import (
	"fmt"
	"sync"
	"testing"
)

// A fresh Validator compiles schemas on first use; many goroutines hitting
// the same and different operations at once must agree and race-free
// (run with -race).
func TestConcurrentFirstUse(t *testing.T) {
	v, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	bodies := []struct{ method, path, body string }{
		{"POST", "/api/v9/channels/1/messages", `{"content":"hi"}`},
		{"POST", "/api/v9/guilds/1/channels", `{"name":"a","type":2}`},
		{"PUT", "/api/v9/channels/1/permissions/2", `{"type":0,"allow":"1024","deny":"0"}`},
		{"POST", "/api/v9/interactions/1/tok/callback", `{"type":4,"data":{"content":"x"}}`},
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := bodies[i%len(bodies)]
			if e := v.ValidateRequest(b.method, b.path, "application/json", []byte(b.body)); e != nil {
				errs <- fmt.Errorf("%s %s: %w", b.method, b.path, e)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestDefaultIsShared(t *testing.T) {
	a, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("Default returned two different Validators")
	}
}
