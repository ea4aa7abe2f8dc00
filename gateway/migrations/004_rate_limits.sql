-- The gateway's rate limit, shared by every gateway replica (gateway/ratelimit.py):
-- one row per client key with its theoretical arrival time (GCRA, a token bucket in one
-- timestamp). Rows whose time has passed are full buckets and are swept.
CREATE TABLE rate_limits (
    key text PRIMARY KEY,
    tat timestamptz NOT NULL
);
