package pgcluster

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// postmasterInfo is what a running server wrote into postmaster.pid: where to
// reach it. An adopted server may have been started with another socket
// directory or port than ours would be, so we read them rather than assume.
type postmasterInfo struct {
	pid       int
	port      int
	socketDir string
}

// readPostmasterPID parses PGDATA/postmaster.pid. Its lines are: pid, data
// directory, start time, port, first socket directory, listen address, shared
// memory key, status.
func readPostmasterPID(path string) (postmasterInfo, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return postmasterInfo{}, err
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 5 {
		return postmasterInfo{}, fmt.Errorf("%s: %d lines, want at least 5", path, len(lines))
	}
	pid, err := strconv.Atoi(strings.TrimSpace(lines[0]))
	if err != nil {
		return postmasterInfo{}, fmt.Errorf("%s: pid: %w", path, err)
	}
	port, err := strconv.Atoi(strings.TrimSpace(lines[3]))
	if err != nil {
		return postmasterInfo{}, fmt.Errorf("%s: port: %w", path, err)
	}
	return postmasterInfo{pid: pid, port: port, socketDir: strings.TrimSpace(lines[4])}, nil
}
