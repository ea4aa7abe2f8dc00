from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import pytest

from eventkit.errors import InvalidInput, RuleViolation
from eventkit.identifiers import make_resident_id, make_uscc
from services.funding.domain.credit import (
    UNKNOWN_BENEFICIARY,
    CooperativeRef,
    CreditGrant,
    PendingLoanEvents,
    grant_aggregate_id,
    pending_loan_id,
    person_key,
    resolve_beneficiary,
    validate_partner_body,
)

COOP_USCC = make_uscc("93", "320481", "MA1XY012")
ID_NUMBER = make_resident_id("320481", dt.date(1998, 4, 1), "123")
SECRET = b"test-secret"
NOW = dt.datetime(2024, 3, 1, 8, tzinfo=dt.UTC)
COOP = CooperativeRef("coop-1", name="Green Tea Coop", township_id="t-1", industry="tea")

GOOD: dict[str, dict[str, Any]] = {
    "credit.granted": {
        "grant_id": "G1",
        "beneficiary": {"kind": "cooperative", "uscc": COOP_USCC},
        "amount_fen": 5_000_000,
        "term_months": 36,
        "annual_rate_bp": 435,
        "guarantee": "guarantee_fund",
        "purpose": "tea processing line",
        "granted_at": "2024-03-01T09:00:00+08:00",
        "recommended_by_unit": "unit-7",
    },
    "loan.disbursed": {
        "grant_id": "G1",
        "loan_id": "L1",
        "amount_fen": 3_000_000,
        "disbursed_at": "2024-03-05",
        "maturity_date": "2027-03-05",
    },
    "loan.repaid": {
        "loan_id": "L1",
        "amount_fen": 1_000_000,
        "repaid_at": "2024-09-05T10:00:00Z",
        "settled": False,
    },
    "loan.overdue": {"loan_id": "L1", "overdue_fen": 50_000, "as_of": "2024-10-01"},
    "credit.revoked": {"grant_id": "G1", "reason": "fraud", "revoked_at": "2024-11-01"},
}


def body(event_type: str, **changes: Any) -> dict[str, Any]:
    out = json.loads(json.dumps(GOOD[event_type]))
    for key, value in changes.items():
        if value is ...:
            out.pop(key)
        else:
            out[key] = value
    return out


# --------------------------------------------------------------- validation
@pytest.mark.parametrize("event_type", list(GOOD))
def test_good_bodies_parse(event_type: str) -> None:
    parsed = validate_partner_body(event_type, body(event_type, type=event_type, extra=1))
    assert isinstance(parsed, dict)
    assert "type" not in parsed and "extra" not in parsed  # unknown fields are dropped


def test_parsing_normalises() -> None:
    parsed = validate_partner_body("credit.granted", GOOD["credit.granted"])
    assert isinstance(parsed, dict)
    assert parsed["granted_at"] == "2024-03-01T01:00:00+00:00"
    person = body(
        "credit.granted",
        beneficiary={"kind": "person", "name": " Wang Fang ", "id_number": ID_NUMBER.lower()},
        recommended_by_unit=...,
    )
    parsed = validate_partner_body("credit.granted", person)
    assert isinstance(parsed, dict)
    assert parsed["beneficiary"]["name"] == "Wang Fang"
    assert parsed["recommended_by_unit"] is None


def bad_id(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


BAD = [
    ("nonsense.event", GOOD["loan.repaid"], "unknown event type"),
    ("loan.repaid", ["not", "an", "object"], "JSON object"),
    ("credit.granted", body("credit.granted", grant_id=...), "grant_id is required"),
    ("credit.granted", body("credit.granted", grant_id="x" * 129), "longer than"),
    ("credit.granted", body("credit.granted", beneficiary=...), "beneficiary is required"),
    ("credit.granted", body("credit.granted", beneficiary={"kind": "bank"}), "beneficiary.kind"),
    (
        "credit.granted",
        body("credit.granted", beneficiary={"kind": "cooperative", "uscc": "93" + "1" * 16}),
        "beneficiary.uscc",
    ),
    (
        "credit.granted",
        body("credit.granted", beneficiary={"kind": "cooperative"}),
        "beneficiary.uscc is required",
    ),
    (
        "credit.granted",
        body(
            "credit.granted",
            beneficiary={"kind": "person", "name": "W", "id_number": bad_id(ID_NUMBER)},
        ),
        "beneficiary.id_number check character",
    ),
    (
        "credit.granted",
        body("credit.granted", beneficiary={"kind": "person", "id_number": ID_NUMBER}),
        "name is required",
    ),
    ("credit.granted", body("credit.granted", amount_fen=50000.0), "amount_fen must be an integer"),
    ("credit.granted", body("credit.granted", amount_fen="500"), "amount_fen must be an integer"),
    ("credit.granted", body("credit.granted", amount_fen=True), "amount_fen must be an integer"),
    ("credit.granted", body("credit.granted", amount_fen=0), "amount_fen must be at least 1"),
    ("credit.granted", body("credit.granted", term_months=0), "term_months must be between"),
    ("credit.granted", body("credit.granted", term_months=361), "term_months must be between"),
    ("credit.granted", body("credit.granted", annual_rate_bp=-1), "annual_rate_bp"),
    ("credit.granted", body("credit.granted", guarantee="promise"), "guarantee must be one of"),
    ("credit.granted", body("credit.granted", purpose=" "), "purpose is required"),
    ("credit.granted", body("credit.granted", granted_at="2024-03-01T09:00"), "UTC offset"),
    ("credit.granted", body("credit.granted", granted_at="01/03/2024"), "ISO 8601"),
    ("credit.granted", body("credit.granted", granted_at=...), "granted_at is required"),
    ("credit.granted", body("credit.granted", recommended_by_unit=""), "recommended_by_unit"),
    ("loan.disbursed", body("loan.disbursed", loan_id=...), "loan_id is required"),
    ("loan.disbursed", body("loan.disbursed", amount_fen=-1), "amount_fen must be at least 1"),
    ("loan.disbursed", body("loan.disbursed", maturity_date="2024-02-30"), "maturity_date"),
    ("loan.disbursed", body("loan.disbursed", maturity_date="2024-03-04"), "before disbursed_at"),
    ("loan.disbursed", body("loan.disbursed", disbursed_at=...), "disbursed_at is required"),
    ("loan.repaid", body("loan.repaid", settled=...), "settled is required"),
    ("loan.repaid", body("loan.repaid", settled="yes"), "settled is required"),
    ("loan.repaid", body("loan.repaid", amount_fen=0), "amount_fen must be at least 1"),
    ("loan.repaid", body("loan.repaid", repaid_at="yesterday"), "repaid_at"),
    ("loan.overdue", body("loan.overdue", overdue_fen=-1), "overdue_fen must be at least 0"),
    ("loan.overdue", body("loan.overdue", as_of=...), "as_of is required"),
    ("credit.revoked", body("credit.revoked", reason=...), "reason is required"),
    ("credit.revoked", body("credit.revoked", revoked_at=20241101), "revoked_at is required"),
]


@pytest.mark.parametrize(("event_type", "payload", "reason"), BAD)
def test_bad_bodies_are_rejected_with_a_clear_reason(
    event_type: str, payload: Any, reason: str
) -> None:
    answer = validate_partner_body(event_type, payload)
    assert isinstance(answer, str)
    assert reason in answer


def test_rejection_reason_never_echoes_the_id_number() -> None:
    wrong = bad_id(ID_NUMBER)
    payload = body(
        "credit.granted", beneficiary={"kind": "person", "name": "W", "id_number": wrong}
    )
    answer = validate_partner_body("credit.granted", payload)
    assert isinstance(answer, str) and wrong not in answer


def test_settlement_without_money_is_accepted() -> None:
    assert isinstance(
        validate_partner_body("loan.repaid", body("loan.repaid", amount_fen=0, settled=True)), dict
    )


# -------------------------------------------------------------- beneficiary
def test_person_key_is_a_keyed_hash_and_last_four() -> None:
    key, last4 = person_key(ID_NUMBER, SECRET)
    assert key == hmac.new(SECRET, ID_NUMBER.encode(), hashlib.sha256).hexdigest()
    assert last4 == ID_NUMBER[-4:] and ID_NUMBER not in key
    assert person_key(ID_NUMBER, "test-secret") == (key, last4)
    assert person_key(ID_NUMBER, b"other")[0] != key
    with pytest.raises(InvalidInput, match="id_number"):
        person_key(bad_id(ID_NUMBER), SECRET)
    with pytest.raises(ValueError):
        person_key(ID_NUMBER, b"")


def test_person_key_normalises_a_lower_case_x() -> None:
    number = next(
        make_resident_id("320481", dt.date(1999, 1, 1), f"{i:03d}")
        for i in range(1000)
        if make_resident_id("320481", dt.date(1999, 1, 1), f"{i:03d}").endswith("X")
    )
    assert person_key(number.lower(), SECRET) == person_key(number, SECRET)


def test_resolve_beneficiary() -> None:
    coop = {"kind": "cooperative", "uscc": COOP_USCC}
    assert resolve_beneficiary(coop, SECRET, None) == UNKNOWN_BENEFICIARY
    resolved = resolve_beneficiary(coop, SECRET, COOP)
    assert isinstance(resolved, dict) and resolved["cooperative_id"] == "coop-1"
    person = resolve_beneficiary(
        {"kind": "person", "name": "Wang", "id_number": ID_NUMBER}, SECRET, None
    )
    assert isinstance(person, dict)
    assert "id_number" not in person and person["id_last4"] == ID_NUMBER[-4:]
    assert person["birth_year"] == 1998
    assert ID_NUMBER not in json.dumps(person)


# ---------------------------------------------------------------- lifecycle
def parsed(event_type: str, **changes: Any) -> dict[str, Any]:
    out = validate_partner_body(event_type, body(event_type, **changes))
    assert isinstance(out, dict), out
    if event_type == "credit.granted":
        beneficiary = resolve_beneficiary(out["beneficiary"], SECRET, COOP)
        assert isinstance(beneficiary, dict)
        out["beneficiary"] = beneficiary
    return out


def new_grant() -> CreditGrant:
    return CreditGrant(grant_aggregate_id("bank-a", "G1"))


def test_full_lifecycle_with_recommendation(check) -> None:
    grant = new_grant()
    assert grant.status == "new"
    grant.recommend("unit-7", dt.date(2024, 2, 1))
    assert grant.status == "recommended"
    assert (
        grant.receive(
            "m1", "credit.granted", parsed("credit.granted", recommended_by_unit=...), NOW
        )
        == "applied"
    )
    assert grant.status == "granted"
    assert grant.granted is not None and grant.granted["recommended_by_unit"] == "unit-7"
    grant.receive("m2", "loan.disbursed", parsed("loan.disbursed"), NOW)
    grant.receive(
        "m3", "loan.disbursed", parsed("loan.disbursed", loan_id="L2", amount_fen=2_000_000), NOW
    )
    assert grant.status == "disbursed" and grant.undisbursed_fen() == 0
    assert grant.outstanding_fen() == 5_000_000
    grant.receive("m4", "loan.overdue", parsed("loan.overdue"), NOW)
    assert grant.status == "overdue"
    grant.receive("m5", "loan.repaid", parsed("loan.repaid"), NOW)
    assert grant.loan_outstanding_fen("L1") == 2_000_000
    assert grant.loans["L1"]["overdue_fen"] == 0  # repayment cleared the arrears
    assert grant.status == "disbursed"
    grant.receive(
        "m6", "loan.repaid", parsed("loan.repaid", amount_fen=2_100_000, settled=True), NOW
    )  # with interest
    grant.receive(
        "m7", "loan.repaid", parsed("loan.repaid", loan_id="L2", amount_fen=2_000_000), NOW
    )
    assert grant.status == "settled" and grant.outstanding_fen() == 0
    assert (
        grant.receive("m7", "loan.repaid", parsed("loan.repaid", loan_id="L2"), NOW) == "duplicate"
    )
    types = [e.type for e in grant.pending]
    assert types == [
        "GrantRecommended",
        "CreditGranted",
        "LoanDisbursed",
        "LoanDisbursed",
        "LoanOverdue",
        "LoanRepaid",
        "LoanRepaid",
        "LoanRepaid",
    ]
    check(grant)


def test_rule_breaking_partner_events_raise_and_record_nothing() -> None:
    grant = new_grant()
    grant.receive("m1", "credit.granted", parsed("credit.granted"), NOW)
    grant.receive("m2", "loan.disbursed", parsed("loan.disbursed"), NOW)
    before = list(grant.pending)
    cases = [
        ("credit.granted", parsed("credit.granted"), "already granted"),
        ("loan.disbursed", parsed("loan.disbursed", loan_id="L2", amount_fen=2_000_001), "exceeds"),
        ("loan.disbursed", parsed("loan.disbursed"), "already disbursed"),
        ("loan.repaid", parsed("loan.repaid", amount_fen=3_000_001), "exceeds"),
        ("loan.overdue", parsed("loan.overdue", overdue_fen=3_000_001), "exceeds"),
    ]
    for n, (event_type, payload, reason) in enumerate(cases):
        with pytest.raises(RuleViolation, match=reason):
            grant.receive(f"x{n}", event_type, payload, NOW)
    assert grant.pending == before


def test_disbursement_before_grant_is_held_then_applied(check) -> None:
    grant = new_grant()
    assert grant.receive("m2", "loan.disbursed", parsed("loan.disbursed"), NOW) == "held"
    assert grant.receive("m3", "loan.repaid", parsed("loan.repaid"), NOW) == "held"
    assert grant.status == "awaiting_grant" and grant.outstanding_fen() == 0
    assert grant.receive("m2", "loan.disbursed", parsed("loan.disbursed"), NOW) == "duplicate"
    assert grant.receive("m1", "credit.granted", parsed("credit.granted"), NOW) == "applied"
    assert grant.held == {}
    assert grant.loan_outstanding_fen("L1") == 2_000_000
    assert [e.type for e in grant.pending] == [
        "PartnerEventHeld",
        "PartnerEventHeld",
        "CreditGranted",
        "LoanDisbursed",
        "LoanRepaid",
    ]
    replayed = check(grant)
    assert replayed.status == "disbursed"


def test_repayment_for_an_unknown_loan_waits_in_the_grant(check) -> None:
    grant = new_grant()
    grant.receive("m1", "credit.granted", parsed("credit.granted"), NOW)
    assert grant.receive("m3", "loan.overdue", parsed("loan.overdue"), NOW) == "held"
    assert grant.status == "granted"
    grant.receive("m2", "loan.disbursed", parsed("loan.disbursed"), NOW)
    assert grant.loans["L1"]["overdue_fen"] == 50_000 and grant.held == {}
    check(grant)


def test_held_event_breaking_a_rule_is_recorded_as_refused(check) -> None:
    grant = new_grant()
    grant.receive("m2", "loan.disbursed", parsed("loan.disbursed", amount_fen=9_000_000), NOW)
    grant.receive("m1", "credit.granted", parsed("credit.granted"), NOW)
    assert grant.loans == {} and grant.held == {}
    assert "exceeds" in grant.refused["m2"]["reason"]
    assert grant.receive("m2", "loan.disbursed", parsed("loan.disbursed"), NOW) == "duplicate"
    check(grant)


def test_revocation_held_before_grant_then_blocks_disbursement(check) -> None:
    grant = new_grant()
    assert grant.receive("m9", "credit.revoked", parsed("credit.revoked"), NOW) == "held"
    grant.receive("m1", "credit.granted", parsed("credit.granted"), NOW)
    assert grant.status == "revoked" and grant.undisbursed_fen() == 0
    with pytest.raises(RuleViolation, match="revoked"):
        grant.receive("m2", "loan.disbursed", parsed("loan.disbursed"), NOW)
    with pytest.raises(RuleViolation, match="already revoked"):
        grant.receive("m10", "credit.revoked", parsed("credit.revoked"), NOW)
    with pytest.raises(RuleViolation, match="already granted"):
        grant.recommend("unit-1", dt.date(2024, 1, 1))
    check(grant)


def test_revocation_keeps_existing_loans_repayable(check) -> None:
    grant = new_grant()
    grant.receive("m1", "credit.granted", parsed("credit.granted"), NOW)
    grant.receive("m2", "loan.disbursed", parsed("loan.disbursed"), NOW)
    grant.receive("m3", "credit.revoked", parsed("credit.revoked"), NOW)
    grant.receive("m4", "loan.repaid", parsed("loan.repaid"), NOW)
    assert grant.status == "revoked" and grant.outstanding_fen() == 2_000_000
    check(grant)


def test_grant_refuses_an_unresolved_person_and_a_foreign_grant_id() -> None:
    grant = new_grant()
    raw = validate_partner_body(
        "credit.granted",
        body(
            "credit.granted", beneficiary={"kind": "person", "name": "Wang", "id_number": ID_NUMBER}
        ),
    )
    assert isinstance(raw, dict)
    with pytest.raises(InvalidInput, match="beneficiary"):
        grant.receive("m1", "credit.granted", raw, NOW)
    with pytest.raises(InvalidInput, match="grant_id"):
        grant.receive("m1", "credit.granted", parsed("credit.granted", grant_id="G2"), NOW)
    assert grant.pending == []


def test_person_grant_never_stores_the_id_number(check) -> None:
    grant = new_grant()
    raw = validate_partner_body(
        "credit.granted",
        body(
            "credit.granted", beneficiary={"kind": "person", "name": "Wang", "id_number": ID_NUMBER}
        ),
    )
    assert isinstance(raw, dict)
    beneficiary = resolve_beneficiary(raw["beneficiary"], SECRET, None)
    assert isinstance(beneficiary, dict)
    grant.receive("m1", "credit.granted", {**raw, "beneficiary": beneficiary}, NOW)
    stored = json.dumps([e.data for e in grant.pending])
    assert ID_NUMBER not in stored and ID_NUMBER[:14] not in stored
    check(grant)


def test_grant_id_helpers() -> None:
    assert grant_aggregate_id("bank-a", "G.1") == "bank-a.G.1"
    assert CreditGrant("bank-a.G.1").grant_id == "G.1"
    with pytest.raises(InvalidInput):
        grant_aggregate_id("bank.a", "G1")
    assert pending_loan_id("bank-a", "L1") == "bank-a.L1"


def test_parked_loan_events_flow(check) -> None:
    pending = PendingLoanEvents(pending_loan_id("bank-a", "L1"))
    assert pending.park("m3", "loan.repaid", parsed("loan.repaid"), NOW) == "held"
    assert pending.park("m3", "loan.repaid", parsed("loan.repaid"), NOW) == "duplicate"
    with pytest.raises(InvalidInput):
        pending.park("m4", "loan.disbursed", parsed("loan.disbursed"), NOW)

    grant = new_grant()
    grant.receive("m1", "credit.granted", parsed("credit.granted"), NOW)
    grant.receive("m2", "loan.disbursed", parsed("loan.disbursed"), NOW)
    for item in pending.waiting():
        grant.receive(item["message_id"], item["event_type"], item["body"], NOW)
    # A crash before the release only repeats message ids: no second effect.
    for item in pending.waiting():
        assert (
            grant.receive(item["message_id"], item["event_type"], item["body"], NOW) == "duplicate"
        )
    pending.release([item["message_id"] for item in pending.waiting()], NOW)
    assert pending.waiting() == []
    assert pending.park("m3", "loan.repaid", parsed("loan.repaid"), NOW) == "duplicate"
    assert grant.loan_outstanding_fen("L1") == 2_000_000
    check(pending)
    check(grant)
