package db

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/roundtable-bot/roundtable/accountability"
)

// DigestStore claims each channel's weekly digest once.
type DigestStore struct {
	db  *sqlx.DB
	now func() time.Time
}

// NewDigestStore returns a store on d's pool.
func NewDigestStore(d *DB) *DigestStore { return &DigestStore{db: d.DB, now: d.Now} }

// ClaimDigest claims the digest of channelID for week: claimed is true for
// exactly one caller, ever, across processes and restarts (the row's
// primary key). Post only when claimed, then call SetDigestMessage. A
// process that dies between the two leaves the week without a digest rather
// than with two.
//
// Errors: ENOTFOUND when the channel is not an accountability channel;
// EUNAVAILABLE while Postgres restarts.
func (s *DigestStore) ClaimDigest(ctx context.Context, channelID string, week accountability.ISOWeek) (claimed bool, err error) {
	var rows []bool
	err = s.db.SelectContext(ctx, &rows, `
		INSERT INTO weekly_digests (channel_id, iso_year, iso_week, digest_key, claimed_at)
		SELECT channel_id, $2, $3, $4, $5 FROM accountability_channels WHERE channel_id = $1
		ON CONFLICT (channel_id, iso_year, iso_week) DO NOTHING
		RETURNING true`, channelID, week.Year, week.Week, accountability.DigestKey(channelID, week), s.now())
	if err == nil && len(rows) == 0 {
		err = s.mustHaveChannel(ctx, channelID)
	}
	if err != nil {
		return false, fmt.Errorf("claim digest of channel %s for %s: %w", channelID, week, translateAcct(err, "digest"))
	}
	return len(rows) == 1, nil
}

func (s *DigestStore) mustHaveChannel(ctx context.Context, channelID string) error {
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM accountability_channels WHERE channel_id = $1`, channelID); err != nil {
		return err
	}
	if n == 0 {
		return accountability.Errorf(accountability.ENOTFOUND, "That channel is not set up for check-ins.")
	}
	return nil
}

// SetDigestMessage records the message that carried the claimed digest.
//
// Errors: EINVALID for an empty ID; ENOTFOUND when the digest was not
// claimed; EUNAVAILABLE while Postgres restarts.
func (s *DigestStore) SetDigestMessage(ctx context.Context, channelID string, week accountability.ISOWeek, messageID string) error {
	if messageID == "" {
		return accountability.Errorf(accountability.EINVALID, "A posted digest needs its message ID.")
	}
	res, err := s.db.ExecContext(ctx, `
		UPDATE weekly_digests SET message_id = $4, posted_at = $5
		WHERE channel_id = $1 AND iso_year = $2 AND iso_week = $3`, channelID, week.Year, week.Week, messageID, s.now())
	if err == nil {
		err = acctMustAffect(res, "digest")
	}
	if err != nil {
		return fmt.Errorf("record digest message of channel %s for %s: %w", channelID, week, translateAcct(err, "digest"))
	}
	return nil
}

// DigestMessage returns the message of the channel's digest for week, ""
// when it was claimed but not (yet) posted.
//
// Errors: ENOTFOUND when the digest was never claimed; EUNAVAILABLE while
// Postgres restarts.
func (s *DigestStore) DigestMessage(ctx context.Context, channelID string, week accountability.ISOWeek) (string, error) {
	var id *string
	err := s.db.GetContext(ctx, &id, `SELECT message_id FROM weekly_digests WHERE channel_id = $1 AND iso_year = $2 AND iso_week = $3`,
		channelID, week.Year, week.Week)
	if err != nil {
		return "", fmt.Errorf("digest message of channel %s for %s: %w", channelID, week, translateAcct(err, "digest"))
	}
	if id == nil {
		return "", nil
	}
	return *id, nil
}
