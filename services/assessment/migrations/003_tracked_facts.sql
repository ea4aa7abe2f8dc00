-- Facts assessment learns from other services' events (tracked.py). Never another schema.

-- from org ------------------------------------------------------------------------------
CREATE TABLE known_committees (
    id            text PRIMARY KEY,
    name          text NOT NULL,
    county        text NOT NULL,
    org_position  bigint NOT NULL
);

-- Member units (成员单位) of a committee: government departments, banks, associations.
CREATE TABLE known_member_units (
    committee_id     text NOT NULL,
    member_unit_id   text NOT NULL,
    name             text NOT NULL,
    department_type  text NOT NULL,
    active           boolean NOT NULL,
    PRIMARY KEY (committee_id, member_unit_id)
);

-- Secretary, deputy secretaries and committee members: the people assessed.
CREATE TABLE committee_people (
    committee_id    text NOT NULL,
    person_id       text NOT NULL,
    role            text NOT NULL,                -- secretary / deputy_secretary / committee_member
    name            text NOT NULL,
    source          text,                         -- committee members: where they come from
    cooperative_id  text,
    township        text,
    member_unit_id  text,                         -- deputy secretaries
    office          text,
    appointed_on    date NOT NULL,
    removed_on      date,
    PRIMARY KEY (committee_id, person_id, role)
);
CREATE INDEX committee_people_person ON committee_people (person_id);

-- Units of the League tree (what evidence and scope need of them).
CREATE TABLE known_units (
    id               text PRIMARY KEY,
    name             text NOT NULL,
    kind             text NOT NULL,
    parent_id        text,
    management       text,
    township         text,
    cooperative_ids  jsonb NOT NULL,
    created_on       date NOT NULL,
    ended_on         date,                        -- dissolved or merged into another unit
    status           text NOT NULL
);

-- League members and young people registered in org (a committee person may be one).
CREATE TABLE known_members (
    id              text PRIMARY KEY,
    name            text NOT NULL,
    unit_id         text NOT NULL,
    cooperative_id  text,
    status          text NOT NULL
);

CREATE TABLE known_member_roles (
    member_id  text NOT NULL,
    role_id    text NOT NULL,
    role       text NOT NULL,
    unit_id    text NOT NULL,
    start_on   date NOT NULL,
    end_on     date,
    PRIMARY KEY (member_id, role_id)
);

-- Which units a committee person belongs to, and why (derived; recomputed from the tables
-- above whenever one of them changes). priority: 1 own member unit or post, 2 member unit
-- (department) of a deputy, 3 the League unit of their cooperative, 4 units led by their
-- township, 5 the working committee (secretary). The home unit is the lowest priority.
CREATE TABLE person_units (
    person_id  text NOT NULL,
    unit_id    text NOT NULL,
    reason     text NOT NULL,
    priority   integer NOT NULL,
    PRIMARY KEY (person_id, unit_id)
);
CREATE INDEX person_units_unit ON person_units (unit_id);

-- from activities -------------------------------------------------------------------------
CREATE TABLE known_activities (
    activity_id            text PRIMARY KEY,
    organizer_unit_ids     jsonb NOT NULL,
    co_organizer_unit_ids  jsonb NOT NULL
);

-- One row per ActivityHeld event and organizing unit: keyed by the source event id.
CREATE TABLE evidence_activities (
    event_id      text NOT NULL,
    unit_id       text NOT NULL,
    activity_id   text NOT NULL,
    held_on       date NOT NULL,
    participants  integer NOT NULL,
    PRIMARY KEY (event_id, unit_id)
);
CREATE INDEX evidence_activities_unit ON evidence_activities (unit_id, held_on);

CREATE TABLE evidence_meetings (
    event_id      text PRIMARY KEY,
    meeting_id    text NOT NULL,
    unit_id       text NOT NULL,
    meeting_type  text NOT NULL,
    held_on       date NOT NULL,
    retracted_on  date
);
CREATE INDEX evidence_meetings_unit ON evidence_meetings (unit_id, held_on);
CREATE INDEX evidence_meetings_meeting ON evidence_meetings (meeting_id);

-- from funding ----------------------------------------------------------------------------
CREATE TABLE evidence_receipts (
    event_id     text PRIMARY KEY,
    unit_id      text NOT NULL,
    entry_id     text NOT NULL,
    source       text NOT NULL,
    amount_fen   bigint NOT NULL,
    received_on  date NOT NULL,
    reversed_on  date
);
CREATE INDEX evidence_receipts_unit ON evidence_receipts (unit_id, received_on);
CREATE INDEX evidence_receipts_entry ON evidence_receipts (unit_id, entry_id);

CREATE TABLE evidence_credit (
    event_id     text PRIMARY KEY,
    grant_key    text NOT NULL,
    unit_id      text,
    amount_fen   bigint NOT NULL,
    granted_on   date NOT NULL,
    revoked_on   date
);
CREATE INDEX evidence_credit_unit ON evidence_credit (unit_id, granted_on);
CREATE INDEX evidence_credit_grant ON evidence_credit (grant_key);
