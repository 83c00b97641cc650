package db

import (
	"context"
	"sync"

	"github.com/jmoiron/sqlx"
)

// prepared is one of a store's hot queries, prepared on first use. lib/pq
// sends an unprepared query with arguments in two round trips (parse, then
// bind and execute) and Postgres plans it each time; a prepared one costs a
// single round trip with a cached plan. database/sql prepares the statement
// again on each pooled connection that runs it, so it survives a Postgres
// restart; a failed prepare is retried by the next call.
type prepared struct {
	query string

	mu   sync.Mutex
	stmt *sqlx.Stmt
}

// on returns the statement prepared on d's pool.
func (p *prepared) on(ctx context.Context, d *sqlx.DB) (*sqlx.Stmt, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stmt == nil {
		stmt, err := d.PreparexContext(ctx, p.query)
		if err != nil {
			return nil, err
		}
		p.stmt = stmt
	}
	return p.stmt, nil
}

// get runs the prepared query on d and scans its one row into dest, as
// sqlx.GetContext does.
func (p *prepared) get(ctx context.Context, d *sqlx.DB, dest any, args ...any) error {
	stmt, err := p.on(ctx, d)
	if err != nil {
		return err
	}
	return stmt.GetContext(ctx, dest, args...)
}
