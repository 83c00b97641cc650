-- +goose Up
-- Discord snowflakes are text (see package db's doc); times are timestamptz.

CREATE TABLE guilds (
    guild_id   text PRIMARY KEY CHECK (guild_id <> ''),
    -- Roles whose members may host workshops, besides the server's admins.
    host_roles text[] NOT NULL DEFAULT '{}',
    locale     text NOT NULL DEFAULT 'en-US' CHECK (locale <> ''),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE members (
    guild_id         text NOT NULL REFERENCES guilds ON DELETE CASCADE,
    user_id          text NOT NULL CHECK (user_id <> ''),
    display_name     text NOT NULL DEFAULT '',
    -- IANA zone name, validated by the application (time.LoadLocation).
    time_zone        text CHECK (time_zone <> ''),
    experience_level text CHECK (experience_level IN ('new', 'some', 'experienced')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (guild_id, user_id)
);

-- +goose Down
DROP TABLE members;
DROP TABLE guilds;
