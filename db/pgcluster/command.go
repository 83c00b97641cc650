package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// execExitError is a PostgreSQL tool's non-zero exit; pg_ctl status uses the
// code to say "not running" (3).
type execExitError struct {
	name string
	code int
}

func (e *execExitError) Error() string {
	return fmt.Sprintf("%s exited with status %d", e.name, e.code)
}

// run executes a PostgreSQL binary as the cluster owner and returns its
// combined output. pg_ctl start sends the server's own output to the log
// file (-l), so the server never holds our pipes open.
func (c *Cluster) run(ctx context.Context, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(c.binDir, name), args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Env = childEnv()
	cmd.Dir = "/" // our working directory may be closed to the postgres user
	cmd.SysProcAttr = c.owner.credential()
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() > 0 {
		err = &execExitError{name: name, code: exit.ExitCode()}
	}
	return strings.TrimSpace(out.String()), err
}

// childEnv is our environment without PG* variables: PGDATA, PGHOST, PGPORT
// and friends meant for clients must not redirect initdb or pg_ctl.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			env = append(env, kv)
		}
	}
	return env
}

// shellQuote quotes s for a POSIX shell, as pg_ctl passes -o through one.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
