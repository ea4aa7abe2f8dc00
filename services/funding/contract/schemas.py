"""Request and response schemas of the funding service (shared with the gateway's OpenAPI).

Requests are validated here (422 with `errors`), then the domain checks its rules.
Response schemas describe what the service returns (nullable fields say so).
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.funding.contract.application_schemas import (  # noqa: F401 - importable here
    ApplicationIn,
    ApplicationOut,
    ApplicationRecommendationIn,
    EntrepreneurIn,
    EntrepreneurOut,
    MonthlyFiguresOut,
    PrecheckIn,
    SendIn,
)
from services.funding.contract.credit_schemas import (  # noqa: F401 - importable from here too
    BeneficiaryOut,
    CountersOut,
    CreditFigures,
    CreditGroupOut,
    CreditStatsOut,
    DeadLetterOut,
    GrantOut,
    LoanOut,
    PartnerOut,
    RecommendationIn,
    RefusedOut,
    WaitingOut,
    WebhookAcceptedOut,
    WebhookBodyDoc,
    YoungEntrepreneursOut,
)
from services.funding.contract.enums import DUES_CATEGORIES as CATEGORIES
from services.funding.contract.enums import (
    INCOME_SOURCES,
    PROVIDER_KINDS,
)
from services.funding.contract.fields import (  # noqa: F401 - importable from here too
    MAX_FEN,
    MONTH,
    _entry_date,
    _fen,
    _month,
    _opt_text,
    _text,
)


# ---- funds: requests ---------------------------------------------------------------------
class PledgeIn(Schema):
    source = fields.Str(required=True, validate=validate.OneOf(INCOME_SOURCES))
    payer_name = _text()
    payer_uscc = fields.Str(load_default=None, allow_none=True,
                            validate=validate.Length(equal=18),
                            metadata={"description": "required for an enterprise or"
                                                     " cooperative (GB 32100-2015)"})
    agreement_ref = _text()
    amount_fen = _fen()
    earmark = _opt_text(100)
    pledged_on = fields.Date(required=True)


class ReceiptIn(Schema):
    receipt_number = _text(100)
    amount_fen = _fen()
    received_on = _entry_date()
    pledge_id = _opt_text(64)
    source = fields.Str(load_default=None, allow_none=True,
                        validate=validate.OneOf(INCOME_SOURCES),
                        metadata={"description": "required without a pledge"})
    earmark = _opt_text(100)
    payer_name = _opt_text()


class AllocationIn(Schema):
    activity_id = _text(64)
    amount_fen = _fen()
    allocated_on = _entry_date()
    earmark = _opt_text(100)
    note = _opt_text(500)


class ReleaseIn(Schema):
    released_on = _entry_date()


class ExpenseIn(Schema):
    approved_by = _text(100)
    invoice_number = _text(100)
    amount_fen = _fen()
    spent_on = _entry_date()
    earmark = _opt_text(100)
    allocation_id = _opt_text(64)
    description = _opt_text(500)


class ReversalIn(Schema):
    reverses_entry_id = _text(64)
    reason = _text(500)
    reversed_on = _entry_date()


# ---- funds: responses --------------------------------------------------------------------
class FundEntryOut(Schema):
    entry_id = fields.Str(required=True)
    unit_id = fields.Str(required=True)
    type = fields.Str(required=True)
    on_date = fields.Str(required=True)
    amount_fen = fields.Int(allow_none=True)
    source = fields.Str(allow_none=True)
    earmark = fields.Str(allow_none=True)
    receipt_number = fields.Str(allow_none=True)
    pledge_id = fields.Str(allow_none=True)
    allocation_id = fields.Str(allow_none=True)
    activity_id = fields.Str(allow_none=True)
    reverses_entry_id = fields.Str(allow_none=True)
    reversed_by = fields.Str(allow_none=True)
    reason = fields.Str(allow_none=True)
    payer_name = fields.Str(allow_none=True)
    payer_uscc = fields.Str(allow_none=True)
    agreement_ref = fields.Str(allow_none=True)
    approved_by = fields.Str(allow_none=True)
    invoice_number = fields.Str(allow_none=True)
    description = fields.Str(allow_none=True)
    recorded_at = fields.Str(required=True)


class EarmarkBalance(Schema):
    earmark = fields.Str(allow_none=True, metadata={"description": "null: general funds"})
    available_fen = fields.Int(required=True)
    cash_fen = fields.Int(required=True)


class FundOut(Schema):
    unit_id = fields.Str(required=True)
    unit_name = fields.Str(allow_none=True)
    balance_fen = fields.Int(required=True, metadata={"description": "available money"})
    cash_fen = fields.Int(required=True, metadata={"description": "money held"})
    committed_fen = fields.Int(required=True)
    earmarks = fields.List(fields.Nested(EarmarkBalance), required=True)
    entries = fields.Int(required=True)


class FundWriteOut(Schema):
    entry = fields.Nested(FundEntryOut, required=True)
    fund = fields.Nested(FundOut, required=True)


class SettlementOut(Schema):
    unit_id = fields.Str(required=True)
    year = fields.Int(required=True)
    opening_fen = fields.Int(required=True)
    income_by_source = fields.Dict(keys=fields.Str(), values=fields.Int(), required=True)
    income_fen = fields.Int(required=True)
    spent_fen = fields.Int(required=True)
    allocated_fen = fields.Int(required=True)
    expense_fen = fields.Int(required=True)
    closing_fen = fields.Int(required=True)
    expenses_paid_fen = fields.Int(required=True)
    open_commitments_fen = fields.Int(required=True)


class IncomeRowOut(Schema):
    unit_id = fields.Str(required=True)
    unit_name = fields.Str(allow_none=True)
    year = fields.Int(required=True)
    source = fields.Str(required=True)
    amount_fen = fields.Int(required=True)


class IncomeReportOut(Schema):
    rows = fields.List(fields.Nested(IncomeRowOut), required=True)
    total_fen = fields.Int(required=True)
    by_source = fields.Dict(keys=fields.Str(), values=fields.Int(), required=True)


class PledgeOut(Schema):
    pledge_id = fields.Str(required=True)
    unit_id = fields.Str(required=True)
    source = fields.Str(required=True)
    payer_name = fields.Str(required=True)
    payer_uscc = fields.Str(allow_none=True)
    agreement_ref = fields.Str(required=True)
    earmark = fields.Str(allow_none=True)
    amount_fen = fields.Int(required=True)
    received_fen = fields.Int(required=True)
    outstanding_fen = fields.Int(required=True)
    pledged_on = fields.Str(required=True)


# ---- venues -------------------------------------------------------------------------------
class VenueIn(Schema):
    name = _text()
    provider_kind = fields.Str(required=True, validate=validate.OneOf(PROVIDER_KINDS))
    provider_name = _text()
    provider_id = _opt_text(64)
    capacity = fields.Int(required=True, strict=True, validate=validate.Range(min=1, max=100_000))
    unit_id = _text(64)
    address = _opt_text(300)


class VenueUpdate(Schema):
    capacity = fields.Int(required=True, strict=True, validate=validate.Range(min=1, max=100_000))


class BookingIn(Schema):
    activity_id = _text(64)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    expected_attendance = fields.Int(load_default=None, allow_none=True, strict=True,
                                     validate=validate.Range(min=1, max=100_000))


class CancelIn(Schema):
    reason = _opt_text(500)


class BookingOut(Schema):
    booking_id = fields.Str(required=True)
    venue_id = fields.Str(required=True)
    activity_id = fields.Str(required=True)
    starts_at = fields.Str(required=True)
    ends_at = fields.Str(required=True)
    expected_attendance = fields.Int(allow_none=True)
    cancelled = fields.Bool(required=True)
    cancel_reason = fields.Str(allow_none=True)


class VenueOut(Schema):
    id = fields.Str(required=True)
    name = fields.Str(required=True)
    provider_kind = fields.Str(required=True)
    provider_name = fields.Str(required=True)
    provider_id = fields.Str(allow_none=True)
    capacity = fields.Int(required=True)
    unit_id = fields.Str(allow_none=True)
    address = fields.Str(allow_none=True)
    registered_at = fields.Str(required=True)
    version = fields.Int(required=True)
    bookings = fields.List(fields.Nested(BookingOut))


# ---- dues ---------------------------------------------------------------------------------
class DuesRuleIn(Schema):
    version = _text(50)
    effective_from = _month()
    threshold_fen = _fen(0)
    below_threshold_fen = _fen(0)
    per_mille = fields.Int(required=True, strict=True, validate=validate.Range(min=0, max=1000))
    reduced_fen = _fen(0)
    reduced_categories = fields.List(fields.Str(validate=validate.OneOf(CATEGORIES)),
                                     required=True)
    exempt_categories = fields.List(fields.Str(validate=validate.OneOf(CATEGORIES)),
                                    required=True)


class DuesRuleOut(Schema):
    version = fields.Str(required=True)
    effective_from = fields.Str(required=True)
    threshold_fen = fields.Int(required=True)
    below_threshold_fen = fields.Int(required=True)
    per_mille = fields.Int(required=True)
    reduced_fen = fields.Int(required=True)
    reduced_categories = fields.List(fields.Str(), required=True)
    exempt_categories = fields.List(fields.Str(), required=True)
    default = fields.Bool(required=True)


class RemittanceRuleIn(Schema):
    version = _text(50)
    effective_from = _month()
    retained_bp = fields.Int(required=True, strict=True, validate=validate.Range(0, 10_000))
    rebate_bp = fields.Int(required=True, strict=True, validate=validate.Range(0, 10_000))


class RemittanceRuleOut(Schema):
    version = fields.Str(required=True)
    effective_from = fields.Str(required=True)
    retained_bp = fields.Int(required=True)
    rebate_bp = fields.Int(required=True)


class DuesAccountIn(Schema):
    member_id = _text(64)
    category = fields.Str(required=True, validate=validate.OneOf(CATEGORIES))
    income_fen = fields.Int(load_default=None, allow_none=True, strict=True,
                            validate=validate.Range(min=0, max=MAX_FEN),
                            metadata={"description": "monthly income after tax"
                                                     " (category with_income)"})
    from_month = _month()


class DuesBasisIn(Schema):
    category = fields.Str(required=True, validate=validate.OneOf(CATEGORIES))
    income_fen = fields.Int(load_default=None, allow_none=True, strict=True,
                            validate=validate.Range(min=0, max=MAX_FEN))
    effective_from = _month()


class DuesPaymentIn(Schema):
    from_month = _month()
    to_month = _month()
    amount_fen = _fen(0)
    paid_on = _entry_date()


class DuesPaymentReversalIn(Schema):
    reason = _text(500)
    reversed_on = _entry_date()


class DuesLineOut(Schema):
    month = fields.Str(required=True)
    due_fen = fields.Int(required=True)
    rule_version = fields.Str(required=True)


class DuesPaymentOut(Schema):
    payment_id = fields.Str(required=True)
    member_id = fields.Str(required=True)
    months = fields.List(fields.Str(), required=True)
    from_month = fields.Str(required=True)
    to_month = fields.Str(required=True)
    amount_fen = fields.Int(required=True)
    paid_on = fields.Str(required=True)
    breakdown = fields.List(fields.Nested(DuesLineOut), required=True)
    reversed = fields.Bool(required=True)
    reversed_on = fields.Str(allow_none=True)
    reason = fields.Str(allow_none=True)


class DuesAccountOut(Schema):
    member_id = fields.Str(required=True)
    member_name = fields.Str(allow_none=True)
    unit_id = fields.Str(allow_none=True)
    first_due_month = fields.Str(required=True)
    category = fields.Str(required=True)
    income_fen = fields.Int(allow_none=True)
    paid_up_to = fields.Str(allow_none=True)
    total_paid_fen = fields.Int(required=True)
    last_paid_on = fields.Str(allow_none=True)
    months_in_arrears = fields.Int(required=True)
    monthly_due_fen = fields.Int(required=True)
    payments = fields.List(fields.Nested(DuesPaymentOut))


class ArrearsOut(Schema):
    member_id = fields.Str(required=True)
    member_name = fields.Str(allow_none=True)
    unit_id = fields.Str(allow_none=True)
    paid_up_to = fields.Str(allow_none=True)
    first_due_month = fields.Str(required=True)
    months_in_arrears = fields.Int(required=True)


class RemittanceIn(Schema):
    unit_id = _text(64)
    period_from = _month()
    period_to = _month()
    collected_fen = fields.Int(load_default=None, allow_none=True, strict=True,
                               validate=validate.Range(min=0, max=MAX_FEN),
                               metadata={"description": "default: the dues paid for the"
                                                        " period by the unit's members"})
    received_on = _entry_date("rebate received on")


class RemittanceOut(Schema):
    remittance_id = fields.Str(required=True)
    unit_id = fields.Str(required=True)
    period_from = fields.Str(required=True)
    period_to = fields.Str(required=True)
    collected_fen = fields.Int(required=True)
    retained_fen = fields.Int(required=True)
    remitted_fen = fields.Int(required=True)
    rebate_fen = fields.Int(required=True)
    kept_above_fen = fields.Int(required=True)
    rule_version = fields.Str(required=True)
    retained_bp = fields.Int(required=True)
    rebate_bp = fields.Int(required=True)
    recorded_at = fields.Str(required=True)
    rebate_entry_id = fields.Str(allow_none=True)


# ---- dashboard ----------------------------------------------------------------------------
class FundsSummary(Schema):
    income_by_source_fen = fields.Dict(keys=fields.Str(), values=fields.Int(), required=True)
    balance_fen = fields.Int(required=True)


class CreditSummary(Schema):
    grants = fields.Int(required=True)
    granted_fen = fields.Int(required=True)
    disbursed_fen = fields.Int(required=True)
    outstanding_fen = fields.Int(required=True)
    overdue_fen = fields.Int(required=True)


class DashboardOut(Schema):
    funds = fields.Nested(FundsSummary, required=True)
    credit = fields.Nested(CreditSummary, required=True)
