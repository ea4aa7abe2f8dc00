-- Cooperatives learnt from org's events (tracked projection; see services/common/org_facts.py).
CREATE TABLE known_cooperatives (
    id                 text PRIMARY KEY,
    uscc               text NOT NULL,
    name               text NOT NULL,
    township           text NOT NULL,
    industry_category  text NOT NULL,
    org_position       bigint NOT NULL,
    learnt_at          timestamptz NOT NULL
);
CREATE INDEX known_cooperatives_uscc ON known_cooperatives (uscc);
