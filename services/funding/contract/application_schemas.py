"""Schemas of young entrepreneurs (致富骨干) and their credit applications (funding contract)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.funding.contract.enums import APPLICATION_STATUSES, PRECHECK_OUTCOMES
from services.funding.contract.fields import _fen, _not_after_county_today, _opt_text, _text

_PHONE = validate.Regexp(r"^\+?[0-9][0-9 -]{4,19}\Z", error="is not a phone number")


def _step_date(description: str) -> fields.Date:
    """A step's date: today (county time) when left out, never after today."""
    return fields.Date(load_default=None, allow_none=True, validate=_not_after_county_today,
                       metadata={"description": f"{description}; at most today"})


class EntrepreneurIn(Schema):
    name = _text(50)
    id_number = fields.Str(required=True, validate=validate.Length(equal=18),
                           metadata={"description": "18-character resident ID (GB 11643);"
                                     " the age rule reads the birth date from it"})
    phone = fields.Str(load_default=None, allow_none=True, validate=_PHONE)
    cooperative_id = _text(64)
    unit_id = _text(64)
    registered_on = _step_date("the registration date (default today)")


class EntrepreneurOut(Schema):
    id = fields.Str(required=True)
    name = fields.Str(required=True)
    id_number_masked = fields.Str(allow_none=True)
    birth_date = fields.Str(allow_none=True)
    age = fields.Int(allow_none=True)
    phone_masked = fields.Str(allow_none=True)
    cooperative_id = fields.Str(required=True)
    unit_id = fields.Str(required=True)
    registered_on = fields.Str(required=True)
    applications = fields.Int(required=True)


class ApplicationIn(Schema):
    entrepreneur_id = _text(64)
    partner_id = fields.Str(required=True, validate=validate.Regexp(
        r"^[a-z0-9][a-z0-9_-]{1,62}\Z", error="is not a partner id"),
        metadata={"description": "the bank (a partner with kind bank)"})
    amount_fen = _fen()
    term_months = fields.Int(required=True, strict=True, validate=validate.Range(1, 360))
    purpose = _text(200)
    submitted_on = _step_date("the application date (default today)")


class PrecheckIn(Schema):
    outcome = fields.Str(required=True, validate=validate.OneOf(PRECHECK_OUTCOMES))
    checked_on = _step_date("the pre-check date (default today)")
    note = _opt_text(500)


class ApplicationRecommendationIn(Schema):
    unit_id = _text(64)
    recommended_on = _step_date("the recommendation date (default today)")
    note = _opt_text(500)


class SendIn(Schema):
    sent_on = _step_date("the day the application goes to the bank (default today)")


class ApplicationOut(Schema):
    id = fields.Str(required=True, metadata={"description": "also the bank's application_ref"})
    entrepreneur_id = fields.Str(required=True)
    applicant_name = fields.Str(allow_none=True)
    partner_id = fields.Str(required=True)
    unit_id = fields.Str(required=True)
    cooperative_id = fields.Str(required=True)
    amount_fen = fields.Int(required=True)
    term_months = fields.Int(required=True)
    purpose = fields.Str(required=True)
    status = fields.Str(required=True, validate=validate.OneOf(APPLICATION_STATUSES))
    due_step = fields.Str(allow_none=True)
    submitted_on = fields.Str(required=True)
    precheck_outcome = fields.Str(allow_none=True)
    prechecked_on = fields.Str(allow_none=True)
    precheck_note = fields.Str(allow_none=True)
    recommended_by_unit = fields.Str(allow_none=True)
    recommended_on = fields.Str(allow_none=True)
    recommendation_note = fields.Str(allow_none=True)
    sent_on = fields.Str(allow_none=True)
    grant_key = fields.Str(allow_none=True)
    granted_fen = fields.Int(allow_none=True)
    granted_at = fields.Str(allow_none=True)
    granted_on = fields.Str(allow_none=True)
    refusal_reason = fields.Str(allow_none=True)
    refused_at = fields.Str(allow_none=True)
    refused_on = fields.Str(allow_none=True)
    disbursed_fen = fields.Int(required=True)
    updated_at = fields.Str(required=True)


class BankMonthFigures(Schema):
    applications = fields.Int(required=True, metadata={"description": "sent to the bank"})
    granted = fields.Int(required=True)
    granted_fen = fields.Int(required=True)
    refused = fields.Int(required=True)
    awaiting_answer = fields.Int(required=True,
                                 metadata={"description": "sent in the month, not answered"})
    loans = fields.Int(required=True)
    disbursed_fen = fields.Int(required=True)


class BankMonthRow(BankMonthFigures):
    partner_id = fields.Str(required=True)
    partner_name = fields.Str(allow_none=True)


class MonthlyFiguresOut(Schema):
    month = fields.Str(required=True)
    rows = fields.List(fields.Nested(BankMonthRow), required=True)
    total = fields.Nested(BankMonthFigures, required=True)
