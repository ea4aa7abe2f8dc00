"""Young entrepreneurs and credit applications (services/funding/domain/applications.py) and
the bank's answer messages (partner_messages.py): pure rules, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from eventkit.errors import InvalidInput, RuleViolation
from eventkit.identifiers import make_resident_id
from services.funding.domain.applications import (
    CreditApplication,
    YoungEntrepreneur,
    age_on,
    young_entrepreneur_problem,
)
from services.funding.domain.partner_messages import validate_partner_body
from tests.unit.funding.conftest import settle

DAY = dt.date(2026, 10, 1)


def person(born: dt.date = dt.date(1996, 7, 1), on: dt.date = DAY, **kw) -> YoungEntrepreneur:
    agg = YoungEntrepreneur("e1")
    agg.register("李青", make_resident_id("371202", born, "123"), "13800138000", "coop1",
                 "branch1", on, id_key="k" * 64, **kw)
    return settle(agg)


def sent(app_id: str = "a1") -> CreditApplication:
    app = CreditApplication(app_id)
    app.submit(entrepreneur=person(), partner_id="agbank", amount_fen=5_000_000,
               term_months=36, purpose="大棚", submitted_on=DAY)
    app.precheck("passed", DAY)
    app.recommend("root", "working_committee", DAY + dt.timedelta(days=1))
    app.send(DAY + dt.timedelta(days=2), "93371202MA00000001")
    return settle(app)


def test_age_counts_full_years_and_35_is_no_longer_young() -> None:
    assert age_on(dt.date(1991, 10, 2), DAY) == 34
    assert age_on(dt.date(1991, 10, 1), DAY) == 35
    assert young_entrepreneur_problem(dt.date(1991, 10, 2), DAY) is None
    assert "under 35" in (young_entrepreneur_problem(dt.date(1991, 10, 1), DAY) or "")
    assert "at least 18" in (young_entrepreneur_problem(dt.date(2010, 1, 1), DAY) or "")
    # configurable limits
    assert young_entrepreneur_problem(dt.date(1991, 10, 1), DAY, max_age=40) is None


def test_registration_keeps_the_person_and_refuses_35_and_over() -> None:
    agg = person(born=dt.date(1991, 10, 2))
    assert agg.birth_date == dt.date(1991, 10, 2) and agg.unit_id == "branch1"
    with pytest.raises(InvalidInput, match="under 35"):
        person(born=dt.date(1991, 10, 1))
    with pytest.raises(InvalidInput, match="id_number"):
        YoungEntrepreneur("e2").register("x", "371202199607011230", None, "c", "u", DAY,
                                         id_key="k")
    with pytest.raises(RuleViolation):
        agg.register("李青", make_resident_id("371202", dt.date(1996, 7, 1), "123"), None,
                     "coop1", "branch1", DAY, id_key="k")


def test_the_steps_go_in_order_naming_the_due_step() -> None:
    app = CreditApplication("a1")
    app.submit(entrepreneur=person(), partner_id="agbank", amount_fen=5_000_000,
               term_months=36, purpose="大棚", submitted_on=DAY)
    for attempt in (lambda: app.recommend("root", "working_committee", DAY),
                    lambda: app.send(DAY, None)):
        with pytest.raises(RuleViolation) as refused:
            attempt()
        assert refused.value.details["due_step"] == "precheck"
    app.precheck("passed", DAY)
    with pytest.raises(InvalidInput, match="working committee"):
        app.recommend("b1", "branch", DAY)
    with pytest.raises(InvalidInput, match="before the previous step"):
        app.recommend("root", "working_committee", DAY - dt.timedelta(days=1))
    app.recommend("root", "working_committee", DAY)
    app.send(DAY, None)
    assert settle(app).status == "sent"
    with pytest.raises(RuleViolation, match="bank_answer"):
        app.precheck("passed", DAY)


def test_a_failed_precheck_needs_a_reason_and_closes_the_application() -> None:
    app = CreditApplication("a1")
    app.submit(entrepreneur=person(), partner_id="agbank", amount_fen=1, term_months=12,
               purpose="p", submitted_on=DAY)
    with pytest.raises(InvalidInput, match="note"):
        app.precheck("failed", DAY)
    app.precheck("failed", DAY, "材料不全")
    assert settle(app).status == "declined"
    with pytest.raises(RuleViolation, match="closed"):
        app.recommend("root", "working_committee", DAY)


def test_submission_checks_the_applicant_and_the_terms() -> None:
    with pytest.raises(InvalidInput, match="entrepreneur_id"):
        CreditApplication("a").submit(entrepreneur=YoungEntrepreneur("nobody"),
                                      partner_id="b", amount_fen=1, term_months=1,
                                      purpose="p", submitted_on=DAY)
    aged = person(born=dt.date(1991, 10, 5))  # 34 at registration, 35 a few days later
    with pytest.raises(InvalidInput, match="under 35"):
        CreditApplication("a").submit(entrepreneur=aged, partner_id="b", amount_fen=1,
                                      term_months=1, purpose="p",
                                      submitted_on=dt.date(2026, 10, 5))
    for amount, term in ((0, 12), (1, 0), (1, 361)):
        with pytest.raises(InvalidInput):
            CreditApplication("a").submit(entrepreneur=person(), partner_id="b",
                                          amount_fen=amount, term_months=term, purpose="p",
                                          submitted_on=DAY)


def test_the_bank_answers_once_and_only_its_own_sent_applications() -> None:
    app = sent()
    assert app.bank_granted("agbank", "m1", "G1", 4_000_000, "2026-10-20") == "applied"
    assert app.bank_granted("agbank", "m1", "G1", 4_000_000, "2026-10-20") == "duplicate"
    assert app.status == "granted" and app.pending[-1].type == "ApplicationGranted"
    with pytest.raises(RuleViolation, match="is granted, not awaiting"):
        app.bank_refused("agbank", "m2", "no", "2026-10-21")

    other = sent("a2")
    with pytest.raises(RuleViolation, match="not sent to partner"):
        other.check_answer("otherbank")
    with pytest.raises(RuleViolation, match="not the applicant"):
        other.check_answer("agbank", {"kind": "person", "id_key": "x" * 64})
    with pytest.raises(RuleViolation, match="cooperative"):
        other.check_answer("agbank", {"kind": "cooperative", "cooperative_id": "coop2"})
    other.check_answer("agbank", {"kind": "person", "id_key": "k" * 64})
    other.check_answer("agbank", {"kind": "cooperative", "cooperative_id": "coop1"})
    assert other.bank_refused("agbank", "m3", "征信不足", "2026-10-21") == "applied"
    assert other.status == "refused" and other.pending[-1].type == "ApplicationRefused"
    with pytest.raises(InvalidInput, match="unknown application"):
        CreditApplication("nothing").check_answer("agbank")


def test_the_sent_event_carries_no_personal_data() -> None:
    fresh = CreditApplication("a3")
    fresh.submit(entrepreneur=person(), partner_id="agbank", amount_fen=5, term_months=3,
                 purpose="p", submitted_on=DAY)
    fresh.precheck("passed", DAY)
    fresh.recommend("root", "working_committee", DAY)
    fresh.send(DAY, None)
    out = fresh.pending[-1]
    assert out.type == "ApplicationSentToBank"
    assert set(out.data) == {"application_ref", "partner_id", "unit_id", "recommended_by_unit",
                             "cooperative_id", "cooperative_uscc", "amount_fen", "term_months",
                             "purpose", "sent_on"}


# ------------------------------------------------------------- the bank's messages
def test_credit_refused_and_the_optional_application_ref() -> None:
    assert validate_partner_body("credit.refused", {
        "application_ref": "a1", "reason": " 征信不足 ", "refused_at": "2026-10-21",
        "extra": 1}) == {"application_ref": "a1", "reason": "征信不足",
                         "refused_at": "2026-10-21"}
    assert "reason is required" in str(validate_partner_body(
        "credit.refused", {"application_ref": "a1", "refused_at": "2026-10-21"}))
    assert "application_ref is required" in str(validate_partner_body(
        "credit.refused", {"reason": "x", "refused_at": "2026-10-21"}))
    grant = {"grant_id": "G1", "beneficiary": {"kind": "person", "name": "Z",
                                               "id_number": make_resident_id(
                                                   "371202", dt.date(1996, 7, 1), "123")},
             "amount_fen": 1, "term_months": 12, "annual_rate_bp": 400, "guarantee": "credit",
             "purpose": "p", "granted_at": "2026-10-20"}
    parsed = validate_partner_body("credit.granted", grant)
    assert isinstance(parsed, dict) and "application_ref" not in parsed  # as before
    parsed = validate_partner_body("credit.granted", {**grant, "application_ref": "a1"})
    assert isinstance(parsed, dict) and parsed["application_ref"] == "a1"
    assert "application_ref" in str(validate_partner_body("credit.granted",
                                                          {**grant, "application_ref": 7}))
