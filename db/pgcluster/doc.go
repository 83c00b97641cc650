// Package pgcluster runs Roundtable's embedded default database: a private
// PostgreSQL cluster built from the system's own server binaries, used when no
// DATABASE_URL is configured and by the test helper (package dbtest), so the
// code that tests exercise is the code that production runs.
//
// Layout under Options.DataDir (made absolute, parents created):
//
//	postgres/          the cluster (PGDATA), made by initdb on first start
//	postgres/server.log the server's log; its tail is quoted in start errors
//	postgres.sock/     the unix socket directory, mode 0700 (listen_addresses
//	                   is empty: no TCP port is opened). Authentication is
//	                   "trust", so this folder's permissions are what keeps
//	                   other local users out: only the cluster's owner and
//	                   root can connect. When that path would exceed the
//	                   kernel's 107-byte socket path limit, a short directory
//	                   /tmp/roundtable-pg-<hash of the data path> is used.
//	postgres.lock      an flock that serialises Start/Stop/Restart across
//	                   processes, so two processes starting together initdb
//	                   once and the second adopts the first one's server.
//
//	postgres.users     a shared flock held by every process using the server;
//	                   Stop stops the server only in the last one (users.go)
//	postgres.started   the pid of the server a Roundtable process started
//
// A server already running on the folder (left behind by a crash, or started
// by another process) is adopted rather than started twice. The last process
// using the server stops it on Stop, if a Roundtable process started it: two
// `roundtable migrate` runs started together both succeed and leave nothing
// running, and a bot that adopted the server of a crashed one stops it on
// exit, while a server a person started by hand is left alone.
//
// PostgreSQL refuses to run as root. When the process is root, initdb, pg_ctl
// and the server run as the "postgres" OS user, which is given the cluster
// folders; directories above them that user could not traverse get the
// search (x) bit for others, and that is logged.
//
// Not fergusstrange/embedded-postgres: with a configured major version other
// than the binaries' it deletes the data folder, and it cannot adopt a
// leftover server.
package pgcluster
