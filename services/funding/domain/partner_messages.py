"""What a partner's message must look like: the shape and bounds of each event type's
body (pure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from eventkit.identifiers import resident_id_problem, uscc_problem
from services.funding.contract.enums import (  # noqa: F401 - the contract's enums
    GUARANTEES,
    PARTNER_EVENT_TYPES,
)

from .common import utc_iso

MAX_TERM_MONTHS = 360
MAX_RATE_BP = 10_000
MAX_ID_LENGTH = 128
UNKNOWN_BENEFICIARY = "unknown beneficiary"


# ---------------------------------------------------------------- validation
class _Reject(Exception):
    pass


def _id(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise _Reject(f"{name} is required (a non-empty string)")
    if len(value) > MAX_ID_LENGTH:
        raise _Reject(f"{name} is longer than {MAX_ID_LENGTH} characters")
    return value.strip()


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise _Reject(f"{name} is required (a non-empty string)")
    return value.strip()


def _int(body: dict[str, Any], name: str, low: int, high: int | None = None) -> int:
    if name not in body:
        raise _Reject(f"{name} is required")
    value = body[name]
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Reject(f"{name} must be an integer" + (" (fen)" if name.endswith("_fen") else ""))
    if value < low or (high is not None and value > high):
        bound = f"at least {low}" if high is None else f"between {low} and {high}"
        raise _Reject(f"{name} must be {bound}, got {value}")
    return value


def _date(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise _Reject(f"{name} is required (an ISO 8601 date)")
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise _Reject(f"{name} is not an ISO 8601 date (YYYY-MM-DD): {value!r}") from None


def _instant(body: dict[str, Any], name: str) -> str:
    """An ISO date, or an ISO datetime with an offset (normalised to UTC)."""
    value = body.get(name)
    if not isinstance(value, str):
        raise _Reject(f"{name} is required (an ISO 8601 date or date-time)")
    if len(value) == 10:
        return _date(body, name)
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise _Reject(f"{name} is not an ISO 8601 date-time: {value!r}") from None
    if moment.utcoffset() is None:
        raise _Reject(f"{name} must carry a UTC offset: {value!r}")
    return utc_iso(moment)


def _beneficiary(body: dict[str, Any]) -> dict[str, Any]:
    value = body.get("beneficiary")
    if not isinstance(value, dict):
        raise _Reject("beneficiary is required (an object)")
    kind = value.get("kind")
    if kind == "cooperative":
        uscc = value.get("uscc")
        if not isinstance(uscc, str):
            raise _Reject("beneficiary.uscc is required")
        uscc = uscc.strip().upper()
        if (problem := uscc_problem(uscc)) is not None:
            raise _Reject(f"beneficiary.uscc {problem}")
        return {"kind": "cooperative", "uscc": uscc}
    if kind == "person":
        name = _text(value, "name")
        number = value.get("id_number")
        if not isinstance(number, str):
            raise _Reject("beneficiary.id_number is required")
        number = number.strip().upper()
        if (problem := resident_id_problem(number)) is not None:
            # The reason is logged and kept with the dead letter: never echo the number.
            raise _Reject(f"beneficiary.id_number {problem}")
        return {"kind": "person", "name": name, "id_number": number}
    raise _Reject("beneficiary.kind must be 'cooperative' or 'person'")


def _credit_granted(body: dict[str, Any]) -> dict[str, Any]:
    guarantee = body.get("guarantee")
    if guarantee not in GUARANTEES:
        raise _Reject(f"guarantee must be one of {', '.join(GUARANTEES)}")
    recommended = body.get("recommended_by_unit")
    if recommended is not None and (not isinstance(recommended, str) or not recommended.strip()):
        raise _Reject("recommended_by_unit must be a non-empty string when given")
    parsed = {
        "grant_id": _id(body, "grant_id"),
        "beneficiary": _beneficiary(body),
        "amount_fen": _int(body, "amount_fen", 1),
        "term_months": _int(body, "term_months", 1, MAX_TERM_MONTHS),
        "annual_rate_bp": _int(body, "annual_rate_bp", 0, MAX_RATE_BP),
        "guarantee": guarantee,
        "purpose": _text(body, "purpose"),
        "granted_at": _instant(body, "granted_at"),
        "recommended_by_unit": recommended.strip() if recommended else None,
    }
    if body.get("application_ref") is not None:
        # optional (added later, backward compatible): the League's application it answers
        parsed["application_ref"] = _id(body, "application_ref")
    return parsed


def _loan_disbursed(body: dict[str, Any]) -> dict[str, Any]:
    disbursed_at = _instant(body, "disbursed_at")
    maturity_date = _date(body, "maturity_date")
    # Compare with the partner's own calendar date (before normalisation to UTC).
    if maturity_date < str(body["disbursed_at"])[:10]:
        raise _Reject("maturity_date is before disbursed_at")
    return {
        "grant_id": _id(body, "grant_id"),
        "loan_id": _id(body, "loan_id"),
        "amount_fen": _int(body, "amount_fen", 1),
        "disbursed_at": disbursed_at,
        "maturity_date": maturity_date,
    }


def _loan_repaid(body: dict[str, Any]) -> dict[str, Any]:
    settled = body.get("settled")
    if not isinstance(settled, bool):
        raise _Reject("settled is required (true or false)")
    # A final settlement may carry no money (e.g. written off); a partial repayment must.
    amount = _int(body, "amount_fen", 0 if settled else 1)
    return {
        "loan_id": _id(body, "loan_id"),
        "amount_fen": amount,
        "repaid_at": _instant(body, "repaid_at"),
        "settled": settled,
    }


def _loan_overdue(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "loan_id": _id(body, "loan_id"),
        "overdue_fen": _int(body, "overdue_fen", 0),  # 0: the arrears are cured
        "as_of": _instant(body, "as_of"),
    }


def _credit_revoked(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "grant_id": _id(body, "grant_id"),
        "reason": _text(body, "reason"),
        "revoked_at": _instant(body, "revoked_at"),
    }


def _credit_refused(body: dict[str, Any]) -> dict[str, Any]:
    """The bank refuses an application the League sent it (by the reference it echoes)."""
    return {
        "application_ref": _id(body, "application_ref"),
        "reason": _text(body, "reason"),
        "refused_at": _instant(body, "refused_at"),
    }


_PARSERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "credit.granted": _credit_granted,
    "loan.disbursed": _loan_disbursed,
    "loan.repaid": _loan_repaid,
    "loan.overdue": _loan_overdue,
    "credit.revoked": _credit_revoked,
    "credit.refused": _credit_refused,
}


def validate_partner_body(event_type: str, body: Any) -> dict[str, Any] | str:
    """The parsed body (known fields only, normalised), or why it is rejected.

    Unknown fields (such as a webhook's "type") are ignored. A person beneficiary still has
    its `id_number` here: pass it through `resolve_beneficiary` before anything is stored.
    """
    parser = _PARSERS.get(event_type)
    if parser is None:
        return f"unknown event type {event_type!r}"
    if not isinstance(body, dict):
        return "body must be a JSON object"
    try:
        return parser(body)
    except _Reject as reason:
        return str(reason)
