-- Young entrepreneurs registered in funding (services/org/tracked.py): their ids only, so an
-- erasure (PersonErased) may name them. search_path: org.
CREATE TABLE known_entrepreneurs (
    id                text PRIMARY KEY,
    unit_id           text NOT NULL,
    funding_position  bigint NOT NULL
);
