-- +goose Up
-- Roundtable's initial schema.
--
-- Discord snowflakes (guild, channel, user, message, event IDs) are text: see
-- package db's doc. Times are timestamptz (stored UTC); a member's own
-- calendar day is a date computed in their IANA zone by the application.
-- Every row belongs to a guild: directly (guild_id) or through its workshop
-- run, so removing a guild removes everything it owned.

CREATE TABLE guilds (
    guild_id   text PRIMARY KEY CHECK (guild_id <> ''),
    -- Roles whose members may host workshops, besides the server's admins.
    host_roles text[] NOT NULL DEFAULT '{}' CHECK (array_position(host_roles, NULL) IS NULL),
    locale     text NOT NULL DEFAULT 'en-US' CHECK (locale <> ''),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE members (
    guild_id         text NOT NULL REFERENCES guilds ON DELETE CASCADE,
    user_id          text NOT NULL CHECK (user_id <> ''),
    display_name     text NOT NULL DEFAULT '' CHECK (length(display_name) <= 100),
    -- IANA zone name, validated by the application (time.LoadLocation).
    time_zone        text CHECK (time_zone <> ''),
    experience_level text CHECK (experience_level IN ('new', 'some', 'experienced')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (guild_id, user_id)
);

-- When a member wants the daily check-in reminder, in their own time zone.
CREATE TABLE member_reminders (
    guild_id   text NOT NULL,
    user_id    text NOT NULL,
    enabled    boolean NOT NULL DEFAULT true,
    remind_at  time NOT NULL DEFAULT '09:00',
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (guild_id, user_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES members ON DELETE CASCADE
);

-- Days a member is away: no reminders, and their streak is not broken.
CREATE TABLE away_periods (
    away_id    bigserial PRIMARY KEY,
    guild_id   text NOT NULL,
    user_id    text NOT NULL,
    from_date  date NOT NULL,
    until_date date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (until_date >= from_date),
    UNIQUE (guild_id, user_id, from_date),
    FOREIGN KEY (guild_id, user_id) REFERENCES members ON DELETE CASCADE
);

------------------------------------------------------------------------------
-- Workshops

CREATE TABLE workshop_runs (
    run_id              bigserial PRIMARY KEY,
    guild_id            text NOT NULL REFERENCES guilds ON DELETE CASCADE,
    main_channel_id     text NOT NULL CHECK (main_channel_id <> ''),
    voice_channel_id    text CHECK (voice_channel_id <> ''),
    host_id             text NOT NULL CHECK (host_id <> ''),
    curriculum_id       text NOT NULL CHECK (curriculum_id <> ''),
    curriculum_hash     text NOT NULL CHECK (curriculum_hash <> ''),
    -- The curriculum exactly as run, so a later edit of the file cannot
    -- change a workshop in progress or the record of a past one.
    curriculum_toml     text NOT NULL,
    state               text NOT NULL DEFAULT 'lobby'
                        CHECK (state IN ('lobby', 'intro', 'step', 'debrief', 'ended', 'cancelled')),
    current_step        integer CHECK (current_step >= 0),
    step_started_at     timestamptz,
    step_deadline       timestamptz,
    paused_at           timestamptz,
    paused_remaining    interval CHECK (paused_remaining >= interval '0'),
    lobby_message_id    text,
    scheduled_event_id  text,
    category_channel_id text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    started_at          timestamptz,
    ended_at            timestamptz,
    CHECK (state <> 'step' OR current_step IS NOT NULL),
    CHECK (step_deadline IS NULL OR step_started_at IS NULL OR step_deadline >= step_started_at),
    -- A pause remembers when it began and how much of the step was left.
    CHECK ((paused_at IS NULL) = (paused_remaining IS NULL)),
    CHECK (state NOT IN ('ended', 'cancelled') OR ended_at IS NOT NULL),
    CHECK (ended_at IS NULL OR ended_at >= created_at),
    UNIQUE (run_id, guild_id)
);
-- One live workshop per main channel.
CREATE UNIQUE INDEX workshop_runs_one_live_per_channel
    ON workshop_runs (guild_id, main_channel_id) WHERE state NOT IN ('ended', 'cancelled');
CREATE INDEX workshop_runs_by_guild ON workshop_runs (guild_id, created_at);

CREATE TABLE participants (
    run_id           bigint NOT NULL REFERENCES workshop_runs ON DELETE CASCADE,
    user_id          text NOT NULL CHECK (user_id <> ''),
    -- The level given when joining, used to mix groups.
    experience_level text CHECK (experience_level IN ('new', 'some', 'experienced')),
    joined_at        timestamptz NOT NULL DEFAULT now(),
    left_at          timestamptz CHECK (left_at >= joined_at),
    PRIMARY KEY (run_id, user_id)
);

-- Groups formed at a step; a later regrouping forms new ones.
CREATE TABLE run_groups (
    group_id       bigserial PRIMARY KEY,
    run_id         bigint NOT NULL REFERENCES workshop_runs ON DELETE CASCADE,
    formed_at_step integer NOT NULL CHECK (formed_at_step >= 0),
    number         integer NOT NULL CHECK (number >= 1),
    name           text NOT NULL CHECK (name <> ''),
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (run_id, formed_at_step, number),
    UNIQUE (run_id, formed_at_step, name),
    UNIQUE (run_id, formed_at_step, group_id)
);

CREATE TABLE group_members (
    group_id       bigint NOT NULL,
    run_id         bigint NOT NULL,
    formed_at_step integer NOT NULL,
    user_id        text NOT NULL,
    PRIMARY KEY (group_id, user_id),
    -- A participant is in at most one group of a formation.
    UNIQUE (run_id, formed_at_step, user_id),
    FOREIGN KEY (run_id, formed_at_step, group_id)
        REFERENCES run_groups (run_id, formed_at_step, group_id) ON DELETE CASCADE,
    FOREIGN KEY (run_id, user_id) REFERENCES participants ON DELETE CASCADE
);

-- Channels a run created, remembered so a retry finds them instead of making
-- twins, and so cleanup deletes exactly what was made.
CREATE TABLE rooms (
    room_id    bigserial PRIMARY KEY,
    run_id     bigint NOT NULL REFERENCES workshop_runs ON DELETE CASCADE,
    -- Kept (set NULL) when a group row goes: the channel still needs cleanup.
    group_id   bigint REFERENCES run_groups ON DELETE SET NULL,
    kind       text NOT NULL CHECK (kind IN ('category', 'voice', 'text')),
    channel_id text NOT NULL UNIQUE CHECK (channel_id <> ''),
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz CHECK (deleted_at >= created_at)
);
-- A group has at most one live room of each kind.
CREATE UNIQUE INDEX rooms_one_live_per_group_kind
    ON rooms (group_id, kind) WHERE group_id IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX rooms_by_run ON rooms (run_id);

-- Posts a run made at a step (prompts, warnings, swaps, recalls...). The
-- unique key makes posting idempotent: the effect looks its row up first.
CREATE TABLE step_events (
    event_id   bigserial PRIMARY KEY,
    run_id     bigint NOT NULL REFERENCES workshop_runs ON DELETE CASCADE,
    step_index integer NOT NULL CHECK (step_index >= 0),
    round      integer NOT NULL DEFAULT 0 CHECK (round >= 0),
    -- 'prompt', 'warn', 'swap', 'recall', ...: a lower-case word, not an
    -- enum, so the engine can add kinds without a migration.
    kind       text NOT NULL CHECK (kind ~ '^[a-z][a-z_]*$'),
    channel_id text NOT NULL CHECK (channel_id <> ''),
    message_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (run_id, step_index, round, kind, channel_id)
);

-- What a group (group_id set) or a single participant (group_id NULL) handed
-- in at a step; handing in again replaces the content.
CREATE TABLE submissions (
    submission_id bigserial PRIMARY KEY,
    run_id        bigint NOT NULL REFERENCES workshop_runs ON DELETE CASCADE,
    step_index    integer NOT NULL CHECK (step_index >= 0),
    group_id      bigint REFERENCES run_groups ON DELETE CASCADE,
    author_id     text NOT NULL CHECK (author_id <> ''),
    content       text NOT NULL CHECK (content <> '' AND length(content) <= 4000),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX submissions_one_per_group_step
    ON submissions (run_id, step_index, group_id) WHERE group_id IS NOT NULL;
CREATE UNIQUE INDEX submissions_one_per_author_step
    ON submissions (run_id, step_index, author_id) WHERE group_id IS NULL;

CREATE TABLE help_requests (
    help_request_id bigserial PRIMARY KEY,
    run_id          bigint NOT NULL REFERENCES workshop_runs ON DELETE CASCADE,
    group_id        bigint REFERENCES run_groups ON DELETE SET NULL,
    user_id         text NOT NULL CHECK (user_id <> ''),
    channel_id      text NOT NULL CHECK (channel_id <> ''),
    message_id      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    answered_at     timestamptz CHECK (answered_at >= created_at),
    answered_by     text,
    CHECK ((answered_at IS NULL) = (answered_by IS NULL))
);
-- Asking twice while waiting is one request.
CREATE UNIQUE INDEX help_requests_one_open_per_user
    ON help_requests (run_id, user_id) WHERE answered_at IS NULL;

------------------------------------------------------------------------------
-- Accountability

CREATE TABLE accountability_channels (
    channel_id   text PRIMARY KEY CHECK (channel_id <> ''),
    guild_id     text NOT NULL REFERENCES guilds ON DELETE CASCADE,
    cadence      text NOT NULL DEFAULT 'daily' CHECK (cadence IN ('daily', 'weekdays', 'weekly')),
    -- Local time (in time_zone) of the check-in post; post_weekday
    -- (0 = Sunday) is used by the weekly cadence only.
    post_time    time NOT NULL DEFAULT '09:00',
    post_weekday smallint NOT NULL DEFAULT 1 CHECK (post_weekday BETWEEN 0 AND 6),
    time_zone    text NOT NULL DEFAULT 'UTC' CHECK (time_zone <> ''),
    paused       boolean NOT NULL DEFAULT false,
    created_by   text NOT NULL CHECK (created_by <> ''),
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (guild_id, channel_id)
);

-- One check-in per member, channel and day of the member's own calendar.
CREATE TABLE checkins (
    checkin_id bigserial PRIMARY KEY,
    guild_id   text NOT NULL,
    channel_id text NOT NULL,
    user_id    text NOT NULL,
    local_date date NOT NULL,
    done       text NOT NULL DEFAULT '' CHECK (length(done) <= 4000),
    next       text NOT NULL DEFAULT '' CHECK (length(next) <= 4000),
    blockers   text NOT NULL DEFAULT '' CHECK (length(blockers) <= 4000),
    mood       smallint CHECK (mood BETWEEN 1 AND 5),
    message_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (channel_id, user_id, local_date),
    FOREIGN KEY (guild_id, channel_id) REFERENCES accountability_channels (guild_id, channel_id) ON DELETE CASCADE,
    FOREIGN KEY (guild_id, user_id) REFERENCES members ON DELETE CASCADE
);
-- Streaks walk a member's days backwards.
CREATE INDEX checkins_by_member_day ON checkins (guild_id, user_id, local_date DESC);

-- Where peer support threads are opened, and when an unanswered one is nudged.
CREATE TABLE support_settings (
    channel_id  text PRIMARY KEY CHECK (channel_id <> ''),
    guild_id    text NOT NULL REFERENCES guilds ON DELETE CASCADE,
    nudge_after interval NOT NULL DEFAULT '24 hours' CHECK (nudge_after > interval '0'),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX support_settings_by_guild ON support_settings (guild_id);

-- Peer support threads: open -> answered -> resolved.
CREATE TABLE support_threads (
    thread_id       text PRIMARY KEY CHECK (thread_id <> ''),
    guild_id        text NOT NULL REFERENCES guilds ON DELETE CASCADE,
    channel_id      text NOT NULL CHECK (channel_id <> ''),
    asker_id        text NOT NULL CHECK (asker_id <> ''),
    topic           text NOT NULL CHECK (topic <> '' AND length(topic) <= 100),
    details         text NOT NULL DEFAULT '' CHECK (length(details) <= 4000),
    state           text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'answered', 'resolved')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    first_answer_at timestamptz CHECK (first_answer_at >= created_at),
    first_answer_by text,
    resolved_at     timestamptz CHECK (resolved_at >= created_at),
    resolved_by     text,
    nudged_at       timestamptz,
    CHECK ((first_answer_at IS NULL) = (first_answer_by IS NULL)),
    CHECK ((resolved_at IS NULL) = (resolved_by IS NULL)),
    CHECK (state <> 'answered' OR first_answer_at IS NOT NULL),
    CHECK ((state = 'resolved') = (resolved_at IS NOT NULL))
);
CREATE INDEX support_threads_by_guild_state ON support_threads (guild_id, state, created_at);

-- +goose Down
DROP TABLE support_threads;
DROP TABLE support_settings;
DROP TABLE checkins;
DROP TABLE accountability_channels;
DROP TABLE help_requests;
DROP TABLE submissions;
DROP TABLE step_events;
DROP TABLE rooms;
DROP TABLE group_members;
DROP TABLE run_groups;
DROP TABLE participants;
DROP TABLE workshop_runs;
DROP TABLE away_periods;
DROP TABLE member_reminders;
DROP TABLE members;
DROP TABLE guilds;
