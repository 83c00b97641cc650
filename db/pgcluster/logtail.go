package pgcluster

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// logTailBytes bounds how much of the server log an error quotes.
const logTailBytes = 2048

// withLogTail adds the end of the server log to err, because pg_ctl's own
// message ("could not start server") rarely says why.
func withLogTail(err error, logPath string) error {
	tail := readTail(logPath, logTailBytes)
	if tail == "" {
		return err
	}
	return fmt.Errorf("%w\nserver log %s ends with:\n%s", err, logPath, tail)
}

func readTail(path string, n int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return ""
	}
	off := max(fi.Size()-n, 0)
	b, err := io.ReadAll(io.NewSectionReader(f, off, fi.Size()-off))
	if err != nil {
		return ""
	}
	if off > 0 {
		// Start at a line boundary so the quote does not open mid-sentence.
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	return string(bytes.TrimSpace(b))
}
