-- Answers to writes sent with an Idempotency-Key, per person (search_path: gateway).
CREATE TABLE idempotency (
    principal     text NOT NULL,
    key           text NOT NULL,
    method        text NOT NULL,
    path          text NOT NULL,
    body_hash     text NOT NULL,
    status        integer,           -- NULL while the first request is in flight
    response      jsonb,
    headers       jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_created ON idempotency (created_at);

-- Refused requests (401/403/422...), for the audit trail beside the events' metadata.
CREATE TABLE refusals (
    id             bigserial PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    actor          text,
    method         text NOT NULL,
    path           text NOT NULL,
    status         integer NOT NULL,
    detail         text NOT NULL,
    correlation_id text NOT NULL
);
CREATE INDEX refusals_at ON refusals (at);
