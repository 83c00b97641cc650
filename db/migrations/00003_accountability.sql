-- What the accountability stores need beyond the initial schema: the sweep
-- columns behind prompts and reminders (an indexed next due instant, so a
-- sweep is a range scan of what is due, never a scan of every member), the
-- claim tables that make a prompt or a digest go out once however many bot
-- processes race, and the few facts the domain records that 00001 lacked.

-- +goose Up

-- When the channel's check-in prompt is next due (NULL while paused):
-- computed by accountability.NextPrompt and advanced by the sweep.
ALTER TABLE accountability_channels ADD COLUMN next_prompt_at timestamptz;
CREATE INDEX accountability_channels_prompt_due
    ON accountability_channels (next_prompt_at) WHERE next_prompt_at IS NOT NULL;

-- One prompt per channel and local date of the channel's zone. Inserting the
-- row is the claim; message_id is set once it was posted. claimed_until is
-- the lease of the process posting it: an unposted prompt whose lease ran out
-- (that process died) is handed to another.
CREATE TABLE checkin_prompts (
    channel_id    text NOT NULL REFERENCES accountability_channels ON DELETE CASCADE,
    local_date    date NOT NULL,
    due_at        timestamptz NOT NULL,
    message_id    text CHECK (message_id <> ''),
    claimed_until timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel_id, local_date)
);
CREATE INDEX checkin_prompts_unposted
    ON checkin_prompts (claimed_until) WHERE message_id IS NULL;

-- The member's zone when they checked in: local_date was computed in it, and
-- the export shows it. Mood 0 ("none") is stored as NULL (00001's CHECK).
ALTER TABLE checkins ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC' CHECK (time_zone <> '');

-- Reminders: which channel's cadence they follow (and where to mention the
-- member when DMs are closed), the zone remind_at is read in, and the sweep
-- state. next_reminder_at is NULL when reminders are off. claimed_due_at
-- holds the occurrence a sweep claimed while next_reminder_at is pushed out
-- by the claim's lease. last_reminded_on is the member's local date of the
-- last reminder sent: MarkReminded only moves it forward, so no day gets two.
ALTER TABLE member_reminders
    ADD COLUMN channel_id       text CHECK (channel_id <> ''),
    ADD COLUMN time_zone        text CHECK (time_zone <> ''),
    ADD COLUMN next_reminder_at timestamptz,
    ADD COLUMN claimed_due_at   timestamptz,
    ADD COLUMN last_reminded_on date,
    ADD CONSTRAINT member_reminders_channel_fkey FOREIGN KEY (guild_id, channel_id)
        REFERENCES accountability_channels (guild_id, channel_id) ON DELETE CASCADE,
    ADD CONSTRAINT member_reminders_scheduled_complete
        CHECK (next_reminder_at IS NULL OR (enabled AND channel_id IS NOT NULL AND time_zone IS NOT NULL));
CREATE INDEX member_reminders_due
    ON member_reminders (next_reminder_at) WHERE next_reminder_at IS NOT NULL;
-- The sweep fetches the claimed members' away periods that are not over.
CREATE INDEX away_periods_by_member_until ON away_periods (guild_id, user_id, until_date);

-- One weekly digest per channel and ISO week: inserting the row is the claim.
-- Until message_id is recorded, claimed_until is the lease of the process
-- posting it; a claim whose lease ran out unposted (that process died) may be
-- taken over, so the week's digest is neither lost nor posted twice.
CREATE TABLE weekly_digests (
    channel_id    text NOT NULL REFERENCES accountability_channels ON DELETE CASCADE,
    iso_year      integer NOT NULL,
    iso_week      integer NOT NULL CHECK (iso_week BETWEEN 1 AND 53),
    -- accountability.DigestKey, for logs and cross-checks. Not a second
    -- unique key: it is a function of the primary key, and ClaimDigest's
    -- ON CONFLICT can name only one arbiter, so racing claims would trip
    -- over another unique index instead of waiting on the primary key.
    digest_key    text NOT NULL CHECK (digest_key <> ''),
    message_id    text CHECK (message_id <> ''),
    claimed_at    timestamptz NOT NULL DEFAULT now(),
    claimed_until timestamptz,
    posted_at     timestamptz,
    PRIMARY KEY (channel_id, iso_year, iso_week),
    CHECK ((message_id IS NULL) = (posted_at IS NULL)),
    CHECK (message_id IS NULL OR claimed_until IS NULL)
);

-- A guild has one support channel: /support setup replaces it.
DROP INDEX support_settings_by_guild;
CREATE UNIQUE INDEX support_settings_one_per_guild ON support_settings (guild_id);

-- Who was thanked when the thread was resolved; NULL when nobody helped.
ALTER TABLE support_threads
    ADD COLUMN helper_id text CHECK (helper_id <> ''),
    ADD CONSTRAINT support_threads_helper_when_resolved CHECK (helper_id IS NULL OR state = 'resolved');
-- The nudge sweep looks only at open threads never nudged.
CREATE INDEX support_threads_nudge_due
    ON support_threads (created_at) WHERE state = 'open' AND nudged_at IS NULL;

-- +goose Down
DROP INDEX support_threads_nudge_due;
ALTER TABLE support_threads DROP CONSTRAINT support_threads_helper_when_resolved, DROP COLUMN helper_id;
DROP INDEX support_settings_one_per_guild;
CREATE INDEX support_settings_by_guild ON support_settings (guild_id);
DROP TABLE weekly_digests;
DROP INDEX away_periods_by_member_until;
DROP INDEX member_reminders_due;
ALTER TABLE member_reminders
    DROP CONSTRAINT member_reminders_scheduled_complete,
    DROP CONSTRAINT member_reminders_channel_fkey,
    DROP COLUMN last_reminded_on,
    DROP COLUMN claimed_due_at,
    DROP COLUMN next_reminder_at,
    DROP COLUMN time_zone,
    DROP COLUMN channel_id;
ALTER TABLE checkins DROP COLUMN time_zone;
DROP TABLE checkin_prompts;
DROP INDEX accountability_channels_prompt_due;
ALTER TABLE accountability_channels DROP COLUMN next_prompt_at;
