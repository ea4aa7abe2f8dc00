-- Calendar feed tokens (issue 17): a phone's calendar subscribes with one of these in the URL
-- instead of a bearer token. Read-only and calendar-only (accepted by no other route),
-- per person and unit, revocable; only a hash of the token is kept.
CREATE TABLE calendar_tokens (
    id          text PRIMARY KEY,
    token_hash  text NOT NULL UNIQUE,
    owner       text NOT NULL,       -- the whole principal (gateway.abuse.principal_key)
    sub         text NOT NULL,
    department  text NOT NULL,
    role        text NOT NULL,
    scope_unit  text,                -- the owner's unit scope, kept for the feed's reads
    unit_id     text NOT NULL,       -- the one calendar it opens
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
CREATE INDEX calendar_tokens_owner ON calendar_tokens (owner, created_at);
