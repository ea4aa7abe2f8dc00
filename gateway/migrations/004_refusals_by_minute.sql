-- Refusals in aggregate (issue 17): one row per source (actor or client address), reason
-- (status, method, route) and minute, with a count, so a flood cannot grow the audit trail.
-- Rows recorded before keep minute NULL (each its own row, count 1).
ALTER TABLE refusals
    ADD COLUMN source  text,
    ADD COLUMN reason  text,
    ADD COLUMN minute  timestamptz,
    ADD COLUMN count   integer NOT NULL DEFAULT 1,
    ADD COLUMN last_at timestamptz;
CREATE UNIQUE INDEX refusals_per_minute ON refusals (source, reason, minute)
    WHERE minute IS NOT NULL;
