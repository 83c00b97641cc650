package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/roundtable-bot/roundtable/accountability"
	"github.com/roundtable-bot/roundtable/db"
)

var exportCommand = command{
	name:    "export",
	summary: "export a server's check-ins or support threads as CSV or JSON",
	usage: `
Usage: roundtable [-config FILE] export checkins|support --guild ID [--since DATE] [--format csv|json]

Writes a server's records to stdout, oldest first, for community managers:
checkins (member, channel, local date, done, next, blockers, mood) or
support (thread, asker, topic, state, first answer, resolved by; the
question's details are left out). --since is a date (YYYY-MM-DD) in UTC;
without it everything is exported. CSV cells that a spreadsheet would run
as a formula are quoted with a leading '.

Examples:
  $ roundtable export checkins --guild 123456789012345678 --since 2026-11-01 > checkins.csv
  $ roundtable export support --guild 123456789012345678 --format json | jq length
`,
	run: runExport,
}

func runExport(ctx context.Context, env *Env, fs *flag.FlagSet, args []string) error {
	guild := fs.String("guild", "", "the server (guild) id: Developer Mode > right-click the server > Copy Server ID")
	sinceText := fs.String("since", "", "only records from this date on (YYYY-MM-DD)")
	format := fs.String("format", "csv", "csv or json")
	positional, err := parseInterspersed(fs, env, args)
	if err != nil {
		return err
	}
	if len(positional) != 1 || (positional[0] != "checkins" && positional[0] != "support") {
		return usageError("say what to export: checkins or support")
	}
	if !isSnowflake(*guild) {
		return usageError("--guild: give the server's id (a number)")
	}
	if *format != "csv" && *format != "json" {
		return usageError("--format: csv or json, not %q", *format)
	}
	var since accountability.Date
	if *sinceText != "" {
		if since, err = accountability.ParseDate(*sinceText); err != nil {
			return usageError("--since: %s", accountability.ErrorMessage(err))
		}
	}
	cfg, err := LoadConfig(env.ConfigPath, env.Getenv)
	if err != nil {
		return err
	}
	d, err := openDatabase(ctx, cfg.Database, newLogger(cfg.Log, env.Stderr))
	if err != nil {
		return err
	}
	defer d.Close()

	switch positional[0] {
	case "checkins":
		records, err := db.NewCheckinStore(d.DB).Export(ctx, *guild, since)
		if err != nil {
			return fmt.Errorf("reading check-ins: %w", err)
		}
		return writeRecords(env.Stdout, *format, records, accountability.CheckinCSVHeader(), accountability.CheckinRecord.CSVRow)
	default:
		var from time.Time
		if !since.IsZero() {
			from = time.Date(since.Year, since.Month, since.Day, 0, 0, 0, 0, time.UTC)
		}
		records, err := db.NewSupportStore(d.DB).Export(ctx, *guild, from)
		if err != nil {
			return fmt.Errorf("reading support threads: %w", err)
		}
		return writeRecords(env.Stdout, *format, records, accountability.SupportCSVHeader(), accountability.SupportRecord.CSVRow)
	}
}

// writeRecords writes records as CSV with a header, or as a JSON array
// (never null, so scripts can count an empty export).
func writeRecords[R any](w io.Writer, format string, records []R, header []string, row func(R) []string) error {
	if format == "json" {
		if records == nil {
			records = []R{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(records)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range records {
		if err := cw.Write(row(r)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
