package accountability

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestCheckinRecordCSVAndJSON(t *testing.T) {
	ny := loadZones(t, "America/New_York")["America/New_York"]
	c, err := NewCheckin("g1", "c1", "u1", CheckinInput{Done: "=HYPERLINK(\"x\")", Next: "- write docs, \"quoted\"\nline two", Blockers: "", Mood: 4},
		mustTime("2026-03-10T01:30:00Z"), ny)
	if err != nil {
		t.Fatal(err)
	}
	rec := CheckinRecordOf(c)
	if len(rec.CSVRow()) != len(CheckinCSVHeader()) {
		t.Fatalf("row has %d cells, header %d", len(rec.CSVRow()), len(CheckinCSVHeader()))
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(CheckinCSVHeader())
	_ = w.Write(rec.CSVRow())
	w.Flush()
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("csv round trip: %v, %d rows", err, len(rows))
	}
	got := map[string]string{}
	for i, h := range rows[0] {
		got[h] = rows[1][i]
	}
	want := map[string]string{
		"guild_id": "g1", "channel_id": "c1", "user_id": "u1", "local_date": "2026-03-09", "submitted_at": "2026-03-10T01:30:00Z",
		"time_zone": "America/New_York", "done": "'=HYPERLINK(\"x\")", "next": "'- write docs, \"quoted\"\nline two", "blockers": "", "mood": "4",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("csv %s = %q, want %q", k, got[k], v)
		}
	}

	raw, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"local_date":"2026-03-09"`, `"submitted_at":"2026-03-10T01:30:00Z"`, `"done":"=HYPERLINK(\"x\")"`, `"mood":4`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("json %s lacks %s", raw, want)
		}
	}
	rec.Mood = 0
	if raw, _ := json.Marshal(rec); strings.Contains(string(raw), "mood") {
		t.Errorf("no mood should be omitted: %s", raw)
	}
	if row := rec.CSVRow(); row[len(row)-1] != "" {
		t.Errorf("no mood should be an empty cell, got %q", row[len(row)-1])
	}
}

func TestSupportRecordCSVAndJSON(t *testing.T) {
	t0 := mustTime("2026-03-10T10:00:00Z")
	th, err := NewThread("g1", "sup", "th1", "asker", "@everyone help", "details stay private", t0)
	if err != nil {
		t.Fatal(err)
	}
	th.ObserveMessage("helper", false, t0.Add(90*time.Minute))
	rec := SupportRecordOf(th)
	row := rec.CSVRow()
	if len(row) != len(SupportCSVHeader()) {
		t.Fatalf("row has %d cells, header %d", len(row), len(SupportCSVHeader()))
	}
	cells := map[string]string{}
	for i, h := range SupportCSVHeader() {
		cells[h] = row[i]
	}
	if cells["topic"] != "'@everyone help" || cells["state"] != "answered" || cells["first_answer_at"] != "2026-03-10T11:30:00Z" ||
		cells["resolved_at"] != "" || cells["nudged_at"] != "" || cells["created_at"] != "2026-03-10T10:00:00Z" {
		t.Errorf("csv cells = %v", cells)
	}
	raw, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"resolved_at":null`, `"nudged_at":null`, `"first_answer_at":"2026-03-10T11:30:00Z"`, `"topic":"@everyone help"`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("json %s lacks %s", raw, want)
		}
	}
	if strings.Contains(string(raw), "details stay private") {
		t.Errorf("details leaked into the export: %s", raw)
	}
}
