package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/pgcluster"
)

// database is an open, migrated database and whatever must be stopped with it.
type database struct {
	*db.DB
	cluster *pgcluster.Cluster // nil when DATABASE_URL or [database] url is used
	log     *slog.Logger
}

// openDatabase connects to the configured Postgres, or starts (or adopts) the
// embedded cluster in data_dir when no URL is configured, then migrates it.
func openDatabase(ctx context.Context, cfg DatabaseConfig, log *slog.Logger) (*database, error) {
	d := &database{log: log}
	url := cfg.URL
	if url == "" {
		c, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: cfg.DataDir, Logger: log})
		if err != nil {
			return nil, fmt.Errorf("starting the embedded database in %s: %w", cfg.DataDir, err)
		}
		d.cluster = c
		url = c.URL()
		log.Info("embedded database ready", "data_dir", cfg.DataDir, "started_here", c.StartedHere())
	}
	conn, err := db.Open(ctx, url)
	if err != nil {
		d.stopCluster()
		return nil, fmt.Errorf("connecting to the database: %w", err)
	}
	d.DB = conn
	if err := db.Migrate(ctx, conn); err != nil {
		d.Close()
		return nil, fmt.Errorf("migrating the database: %w", err)
	}
	return d, nil
}

// Close closes the connections and leaves the embedded cluster: the last
// Roundtable process using it stops it (see package pgcluster), so a bot
// exiting while `roundtable migrate` runs does not pull the server away.
func (d *database) Close() {
	if d.DB != nil {
		if err := d.DB.Close(); err != nil {
			d.log.Warn("closing database connections", "err", err)
		}
	}
	d.stopCluster()
}

func (d *database) stopCluster() {
	if d.cluster == nil {
		return
	}
	// A fresh context: the caller's is usually cancelled by the signal that
	// brought us here, and the cluster must still stop cleanly.
	if err := d.cluster.Stop(context.Background()); err != nil {
		d.log.Warn("stopping the embedded database", "err", err)
	}
}
