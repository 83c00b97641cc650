package db

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/roundtable-bot/roundtable/accountability"
)

// DuePrompts claims the prompts due at now, at most limit channels per call:
// each channel's prompt goes to exactly one caller per local date, however
// many bot processes sweep at once. Inserting the (channel, local date) row
// is the claim; a claim not followed by SetPromptMessage within a lease of
// two minutes (the process died) is handed out again, so a prompt is not lost
// either. Prompts more than an hour late are skipped, not posted.
//
// Each channel's next prompt is chained from the due instant it replaces,
// so a late sweep neither skips nor repeats a day.
//
// Errors: EUNAVAILABLE while Postgres restarts.
func (st *AccountabilityChannelStore) DuePrompts(ctx context.Context, now time.Time, limit int) ([]accountability.DuePrompt, error) {
	var out []accountability.DuePrompt
	err := acctTx(ctx, st.db, "check-in prompt", func(tx *sqlx.Tx) error {
		out = out[:0]
		var rows []channelRow
		if err := tx.SelectContext(ctx, &rows, `
			SELECT `+channelColumns+` FROM accountability_channels
			WHERE next_prompt_at <= $1 ORDER BY next_prompt_at LIMIT $2
			FOR UPDATE SKIP LOCKED`, now, limit); err != nil {
			return err
		}
		for _, r := range rows {
			s, err := r.settings()
			if err != nil {
				return err
			}
			due := r.NextPromptAt.Time.UTC()
			next := nextPrompt(due, s)
			if now.Sub(due) > stalePrompt {
				// Skip the prompts missed while the bot was down, but not
				// today's if it is still less than stalePrompt late: the
				// next sweep posts it.
				next = nextPrompt(now.Add(-stalePrompt), s)
			} else {
				date := accountability.LocalDate(due, s.Zone)
				var claimed []bool
				if err := tx.SelectContext(ctx, &claimed, `
					INSERT INTO checkin_prompts (channel_id, local_date, due_at, claimed_until)
					VALUES ($1, $2::date, $3, $4)
					ON CONFLICT (channel_id, local_date) DO NOTHING RETURNING true`,
					s.ChannelID, date.String(), due, now.Add(promptLease)); err != nil {
					return err
				}
				if len(claimed) == 1 {
					out = append(out, accountability.DuePrompt{Channel: s, Date: date, DueAt: due})
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE accountability_channels SET next_prompt_at = $2 WHERE channel_id = $1`, s.ChannelID, next); err != nil {
				return err
			}
		}
		// Claims whose lease ran out unposted. Two sweeps racing here
		// serialise on the row lock, and the loser's WHERE no longer holds.
		var orphans []struct {
			channelRow
			LocalDate time.Time `db:"local_date"`
			DueAt     time.Time `db:"due_at"`
		}
		if err := tx.SelectContext(ctx, &orphans, `
			UPDATE checkin_prompts p SET claimed_until = $2
			FROM accountability_channels c
			WHERE c.channel_id = p.channel_id AND NOT c.paused
			  AND p.message_id IS NULL AND p.claimed_until <= $1 AND p.due_at > $3
			RETURNING c.channel_id, c.guild_id, c.cadence, to_char(c.post_time, 'HH24:MI') AS post_time,
			          c.post_weekday, c.time_zone, c.paused, c.next_prompt_at, p.local_date, p.due_at`,
			now, now.Add(promptLease), now.Add(-stalePrompt)); err != nil {
			return err
		}
		for _, o := range orphans {
			s, err := o.settings()
			if err != nil {
				return err
			}
			out = append(out, accountability.DuePrompt{Channel: s, Date: acctDateOf(o.LocalDate), DueAt: o.DueAt.UTC()})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim due check-in prompts: %w", err)
	}
	return out, nil
}

// SetPromptMessage records the Discord message that carried the channel's
// prompt for date, which ends the claim's lease.
//
// Errors: ENOTFOUND when no prompt was claimed for that channel and date;
// EUNAVAILABLE while Postgres restarts.
func (st *AccountabilityChannelStore) SetPromptMessage(ctx context.Context, channelID string, date accountability.Date, messageID string) error {
	if messageID == "" {
		return accountability.Errorf(accountability.EINVALID, "A posted prompt needs its message ID.")
	}
	res, err := st.db.ExecContext(ctx, `
		UPDATE checkin_prompts SET message_id = $3, claimed_until = NULL
		WHERE channel_id = $1 AND local_date = $2::date`, channelID, date.String(), messageID)
	if err == nil {
		err = acctMustAffect(res, "check-in prompt")
	}
	if err != nil {
		return fmt.Errorf("record prompt message of channel %s on %s: %w", channelID, date, translateAcct(err, "check-in prompt"))
	}
	return nil
}
