package accountability

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestParseCadence(t *testing.T) {
	for in, want := range map[string]Cadence{"daily": Daily, " Weekdays ": Weekdays, "WEEKLY": Weekly} {
		if got, err := ParseCadence(in); err != nil || got != want {
			t.Errorf("ParseCadence(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "hourly", "monthly", "day"} {
		_, err := ParseCadence(in)
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "daily, weekdays or weekly") {
			t.Errorf("ParseCadence(%q) error = %v, want EINVALID listing the cadences", in, err)
		}
	}
}

func TestParseLocalTime(t *testing.T) {
	tests := []struct {
		in   string
		want LocalTime
		ok   bool
	}{
		{"00:00", LocalTime{0, 0}, true},
		{"23:59", LocalTime{23, 59}, true},
		{"9:30", LocalTime{9, 30}, true},
		{" 18:05 ", LocalTime{18, 5}, true},
		{"24:00", LocalTime{}, false},
		{"12:60", LocalTime{}, false},
		{"+9:30", LocalTime{}, false},
		{"-1:30", LocalTime{}, false},
		{"9:5", LocalTime{}, false},
		{"0930", LocalTime{}, false},
		{"9am", LocalTime{}, false},
		{"", LocalTime{}, false},
		{"12:30:00", LocalTime{}, false},
	}
	for _, tt := range tests {
		got, err := ParseLocalTime(tt.in)
		if tt.ok != (err == nil) || got != tt.want {
			t.Errorf("ParseLocalTime(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && (ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "00:") && !strings.Contains(ErrorMessage(err), "HH:MM")) {
			t.Errorf("ParseLocalTime(%q) error %q does not explain the format", tt.in, ErrorMessage(err))
		}
	}
	if s := (LocalTime{7, 5}).String(); s != "07:05" {
		t.Errorf("String = %q", s)
	}
}

func TestLoadZone(t *testing.T) {
	for _, name := range []string{"Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC", " Pacific/Auckland "} {
		loc, err := LoadZone(name)
		if err != nil || loc.String() != strings.TrimSpace(name) {
			t.Errorf("LoadZone(%q) = %v, %v", name, loc, err)
		}
	}
	for _, name := range []string{"", "Local", "local", "Mars/Olympus_Mons", "europe/berlin", "../../etc/passwd", "CEST+2"} {
		_, err := LoadZone(name)
		msg := ErrorMessage(err)
		if ErrorCode(err) != EINVALID || !strings.Contains(msg, "Europe/Berlin") || !strings.Contains(msg, "List_of_tz_database_time_zones") {
			t.Errorf("LoadZone(%q) error = %v; want EINVALID explaining how to find a zone", name, err)
		}
	}
}

func TestNewChannelSettings(t *testing.T) {
	s, err := NewChannelSettings("g1", "c1", "weekdays", "09:30", "Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	if s.Cadence != Weekdays || s.PostTime != (LocalTime{9, 30}) || s.Zone.String() != "Europe/Berlin" || s.WeeklyDay != time.Monday || s.Paused {
		t.Errorf("settings = %+v", s)
	}
	bad := []struct {
		guild, channel, cadence, at, zone string
		mention                           string
	}{
		{"g1", "c1", "hourly", "09:30", "Europe/Berlin", "cadence"},
		{"g1", "c1", "daily", "25:00", "Europe/Berlin", "time"},
		{"g1", "c1", "daily", "09:30", "Berlin", "time zone"},
		{"", "c1", "daily", "09:30", "UTC", "server"},
		{"g1", "", "daily", "09:30", "UTC", "channel"},
	}
	for _, b := range bad {
		_, err := NewChannelSettings(b.guild, b.channel, b.cadence, b.at, b.zone)
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), b.mention) {
			t.Errorf("NewChannelSettings(%+v) error = %v; want EINVALID mentioning %q", b, err, b.mention)
		}
	}
	s.WeeklyDay = 9
	if ErrorCode(s.Validate()) != EINVALID {
		t.Errorf("weekday 9 accepted")
	}
	s.WeeklyDay, s.Zone = time.Monday, nil
	if ErrorCode(s.Validate()) != EINVALID {
		t.Errorf("nil zone accepted")
	}
}

func TestErrorHelpers(t *testing.T) {
	err := Errorf(EFORBIDDEN, "no %s", "way")
	wrapped := fmt.Errorf("save thread: %w", err)
	if ErrorCode(wrapped) != EFORBIDDEN || ErrorMessage(wrapped) != "no way" || err.Error() != "forbidden: no way" {
		t.Errorf("wrapped domain error lost: %v", wrapped)
	}
	plain := fmt.Errorf("db: %w", errors.New("connection refused"))
	if ErrorCode(plain) != EINTERNAL || strings.Contains(ErrorMessage(plain), "refused") {
		t.Errorf("internal details leak: %q", ErrorMessage(plain))
	}
	if ErrorCode(nil) != "" || ErrorMessage(nil) != "" {
		t.Errorf("nil error has a code or message")
	}
}
