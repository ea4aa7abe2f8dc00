-- Young entrepreneurs (致富骨干) and their credit applications (projections_applications.py).
-- search_path: funding.

CREATE TABLE credit_entrepreneurs (
    id              text PRIMARY KEY,
    name            text NOT NULL,
    id_key          text NOT NULL,
    id_last4        text,
    birth_date      date,
    phone           text,
    cooperative_id  text NOT NULL,
    unit_id         text NOT NULL,
    registered_on   date NOT NULL,
    updated_at      timestamptz NOT NULL
);
-- one registration per person (the keyed hash of the ID number)
CREATE UNIQUE INDEX credit_entrepreneurs_person ON credit_entrepreneurs (id_key);
CREATE INDEX credit_entrepreneurs_unit ON credit_entrepreneurs (unit_id);

CREATE TABLE credit_applications (
    id                   text PRIMARY KEY,           -- also the application_ref of the bank
    entrepreneur_id      text NOT NULL,
    partner_id           text NOT NULL,
    unit_id              text NOT NULL,
    cooperative_id       text NOT NULL,
    amount_fen           bigint NOT NULL,
    term_months          integer NOT NULL,
    purpose              text NOT NULL,
    status               text NOT NULL,
    submitted_on         date NOT NULL,
    precheck_outcome     text,
    prechecked_on        date,
    precheck_note        text,
    recommended_by_unit  text,
    recommended_on       date,
    recommendation_note  text,
    sent_on              date,
    grant_key            text,
    granted_fen          bigint,
    granted_at           text,
    granted_on           date,
    refusal_reason       text,
    refused_at           text,
    refused_on           date,
    updated_at           timestamptz NOT NULL
);
CREATE INDEX credit_applications_partner ON credit_applications (partner_id, sent_on);
CREATE INDEX credit_applications_unit ON credit_applications (unit_id);
CREATE INDEX credit_applications_grant ON credit_applications (grant_key);
