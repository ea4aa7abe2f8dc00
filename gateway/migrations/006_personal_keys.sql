-- The gateway's per-person data keys (eventkit/personal.py): names of people in issued
-- documents are kept sealed with them (gateway/documents/sealing.py); org's PersonErased
-- destroys a person's key here as in every service (gateway/feed.py).
CREATE TABLE IF NOT EXISTS personal_keys (
    subject        text PRIMARY KEY,
    master_id      text,
    wrapped        bytea,
    created_at     timestamptz NOT NULL DEFAULT now(),
    erased_at      timestamptz,
    erased_reason  text,
    CHECK ((wrapped IS NULL) = (master_id IS NULL))
);
