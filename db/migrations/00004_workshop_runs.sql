-- What db.RunStore needs beyond the initial schema to keep a workshop run
-- durable: the whole Run as the Engine left it, the outbox of effects each
-- decision queued, and the ledger of what the Discord adapter made.
--
-- The Run itself is one jsonb document (workshop_runs.snapshot): the Engine
-- owns its shape, so a new field of Run needs no migration. The columns of
-- 00001 (state, current step, deadline, pause, end...) are kept in sync with
-- it on every save so runs can be listed and inspected in SQL, and so the
-- constraints of 00001 (one live run per main channel...) still guard them.
-- The record rows (participants, run_groups, group_members, submissions,
-- help_requests) are written from the Run on every save.

-- +goose Up

ALTER TABLE workshop_runs
    -- The Run as JSON, without History (derived from earlier runs) and
    -- Curriculum (re-parsed from curriculum_toml). '{}' only for rows not
    -- written by the store (fixtures).
    ADD COLUMN snapshot        jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(snapshot) = 'object'),
    -- The name the curriculum was loaded under (Curriculum.File), which
    -- parsing needs for its diagnostics.
    ADD COLUMN curriculum_file text NOT NULL DEFAULT '',
    ADD COLUMN starts_at       timestamptz,
    -- Run.Seq: how many actions were applied.
    ADD COLUMN seq             bigint NOT NULL DEFAULT 0 CHECK (seq >= 0),
    ADD COLUMN rooms_deleted   boolean NOT NULL DEFAULT false,
    ADD COLUMN updated_at      timestamptz NOT NULL DEFAULT now();

-- A formation is named in effects by its index in Run.Formations; a
-- submission arrives with that index, so groups are found by it.
ALTER TABLE run_groups ADD COLUMN formation integer CHECK (formation >= 0);
CREATE UNIQUE INDEX run_groups_by_formation ON run_groups (run_id, formation, number);

-- The Engine decides a help request before the adapter knows which Discord
-- channel the group's room is, so the room is recorded as the Engine names
-- it ('main' or 'formation:0:group:2') and channel_id is filled in when
-- known. Asking again while the request is open stays one row (00001's
-- unique index) and counts in asks, so the rows add up to Run.HelpRequests.
ALTER TABLE help_requests
    ALTER COLUMN channel_id DROP NOT NULL,
    ADD COLUMN room text NOT NULL DEFAULT 'main' CHECK (room <> ''),
    ADD COLUMN asks integer NOT NULL DEFAULT 1 CHECK (asks >= 1),
    -- Run.Seq of the latest ask.
    ADD COLUMN seq bigint NOT NULL DEFAULT 0;

-- Effects decided for a run and not yet carried out by the Effector, in the
-- order they were decided (seq). A key is queued once per run: a decision
-- that queues a key again (a retried decision) updates the pending row with
-- the latest values and keeps its place, and leaves a done row done, except
-- for the coalesced UpdateLobby, which a later decision re-opens (it must
-- never be skipped as done). revision counts such updates, so a Drain that
-- carried out an older value does not mark a newer one done.
CREATE TABLE effect_outbox (
    run_id     bigint NOT NULL REFERENCES workshop_runs ON DELETE CASCADE,
    seq        bigserial NOT NULL,
    key        text NOT NULL CHECK (key <> ''),
    -- One element of workshop.MarshalEffects: {"type", "key", "effect"}.
    effect     jsonb NOT NULL CHECK (effect->>'key' = key),
    revision   integer NOT NULL DEFAULT 0,
    queued_at  timestamptz NOT NULL DEFAULT now(),
    done_at    timestamptz,
    PRIMARY KEY (run_id, key)
);
CREATE INDEX effect_outbox_pending ON effect_outbox (run_id, seq) WHERE done_at IS NULL;

-- What the platform adapter made for a run (channel and message IDs) under
-- keys of its choosing, so carrying out an effect again finds them.
CREATE TABLE run_ledger (
    run_id      bigint NOT NULL REFERENCES workshop_runs ON DELETE CASCADE,
    key         text NOT NULL CHECK (key <> ''),
    value       text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, key)
);

-- +goose Down
DROP TABLE run_ledger;
DROP TABLE effect_outbox;
ALTER TABLE help_requests DROP COLUMN seq, DROP COLUMN asks, DROP COLUMN room;
DELETE FROM help_requests WHERE channel_id IS NULL;
ALTER TABLE help_requests ALTER COLUMN channel_id SET NOT NULL;
DROP INDEX run_groups_by_formation;
ALTER TABLE run_groups DROP COLUMN formation;
ALTER TABLE workshop_runs
    DROP COLUMN updated_at,
    DROP COLUMN rooms_deleted,
    DROP COLUMN seq,
    DROP COLUMN starts_at,
    DROP COLUMN curriculum_file,
    DROP COLUMN snapshot;
