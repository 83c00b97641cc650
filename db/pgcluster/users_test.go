package pgcluster

import (
	"os"
	"path/filepath"
	"testing"
)

// The process that started the server may finish first: the server must stay
// up for the others, and the last one out stops it.
func TestLastUserStopsTheServer(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	starter, err := Start(testContext(t), Options{DataDir: dir, Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	adopter, err := Start(testContext(t), Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := starter.Stop(testContext(t)); err != nil {
		t.Fatal(err)
	}
	if got := queryInt(t, adopter.URL(), "SELECT 1"); got != 1 {
		t.Fatal("server gone while another user still needs it")
	}
	if err := adopter.Stop(testContext(t)); err != nil {
		t.Fatal(err)
	}
	assertNotRunning(t, adopter)
}

// A server a person started on the folder is theirs: Roundtable uses it and
// leaves it running.
func TestServerNotStartedByRoundtableIsLeftRunning(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	first := startCluster(t, dir) // stops it at the end of the test
	// Forget that Roundtable started it, as if a person had run pg_ctl.
	if err := os.Remove(first.startedPath()); err != nil {
		t.Fatal(err)
	}
	second, err := Start(testContext(t), Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Stop(testContext(t)); err != nil {
		t.Fatal(err)
	}
	if got := queryInt(t, second.URL(), "SELECT 1"); got != 1 {
		t.Fatal("server stopped though Roundtable did not start it")
	}
	if err := second.Stop(testContext(t)); err != nil {
		t.Fatal(err)
	}
	if got := queryInt(t, second.URL(), "SELECT 1"); got != 1 {
		t.Fatal("server stopped by its last user though Roundtable did not start it")
	}
	// Clean up: the test owns this server after all.
	if err := second.Restart(testContext(t)); err != nil {
		t.Fatal(err)
	}
	if err := second.joinUsers(testContext(t)); err != nil {
		t.Fatal(err)
	}
	if err := second.Stop(testContext(t)); err != nil {
		t.Fatal(err)
	}
	assertNotRunning(t, second)
}
