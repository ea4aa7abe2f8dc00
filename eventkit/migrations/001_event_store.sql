-- The event store of one service (search_path is the service's schema).
CREATE TABLE events (
    position        bigint PRIMARY KEY,          -- dense, assigned under the append lock
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
CREATE INDEX events_type_position ON events (type, position);

-- Results of commands already executed: a retried command id returns the first result.
CREATE TABLE commands (
    command_id  text PRIMARY KEY,
    result      jsonb,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Position up to which the relay has had the broker's confirms.
CREATE TABLE relay_checkpoint (
    relay     text PRIMARY KEY,
    position  bigint NOT NULL
);

-- Events of other services applied to this service's projections.
CREATE TABLE tracking (
    consumer   text NOT NULL,
    source     text NOT NULL,
    position   bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, source)
);
