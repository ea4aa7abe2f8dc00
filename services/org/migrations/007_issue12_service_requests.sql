-- Issue 12 part 6: service requests to the member departments (stream service_request-<id>).
CREATE TABLE service_requests (
    id                  text PRIMARY KEY,
    unit_id             text NOT NULL,
    kind                text NOT NULL,
    department          text NOT NULL,
    cooperative_id      text,
    entrepreneur_id     text,
    entrepreneur_name   text,
    title               text NOT NULL,
    description         text NOT NULL,
    status              text NOT NULL,
    submitted_on        date NOT NULL,
    due_on              date NOT NULL,
    accepted_on         date,
    answered_on         date,
    answer              text,
    outcome             text,
    answered_late       boolean,
    activity_id         text,
    closed_on           date,
    close_note          text,
    policy_version      text NOT NULL,
    updated_at          timestamptz NOT NULL,
    version             integer NOT NULL
);
CREATE INDEX service_requests_department ON service_requests (department, status, due_on);
CREATE INDEX service_requests_cooperative ON service_requests (cooperative_id);
CREATE INDEX service_requests_unit ON service_requests (unit_id);
