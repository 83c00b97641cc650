package db_test

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"net"
	"testing"

	"github.com/lib/pq"
	"github.com/roundtable-bot/roundtable/accountability"
	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/workshop"
)

func TestTranslateAcctMapsDriverErrorsToAccountabilityCodes(t *testing.T) {
	cases := []struct {
		name string
		err  error
		code string
	}{
		{"no rows", sql.ErrNoRows, accountability.ENOTFOUND},
		{"unique violation", &pq.Error{Code: "23505"}, accountability.ECONFLICT},
		{"exclusion violation", &pq.Error{Code: "23P01"}, accountability.ECONFLICT},
		{"check violation", &pq.Error{Code: "23514"}, accountability.EINVALID},
		{"foreign key violation", &pq.Error{Code: "23503", Constraint: "away_periods_guild_id_user_id_fkey"}, accountability.EINVALID},
		{"channel not set up", &pq.Error{Code: "23503", Constraint: "checkins_guild_id_channel_id_fkey"}, accountability.ENOTFOUND},
		{"not null violation", &pq.Error{Code: "23502"}, accountability.EINVALID},
		{"admin shutdown", &pq.Error{Code: "57P01"}, accountability.EUNAVAILABLE},
		{"connection failure", &pq.Error{Code: "08006"}, accountability.EUNAVAILABLE},
		{"bad connection", driver.ErrBadConn, accountability.EUNAVAILABLE},
		{"network", &net.OpError{Op: "dial", Net: "unix", Err: errors.New("connection refused")}, accountability.EUNAVAILABLE},
		{"syntax error", &pq.Error{Code: "42601"}, accountability.EINTERNAL},
		{"other", errors.New("something else"), accountability.EINTERNAL},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := db.TranslateAcct(tc.err, "thing")
			if got := accountability.ErrorCode(err); got != tc.code {
				t.Fatalf("code = %q, want %q (err %v)", got, tc.code, err)
			}
			if !errors.Is(err, tc.err) && !errors.As(err, new(*pq.Error)) {
				t.Errorf("translated error %v lost the driver error from its chain", err)
			}
			if errors.As(err, new(*workshop.Error)) {
				t.Errorf("an accountability store returned a workshop error: %v", err)
			}
		})
	}
	if db.TranslateAcct(nil, "thing") != nil {
		t.Error("TranslateAcct(nil) != nil")
	}
	domain := accountability.Errorf(accountability.EFORBIDDEN, "no")
	if got := db.TranslateAcct(domain, "thing"); got != error(domain) {
		t.Errorf("a domain error was rewrapped: %v", got)
	}
}
