package db_test

import (
	"slices"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
	"github.com/roundtable-bot/roundtable/workshop"
)

// fixedClock makes stored timestamps predictable.
func fixedClock(d *db.DB) time.Time {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	d.Now = func() time.Time { return now }
	return now
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := workshop.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (err %v), want %q", got, err, code)
	}
}

func TestGuildStore(t *testing.T) {
	d := dbtest.New(t)
	now := fixedClock(d)
	guilds := db.NewGuildStore(d)
	ctx := testContext(t)

	_, err := guilds.FindGuildSettings(ctx, "g1")
	wantCode(t, err, workshop.ENOTFOUND)

	s, err := guilds.EnsureGuild(ctx, "g1")
	if err != nil {
		t.Fatal(err)
	}
	if s.GuildID != "g1" || s.Locale != "en-US" || len(s.HostRoles) != 0 || !s.CreatedAt.Equal(now) {
		t.Fatalf("new guild settings = %+v", s)
	}
	if _, err := guilds.EnsureGuild(ctx, "g1"); err != nil {
		t.Fatalf("EnsureGuild twice: %v", err)
	}

	s, err = guilds.SetHostRoles(ctx, "g1", []string{"r2", "r1", "r2"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.HostRoles, []string{"r1", "r2"}) {
		t.Fatalf("host roles = %v, want [r1 r2]", s.HostRoles)
	}
	found, err := guilds.FindGuildSettings(ctx, "g1")
	if err != nil {
		t.Fatal(err)
	}
	if !found.CanHost([]string{"x", "r2"}) || found.CanHost([]string{"x"}) {
		t.Errorf("CanHost disagrees with host roles %v", found.HostRoles)
	}
	if s, err = guilds.SetHostRoles(ctx, "g1", nil); err != nil || len(s.HostRoles) != 0 {
		t.Fatalf("clearing host roles: %+v, %v", s, err)
	}

	// SetHostRoles on a guild not seen before creates it.
	if _, err := guilds.SetHostRoles(ctx, "g2", []string{"r"}); err != nil {
		t.Fatal(err)
	}

	_, err = guilds.SetHostRoles(ctx, "g1", []string{""})
	wantCode(t, err, workshop.EINVALID)
	_, err = guilds.EnsureGuild(ctx, "")
	wantCode(t, err, workshop.EINVALID)
	tooMany := make([]string, workshop.MaxHostRoles+1)
	for i := range tooMany {
		tooMany[i] = string(rune('a' + i))
	}
	_, err = guilds.SetHostRoles(ctx, "g1", tooMany)
	wantCode(t, err, workshop.EINVALID)
}

func TestMemberStore(t *testing.T) {
	d := dbtest.New(t)
	now := fixedClock(d)
	members := db.NewMemberStore(d)
	ctx := testContext(t)

	_, err := members.FindMember(ctx, "g1", "u1")
	wantCode(t, err, workshop.ENOTFOUND)

	m, err := members.UpsertMember(ctx, "g1", "u1", "Ada")
	if err != nil {
		t.Fatal(err)
	}
	want := workshop.Member{GuildID: "g1", UserID: "u1", DisplayName: "Ada", CreatedAt: now, UpdatedAt: now}
	if *m != want {
		t.Fatalf("new member = %+v, want %+v", *m, want)
	}
	if m.Location() != time.UTC {
		t.Errorf("Location of a member without a zone = %v, want UTC", m.Location())
	}

	later := now.Add(time.Hour)
	d.Now = func() time.Time { return later }
	members = db.NewMemberStore(d)
	if _, err := members.SetTimeZone(ctx, "g1", "u1", "Europe/Berlin"); err != nil {
		t.Fatal(err)
	}
	if _, err := members.SetExperience(ctx, "g1", "u1", workshop.ExperienceSome); err != nil {
		t.Fatal(err)
	}
	// A new display name keeps the zone and level.
	if _, err := members.UpsertMember(ctx, "g1", "u1", "Ada L."); err != nil {
		t.Fatal(err)
	}
	m, err = members.FindMember(ctx, "g1", "u1")
	if err != nil {
		t.Fatal(err)
	}
	want = workshop.Member{GuildID: "g1", UserID: "u1", DisplayName: "Ada L.", TimeZone: "Europe/Berlin",
		Experience: workshop.ExperienceSome, CreatedAt: now, UpdatedAt: later}
	if *m != want {
		t.Fatalf("member = %+v, want %+v", *m, want)
	}
	if m.Location().String() != "Europe/Berlin" {
		t.Errorf("Location = %v", m.Location())
	}

	// The same user in another guild is another member.
	if _, err := members.FindMember(ctx, "g2", "u1"); workshop.ErrorCode(err) != workshop.ENOTFOUND {
		t.Fatalf("member leaked across guilds: %v", err)
	}
	// Setting a preference first creates the member.
	if m, err := members.SetTimeZone(ctx, "g2", "u9", "America/New_York"); err != nil || m.DisplayName != "" {
		t.Fatalf("SetTimeZone for a new member: %+v, %v", m, err)
	}
}

func TestMemberStoreRejectsBadInput(t *testing.T) {
	d := dbtest.New(t)
	members := db.NewMemberStore(d)
	ctx := testContext(t)
	for _, zone := range []string{"", "Local", "Mars/Olympus", "Europe/Berlin; DROP TABLE members"} {
		_, err := members.SetTimeZone(ctx, "g1", "u1", zone)
		wantCode(t, err, workshop.EINVALID)
	}
	_, err := members.SetExperience(ctx, "g1", "u1", "guru")
	wantCode(t, err, workshop.EINVALID)
	_, err = members.SetExperience(ctx, "g1", "u1", "")
	wantCode(t, err, workshop.EINVALID)
	_, err = members.UpsertMember(ctx, "", "u1", "x")
	wantCode(t, err, workshop.EINVALID)
	_, err = members.UpsertMember(ctx, "g1", "", "x")
	wantCode(t, err, workshop.EINVALID)
	long := make([]rune, workshop.MaxDisplayNameLength+1)
	for i := range long {
		long[i] = 'é'
	}
	_, err = members.UpsertMember(ctx, "g1", "u1", string(long))
	wantCode(t, err, workshop.EINVALID)
}

func TestStoresJoinCallersTransaction(t *testing.T) {
	d := dbtest.New(t)
	ctx := testContext(t)
	tx, err := d.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.NewMemberStore(d).WithTx(tx).UpsertMember(ctx, "g1", "u1", "Ada"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	_, err = db.NewMemberStore(d).FindMember(ctx, "g1", "u1")
	wantCode(t, err, workshop.ENOTFOUND)
	_, err = db.NewGuildStore(d).FindGuildSettings(ctx, "g1")
	wantCode(t, err, workshop.ENOTFOUND)
}
