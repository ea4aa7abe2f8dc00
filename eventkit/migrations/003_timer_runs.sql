-- Timers that must fire once per period across a service's replicas claim a row here first
-- (eventkit.once): the replica whose insert succeeds runs, the others skip.
CREATE TABLE timer_runs (
    name       text NOT NULL,
    period     text NOT NULL,
    claimed_at timestamptz NOT NULL DEFAULT now(),
    claimed_by text NOT NULL,
    PRIMARY KEY (name, period)
);
