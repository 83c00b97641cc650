package db_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"
	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
)

func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func TestWithSSLModeMakesItExplicit(t *testing.T) {
	cases := []struct{ in, want string }{
		{"postgres://u@/db?host=/run/pg", "sslmode=disable"},
		{"postgres://u@localhost/db", "sslmode=disable"},
		{"postgres://u@127.0.0.1:5432/db", "sslmode=disable"},
		{"postgres://u:secret@db.example.com/db", "sslmode=require"},
		{"postgresql://u@db.example.com/db?sslmode=verify-full", "sslmode=verify-full"},
		{"host=/tmp dbname=x", "sslmode=disable"},
		{"host=db.example.com dbname=x", "sslmode=require"},
		{"host='db.example.com' password='a b' dbname=x", "sslmode=require"},
		{"dbname=x sslmode=verify-ca", "sslmode=verify-ca"},
	}
	for _, tc := range cases {
		got, err := db.WithSSLMode(tc.in)
		if err != nil {
			t.Errorf("WithSSLMode(%q): %v", tc.in, err)
			continue
		}
		if !strings.Contains(got, tc.want) || strings.Count(got, "sslmode") != 1 {
			t.Errorf("WithSSLMode(%q) = %q, want exactly one %s", tc.in, got, tc.want)
		}
	}
}

func TestOpenFailsFastForMissingDatabase(t *testing.T) {
	d := dbtest.New(t)
	url := strings.Replace(d.URL, "/rt_test_", "/missing_rt_test_", 1)
	if url == d.URL {
		t.Skip("cannot derive a missing database's URL from " + d.URL)
	}
	// A missing database is not going to appear: Open must report it rather
	// than retry until its deadline.
	_, err := db.Open(testContext(t), url)
	if pq.As(err, "3D000") == nil {
		t.Fatalf("Open of a missing database: %v, want invalid_catalog_name (3D000)", err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Open retried a permanent error until its deadline: %v", err)
	}
}

func TestOpenSetsUTCClock(t *testing.T) {
	d := dbtest.New(t)
	if loc := d.Now().Location(); loc != time.UTC {
		t.Fatalf("Now() in %v, want UTC", loc)
	}
	if !strings.Contains(d.URL, "sslmode=") {
		t.Fatalf("URL %q has no explicit sslmode", d.URL)
	}
}
