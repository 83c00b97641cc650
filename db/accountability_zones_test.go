package db_test

import (
	"testing"

	"github.com/roundtable-bot/roundtable/accountability"
	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
)

func TestAccountabilityMemberZones(t *testing.T) {
	d := dbtest.New(t)
	st := db.NewMemberZoneStore(d)
	ctx := testContext(t)

	_, err := st.Zone(ctx, "g1", "ana")
	wantAcct(t, err, accountability.ENOTFOUND) // no member row
	if err := db.NewAwayStore(d).Add(ctx, "g1", "bob", accountability.AwayPeriod{From: date(t, "2026-03-01"), Until: date(t, "2026-03-02")}); err != nil {
		t.Fatal(err)
	}
	_, err = st.Zone(ctx, "g1", "bob")
	wantAcct(t, err, accountability.ENOTFOUND) // a member who never set one

	wantAcct(t, st.SetZone(ctx, "g1", "ana", nil), accountability.EINVALID)
	for _, name := range []string{"Asia/Kolkata", "America/New_York"} { // the second replaces the first
		if err := st.SetZone(ctx, "g1", "ana", mustZone(t, name)); err != nil {
			t.Fatal(err)
		}
		if got, err := st.Zone(ctx, "g1", "ana"); err != nil || got.String() != name {
			t.Fatalf("Zone = %v, %v; want %s", got, err, name)
		}
	}
	if _, err := st.Zone(ctx, "g2", "ana"); accountability.ErrorCode(err) != accountability.ENOTFOUND {
		t.Fatalf("zone in another guild: %v, want ENOTFOUND (zones are per guild)", err)
	}

	// A name the tz database no longer knows reads as never set.
	if _, err := d.ExecContext(ctx, `UPDATE members SET time_zone = 'Mars/Olympus_Mons' WHERE guild_id = 'g1' AND user_id = 'ana'`); err != nil {
		t.Fatal(err)
	}
	_, err = st.Zone(ctx, "g1", "ana")
	wantAcct(t, err, accountability.ENOTFOUND)
}
