package dbtest_test

import (
	"testing"

	"github.com/roundtable-bot/roundtable/db/dbtest"
)

// BenchmarkNew measures what each database-backed test pays for its fresh
// database: clone from the template and connect (the drops run at the end,
// in cleanup, and are not counted).
func BenchmarkNew(b *testing.B) {
	dbtest.New(b) // the first call may start the server and build the template
	for b.Loop() {
		dbtest.New(b)
	}
}
