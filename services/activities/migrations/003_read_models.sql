-- activities's own read models (services/activities/projections.py). No serial columns:
-- `python -m eventkit.rebuild activities` copies their structure.
CREATE TABLE activities (
    id                     text PRIMARY KEY,
    status                 text NOT NULL,
    kind                   text NOT NULL,
    title                  text NOT NULL,
    organizer_unit_ids     text[] NOT NULL,
    co_organizer_unit_ids  text[] NOT NULL,
    unit_ids               text[] NOT NULL,   -- organizers then co-organizers (scope, filters)
    starts_at              timestamptz NOT NULL,
    ends_at                timestamptz NOT NULL,
    venue                  text NOT NULL,
    audience               text NOT NULL,
    expected_attendance    integer NOT NULL,
    budget_fen             bigint NOT NULL,
    work_menu_item_id      text,
    unified_activity_id    text,
    registered_member_ids  text[] NOT NULL DEFAULT '{}',
    checked_in_member_ids  text[] NOT NULL DEFAULT '{}',
    held_on                date,
    attendee_member_ids    text[] NOT NULL DEFAULT '{}',
    summary                text,
    outcome_figures        jsonb NOT NULL DEFAULT '{}',
    cancel_reason          text,
    planned_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL,
    version                integer NOT NULL
);
CREATE INDEX activities_unit_ids ON activities USING gin (unit_ids);
CREATE INDEX activities_starts ON activities (starts_at, id);
CREATE INDEX activities_held_on ON activities (held_on) WHERE held_on IS NOT NULL;
CREATE INDEX activities_menu_item ON activities (work_menu_item_id) WHERE work_menu_item_id IS NOT NULL;

CREATE TABLE meetings (
    id                   text PRIMARY KEY,
    meeting_type         text NOT NULL,
    unit_id              text NOT NULL,
    held_on              date NOT NULL,     -- county-local date: what compliance counts
    held_at              timestamptz,
    attendee_member_ids  text[] NOT NULL,
    absentees            jsonb NOT NULL,
    topics               jsonb NOT NULL,
    resolutions          jsonb NOT NULL,
    minutes              text NOT NULL,
    status               text NOT NULL,     -- recorded / retracted
    retract_reason       text,
    recorded_at          timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    version              integer NOT NULL
);
CREATE INDEX meetings_unit_type ON meetings (unit_id, meeting_type, held_on);
CREATE INDEX meetings_held_on ON meetings (held_on, id);

CREATE TABLE unified_activities (
    id                 text PRIMARY KEY,
    title              text NOT NULL,
    kind               text NOT NULL,
    description        text NOT NULL,
    window_start       date NOT NULL,
    window_end         date NOT NULL,
    issued_on          date NOT NULL,
    work_menu_item_id  text,
    status             text NOT NULL,       -- issued / closed
    closed_on          date,
    updated_at         timestamptz NOT NULL,
    version            integer NOT NULL
);
CREATE INDEX unified_activities_issued ON unified_activities (issued_on, id);

CREATE TABLE unified_activity_parts (
    unified_activity_id  text NOT NULL,
    unit_id              text NOT NULL,
    status               text NOT NULL,     -- assigned / linked / held / excused
    activity_ids         text[] NOT NULL DEFAULT '{}',
    held_on              date,
    excuse               text,
    PRIMARY KEY (unified_activity_id, unit_id)
);
CREATE INDEX unified_activity_parts_unit ON unified_activity_parts (unit_id);

CREATE TABLE work_menus (
    id            text PRIMARY KEY,
    year          integer NOT NULL,
    title         text NOT NULL,
    status        text NOT NULL,            -- draft / published
    published_on  date,
    updated_at    timestamptz NOT NULL,
    version       integer NOT NULL
);
CREATE INDEX work_menus_year ON work_menus (year, id);

CREATE TABLE work_menu_items (
    menu_id           text NOT NULL,
    item_id           text NOT NULL UNIQUE,
    title             text NOT NULL,
    kind              text NOT NULL,
    description       text NOT NULL,
    suggested_months  integer[] NOT NULL,
    withdrawn         boolean NOT NULL DEFAULT false,
    withdraw_reason   text,
    PRIMARY KEY (menu_id, item_id)
);

CREATE TABLE work_menu_adoptions (
    menu_id     text NOT NULL,
    unit_id     text NOT NULL,
    item_id     text NOT NULL,
    adopted_on  date NOT NULL,
    PRIMARY KEY (menu_id, unit_id, item_id)
);
CREATE INDEX work_menu_adoptions_unit ON work_menu_adoptions (unit_id);

CREATE TABLE supervision_visits (
    id          text PRIMARY KEY,
    visitor     text NOT NULL,
    unit_id     text NOT NULL,
    visited_on  date NOT NULL,
    findings    jsonb NOT NULL,
    updated_at  timestamptz NOT NULL,
    version     integer NOT NULL
);
CREATE INDEX supervision_visits_unit ON supervision_visits (unit_id, visited_on);
CREATE INDEX supervision_visits_visited ON supervision_visits (visited_on, id);

CREATE TABLE supervision_actions (
    visit_id     text NOT NULL,
    action_id    text NOT NULL,
    description  text NOT NULL,
    due_on       date,
    closed_on    date,
    note         text,
    PRIMARY KEY (visit_id, action_id)
);

CREATE TABLE wechat_groups (
    id                  text PRIMARY KEY,
    unit_id             text NOT NULL,
    name                text NOT NULL,
    admin_name          text NOT NULL,
    admin_member_id     text,
    member_count        integer NOT NULL,
    member_count_as_of  date NOT NULL,
    status              text NOT NULL,      -- active / closed
    closed_on           date,
    close_reason        text,
    registered_at       timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    version             integer NOT NULL
);
CREATE INDEX wechat_groups_unit ON wechat_groups (unit_id, id);
