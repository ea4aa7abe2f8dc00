-- Committees, the League tree, members, roles and transfers (issue 3).
-- No serial columns: rebuild copies these structures with LIKE ... INCLUDING ALL.

CREATE TABLE committees (
    id              text PRIMARY KEY,          -- also the id of its working-committee root unit
    name            text NOT NULL,
    county          text NOT NULL,
    county_code     text NOT NULL UNIQUE,
    steps           jsonb NOT NULL DEFAULT '{}'::jsonb,   -- step -> its event data
    member_units    jsonb NOT NULL DEFAULT '{}'::jsonb,   -- member_unit_id -> {name, department_type}
    secretary       jsonb,
    deputies        jsonb NOT NULL DEFAULT '{}'::jsonb,   -- person_id -> appointment
    committee_members jsonb NOT NULL DEFAULT '{}'::jsonb, -- person_id -> appointment
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    version         integer NOT NULL
);

CREATE TABLE units (
    id                        text PRIMARY KEY,
    committee_id              text NOT NULL,
    name                      text NOT NULL,
    kind                      text NOT NULL,
    parent_id                 text,
    professional_committee_id text,
    formation_mode            text,
    industry                  text,
    cooperative_ids           jsonb NOT NULL DEFAULT '[]'::jsonb,
    management                text NOT NULL,
    township                  text,
    joint_mode                text,
    group_functions           jsonb NOT NULL DEFAULT '[]'::jsonb,
    founded_on                date NOT NULL,
    status                    text NOT NULL,
    merged_into               text,
    ended_on                  date,
    dissolution_reason        text,
    created_at                timestamptz NOT NULL,
    updated_at                timestamptz NOT NULL,
    version                   integer NOT NULL
);
CREATE INDEX units_parent ON units (parent_id, id);
CREATE INDEX units_committee ON units (committee_id, id);
CREATE INDEX units_coverage ON units USING gin (cooperative_ids);

CREATE TABLE members (
    id              text PRIMARY KEY,
    kind            text NOT NULL,
    name            text NOT NULL,
    sex             text NOT NULL,
    ethnicity       text NOT NULL,
    resident_id     text NOT NULL UNIQUE,  -- whole, for the duplicate check; views mask it
    birth_date      date NOT NULL,
    phone           text,
    education       text,
    occupation      text,
    cooperative_id  text,
    unit_id         text NOT NULL,
    join_date       date NOT NULL,
    registered_on   date NOT NULL,
    status          text NOT NULL,
    status_since    date NOT NULL,
    pending_transfer_id text,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    version         integer NOT NULL
);
CREATE INDEX members_unit ON members (unit_id, id);
CREATE INDEX members_status ON members (status, id);
CREATE INDEX members_age_out ON members (kind, status, birth_date);

CREATE TABLE member_roles (
    role_id     text PRIMARY KEY,
    member_id   text NOT NULL,
    role        text NOT NULL,
    unit_id     text NOT NULL,
    start_on    date NOT NULL,
    end_on      date
);
CREATE INDEX member_roles_member ON member_roles (member_id);

CREATE TABLE transfers (
    id              text PRIMARY KEY,
    member_id       text NOT NULL,
    from_unit_id    text NOT NULL,
    to_unit_id      text NOT NULL,
    status          text NOT NULL,        -- pending, approved, rejected, cancelled
    requested_on    date NOT NULL,
    decided_on      date,
    reason          text,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX transfers_from ON transfers (from_unit_id, id);
CREATE INDEX transfers_to ON transfers (to_unit_id, id);
