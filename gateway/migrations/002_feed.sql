-- The gateway's feed of every service's events (search_path: gateway). See gateway/feed.py.

-- Positions of the services' feeds applied by the gateway (eventkit.tracking.Tracker).
CREATE TABLE tracking (
    consumer   text NOT NULL,
    source     text NOT NULL,
    position   bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, source)
);

-- One row per event of any service; position is dense, assigned under an advisory lock.
CREATE TABLE feed (
    position        bigint PRIMARY KEY,
    source          text NOT NULL,
    source_position bigint NOT NULL,
    event_id        uuid NOT NULL UNIQUE,
    type            text NOT NULL,
    stream_id       text NOT NULL,
    occurred_at     timestamptz NOT NULL,
    unit_ids        text[] NOT NULL DEFAULT '{}',
    action          text NOT NULL,           -- the read action of the event's resource
    actor           text,
    correlation_id  text,
    data            jsonb NOT NULL,          -- personal fields masked
    metadata        jsonb NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, source_position)
);
CREATE INDEX feed_type ON feed (type, position);
CREATE INDEX feed_actor ON feed (actor, occurred_at);
CREATE INDEX feed_occurred ON feed (occurred_at);
CREATE INDEX feed_units ON feed USING gin (unit_ids);

-- The units last mentioned by a stream: an event that names none inherits them (scope).
CREATE TABLE stream_units (
    source    text NOT NULL,
    stream_id text NOT NULL,
    unit_ids  text[] NOT NULL,
    PRIMARY KEY (source, stream_id)
);

-- Position of the feed up to which departments.outbound has the broker's confirms.
CREATE TABLE outbound_checkpoint (
    publisher text PRIMARY KEY,
    position  bigint NOT NULL
);

CREATE INDEX refusals_actor ON refusals (actor, at);
