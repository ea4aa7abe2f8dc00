-- assessment's own read models (projections.py). No serial columns: rebuild copies them.

CREATE TABLE letters (
    id                text PRIMARY KEY,
    committee_id      text NOT NULL,
    member_id         text NOT NULL,
    year              integer NOT NULL,
    status            text NOT NULL,
    drafted_on        date NOT NULL,
    signed_on         date,
    published_on      date,
    notice_days       integer,
    notice_last_day   date,
    started_on        date,
    current_version   integer NOT NULL DEFAULT 0,
    items             jsonb NOT NULL DEFAULT '[]',   -- the items in force (or being drafted)
    versions          jsonb NOT NULL DEFAULT '[]',   -- every published version, oldest first
    progress          jsonb NOT NULL DEFAULT '[]',
    assessed_round_id text,
    assessed_on       date,
    updated_at        timestamptz NOT NULL,
    version           integer NOT NULL
);
-- One letter per member and year (the command checks it; this makes a race fail cleanly).
CREATE UNIQUE INDEX letters_member_year ON letters (member_id, year);
CREATE INDEX letters_committee_year ON letters (committee_id, year);

CREATE TABLE letter_comments (
    letter_id        text NOT NULL,
    comment_id       text NOT NULL,
    version          integer NOT NULL,
    name             text,
    contact_masked   text,                           -- never the full contact
    text             text NOT NULL,
    received_at      timestamptz NOT NULL,
    status           text NOT NULL,                  -- pending / accepted / rejected
    editor_id        text,
    moderated_at     timestamptz,
    rejection_reason text,
    PRIMARY KEY (letter_id, comment_id)
);
CREATE INDEX letter_comments_status ON letter_comments (status, received_at);

CREATE TABLE rounds (
    id                  text PRIMARY KEY,
    committee_id        text NOT NULL,
    year                integer NOT NULL,
    status              text NOT NULL,
    member_ids          jsonb NOT NULL,
    scorer_ids          jsonb NOT NULL,
    scoring_unit_ids    jsonb NOT NULL,
    weights             jsonb NOT NULL,
    thresholds          jsonb NOT NULL,
    evidence_rule       jsonb NOT NULL,
    excellent_quota_bp  integer NOT NULL,
    opened_at           timestamptz NOT NULL,
    closed_at           timestamptz,
    graded_at           timestamptz,
    updated_at          timestamptz NOT NULL,
    version             integer NOT NULL
);
CREATE UNIQUE INDEX rounds_committee_year ON rounds (committee_id, year);

-- One row per score given; a re-submission by the same scorer replaces the row.
CREATE TABLE round_scores (
    round_id      text NOT NULL,
    member_id     text NOT NULL,
    component     text NOT NULL,                     -- self / peer / unit / public
    scorer        text NOT NULL,                     -- member id, unit id, rating id; '' = self
    score         integer NOT NULL,
    submitted_at  timestamptz NOT NULL,
    PRIMARY KEY (round_id, member_id, component, scorer)
);

CREATE TABLE round_evidence (
    round_id                text NOT NULL,
    member_id               text NOT NULL,
    unit_ids                jsonb NOT NULL,
    meetings_due            integer NOT NULL,
    meetings_held           integer NOT NULL,
    activities_organized    integer NOT NULL,
    young_people_reached    integer NOT NULL,
    funds_raised_fen        bigint NOT NULL,
    credit_facilitated_fen  bigint NOT NULL,
    fact_count              integer NOT NULL,
    flags                   jsonb NOT NULL,
    adjustment              integer NOT NULL,
    PRIMARY KEY (round_id, member_id)
);

CREATE TABLE round_results (
    round_id        text NOT NULL,
    member_id       text NOT NULL,
    committee_id    text NOT NULL,
    year            integer NOT NULL,
    final           numeric(5, 2),
    grade           text,
    excellent_rank  integer,
    capped_by_quota boolean NOT NULL,
    result          jsonb NOT NULL,                  -- the RoundGraded entry as recorded
    graded_at       timestamptz NOT NULL,
    PRIMARY KEY (round_id, member_id)
);
CREATE INDEX round_results_year_grade ON round_results (year, grade);

CREATE TABLE result_reports (
    round_id     text NOT NULL,
    member_id    text NOT NULL,
    unit_id      text NOT NULL,
    department   text,
    final        text,
    grade        text,
    reported_on  date NOT NULL,
    position     bigint NOT NULL,
    PRIMARY KEY (round_id, member_id, unit_id)
);

CREATE TABLE recommendations (
    id                text PRIMARY KEY,
    kind              text NOT NULL,
    member_id         text NOT NULL,
    committee_id      text NOT NULL,
    round_id          text,
    reason            text NOT NULL,
    status            text NOT NULL,                 -- proposed / voted / submitted / decided
    outcome           text,                          -- pending / accepted / declined
    proposed_on       date NOT NULL,
    party_applied_on  date,
    vote              jsonb,
    submitted_on      date,
    decided_on        date,
    history           jsonb NOT NULL DEFAULT '[]',
    updated_at        timestamptz NOT NULL,
    version           integer NOT NULL
);
CREATE INDEX recommendations_member ON recommendations (member_id);
