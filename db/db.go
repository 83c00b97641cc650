package db

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Pool limits. Roundtable's load is bursts of interactions and timer
// firings, not sustained throughput: a modest pool leaves room under
// PostgreSQL's default max_connections (100) for several bot processes, the
// CLI and parallel tests.
const (
	maxOpenConns    = 10
	maxIdleConns    = 5
	connMaxIdleTime = 5 * time.Minute
	connMaxLifetime = 30 * time.Minute
)

// defaultPingWait bounds Open's wait for the server when ctx has no deadline.
const defaultPingWait = 10 * time.Second

// DB is an open connection pool to Roundtable's database.
type DB struct {
	*sqlx.DB
	// URL is the connection URL after sslmode was made explicit. It may
	// hold a password: never log it.
	URL string
	// Now returns the current time in UTC; tests replace it.
	Now func() time.Time
}

// Open connects to url (a postgres:// URL or a lib/pq "key=value" DSN) and
// waits until the server answers: a server that is starting or restarting is
// retried until ctx's deadline (10 s when ctx has none). Authentication
// failures and missing databases fail at once.
//
// If url sets no sslmode, Open sets one (see WithSSLMode).
func Open(ctx context.Context, url string) (*DB, error) {
	full, err := WithSSLMode(url)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqldb, err := sqlx.Open("postgres", full)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqldb.SetMaxOpenConns(maxOpenConns)
	sqldb.SetMaxIdleConns(maxIdleConns)
	sqldb.SetConnMaxIdleTime(connMaxIdleTime)
	sqldb.SetConnMaxLifetime(connMaxLifetime)
	if err := pingUntilReady(ctx, sqldb); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("open database: %w", translate(err, "database"))
	}
	return &DB{DB: sqldb, URL: full, Now: func() time.Time { return time.Now().UTC() }}, nil
}

func pingUntilReady(ctx context.Context, db *sqlx.DB) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultPingWait)
		defer cancel()
	}
	delay := 20 * time.Millisecond
	for {
		err := db.PingContext(ctx)
		if err == nil || !unavailable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("server not ready: %w (gave up: %w)", err, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(delay*2, 500*time.Millisecond)
	}
}

// WithSSLMode returns url with sslmode set when it has none: "disable" for a
// unix socket or a loopback host, where there is no network to eavesdrop on
// and local servers rarely have a certificate; "require" for any other host,
// so credentials and member data never cross a network in clear text (it
// does not verify the certificate; set sslmode=verify-full with a root
// certificate for that). lib/pq's own default may change between versions,
// so it is never left implicit. An explicit sslmode is kept.
func WithSSLMode(dsn string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("parse database URL: %w", redactURLError(err))
		}
		q := u.Query()
		if q.Get("sslmode") != "" {
			return dsn, nil
		}
		host := q.Get("host")
		if host == "" {
			host = u.Hostname()
		}
		q.Set("sslmode", sslModeFor(host))
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	opts := parseKeyValues(dsn)
	if opts["sslmode"] != "" {
		return dsn, nil
	}
	return strings.TrimSpace(dsn + " sslmode=" + sslModeFor(opts["host"])), nil
}

func sslModeFor(host string) string {
	switch {
	case host == "", strings.HasPrefix(host, "/"), host == "localhost", host == "127.0.0.1", host == "::1":
		return "disable"
	}
	return "require"
}

// parseKeyValues reads the keys of a "key=value key='quoted value'" DSN well
// enough to find host and sslmode.
func parseKeyValues(dsn string) map[string]string {
	out := map[string]string{}
	for s := strings.TrimSpace(dsn); s != ""; s = strings.TrimSpace(s) {
		eq := strings.IndexByte(s, '=')
		if eq < 0 {
			break
		}
		key := strings.TrimSpace(s[:eq])
		s = strings.TrimLeft(s[eq+1:], " ")
		var val strings.Builder
		if strings.HasPrefix(s, "'") {
			s = s[1:]
			for len(s) > 0 && s[0] != '\'' {
				if s[0] == '\\' && len(s) > 1 {
					s = s[1:]
				}
				val.WriteByte(s[0])
				s = s[1:]
			}
			s = strings.TrimPrefix(s, "'")
		} else {
			end := strings.IndexByte(s, ' ')
			if end < 0 {
				end = len(s)
			}
			val.WriteString(s[:end])
			s = s[end:]
		}
		out[key] = val.String()
	}
	return out
}

// redactURLError drops the URL from a parse error, since it may hold a password.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
