-- Durable timers (DESIGN.md decision 4): one row per pending deadline.
-- Self-contained on purpose: guild_id is plain text, no foreign keys, so
-- timers can be scheduled for any aggregate without coupling migrations.

-- +goose Up
CREATE TABLE timers (
    id               bigserial   PRIMARY KEY,
    -- Idempotency key chosen by the caller, e.g. 'run:42:step:3:end'. Keys of
    -- one run share a prefix so a run's timers can be shifted, paused,
    -- resumed or cancelled together.
    key              text        NOT NULL UNIQUE CHECK (key <> ''),
    kind             text        NOT NULL CHECK (kind <> ''),
    guild_id         text        NOT NULL DEFAULT '',
    payload          jsonb       NOT NULL DEFAULT 'null',
    -- Exactly one of due_at and paused_remaining is set: a paused timer keeps
    -- the time it had left instead of a due time.
    due_at           timestamptz,
    paused_remaining interval,
    attempts         integer     NOT NULL DEFAULT 0,
    last_error       text        NOT NULL DEFAULT '',
    -- Bumped by Schedule and Reschedule: a worker only deletes the row it
    -- fired if nobody re-armed it while the handler ran.
    version          bigint      NOT NULL DEFAULT 0,
    -- Lease of the worker currently running the handler (NULL when idle).
    claim            text,
    claimed_until    timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((due_at IS NULL) <> (paused_remaining IS NULL)),
    CHECK ((claim IS NULL) = (claimed_until IS NULL))
);

-- Workers look for the earliest due, unpaused timers.
CREATE INDEX timers_due_at_idx ON timers (due_at) WHERE due_at IS NOT NULL;
-- Leases are few; this finds the earliest one to expire.
CREATE INDEX timers_claimed_until_idx ON timers (claimed_until) WHERE claimed_until IS NOT NULL;

-- Wake sleeping workers when a timer becomes claimable at a new time: on
-- insert, when due_at moves, and when a lease is given back. The payload is
-- the due time in Unix milliseconds so a worker can ignore later timers.
-- Claiming a row (only the lease changes) does not notify: that would wake
-- every worker for nothing. The conditions sit in WHEN clauses so rows that
-- need no notification never call the function.
-- +goose StatementBegin
CREATE FUNCTION timers_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('roundtable_timers',
        floor(extract(epoch FROM NEW.due_at) * 1000)::bigint::text);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER timers_notify_insert
AFTER INSERT ON timers
FOR EACH ROW WHEN (NEW.due_at IS NOT NULL)
EXECUTE FUNCTION timers_notify();

CREATE TRIGGER timers_notify_update
AFTER UPDATE ON timers
FOR EACH ROW WHEN (NEW.due_at IS NOT NULL AND (
    NEW.due_at IS DISTINCT FROM OLD.due_at
    OR (OLD.claim IS NOT NULL AND NEW.claim IS NULL)))
EXECUTE FUNCTION timers_notify();

-- +goose Down
DROP TRIGGER timers_notify_update ON timers;
DROP TRIGGER timers_notify_insert ON timers;
DROP FUNCTION timers_notify();
DROP TABLE timers;
