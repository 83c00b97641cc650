package db_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/lib/pq"
	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
	"github.com/roundtable-bot/roundtable/workshop"
)

func TestTranslateMapsDriverErrorsToDomainCodes(t *testing.T) {
	plain := errors.New("something else")
	cases := []struct {
		name string
		err  error
		code string
	}{
		{"no rows", sql.ErrNoRows, workshop.ENOTFOUND},
		{"unique violation", &pq.Error{Code: "23505"}, workshop.ECONFLICT},
		{"check violation", &pq.Error{Code: "23514"}, workshop.EINVALID},
		{"foreign key violation", &pq.Error{Code: "23503"}, workshop.EINVALID},
		{"not null violation", &pq.Error{Code: "23502"}, workshop.EINVALID},
		{"admin shutdown", &pq.Error{Code: "57P01"}, workshop.EUNAVAILABLE},
		{"starting up", &pq.Error{Code: "57P03"}, workshop.EUNAVAILABLE},
		{"connection failure", &pq.Error{Code: "08006"}, workshop.EUNAVAILABLE},
		{"bad connection", driver.ErrBadConn, workshop.EUNAVAILABLE},
		{"network", &net.OpError{Op: "dial", Net: "unix", Err: errors.New("connection refused")}, workshop.EUNAVAILABLE},
		{"syntax error", &pq.Error{Code: "42601"}, workshop.EINTERNAL},
		{"other", plain, workshop.EINTERNAL},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := db.Translate(tc.err, "thing")
			if got := workshop.ErrorCode(err); got != tc.code {
				t.Fatalf("code = %q, want %q (err %v)", got, tc.code, err)
			}
			if !errors.Is(err, tc.err) && !errors.As(err, new(*pq.Error)) {
				t.Errorf("translated error %v lost the driver error from its chain", err)
			}
		})
	}
	if db.Translate(nil, "thing") != nil {
		t.Error("Translate(nil) != nil")
	}
	unavailable := db.Translate(driver.ErrBadConn, "thing")
	if msg := workshop.ErrorMessage(unavailable); msg != "The database is restarting, please try again." {
		t.Errorf("unavailable message = %q", msg)
	}
}

// A session killed by the server (what a restart does to open sessions)
// reads as EUNAVAILABLE, not as an internal error.
func TestTerminatedSessionIsUnavailable(t *testing.T) {
	d := dbtest.New(t)
	ctx := testContext(t)
	conn, err := d.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var pid int
	if err := conn.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ExecContext(ctx, `SELECT pg_terminate_backend($1)`, pid); err != nil {
		t.Fatal(err)
	}
	var one int
	err = conn.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
	if err == nil {
		t.Fatal("query on a terminated session succeeded")
	}
	if got := workshop.ErrorCode(db.Translate(err, "thing")); got != workshop.EUNAVAILABLE {
		t.Fatalf("code = %q for %v, want %q", got, err, workshop.EUNAVAILABLE)
	}
}

func TestOpenUnreachableServerIsUnavailable(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	_, err := db.Open(ctx, "postgres://nobody@/x?host="+t.TempDir())
	if got := workshop.ErrorCode(err); got != workshop.EUNAVAILABLE {
		t.Fatalf("code = %q for %v, want %q", got, err, workshop.EUNAVAILABLE)
	}
}
