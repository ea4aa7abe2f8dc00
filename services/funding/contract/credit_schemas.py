"""Credit and partner schemas of the funding contract (grants, loans, figures, dead
letters, webhooks)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.funding.contract.enums import (
    GUARANTEES,
    PARTNER_EVENT_TYPES,
)
from services.funding.contract.fields import (  # noqa: F401 - importable from here too
    MAX_FEN,
    MONTH,
    _fen,
    _month,
    _opt_text,
    _text,
)


# ---- credit -------------------------------------------------------------------------------
class RecommendationIn(Schema):
    partner_id = _text(63)
    grant_id = _text(128)
    unit_id = _text(64)
    recommended_on = fields.Date(required=True)
    note = _opt_text(500)


class BeneficiaryOut(Schema):
    kind = fields.Str(allow_none=True)
    name = fields.Str(allow_none=True)
    uscc = fields.Str(allow_none=True)
    cooperative_id = fields.Str(allow_none=True)
    id_number_masked = fields.Str(allow_none=True)
    birth_year = fields.Int(allow_none=True)


class LoanOut(Schema):
    partner_id = fields.Str(required=True)
    loan_id = fields.Str(required=True)
    grant_key = fields.Str(required=True)
    amount_fen = fields.Int(required=True)
    disbursed_at = fields.Str(required=True)
    disbursed_on = fields.Str(required=True)
    maturity_date = fields.Str(required=True)
    repaid_fen = fields.Int(required=True)
    outstanding_fen = fields.Int(required=True)
    overdue_fen = fields.Int(required=True)
    overdue_as_of = fields.Str(allow_none=True)
    settled = fields.Bool(required=True)
    unit_id = fields.Str(allow_none=True)
    township = fields.Str(allow_none=True)
    beneficiary = fields.Nested(BeneficiaryOut)


class WaitingOut(Schema):
    message_id = fields.Str(required=True)
    partner_id = fields.Str(required=True)
    where_held = fields.Str(required=True)
    event_type = fields.Str(required=True)
    loan_id = fields.Str(allow_none=True)
    grant_id = fields.Str(allow_none=True)
    received_at = fields.Str(required=True)


class RefusedOut(Schema):
    message_id = fields.Str(required=True)
    event_type = fields.Str(required=True)
    reason = fields.Str(required=True)
    refused_at = fields.Str(required=True)


class GrantOut(Schema):
    id = fields.Str(required=True)
    partner_id = fields.Str(required=True)
    grant_id = fields.Str(required=True)
    status = fields.Str(required=True)
    beneficiary = fields.Nested(BeneficiaryOut, required=True)
    township = fields.Str(allow_none=True)
    industry = fields.Str(allow_none=True)
    unit_id = fields.Str(allow_none=True)
    amount_fen = fields.Int(allow_none=True)
    term_months = fields.Int(allow_none=True)
    annual_rate_bp = fields.Int(allow_none=True)
    guarantee = fields.Str(allow_none=True)
    purpose = fields.Str(allow_none=True)
    granted_at = fields.Str(allow_none=True)
    granted_on = fields.Str(allow_none=True)
    recommended_by_unit = fields.Str(allow_none=True)
    recommended_on = fields.Str(allow_none=True)
    loans = fields.Int(required=True)
    disbursed_fen = fields.Int(required=True)
    repaid_fen = fields.Int(required=True)
    outstanding_fen = fields.Int(required=True)
    overdue_fen = fields.Int(required=True)
    held_events = fields.Int(required=True)
    refused_events = fields.Int(required=True)
    revoked_at = fields.Str(allow_none=True)
    revoke_reason = fields.Str(allow_none=True)
    updated_at = fields.Str(required=True)
    loan_list = fields.List(fields.Nested(LoanOut))
    waiting = fields.List(fields.Nested(WaitingOut))
    refused = fields.List(fields.Nested(RefusedOut))


class CreditFigures(Schema):
    grants = fields.Int(required=True)
    granted_fen = fields.Int(required=True)
    loans = fields.Int(required=True)
    disbursed_fen = fields.Int(required=True)
    repaid_fen = fields.Int(required=True)
    outstanding_fen = fields.Int(required=True)
    overdue_fen = fields.Int(required=True)


class CreditGroupOut(CreditFigures):
    key = fields.Str(allow_none=True)
    label = fields.Str(allow_none=True)


class CreditStatsOut(Schema):
    group_by = fields.Str(required=True)
    rows = fields.List(fields.Nested(CreditGroupOut), required=True)
    total = fields.Nested(CreditFigures, required=True)


class YoungEntrepreneursOut(Schema):
    year = fields.Int(allow_none=True)
    max_age = fields.Int(required=True)
    people = fields.Int(required=True)
    grants = fields.Int(required=True)
    granted_fen = fields.Int(required=True)
    disbursed_fen = fields.Int(required=True)
    by_month = fields.Dict(keys=fields.Str(), values=fields.Int(), required=True)


# ---- partners -----------------------------------------------------------------------------
class CountersOut(Schema):
    accepted = fields.Int(required=True)
    held = fields.Int(required=True)
    duplicate = fields.Int(required=True)
    rejected = fields.Int(required=True)


class PartnerOut(Schema):
    id = fields.Str(required=True)
    name = fields.Str(required=True)
    kind = fields.Str(required=True)
    active = fields.Bool(required=True)
    created_at = fields.Str(required=True)
    counters = fields.Nested(CountersOut, required=True)
    by_channel = fields.Dict(keys=fields.Str(), values=fields.Nested(CountersOut))
    webhook_secrets = fields.Int(required=True)


class DeadLetterOut(Schema):
    partner_id = fields.Str(required=True)
    message_id = fields.Str(allow_none=True)
    event_type = fields.Str(allow_none=True)
    routing_key = fields.Str(allow_none=True)
    channel = fields.Str(required=True)
    reason = fields.Str(required=True)
    rejected_at = fields.Str(required=True)
    times = fields.Int(required=True)
    replayed_at = fields.Str(allow_none=True)


class WebhookAcceptedOut(Schema):
    status = fields.Str(required=True, validate=validate.OneOf(
        ("applied", "held", "duplicate")))
    message_id = fields.Str(required=True)
    grant = fields.Str(allow_none=True)


class WebhookBodyDoc(Schema):
    """For the OpenAPI document only: the gateway verifies the signature over the raw bytes
    and forwards the JSON; fields per type are those of API.md section 3."""

    type = fields.Str(required=True, validate=validate.OneOf(PARTNER_EVENT_TYPES))
    grant_id = fields.Str()
    loan_id = fields.Str()
    guarantee = fields.Str(validate=validate.OneOf(GUARANTEES))
