package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Several processes may use one cluster at once: `roundtable migrate` beside a
// running bot, or two migrations started together. Stopping the server when
// the process that happened to start it exits would pull it from under the
// others. So every Cluster holding the server keeps a shared flock on
// postgres.users while it uses it, and Stop stops the server only when it can
// take that lock exclusively: it is the last user. The kernel drops a killed
// process's lock, so a crash never leaves a phantom user behind.
//
// The last user stops the server only if a Roundtable process started it:
// start writes the postmaster's pid to postgres.started, so a server a person
// started by hand on the folder is left alone, while one left running by a
// crashed bot is stopped by whoever adopts it last.

func (c *Cluster) usersPath() string   { return filepath.Join(c.dataDir, "postgres.users") }
func (c *Cluster) startedPath() string { return filepath.Join(c.dataDir, "postgres.started") }

// joinUsers registers this Cluster as a user of the running server. Called
// with the management lock held, so no Stop can slip in between adopting the
// server and joining.
func (c *Cluster) joinUsers(ctx context.Context) error {
	l, err := flockFile(ctx, c.usersPath(), syscall.LOCK_SH)
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	c.users = l
	return nil
}

// leaveUsers gives up this Cluster's use of the server and reports whether it
// was the last user; if so, the returned lock keeps newcomers waiting on the
// management lock until the caller has stopped the server and unlocks it.
func (c *Cluster) leaveUsers() (last *fileLock, err error) {
	if c.users != nil {
		c.users.unlock()
		c.users = nil
	}
	l, ok, err := tryLockFile(c.usersPath())
	if err != nil || !ok {
		return nil, err
	}
	return l, nil
}

// markStarted records that a Roundtable process started the server with pid.
func (c *Cluster) markStarted(pid int) error {
	if err := os.WriteFile(c.startedPath(), []byte(strconv.Itoa(pid)+"\n"), 0o644); err != nil {
		return fmt.Errorf("pgcluster: record the started server: %w", err)
	}
	return nil
}

// startedByUs reports whether the running postmaster is one a Roundtable
// process started (its pid is the recorded one).
func (c *Cluster) startedByUs() bool {
	b, err := os.ReadFile(c.startedPath())
	if err != nil {
		return false
	}
	recorded, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return false
	}
	info, err := readPostmasterPID(filepath.Join(c.pgData, "postmaster.pid"))
	return err == nil && info.pid == recorded
}

func (c *Cluster) clearStarted() {
	if err := os.Remove(c.startedPath()); err != nil && !errors.Is(err, os.ErrNotExist) {
		c.log.Warn("pgcluster: remove the started-server record", "err", err)
	}
}
