package pgcluster

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A server killed outright (power cut, OOM killer) leaves postmaster.pid
// behind; the next Start must recover the cluster, not adopt a corpse.
func TestStartAfterServerCrash(t *testing.T) {
	dir := t.TempDir()
	c := startCluster(t, dir)
	info, err := readPostmasterPID(filepath.Join(c.DataDir(), "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(info.pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitForExit(t, info.pid)
	again := startCluster(t, dir)
	if !again.StartedHere() {
		t.Fatal("Start adopted a killed server")
	}
	if got := queryInt(t, again.URL(), "SELECT 1"); got != 1 {
		t.Fatal("recovered cluster does not answer")
	}
	// The first Cluster's server is gone; its Stop must leave the new one be.
	if err := c.Stop(testContext(t)); err != nil {
		t.Fatal(err)
	}
	if got := queryInt(t, again.URL(), "SELECT 1"); got != 1 {
		t.Fatal("Stop of a dead server's Cluster stopped its successor")
	}
}

// waitForExit polls until pid is gone; the test's deadline bounds it.
func waitForExit(t *testing.T, pid int) {
	t.Helper()
	for syscall.Kill(pid, 0) == nil {
		select {
		case <-testContext(t).Done():
			t.Fatalf("process %d still alive", pid)
		case <-time.After(10 * time.Millisecond):
		}
	}
}
