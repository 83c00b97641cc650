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

// digestLease is how long a process has to render and post a digest it
// claimed (chart included) before another process may take the claim over.
const digestLease = 10 * time.Minute

// ClaimDigest claims the digest of channelID for week: claimed is true for
// exactly one caller at a time, across processes and restarts (the row's
// primary key). Post only when claimed, then call SetDigestMessage. If the
// claimer dies before recording the message, the claim is handed to the
// next caller once a ten-minute lease has run out; after SetDigestMessage
// nobody claims that week again.
//
// Errors: ENOTFOUND when the channel is not an accountability channel;
// EUNAVAILABLE while Postgres restarts.
func (s *DigestStore) ClaimDigest(ctx context.Context, channelID string, week accountability.ISOWeek) (claimed bool, err error) {
	now := s.now()
	var rows []bool
	// ON CONFLICT DO UPDATE locks the row, so racing takeovers serialise and
	// the losers' WHERE no longer holds.
	err = s.db.SelectContext(ctx, &rows, `
		INSERT INTO weekly_digests (channel_id, iso_year, iso_week, digest_key, claimed_at, claimed_until)
		SELECT channel_id, $2, $3, $4, $5, $6 FROM accountability_channels WHERE channel_id = $1
		ON CONFLICT (channel_id, iso_year, iso_week) DO UPDATE
		    SET claimed_at = EXCLUDED.claimed_at, claimed_until = EXCLUDED.claimed_until
		    WHERE weekly_digests.message_id IS NULL AND weekly_digests.claimed_until <= EXCLUDED.claimed_at
		RETURNING true`, channelID, week.Year, week.Week, accountability.DigestKey(channelID, week), now, now.Add(digestLease))
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
		UPDATE weekly_digests SET message_id = $4, posted_at = $5, claimed_until = NULL
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
