package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/accountability"
	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/dbtest"
)

func TestExportCheckinsAsCSVAndJSON(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	const guild, channel = "100000000000000001", "200000000000000001"
	if _, err := db.NewMemberStore(d).UpsertMember(ctx, guild, "300000000000000001", "Ada"); err != nil {
		t.Fatal(err)
	}
	settings, err := accountability.NewChannelSettings(guild, channel, "daily", "09:00", "Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.NewAccountabilityChannelStore(d).Setup(ctx, settings, "300000000000000001"); err != nil {
		t.Fatal(err)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	for i, done := range []string{"=cmd|' /C calc'!A0", "shipped the login page"} {
		c, err := accountability.NewCheckin(guild, channel, "300000000000000001",
			accountability.CheckinInput{Done: done, Next: "tests", Mood: 4}, time.Date(2026, 11, 20+i, 10, 0, 0, 0, berlin), berlin)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.NewCheckinStore(d).Upsert(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"DATABASE_URL": d.URL}
	t.Chdir(t.TempDir())

	code, out, errOut := runMain(t, env, "export", "checkins", "--guild", guild)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("csv rows %d (%v):\n%s", len(rows), err, out)
	}
	if !strings.Contains(out, "'=cmd") {
		t.Errorf("a formula-like cell was not defused:\n%s", out)
	}

	code, out, errOut = runMain(t, env, "export", "checkins", "--guild", guild, "--since", "2026-11-21", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var records []map[string]any
	if err := json.Unmarshal([]byte(out), &records); err != nil || len(records) != 1 {
		t.Fatalf("json since 2026-11-21: %d records (%v):\n%s", len(records), err, out)
	}

	code, out, _ = runMain(t, env, "export", "support", "--guild", guild, "--format", "json")
	if code != 0 || strings.TrimSpace(out) != "[]" {
		t.Fatalf("empty support export: exit %d, %q", code, out)
	}
}

func TestExportRefusesBadArguments(t *testing.T) {
	for _, args := range [][]string{
		{"export"},
		{"export", "everything", "--guild", "1"},
		{"export", "checkins"},
		{"export", "checkins", "--guild", "my-server"},
		{"export", "checkins", "--guild", "1", "--format", "xml"},
		{"export", "checkins", "--guild", "1", "--since", "last week"},
	} {
		if code, _, errOut := runMain(t, nil, args...); code != 2 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}
