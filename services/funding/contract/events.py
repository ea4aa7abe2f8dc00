"""Event schemas of the funding service (one marshmallow schema per event type)."""

from __future__ import annotations

import datetime as dt

from marshmallow import Schema, ValidationError, fields, validate

from eventkit.personal import Personal
from eventkit.registry import EventRegistry
from services.funding.contract.enums import DUES_CATEGORIES as CATEGORIES
from services.funding.contract.enums import (
    GUARANTEES,
    INCOME_SOURCES,
    PARTNER_EVENT_TYPES,
    PRECHECK_OUTCOMES,
    PROVIDER_KINDS,
)

registry = EventRegistry("funding")

_MONTH = validate.Regexp(r"^[0-9]{4}-(0[1-9]|1[0-2])\Z", error="must be a month as YYYY-MM")


def _fen(minimum: int = 1) -> fields.Int:
    return fields.Int(required=True, strict=True, validate=validate.Range(min=minimum))


def _id() -> fields.Str:
    return fields.Str(required=True, validate=validate.Length(min=1))


def _opt_str() -> fields.Str:
    return fields.Str(required=True, allow_none=True)


def _instant(value: str) -> None:
    """An ISO date, or an ISO date-time with an offset."""
    try:
        if len(value) == 10:
            dt.date.fromisoformat(value)
            return
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError("not an ISO 8601 date or date-time") from None
    if moment.utcoffset() is None:
        raise ValidationError("a date-time needs an offset")


def _instant_field() -> fields.Str:
    return fields.Str(required=True, validate=_instant)


# ------------------------------------------------------------------ ledger
@registry.event("PledgeRecorded", version=1)
class PledgeRecorded(Schema):
    personal = Personal(not_personal=("payer_name",))  # an enterprise or a department
    entry_id = _id()
    source = fields.Str(required=True, validate=validate.OneOf(INCOME_SOURCES))
    payer_name = _id()
    payer_uscc = _opt_str()
    agreement_ref = _id()
    amount_fen = _fen()
    earmark = _opt_str()
    pledged_on = fields.Date(required=True)


@registry.event("ReceiptRecorded", version=1)
class ReceiptRecorded(Schema):
    personal = Personal(not_personal=("payer_name",))  # an enterprise or a department
    entry_id = _id()
    receipt_number = _id()
    source = fields.Str(required=True, validate=validate.OneOf(INCOME_SOURCES))
    amount_fen = _fen()
    earmark = _opt_str()
    received_on = fields.Date(required=True)
    pledge_id = _opt_str()
    payer_name = _opt_str()


@registry.event("FundsAllocated", version=1)
class FundsAllocated(Schema):
    entry_id = _id()
    activity_id = _id()
    amount_fen = _fen()
    earmark = _opt_str()
    allocated_on = fields.Date(required=True)
    note = _opt_str()


@registry.event("ExpenseRecorded", version=1)
class ExpenseRecorded(Schema):
    entry_id = _id()
    approved_by = _id()
    invoice_number = _id()
    amount_fen = _fen()
    earmark = _opt_str()
    spent_on = fields.Date(required=True)
    allocation_id = _opt_str()
    description = _opt_str()


@registry.event("AllocationReleased", version=1)
class AllocationReleased(Schema):
    entry_id = _id()
    allocation_id = _id()
    amount_fen = _fen()
    earmark = _opt_str()
    released_on = fields.Date(required=True)


@registry.event("EntryReversed", version=1)
class EntryReversed(Schema):
    entry_id = _id()
    reverses_entry_id = _id()
    reason = _id()
    reversed_on = fields.Date(required=True)


# ------------------------------------------------------------------ venues
@registry.event("VenueRegistered", version=1)
class VenueRegistered(Schema):
    personal = Personal(not_personal=("name", "provider_name", "address"))  # a place
    venue_id = _id()
    name = _id()
    provider_kind = fields.Str(required=True, validate=validate.OneOf(PROVIDER_KINDS))
    provider_name = _id()
    provider_id = _opt_str()
    capacity = _fen()  # a positive integer (people), same constraint
    unit_id = _opt_str()
    address = _opt_str()


@registry.event("VenueCapacityChanged", version=1)
class VenueCapacityChanged(Schema):
    capacity = _fen()  # a positive integer (people), same constraint


@registry.event("VenueBooked", version=1)
class VenueBooked(Schema):
    booking_id = _id()
    activity_id = _id()
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    expected_attendance = fields.Int(required=True, allow_none=True, strict=True)


@registry.event("VenueBookingCancelled", version=1)
class VenueBookingCancelled(Schema):
    booking_id = _id()
    reason = _opt_str()


# -------------------------------------------------------------------- dues
def _category() -> fields.Str:
    return fields.Str(required=True, validate=validate.OneOf(CATEGORIES))


def _income() -> fields.Int:
    return fields.Int(required=True, allow_none=True, strict=True, validate=validate.Range(min=0))


@registry.event("MemberDuesStarted", version=1)
class MemberDuesStarted(Schema):
    member_id = _id()
    from_month = fields.Str(required=True, validate=_MONTH)
    category = _category()
    income_fen = _income()


@registry.event("DuesBasisChanged", version=1)
class DuesBasisChanged(Schema):
    effective_from = fields.Str(required=True, validate=_MONTH)
    category = _category()
    income_fen = _income()


class DuesLine(Schema):
    month = fields.Str(required=True, validate=_MONTH)
    due_fen = _fen(0)
    rule_version = _id()


@registry.event("DuesPaid", version=1)
class DuesPaid(Schema):
    payment_id = _id()
    months = fields.List(
        fields.Str(validate=_MONTH), required=True, validate=validate.Length(min=1)
    )
    amount_fen = _fen(0)
    paid_on = fields.Date(required=True)
    breakdown = fields.List(fields.Nested(DuesLine), required=True)


@registry.event("DuesPaymentReversed", version=1)
class DuesPaymentReversed(Schema):
    payment_id = _id()
    reason = _id()
    reversed_on = fields.Date(required=True)


@registry.event("DuesRemitted", version=1)
class DuesRemitted(Schema):
    remittance_id = _id()
    unit_id = _id()
    period_from = fields.Str(required=True, validate=_MONTH)
    period_to = fields.Str(required=True, validate=_MONTH)
    collected_fen = _fen(0)
    retained_fen = _fen(0)
    remitted_fen = _fen(0)
    rebate_fen = _fen(0)
    kept_above_fen = _fen(0)
    rule_version = _id()
    retained_bp = fields.Int(required=True, strict=True, validate=validate.Range(0, 10_000))
    rebate_bp = fields.Int(required=True, strict=True, validate=validate.Range(0, 10_000))


# ------------------------------------------------------------------ credit
class Beneficiary(Schema):
    kind = fields.Str(required=True, validate=validate.OneOf(("cooperative", "person")))
    name = fields.Str(allow_none=True, load_default=None)
    uscc = fields.Str(load_default=None)
    cooperative_id = fields.Str(load_default=None)
    township_id = fields.Str(allow_none=True, load_default=None)
    industry = fields.Str(allow_none=True, load_default=None)
    unit_id = fields.Str(allow_none=True, load_default=None)
    id_key = fields.Str(validate=validate.Regexp(r"^[0-9a-f]{64}\Z"), load_default=None)
    id_last4 = fields.Str(validate=validate.Length(equal=4), load_default=None)
    birth_year = fields.Int(strict=True, load_default=None)


@registry.event("GrantRecommended", version=1)
class GrantRecommended(Schema):
    partner_id = _id()
    grant_id = _id()
    unit_id = _id()
    recommended_on = fields.Date(required=True)
    note = _opt_str()


@registry.event("CreditGranted", version=1)
class CreditGranted(Schema):
    # A person beneficiary arrives from the bank as an HMAC of the ID number, its last four
    # characters and the birth year: pseudonymous, not yet keyed per person (issue 15 open).
    personal = Personal(not_personal=("beneficiary.name", "beneficiary.id_key",
                                      "beneficiary.id_last4", "beneficiary.birth_year"))
    message_id = _id()
    partner_id = _id()
    grant_id = _id()
    beneficiary = fields.Nested(Beneficiary, required=True)
    amount_fen = _fen()
    term_months = fields.Int(required=True, strict=True, validate=validate.Range(1, 360))
    annual_rate_bp = fields.Int(required=True, strict=True, validate=validate.Range(0, 10_000))
    guarantee = fields.Str(required=True, validate=validate.OneOf(GUARANTEES))
    purpose = _id()
    granted_at = _instant_field()
    recommended_by_unit = _opt_str()


@registry.event("LoanDisbursed", version=1)
class LoanDisbursed(Schema):
    message_id = _id()
    loan_id = _id()
    amount_fen = _fen()
    disbursed_at = _instant_field()
    maturity_date = fields.Date(required=True)


@registry.event("LoanRepaid", version=1)
class LoanRepaid(Schema):
    message_id = _id()
    loan_id = _id()
    amount_fen = _fen(0)
    repaid_at = _instant_field()
    settled = fields.Bool(required=True)


@registry.event("LoanOverdue", version=1)
class LoanOverdue(Schema):
    message_id = _id()
    loan_id = _id()
    overdue_fen = _fen(0)
    as_of = _instant_field()


@registry.event("CreditRevoked", version=1)
class CreditRevoked(Schema):
    message_id = _id()
    reason = _id()
    revoked_at = _instant_field()


@registry.event("PartnerEventHeld", version=1)
class PartnerEventHeld(Schema):
    message_id = _id()
    event_type = fields.Str(required=True, validate=validate.OneOf(PARTNER_EVENT_TYPES))
    body = fields.Dict(keys=fields.Str(), required=True)
    received_at = fields.AwareDateTime(required=True)


@registry.event("PartnerEventRefused", version=1)
class PartnerEventRefused(Schema):
    message_id = _id()
    event_type = fields.Str(required=True, validate=validate.OneOf(PARTNER_EVENT_TYPES))
    reason = _id()


@registry.event("LoanEventParked", version=1)
class LoanEventParked(Schema):
    message_id = _id()
    event_type = fields.Str(required=True, validate=validate.OneOf(("loan.repaid", "loan.overdue")))
    body = fields.Dict(keys=fields.Str(), required=True)
    received_at = fields.AwareDateTime(required=True)


@registry.event("ParkedLoanEventsReleased", version=1)
class ParkedLoanEventsReleased(Schema):
    message_ids = fields.List(fields.Str(), required=True, validate=validate.Length(min=1))
    released_at = fields.AwareDateTime(required=True)


# ------------------------------------------- young entrepreneurs, applications
@registry.event("EntrepreneurRegistered", version=1)
class EntrepreneurRegistered(Schema):
    # the person of the `entrepreneur-<id>` stream; id_key is the keyed hash of the ID number
    # (as CreditGranted's beneficiary), to match the bank's grant to the applicant
    personal = Personal(("name", "id_number", "id_last4", "birth_date", "phone"),
                        erased={"birth_date": None}, not_personal=("id_key",))
    name = _id()
    id_number = _id()
    id_last4 = _id()
    id_key = _id()
    birth_date = fields.Str(required=True, allow_none=True)
    phone = _opt_str()
    cooperative_id = _id()
    unit_id = _id()
    registered_on = fields.Date(required=True)


@registry.event("ApplicationSubmitted", version=1)
class ApplicationSubmitted(Schema):
    personal = Personal(not_personal=("applicant_id_key",))  # a keyed hash, as above
    entrepreneur_id = _id()
    partner_id = _id()
    unit_id = _id()
    cooperative_id = _id()
    applicant_id_key = _id()
    amount_fen = _fen()
    term_months = fields.Int(required=True, strict=True, validate=validate.Range(1, 360))
    purpose = _id()
    submitted_on = fields.Date(required=True)


@registry.event("ApplicationPrechecked", version=1)
class ApplicationPrechecked(Schema):
    unit_id = _id()
    outcome = fields.Str(required=True, validate=validate.OneOf(PRECHECK_OUTCOMES))
    checked_on = fields.Date(required=True)
    note = _opt_str()


@registry.event("ApplicationRecommended", version=1)
class ApplicationRecommended(Schema):
    unit_id = _id()
    recommended_on = fields.Date(required=True)
    note = _opt_str()


@registry.event("ApplicationSentToBank", version=1)
class ApplicationSentToBank(Schema):
    """Published to the bank (departments.outbound): no personal data."""

    application_ref = _id()
    partner_id = _id()
    unit_id = _id()
    recommended_by_unit = _id()
    cooperative_id = _id()
    cooperative_uscc = _opt_str()
    amount_fen = _fen()
    term_months = fields.Int(required=True, strict=True, validate=validate.Range(1, 360))
    purpose = _id()
    sent_on = fields.Date(required=True)


@registry.event("ApplicationGranted", version=1)
class ApplicationGranted(Schema):
    message_id = _id()
    partner_id = _id()
    grant_id = _id()
    grant_key = _id()
    amount_fen = _fen()
    granted_at = _instant_field()


@registry.event("ApplicationRefused", version=1)
class ApplicationRefused(Schema):
    message_id = _id()
    partner_id = _id()
    reason = _id()
    refused_at = _instant_field()


# -------------------------------------------------------------- rule book
@registry.event("DuesRuleAdded", version=1)
class DuesRuleAdded(Schema):
    version = _id()
    effective_from = fields.Str(required=True, validate=_MONTH)
    threshold_fen = _fen(0)
    below_threshold_fen = _fen(0)
    per_mille = fields.Int(required=True, strict=True, validate=validate.Range(min=0))
    reduced_fen = _fen(0)
    reduced_categories = fields.List(
        fields.Str(validate=validate.OneOf(CATEGORIES)), required=True
    )
    exempt_categories = fields.List(
        fields.Str(validate=validate.OneOf(CATEGORIES)), required=True
    )


@registry.event("RemittanceRuleAdded", version=1)
class RemittanceRuleAdded(Schema):
    version = _id()
    effective_from = fields.Str(required=True, validate=_MONTH)
    retained_bp = fields.Int(required=True, strict=True, validate=validate.Range(0, 10_000))
    rebate_bp = fields.Int(required=True, strict=True, validate=validate.Range(0, 10_000))
