package main

import (
	"context"
	"flag"
	"fmt"
)

var migrateCommand = command{
	name:    "migrate",
	summary: "create or upgrade the database schema, then exit",
	usage: `
Usage: roundtable [-config FILE] migrate

Applies every database migration that has not run yet. With no DATABASE_URL
and no [database] url, it starts the embedded PostgreSQL cluster in
[database] data_dir (creating it on first use), migrates it and stops it
again. Several processes may migrate at once: each migration runs once.
'roundtable run' migrates at start-up too; use this before a deploy.

Example:
  $ roundtable migrate
  database is at the latest schema version
`,
	run: runMigrate,
}

func runMigrate(ctx context.Context, env *Env, fs *flag.FlagSet, args []string) error {
	if err := parseFlags(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("takes no arguments")
	}
	cfg, err := LoadConfig(env.ConfigPath, env.Getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg.Log, env.Stderr)
	d, err := openDatabase(ctx, cfg.Database, log)
	if err != nil {
		return err
	}
	defer d.Close()
	fmt.Fprintln(env.Stdout, "database is at the latest schema version")
	return nil
}
