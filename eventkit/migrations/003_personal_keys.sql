-- Per-person data keys (eventkit/personal.py): personal fields of events are encrypted with
-- their subject's key, wrapped by a master key from configuration. Erasure sets the key to
-- NULL and keeps the row (when and why), so later events of that subject are stored erased.
CREATE TABLE personal_keys (
    subject        text PRIMARY KEY,
    master_id      text,
    wrapped        bytea,
    created_at     timestamptz NOT NULL DEFAULT now(),
    erased_at      timestamptz,
    erased_reason  text,
    CHECK ((wrapped IS NULL) = (master_id IS NULL))
);
