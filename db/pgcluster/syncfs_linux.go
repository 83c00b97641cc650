package pgcluster

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// fastInitdbSync says initdb may skip its own sync because syncFS can do it
// in one call: initdb fsyncs each of its ~1,000 files, which costs seconds
// on a busy disk, where one syncfs(2) of the file system costs one flush.
const fastInitdbSync = true

// syncFS flushes the file system holding dir to disk.
func syncFS(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open %s to sync it: %w", dir, err)
	}
	defer f.Close()
	if err := unix.Syncfs(int(f.Fd())); err != nil {
		return fmt.Errorf("syncfs %s: %w", dir, err)
	}
	return nil
}
