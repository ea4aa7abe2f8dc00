-- funding's read models (projections.py), org facts (tracked.py) and partner operations
-- (partners.py, ingest.py). search_path: funding.

-- ---- org facts (tracked projection from org's events) ---------------------------------
CREATE TABLE known_units (
    id            text PRIMARY KEY,
    name          text NOT NULL,
    kind          text NOT NULL,
    parent_id     text,
    township      text,
    status        text NOT NULL DEFAULT 'active',
    org_position  bigint NOT NULL
);

CREATE TABLE unit_cooperatives (
    unit_id         text NOT NULL,
    cooperative_id  text NOT NULL,
    PRIMARY KEY (unit_id, cooperative_id)
);
CREATE INDEX unit_cooperatives_coop ON unit_cooperatives (cooperative_id);

CREATE TABLE known_members (
    id            text PRIMARY KEY,
    name          text NOT NULL,
    kind          text NOT NULL,
    unit_id       text NOT NULL,
    birth_date    date,
    status        text NOT NULL DEFAULT 'active',
    org_position  bigint NOT NULL
);
CREATE INDEX known_members_unit ON known_members (unit_id);

-- ---- funds ----------------------------------------------------------------------------
-- One row per fund entry (pledge, receipt, allocation, expense, release, reversal).
CREATE TABLE fund_entries (
    entry_id           text PRIMARY KEY,
    unit_id            text NOT NULL,
    type               text NOT NULL,
    on_date            date NOT NULL,
    amount_fen         bigint,
    source             text,
    earmark            text,
    receipt_number     text,
    pledge_id          text,
    allocation_id      text,
    activity_id        text,
    reverses_entry_id  text,
    reversed_by        text,
    reason             text,
    payer_name         text,
    payer_uscc         text,
    agreement_ref      text,
    approved_by        text,
    invoice_number     text,
    description        text,
    recorded_at        timestamptz NOT NULL,
    position           bigint NOT NULL
);
CREATE INDEX fund_entries_unit ON fund_entries (unit_id, position);

-- The effect of each entry on the fund (the domain's journal lines, see domain/ledger.py):
-- `available_fen` is what the balance counts, `cash_fen` the money actually held.
CREATE TABLE fund_lines (
    entry_id       text PRIMARY KEY,
    unit_id        text NOT NULL,
    on_date        date NOT NULL,
    kind           text NOT NULL,
    earmark        text,
    source         text,
    available_fen  bigint NOT NULL,
    cash_fen       bigint NOT NULL
);
CREATE INDEX fund_lines_unit ON fund_lines (unit_id, on_date);

CREATE TABLE fund_pledges (
    pledge_id      text PRIMARY KEY,
    unit_id        text NOT NULL,
    source         text NOT NULL,
    payer_name     text NOT NULL,
    payer_uscc     text,
    agreement_ref  text NOT NULL,
    earmark        text,
    amount_fen     bigint NOT NULL,
    received_fen   bigint NOT NULL DEFAULT 0,
    pledged_on     date NOT NULL,
    reversed       boolean NOT NULL DEFAULT false
);
CREATE INDEX fund_pledges_unit ON fund_pledges (unit_id);

-- ---- venues ---------------------------------------------------------------------------
CREATE TABLE venues (
    id             text PRIMARY KEY,
    name           text NOT NULL,
    provider_kind  text NOT NULL,
    provider_name  text NOT NULL,
    provider_id    text,
    capacity       integer NOT NULL,
    unit_id        text,
    address        text,
    registered_at  timestamptz NOT NULL,
    version        integer NOT NULL
);
CREATE INDEX venues_unit ON venues (unit_id);

CREATE TABLE venue_bookings (
    booking_id           text PRIMARY KEY,
    venue_id             text NOT NULL,
    activity_id          text NOT NULL,
    starts_at            timestamptz NOT NULL,
    ends_at              timestamptz NOT NULL,
    expected_attendance  integer,
    cancelled            boolean NOT NULL DEFAULT false,
    cancel_reason        text
);
CREATE INDEX venue_bookings_venue ON venue_bookings (venue_id, starts_at);

-- ---- dues -----------------------------------------------------------------------------
CREATE TABLE dues_rules (
    version         text PRIMARY KEY,
    effective_from  text NOT NULL,
    rule            jsonb NOT NULL
);

CREATE TABLE remittance_rules (
    version         text PRIMARY KEY,
    effective_from  text NOT NULL,
    retained_bp     integer NOT NULL,
    rebate_bp       integer NOT NULL
);

CREATE TABLE dues_accounts (
    member_id        text PRIMARY KEY,
    first_due_month  text NOT NULL,
    category         text NOT NULL,
    income_fen       bigint,
    basis            jsonb NOT NULL,   -- [[from_month, category, income_fen], ...]
    paid_up_to       text,
    total_paid_fen   bigint NOT NULL DEFAULT 0,
    last_paid_on     date,
    updated_at       timestamptz NOT NULL
);

CREATE TABLE dues_paid_months (
    member_id   text NOT NULL,
    month       text NOT NULL,
    payment_id  text NOT NULL,
    due_fen     bigint NOT NULL,
    PRIMARY KEY (member_id, month)
);

CREATE TABLE dues_payments (
    payment_id   text PRIMARY KEY,
    member_id    text NOT NULL,
    months       jsonb NOT NULL,
    from_month   text NOT NULL,
    to_month     text NOT NULL,
    amount_fen   bigint NOT NULL,
    paid_on      date NOT NULL,
    breakdown    jsonb NOT NULL,
    reversed     boolean NOT NULL DEFAULT false,
    reversed_on  date,
    reason       text,
    position     bigint NOT NULL
);
CREATE INDEX dues_payments_member ON dues_payments (member_id, position);

CREATE TABLE remittances (
    remittance_id   text PRIMARY KEY,
    unit_id         text NOT NULL,
    period_from     text NOT NULL,
    period_to       text NOT NULL,
    collected_fen   bigint NOT NULL,
    retained_fen    bigint NOT NULL,
    remitted_fen    bigint NOT NULL,
    rebate_fen      bigint NOT NULL,
    kept_above_fen  bigint NOT NULL,
    rule_version    text NOT NULL,
    retained_bp     integer NOT NULL,
    rebate_bp       integer NOT NULL,
    recorded_at     timestamptz NOT NULL
);
CREATE INDEX remittances_unit ON remittances (unit_id, period_from);

-- ---- credit ---------------------------------------------------------------------------
CREATE TABLE credit_grants (
    id                   text PRIMARY KEY,        -- partner_id.grant_id
    partner_id           text NOT NULL,
    grant_id             text NOT NULL,
    status               text NOT NULL,
    beneficiary_kind     text,
    beneficiary_name     text,
    uscc                 text,
    cooperative_id       text,
    id_key               text,
    id_last4             text,
    birth_year           integer,
    township             text,
    industry             text,
    unit_id              text,
    amount_fen           bigint,
    term_months          integer,
    annual_rate_bp       integer,
    guarantee            text,
    purpose              text,
    granted_at           text,
    granted_on           date,
    recommended_by_unit  text,
    recommended_on       date,
    loans                integer NOT NULL DEFAULT 0,
    disbursed_fen        bigint NOT NULL DEFAULT 0,
    repaid_fen           bigint NOT NULL DEFAULT 0,
    outstanding_fen      bigint NOT NULL DEFAULT 0,
    overdue_fen          bigint NOT NULL DEFAULT 0,
    held_events          integer NOT NULL DEFAULT 0,
    refused_events       integer NOT NULL DEFAULT 0,
    revoked_at           text,
    revoke_reason        text,
    updated_at           timestamptz NOT NULL
);
CREATE INDEX credit_grants_partner ON credit_grants (partner_id, id);
CREATE INDEX credit_grants_granted ON credit_grants (granted_on);
CREATE INDEX credit_grants_unit ON credit_grants (unit_id);

CREATE TABLE credit_loans (
    partner_id       text NOT NULL,
    loan_id          text NOT NULL,
    grant_key        text NOT NULL,
    amount_fen       bigint NOT NULL,
    disbursed_at     text NOT NULL,
    disbursed_on     date NOT NULL,
    maturity_date    date NOT NULL,
    repaid_fen       bigint NOT NULL DEFAULT 0,
    outstanding_fen  bigint NOT NULL,
    overdue_fen      bigint NOT NULL DEFAULT 0,
    overdue_as_of    text,
    settled          boolean NOT NULL DEFAULT false,
    PRIMARY KEY (partner_id, loan_id)
);
CREATE INDEX credit_loans_grant ON credit_loans (grant_key);

-- Which grant a partner's loan belongs to, known from a disbursement (applied or held).
CREATE TABLE credit_loan_index (
    partner_id  text NOT NULL,
    loan_id     text NOT NULL,
    grant_key   text NOT NULL,
    PRIMARY KEY (partner_id, loan_id)
);

-- Partner events waiting: in a grant (before its credit.granted) or parked for a loan
-- nobody has disbursed yet.
CREATE TABLE credit_waiting (
    message_id   text NOT NULL,
    partner_id   text NOT NULL,
    stream       text NOT NULL,               -- grant key or pending key
    where_held   text NOT NULL,               -- 'grant' | 'parked'
    event_type   text NOT NULL,
    loan_id      text,
    grant_id     text,
    received_at  timestamptz NOT NULL,
    PRIMARY KEY (partner_id, message_id)
);

CREATE TABLE credit_refused (
    message_id  text NOT NULL,
    grant_key   text NOT NULL,
    event_type  text NOT NULL,
    reason      text NOT NULL,
    refused_at  timestamptz NOT NULL,
    PRIMARY KEY (grant_key, message_id)
);

-- ---- partners (operational tables: not projections, never rebuilt) ----------------------
CREATE TABLE partners (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    kind        text NOT NULL,
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Several secrets may be valid at once (rotation); an old one stops at `expires_at`.
CREATE TABLE partner_webhook_secrets (
    partner_id  text NOT NULL REFERENCES partners (id),
    secret      text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz,
    PRIMARY KEY (partner_id, secret)
);

-- Accepted message ids: a second delivery of the same (partner, message id) is a no-op.
CREATE TABLE partner_messages (
    partner_id   text NOT NULL,
    message_id   text NOT NULL,
    channel      text NOT NULL,
    event_type   text NOT NULL,
    outcome      text NOT NULL,
    received_at  timestamptz NOT NULL,
    PRIMARY KEY (partner_id, message_id)
);

CREATE TABLE partner_counters (
    partner_id  text NOT NULL,
    channel     text NOT NULL,
    accepted    bigint NOT NULL DEFAULT 0,
    held        bigint NOT NULL DEFAULT 0,
    duplicate   bigint NOT NULL DEFAULT 0,
    rejected    bigint NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (partner_id, channel)
);

-- What was dead-lettered (the message itself stays in queue partners.dead: its body may
-- hold a resident id, so it is not copied here).
CREATE TABLE partner_dead_letters (
    partner_id   text NOT NULL,
    dl_key       text NOT NULL,               -- message id, or a hash of the message
    message_id   text,
    event_type   text,
    routing_key  text,
    channel      text NOT NULL,
    reason       text NOT NULL,
    rejected_at  timestamptz NOT NULL,
    times        integer NOT NULL DEFAULT 1,
    replayed_at  timestamptz,
    PRIMARY KEY (partner_id, dl_key)
);
CREATE INDEX partner_dead_letters_at ON partner_dead_letters (rejected_at);
