-- Units and members learnt from org's events (tracked projection; services/activities/tracked.py).
-- Dates are county-local dates as org records them; `org_position` is the org event that last
-- changed the row (a replayed older event never overwrites a newer fact).
CREATE TABLE known_units (
    id                         text PRIMARY KEY,
    name                       text NOT NULL,
    kind                       text NOT NULL,
    parent_id                  text,
    professional_committee_id  text,         -- nearest professional-committee ancestor
    industry                   text,
    township                   text,
    created_on                 date NOT NULL,
    dissolved_on               date,         -- dissolution or merge date
    status                     text NOT NULL, -- active / merged / dissolved
    merged_into                text,
    org_position               bigint NOT NULL,
    learnt_at                  timestamptz NOT NULL
);
CREATE INDEX known_units_parent ON known_units (parent_id);
CREATE INDEX known_units_committee ON known_units (professional_committee_id);

-- Never the resident id, phone or birth date: activities needs who, which unit, whether active.
CREATE TABLE known_members (
    id            text PRIMARY KEY,
    name          text NOT NULL,
    kind          text NOT NULL,
    unit_id       text NOT NULL,
    status        text NOT NULL,   -- active / aged_out / left
    status_since  date,            -- the day an aged_out / left status took effect
    org_position  bigint NOT NULL,
    learnt_at     timestamptz NOT NULL
);
CREATE INDEX known_members_unit ON known_members (unit_id);
