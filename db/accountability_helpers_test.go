package db_test

import (
	"sync"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/accountability"
	"github.com/roundtable-bot/roundtable/db"
)

// wantAcct fails unless err carries the accountability code (a nil err has
// code "").
func wantAcct(t testing.TB, err error, code string) {
	t.Helper()
	if got := accountability.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (err %v), want %q", got, err, code)
	}
}

// mustZone loads a zone the test names.
func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := accountability.LoadZone(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// setupChannel makes channelID an accountability channel of guildID.
func setupChannel(t testing.TB, d *db.DB, guildID, channelID string, cadence accountability.Cadence, at, zone string) accountability.ChannelSettings {
	t.Helper()
	s, err := accountability.NewChannelSettings(guildID, channelID, string(cadence), at, zone)
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.NewAccountabilityChannelStore(d).Setup(testContext(t), s, "admin")
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// otherPools opens n more pools on d's database, as n bot processes would.
func otherPools(t testing.TB, d *db.DB, n int) []*db.DB {
	t.Helper()
	pools := make([]*db.DB, n)
	for i := range pools {
		p, err := db.Open(testContext(t), d.URL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		p.Now = d.Now
		pools[i] = p
	}
	return pools
}

// race runs fn once per pool at the same moment and waits for all.
func race(pools []*db.DB, fn func(i int, p *db.DB)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, p := range pools {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			fn(i, p)
		}()
	}
	close(start)
	wg.Wait()
}

// date parses a test's YYYY-MM-DD.
func date(t testing.TB, s string) accountability.Date {
	t.Helper()
	d, err := accountability.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// days is the check-in days dated by ss, in order.
func days(t testing.TB, ss ...string) []accountability.CheckinDay {
	t.Helper()
	out := make([]accountability.CheckinDay, len(ss))
	for i, s := range ss {
		out[i] = accountability.CheckinDay{Date: date(t, s)}
	}
	return out
}
