// Package dbtest gives tests a real PostgreSQL database: never a mock.
//
//	func TestSomething(t *testing.T) {
//		d := dbtest.New(t) // fresh, fully migrated, dropped when the test ends
//		...
//	}
//
// # Which server
//
// With TEST_DATABASE_URL set, databases are made on that server (the URL's
// own database is only used to create and drop the others; the role needs
// CREATEDB). Otherwise the tests share one private cluster, started with
// package pgcluster exactly as the embedded default is, in
// SharedDataDir() ($TMPDIR/roundtable-test-pg-<uid>).
//
// That cluster is started once and left running for the next test process,
// on purpose. `go test ./...` runs several package test binaries at once; a
// per-process cluster stopped by TestMain would cost each package an initdb
// and a start (about a second) and could not be shared, while a cluster
// stopped by "the last process" needs reference counting that a killed
// process breaks. pgcluster.Start holds an flock on the folder while it
// starts or adopts, so parallel processes start it once and the rest adopt
// it. Stop it with
//
//	pg_ctl stop -m fast -D "$(dirname $(mktemp -u))/roundtable-test-pg-$(id -u)/postgres"
//
// (as root, run pg_ctl as the postgres user), or just remove the folder after
// stopping it to start from scratch. It runs with fsync off (it holds only
// throwaway test data), so after an OS crash remove the folder.
//
// # Fresh databases
//
// The migrations are applied once per schema to a template database named
// after a hash of the migration files (roundtable_tmpl_<hash>); every New
// clones it with CREATE DATABASE ... TEMPLATE, which takes milliseconds.
// Building the template holds a Postgres advisory lock and marks the
// template ready (IS_TEMPLATE) only when migrated, so concurrent processes
// build it once and a half-built one left by a killed process is rebuilt.
// Test databases are named rt_test_<unix time>_<random>; ones older than an
// hour (leaked by a killed test process) are dropped by the next process.
//
// # Restarting the server
//
// Restarting the shared server would break other packages' tests running at
// the same moment. NewIsolated therefore gives the caller its own cluster
// and a restart function; it is slower (an initdb per call) and meant for
// the few tests about surviving a restart. It skips when TEST_DATABASE_URL
// is set, since an external server cannot be restarted from here.
package dbtest
