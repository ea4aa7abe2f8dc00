-- The gateway's own event store (eventkit.store.EventStore("gateway")): issued documents
-- (gateway/documents/numbering.py). Same layout as a service's store.
CREATE TABLE IF NOT EXISTS events (
    position        bigint PRIMARY KEY,
    event_id        uuid NOT NULL UNIQUE,
    stream_id       text NOT NULL,
    version         integer NOT NULL,
    type            text NOT NULL,
    schema_version  integer NOT NULL,
    occurred_at     timestamptz NOT NULL,
    data            jsonb NOT NULL,
    metadata        jsonb NOT NULL,
    UNIQUE (stream_id, version)
);
CREATE SEQUENCE IF NOT EXISTS events_position_seq OWNED BY events.position;
ALTER TABLE events ALTER COLUMN position SET DEFAULT nextval('events_position_seq');
CREATE INDEX IF NOT EXISTS events_type_position ON events (type, position);
-- one issue per document: a second issue of the same kind for the same resource is refused
CREATE UNIQUE INDEX IF NOT EXISTS events_issued_document
    ON events ((data->>'kind'), (data->>'resource_id')) WHERE type = 'DocumentIssued';
